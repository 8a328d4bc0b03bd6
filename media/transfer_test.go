package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var large = flag.Bool("media.large", false, "also run the 200 MiB round trip (or set MTGO_MEDIA_LARGE=1, as .ci/run does)")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// This is how the fake server is used: store or upload a file, transfer it, compare.
func TestServerUsage(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 2})
	ctx := context.Background()

	in, err := c.Upload(ctx, bytes.NewReader([]byte("hello")), 5, "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	data, err := srv.Uploaded(in) // what messages.sendMedia would store
	if err != nil {
		t.Fatal(err)
	}
	f := srv.AddFile(data)
	var out bytes.Buffer
	if _, err := c.Download(ctx, srv.Location(f), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello" {
		t.Fatalf("got %q", out.String())
	}
}

func randomData(n int, seed uint64) []byte {
	b := make([]byte, n)
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

// onlyReader hides other interfaces of a reader (an upload of unknown size from a stream).
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestRoundTrip(t *testing.T) {
	sizes := []int{1, 1000, 512 << 10, 10<<20 - 1, 10 << 20, 10<<20 + 1}
	if *large || os.Getenv("MTGO_MEDIA_LARGE") == "1" {
		sizes = append(sizes, 200<<20)
	}
	for _, size := range sizes {
		for _, known := range []bool{true, false} {
			// aliased: chunks stay in the answers' memory, as through MTGo's session.
			aliased := known == (size%2 == 0)
			// workers=1 uploads inline, as does a known size of one part.
			for _, workers := range []int{1, 4} {
				t.Run(fmt.Sprintf("%d/known=%v/aliased=%v/workers=%d", size, known, aliased, workers), func(t *testing.T) {
					srv := mediatest.New(mediatest.Options{AliasAnswers: aliased})
					c := media.New(srv.Pool(), media.Options{Workers: workers})
					data := randomData(size, uint64(size))
					ctx := context.Background()
					declared := int64(size)
					var r io.Reader = bytes.NewReader(data)
					if !known {
						declared, r = -1, onlyReader{r}
					}
					in, err := c.Upload(ctx, r, declared, "f.bin")
					if err != nil {
						t.Fatal(err)
					}
					_, big := in.(*tg.InputFileBig)
					if big != (size > media.SmallFileLimit) {
						t.Fatalf("InputFileBig = %v for %d bytes", big, size)
					}
					stored, err := srv.Uploaded(in)
					if err != nil {
						t.Fatalf("server assembly: %v", err)
					}
					if sha256.Sum256(stored) != sha256.Sum256(data) {
						t.Fatal("uploaded bytes differ")
					}
					f := srv.AddFile(stored)
					loc := srv.Location(f)
					if !known {
						loc.Size = 0
					}
					h := sha256.New()
					n, err := c.Download(ctx, loc, h)
					if err != nil {
						t.Fatal(err)
					}
					if n != int64(size) || !bytes.Equal(h.Sum(nil), sum(data)) {
						t.Fatalf("downloaded %d bytes, sha256 differs or size (want %d)", n, size)
					}
				})
			}
		}
	}
}

func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func TestEmptyFile(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{})
	ctx := context.Background()
	// Telegram stores no empty files: the upload fails before any call.
	if _, err := c.Upload(ctx, bytes.NewReader(nil), 0, "e"); !errors.Is(err, media.ErrEmptyFile) {
		t.Fatalf("known size 0: %v", err)
	}
	if _, err := c.Upload(ctx, onlyReader{bytes.NewReader(nil)}, -1, "e"); !errors.Is(err, media.ErrEmptyFile) {
		t.Fatalf("unknown size, empty stream: %v", err)
	}
	if n := srv.Calls("upload.saveFilePart"); n != 0 {
		t.Fatalf("%d calls for an empty file", n)
	}
	// An empty stored file downloads as zero bytes, with its size known or not.
	f := srv.AddFile([]byte{})
	for _, size := range []int64{0} {
		loc := srv.Location(f)
		loc.Size = size
		var out bytes.Buffer
		n, err := c.Download(ctx, loc, &out)
		if err != nil || n != 0 || out.Len() != 0 {
			t.Fatalf("download of an empty file: n=%d err=%v", n, err)
		}
	}
}

func TestUploadSizeMismatch(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{})
	ctx := context.Background()
	data := randomData(3000, 1)
	if _, err := c.Upload(ctx, bytes.NewReader(data[:2000]), 3000, "short"); !errors.Is(err, media.ErrSizeMismatch) {
		t.Fatalf("short reader: %v", err)
	}
	if _, err := c.Upload(ctx, bytes.NewReader(data), 2000, "long"); !errors.Is(err, media.ErrSizeMismatch) {
		t.Fatalf("long reader: %v", err)
	}
}

func TestUploadPartsAndMethods(t *testing.T) {
	tests := []struct {
		size, partSize int
		workers        int
		method         string
		parts          int
	}{
		{size: 10 << 20, partSize: 0, workers: 8, method: "upload.saveFilePart", parts: 20},
		{size: 10<<20 + 1, partSize: 0, workers: 8, method: "upload.saveBigFilePart", parts: 21},
		{size: 100 << 10, partSize: 1 << 10, workers: 8, method: "upload.saveFilePart", parts: 100},
		// 5000 KiB does not fit 4000 parts of 1 KiB: the part size doubles.
		{size: 5000 << 10, partSize: 1 << 10, workers: 8, method: "upload.saveFilePart", parts: 2500},
		// Inline: one worker, or one part.
		{size: 10<<20 + 1, partSize: 0, workers: 1, method: "upload.saveBigFilePart", parts: 21},
		{size: 5000 << 10, partSize: 1 << 10, workers: 1, method: "upload.saveFilePart", parts: 2500},
		{size: 512 << 10, partSize: 0, workers: 8, method: "upload.saveFilePart", parts: 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size, "/", tt.partSize, "/workers=", tt.workers), func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{PartSize: tt.partSize, Workers: tt.workers})
			data := randomData(tt.size, 2)
			in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(tt.size), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.Calls(tt.method); got != tt.parts {
				t.Errorf("%s calls = %d, want %d", tt.method, got, tt.parts)
			}
			if _, err := srv.Uploaded(in); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestUploadUnknownSizeStreamsTotals(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) { uploadUnknownSizeStreamsTotals(t, workers) })
	}
}

func uploadUnknownSizeStreamsTotals(t *testing.T, workers int) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{PartSize: 256 << 10, Workers: workers})
	size := 12<<20 + 5
	data := randomData(size, 3)
	var totals atomic.Int32
	srv.OnCall(func(call mediatest.Call) {
		if call.Method == "upload.saveBigFilePart" {
			totals.Add(1)
		}
	})
	in, err := c.Upload(context.Background(), onlyReader{bytes.NewReader(data)}, -1, "stream")
	if err != nil {
		t.Fatal(err)
	}
	big, ok := in.(*tg.InputFileBig)
	if !ok || int(big.Parts) != (size+256<<10-1)/(256<<10) {
		t.Fatalf("got %#v", in)
	}
	got, err := srv.Uploaded(in)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("assembly: %v", err)
	}
}

// A part of a stream that is sent again once the last part has gone out carries the real
// file_total_parts, not -1: Telegram's streamed uploads want -1 only while the total is unknown,
// and every part started after that carries the total, as in a known-size upload.
func TestUploadStreamResendCarriesTotal(t *testing.T) {
	const parts = 25 // 12 MiB + 5 bytes in parts of 512 KiB
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 2, RetryDelay: time.Millisecond})
	data := randomData(12<<20+5, 9)
	lastSent := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	totals := map[int][]int32{} // part -> file_total_parts of each call
	srv.OnCall(func(call mediatest.Call) {
		if call.Method != "upload.saveBigFilePart" {
			return
		}
		mu.Lock()
		totals[call.Part] = append(totals[call.Part], call.Total)
		first := len(totals[call.Part]) == 1
		mu.Unlock()
		switch {
		case call.Part == parts-1:
			once.Do(func() { close(lastSent) })
		case call.Part == 0 && first:
			<-lastSent // fails below, after the last part has gone out
		}
	})
	srv.Fail("upload.saveBigFilePart", 0, 1, errInternal)
	in, err := c.Upload(context.Background(), onlyReader{bytes.NewReader(data)}, -1, "stream")
	if err != nil {
		t.Fatal(err)
	}
	if big, ok := in.(*tg.InputFileBig); !ok || big.Parts != parts {
		t.Fatalf("got %#v, want InputFileBig of %d parts", in, parts)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := totals[0]; len(got) != 2 || got[1] != parts {
		t.Errorf("part 0 sent with file_total_parts %v, want [-1 %d] (its resend follows the last part)", got, parts)
	}
	if got := totals[parts-1]; len(got) != 1 || got[0] != parts {
		t.Errorf("last part sent with file_total_parts %v, want [%d]", got, parts)
	}
	for part, got := range totals {
		for _, n := range got {
			if n != -1 && n != parts {
				t.Errorf("part %d sent with file_total_parts %d", part, n)
			}
		}
	}
	if got, err := srv.Uploaded(in); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("assembly: %v", err)
	}
}

// zeroReader gives zero bytes for its first n reads, then 0xff bytes; it counts its reads.
type zeroReader struct{ n, reads int }

func (z *zeroReader) Read(p []byte) (int, error) {
	z.reads++
	fill := byte(0)
	if z.reads > z.n {
		fill = 0xff
	}
	for i := range p {
		p[i] = fill
	}
	return len(p), nil
}

// A random source that keeps giving zero file ids fails the upload with ErrFileID after a few
// draws, before any call, rather than drawing for ever.
func TestUploadZeroFileIDs(t *testing.T) {
	for _, n := range []int{1 << 10, math.MaxInt} {
		srv := mediatest.New(mediatest.Options{})
		z := &zeroReader{n: n}
		c := media.New(srv.Pool(), media.Options{Rand: z})
		_, err := c.Upload(context.Background(), bytes.NewReader([]byte("x")), 1, "x")
		if !errors.Is(err, media.ErrFileID) {
			t.Errorf("%d zero ids first: err = %v, want ErrFileID", n, err)
		}
		if z.reads > 16 {
			t.Errorf("%d zero ids first: %d draws", n, z.reads)
		}
		if calls := srv.Calls("upload.saveFilePart"); calls != 0 {
			t.Errorf("%d zero ids first: %d calls", n, calls)
		}
	}
	// One zero id is drawn again.
	srv := mediatest.New(mediatest.Options{})
	in, err := media.New(srv.Pool(), media.Options{Rand: &zeroReader{n: 1}}).Upload(context.Background(), bytes.NewReader([]byte("x")), 1, "x")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := in.(*tg.InputFile); !ok || f.ID != -1 {
		t.Fatalf("got %#v, want the id of the second draw (-1)", in)
	}
}

// MaxParts past 2^31 - 1 would wrap the 32-bit part numbers and counts: an upload of a known
// or unknown size fails with ErrMaxParts before reading or calling anything.
func TestUploadMaxPartsOver32Bits(t *testing.T) {
	if math.MaxInt == math.MaxInt32 {
		t.Skip("int has 32 bits")
	}
	past32 := int64(math.MaxInt32) + 1 // a variable: the constant does not compile as a 32-bit int
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{MaxParts: int(past32)})
	for _, size := range []int64{1, past32 * media.MaxPartSize, -1} {
		r := &countingReader{}
		if _, err := c.Upload(context.Background(), r, size, "x"); !errors.Is(err, media.ErrMaxParts) {
			t.Errorf("size %d: err = %v, want ErrMaxParts", size, err)
		}
		if r.n != 0 {
			t.Errorf("size %d: read %d bytes", size, r.n)
		}
	}
	if calls := srv.Calls("upload.saveFilePart") + srv.Calls("upload.saveBigFilePart"); calls != 0 {
		t.Errorf("%d calls", calls)
	}
}

// countingReader gives zeros and counts them.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	clear(p)
	r.n += len(p)
	return len(p), nil
}

func TestUploadTooLarge(t *testing.T) {
	srv := mediatest.New(mediatest.Options{MaxParts: 8000})
	c := media.New(srv.Pool(), media.Options{MaxParts: 4})
	// 4 parts of 512 KiB is the most; a stream going past it fails.
	if _, err := c.Upload(context.Background(), onlyReader{bytes.NewReader(make([]byte, 2<<20+1))}, -1, "x"); !errors.Is(err, media.ErrFileTooLarge) {
		t.Fatalf("stream: %v", err)
	}
	if _, err := c.Upload(context.Background(), bytes.NewReader(nil), 2<<20+1, "x"); !errors.Is(err, media.ErrFileTooLarge) {
		t.Fatalf("known size: %v", err)
	}
}

var errInternal = mediatest.RPCError(500, "INTERNAL_SERVER_ERROR")

func TestUploadPartRetried(t *testing.T) {
	tests := []struct {
		name          string
		workers, size int
		part, calls   int // the part failing three times, calls in all
	}{
		{"workers", 4, 3 << 20, 2, 6 + 3},
		{"one worker", 1, 3 << 20, 2, 6 + 3},
		{"one part", 4, 1000, 0, 1 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: tt.workers, RetryDelay: time.Millisecond})
			data := randomData(tt.size, 4)
			srv.Fail("upload.saveFilePart", tt.part, 3, errInternal)
			in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.Calls("upload.saveFilePart"); got != tt.calls {
				t.Errorf("calls = %d, want %d (part %d three more times)", got, tt.calls, tt.part)
			}
			if got, err := srv.Uploaded(in); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("assembly: %v", err)
			}
		})
	}
}

func TestUploadPartFailsForGood(t *testing.T) {
	data := randomData(30<<20, 5)
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: workers, RetryDelay: time.Millisecond, Retries: 2})
			srv.Fail("upload.saveBigFilePart", 7, -1, errInternal)
			in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
			var pe *media.PartError
			if !errors.As(err, &pe) || pe.Part != 7 || pe.Attempts != 3 || pe.Op != "upload" {
				t.Fatalf("err = %v, want part 7 after 3 attempts", err)
			}
			if in != nil {
				t.Fatalf("an InputFile came back with the error: %#v", in)
			}
			if !errors.Is(err, &rpcerr.Error{Code: 500}) {
				t.Fatalf("cause lost: %v", err)
			}
		})
	}
	// Final errors are not repeated (a file of one part: the inline path).
	srv2 := mediatest.New(mediatest.Options{})
	c2 := media.New(srv2.Pool(), media.Options{})
	srv2.Fail("upload.saveFilePart", 0, -1, mediatest.RPCError(400, "FILE_PART_INVALID"))
	_, err := c2.Upload(context.Background(), bytes.NewReader(data[:100]), 100, "x")
	var pe *media.PartError
	if !errors.As(err, &pe) || pe.Attempts != 1 {
		t.Fatalf("err = %v, want one attempt", err)
	}
}

func TestFloodWaitRespected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		c := media.New(srv.Pool(), media.Options{Workers: 2, FloodSleepThreshold: time.Minute})
		data := randomData(2<<20, 6)
		for _, workers := range []int{1, 2} {
			srv.Fail("upload.saveFilePart", 1, 1, mediatest.RPCError(420, "FLOOD_WAIT_30"))
			start := time.Now()
			in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x", media.WithWorkers(workers))
			if err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el != 30*time.Second {
				t.Fatalf("workers=%d: upload took %s, want the 30 s flood wait", workers, el)
			}
			if _, err := srv.Uploaded(in); err != nil {
				t.Fatal(err)
			}
		}
		f := srv.AddFile(data)
		srv.FailOffset("upload.getFile", 1<<20, 1, mediatest.RPCError(420, "FLOOD_WAIT_5"))
		start := time.Now()
		if _, err := c.Download(context.Background(), srv.Location(f), io.Discard); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el != 5*time.Second {
			t.Fatalf("download took %s, want the 5 s flood wait", el)
		}
	})
}

// The flood limit is Options.FloodSleepThreshold (the client passes its SleepThreshold): a
// wait up to it is slept through, a longer one fails at once, and a negative threshold never
// sleeps.
func TestFloodSleepThreshold(t *testing.T) {
	tests := []struct {
		name      string
		threshold time.Duration // Options.FloodSleepThreshold
		wait      int           // FLOOD_WAIT_X
		slept     time.Duration // time the transfer took (in the synctest bubble)
		fails     bool
	}{
		{"default, below", 0, 9, 9 * time.Second, false},
		{"default, at", 0, 10, 10 * time.Second, false},
		{"default, above", 0, 11, 0, true},
		{"default, an hour", 0, 3600, 0, true},
		{"raised", 2 * time.Minute, 90, 90 * time.Second, false},
		{"lowered", time.Second, 2, 0, true},
		{"never", -1, 0, 0, true},
		{"never, long", -1, 30, 0, true},
	}
	for _, tt := range tests {
		for _, op := range []string{"upload", "upload inline", "download", "download inline"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					srv := mediatest.New(mediatest.Options{})
					workers := 2
					if op == "upload inline" {
						workers = 1
					}
					c := media.New(srv.Pool(), media.Options{Workers: workers, FloodSleepThreshold: tt.threshold})
					data := randomData(3<<20, 6)
					flood := mediatest.RPCError(420, fmt.Sprintf("FLOOD_WAIT_%d", tt.wait))
					start := time.Now()
					var err error
					if op != "download" {
						srv.Fail("upload.saveFilePart", 1, 1, flood)
						_, err = c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
					} else {
						f := srv.AddFile(data)
						srv.FailOffset("upload.getFile", 1<<20, 1, flood)
						_, err = c.Download(context.Background(), srv.Location(f), io.Discard)
					}
					if el := time.Since(start); el != tt.slept {
						t.Errorf("took %s, want %s", el, tt.slept)
					}
					if tt.fails {
						if !errors.Is(err, media.ErrFloodWait) || !errors.Is(err, &rpcerr.Error{Type: "FLOOD_WAIT"}) {
							t.Fatalf("err = %v, want ErrFloodWait wrapping the FLOOD_WAIT", err)
						}
					} else if err != nil {
						t.Fatal(err)
					}
				})
			})
		}
	}
}

func TestDownloadPartRetried(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		failAt    int64
		wantCalls int
	}{
		{"workers", 5<<20 + 17, 3 << 20, 6 + 3},
		{"one chunk, inline", 1000, 0, 1 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: 4, RetryDelay: time.Millisecond})
			data := randomData(tt.size, 7)
			f := srv.AddFile(data)
			srv.FailOffset("upload.getFile", tt.failAt, 3, errInternal)
			var out bytes.Buffer
			if _, err := c.Download(context.Background(), srv.Location(f), &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatal("bytes differ")
			}
			if got := srv.Calls("upload.getFile"); got != tt.wantCalls {
				t.Fatalf("getFile calls = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestDownloadPartFailsForGood(t *testing.T) {
	tests := []struct {
		name string
		size int
		part int64 // the chunk that fails; everything before it is written
	}{
		{"workers", 8 << 20, 5},
		{"one chunk, inline", 1000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: 4, RetryDelay: time.Millisecond, Retries: 1})
			data := randomData(tt.size, 8)
			f := srv.AddFile(data)
			at := tt.part << 20
			srv.FailOffset("upload.getFile", at, -1, errInternal)
			var out bytes.Buffer
			n, err := c.Download(context.Background(), srv.Location(f), &out)
			var pe *media.PartError
			if !errors.As(err, &pe) || pe.Part != tt.part || pe.Offset != at || pe.Attempts != 2 {
				t.Fatalf("err = %v, want chunk %d after 2 attempts", err, tt.part)
			}
			if n != at || !bytes.Equal(out.Bytes(), data[:at]) {
				t.Fatalf("wrote %d bytes (%d in the writer), want the %d before the failure", n, out.Len(), at)
			}
		})
	}
}

func TestDownloadSizeMismatch(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{})
	f := srv.AddFile(randomData(3<<20, 9))
	loc := srv.Location(f)
	loc.Size = 4 << 20 // declared larger than the file
	_, err := c.Download(context.Background(), loc, io.Discard)
	if !errors.Is(err, media.ErrSizeMismatch) {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelMidTransfer(t *testing.T) {
	for _, op := range []string{"upload", "upload inline", "download", "download inline"} {
		t.Run(op, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			srv := mediatest.New(mediatest.Options{Latency: time.Millisecond})
			workers := 4
			if op == "upload inline" {
				workers = 1
			}
			c := media.New(srv.Pool(), media.Options{Workers: workers})
			size, cancelAt := 20<<20, int32(6)
			if op == "download inline" { // a file of one chunk
				size, cancelAt = 1000, 1
			}
			data := randomData(size, 10)
			f := srv.AddFile(data)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var calls atomic.Int32
			srv.OnCall(func(mediatest.Call) {
				if calls.Add(1) == cancelAt {
					cancel()
				}
			})
			var err error
			var out bytes.Buffer
			if op == "upload" || op == "upload inline" {
				var in tg.InputFileClass
				in, err = c.Upload(ctx, bytes.NewReader(data), int64(len(data)), "x")
				if in != nil {
					t.Fatal("an InputFile came back from a cancelled upload")
				}
			} else {
				_, err = c.Download(ctx, srv.Location(f), &out)
				if out.Len() >= len(data) {
					t.Fatal("the whole file was written")
				}
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestCancelWhileReaderBlocks(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 2})
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Upload(ctx, pr, -1, "pipe")
		done <- err
	}()
	chunk := make([]byte, 64<<10)
	for range 200 { // 12.5 MiB: past the small-file limit, parts are in flight
		if _, err := pw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	pw.CloseWithError(errors.New("writer gone")) // a reader blocked in Read must be released by its owner
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// holdUntilPeak returns a call hook that holds every call until srv has had want calls in
// flight at once, or until a deadline. On a loaded machine a fixed latency alone does not
// make all workers overlap; holding the early calls does, so a peak below want means the
// client really sent fewer calls at once.
func holdUntilPeak(srv *mediatest.Server, want int) func(mediatest.Call) {
	deadline := time.Now().Add(10 * time.Second)
	return func(mediatest.Call) {
		for srv.PeakInFlight() < want && time.Now().Before(deadline) {
			time.Sleep(200 * time.Microsecond)
		}
	}
}

func TestParallelism(t *testing.T) {
	srv := mediatest.New(mediatest.Options{Latency: 2 * time.Millisecond})
	srv.OnCall(holdUntilPeak(srv, 6))
	c := media.New(srv.Pool(), media.Options{Workers: 6})
	data := randomData(16<<20, 11)
	if _, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x"); err != nil {
		t.Fatal(err)
	}
	if p := srv.PeakInFlight(); p != 6 {
		t.Fatalf("upload peak in flight = %d, want 6", p)
	}
	srv2 := mediatest.New(mediatest.Options{Latency: 2 * time.Millisecond})
	srv2.OnCall(holdUntilPeak(srv2, 6))
	f := srv2.AddFile(data)
	c2 := media.New(srv2.Pool(), media.Options{Workers: 6})
	if _, err := c2.Download(context.Background(), srv2.Location(f), io.Discard); err != nil {
		t.Fatal(err)
	}
	if p := srv2.PeakInFlight(); p != 6 {
		t.Fatalf("download peak in flight = %d, want 6", p)
	}
}

// inlineCase is a transfer of size bytes (known to the transfer or not) on workers workers,
// during whose calls up to extra goroutines run beside the caller's (0: none).
type inlineCase struct {
	name    string
	workers int
	size    int
	known   bool
	extra   int
}

// An upload that has one part in flight at a time (one worker, or a known size of one part)
// makes its calls from the caller's goroutine and starts none; with more workers every call
// runs beside the worker goroutines (up to extra of them: a worker that finds the source used
// up ends while the others still send their last parts).
func TestUploadInlineStartsNoGoroutine(t *testing.T) {
	tests := []inlineCase{
		{"one worker", 1, 3 << 20, true, 0},
		{"one worker, unknown size", 1, 12 << 20, false, 0},
		{"one part", 4, 1000, true, 0},
		{"one full part", 4, 512 << 10, true, 0},
		{"workers", 4, 3 << 20, true, 4},
		// An unknown size may need more parts: the workers start.
		{"one part, unknown size", 4, 1000, false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: tt.workers})
			data := randomData(tt.size, 12)
			declared := int64(tt.size)
			var r io.Reader = bytes.NewReader(data)
			if !tt.known {
				declared, r = -1, onlyReader{r}
			}
			check := countBeside(t, srv)
			in, err := c.Upload(context.Background(), r, declared, "x")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Uploaded(in); err != nil {
				t.Fatal(err)
			}
			check(srv.Calls("upload.saveFilePart")+srv.Calls("upload.saveBigFilePart"), tt.extra)
		})
	}
}

// A download of a file of one chunk fetches and writes it from the caller's goroutine and
// starts none.
func TestDownloadInlineStartsNoGoroutine(t *testing.T) {
	tests := []inlineCase{
		{"one chunk", 4, 1000, true, 0},
		{"one full chunk", 4, 1 << 20, true, 0},
		{"one chunk, one worker", 1, 1000, true, 0},
		// More chunks keep the worker path, which overlaps fetching and writing.
		{"one worker", 1, 3<<20 + 5, true, 1},
		{"workers", 4, 3 << 20, true, 4},
		// An unknown size may need more chunks.
		{"one chunk, unknown size", 4, 1000, false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: tt.workers})
			data := randomData(tt.size, 13)
			loc := srv.Location(srv.AddFile(data))
			if !tt.known {
				loc.Size = 0
			}
			check := countBeside(t, srv)
			var out bytes.Buffer
			if _, err := c.Download(context.Background(), loc, &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Fatal("downloaded bytes differ")
			}
			check(srv.Calls("upload.getFile"), tt.extra)
		})
	}
}

// countBeside counts, in srv's call hook, the goroutines running beside the test's own. The
// check it returns compares them, over calls calls, with extra: none when extra is 0,
// otherwise 1 to extra.
func countBeside(t *testing.T, srv *mediatest.Server) (check func(calls, extra int)) {
	t.Helper()
	var mu sync.Mutex
	counts := map[int]int{} // goroutines beside the caller's -> calls
	// The last subtest's workers may still be ending (a worker is done for the WaitGroup
	// before its goroutine exits): wait for them before counting.
	if err := goleak.Find(); err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	srv.OnCall(func(mediatest.Call) {
		mu.Lock()
		defer mu.Unlock()
		counts[runtime.NumGoroutine()-base]++
	})
	return func(calls, extra int) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		seen := 0
		for beside, n := range counts {
			seen += n
			if extra == 0 && beside != 0 {
				t.Errorf("%d calls beside %d goroutines, want none", n, beside)
			}
			if extra > 0 && (beside < 1 || beside > extra) {
				t.Errorf("%d calls beside %d goroutines, want 1 to %d", n, beside, extra)
			}
		}
		if seen != calls {
			t.Errorf("the call hook saw %d calls, the server %d", seen, calls)
		}
	}
}

func TestProgress(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 3})
	data := randomData(5<<20+3, 12)
	var seen []media.Progress
	record := media.WithProgress(func(p media.Progress) { seen = append(seen, p) })
	in, err := c.Upload(context.Background(), bytes.NewReader(data), int64(len(data)), "x", record)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, total int64, calls int) {
		t.Helper()
		if len(seen) != calls {
			t.Fatalf("%s: %d progress calls, want %d", what, len(seen), calls)
		}
		for i, p := range seen {
			if p.Total != total || p.Rate < 0 || (i > 0 && p.Done <= seen[i-1].Done) {
				t.Fatalf("%s: progress %d = %+v", what, i, p)
			}
		}
		if last := seen[len(seen)-1]; last.Done != int64(len(data)) {
			t.Fatalf("%s: last progress %+v", what, last)
		}
	}
	check("upload", int64(len(data)), 11)
	stored, _ := srv.Uploaded(in)
	f := srv.AddFile(stored)
	seen = nil
	if _, err := c.Download(context.Background(), srv.Location(f), io.Discard, record); err != nil {
		t.Fatal(err)
	}
	check("download", int64(len(data)), 6)
}

func TestFileMigrate(t *testing.T) {
	srv := mediatest.New(mediatest.Options{HomeDC: 2})
	c := media.New(srv.Pool(), media.Options{Workers: 4})
	data := randomData(6<<20+100, 13)
	f := srv.AddFile(data, mediatest.OnDC(4))
	var dcs [6]atomic.Int32
	srv.OnCall(func(call mediatest.Call) { dcs[call.DC].Add(1) })
	loc := srv.Location(f)
	loc.DC = 2 // wrong on purpose: the server sends FILE_MIGRATE_4
	h := sha256.New()
	if _, err := c.Download(context.Background(), loc, h); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(h.Sum(nil), sum(data)) {
		t.Fatal("bytes differ")
	}
	if dcs[4].Load() < 7 || dcs[2].Load() == 0 || dcs[2].Load() > 4 {
		t.Fatalf("calls per dc: 2=%d 4=%d", dcs[2].Load(), dcs[4].Load())
	}
}

func TestReferenceExpiredMidDownload(t *testing.T) {
	for _, tc := range []struct {
		refresher bool
		workers   int
	}{{true, 2}, {false, 2}, {true, 1}, {false, 1}} {
		refresher := tc.refresher
		t.Run(fmt.Sprintf("refresher=%v/workers=%d", refresher, tc.workers), func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: tc.workers})
			data := randomData(9<<20, 14)
			f := srv.AddFile(data)
			var once atomic.Bool
			srv.OnCall(func(call mediatest.Call) {
				// Chunk 4 starts only after chunk 0 was written (a window of 2x2 chunks).
				if call.Method == "upload.getFile" && call.Offset == 4<<20 && once.CompareAndSwap(false, true) {
					srv.ExpireReference(f.ID)
				}
			})
			var opts []media.Option
			if refresher {
				opts = append(opts, media.WithRefresher(srv.Refresher()))
			}
			var out bytes.Buffer
			n, err := c.Download(context.Background(), srv.Location(f), &out, opts...)
			if !refresher {
				if !errors.Is(err, media.ErrReferenceExpired) || n == 0 || !bytes.Equal(out.Bytes(), data[:n]) {
					t.Fatalf("n=%d err=%v", n, err)
				}
				return
			}
			if err != nil || !bytes.Equal(out.Bytes(), data) {
				t.Fatalf("n=%d err=%v", n, err)
			}
			// One refresh, every chunk fetched once with success: 9 chunks plus the ones
			// rejected with the old reference (at most one per worker).
			if got := srv.Calls("upload.getFile"); got < 10 || got > 11 {
				t.Fatalf("getFile calls = %d", got)
			}
		})
	}
}

// With an unknown size a short CDN answer ends the download only if the master data center
// agrees: a CDN that stops serving on a hash boundary would otherwise cut the file silently,
// since every block it did send verifies.
func TestCDNUnknownSizeEnd(t *testing.T) {
	tests := []struct {
		name    string
		size    int   // file size
		cut     int64 // the CDN serves the file up to here; -1: all of it
		known   bool  // Location.Size is given
		want    error // nil: the whole file arrives
		written int64 // bytes written before the error
	}{
		{"cut inside a chunk on a hash boundary", 3<<20 + 1000, 1<<20 + 256<<10, false, media.ErrSizeMismatch, 1 << 20},
		{"cut on a chunk boundary", 3<<20 + 1000, 2 << 20, false, media.ErrSizeMismatch, 2 << 20},
		{"cut at the start", 3<<20 + 1000, 0, false, media.ErrSizeMismatch, 0},
		{"cut, size known", 3<<20 + 1000, 1<<20 + 256<<10, true, media.ErrSizeMismatch, 1 << 20},
		{"ends on a hash boundary", 1<<20 + 256<<10, -1, false, nil, 0},
		{"ends on a chunk boundary", 2 << 20, -1, false, nil, 0},
		{"ends inside a block", 1<<20 + 1000, -1, false, nil, 0},
		{"one block", 128 << 10, -1, false, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			data := randomData(tt.size, uint64(tt.size))
			f := srv.AddFile(data, mediatest.ViaCDN(203))
			if tt.cut >= 0 {
				srv.TruncateCDN(f.ID, tt.cut)
			}
			loc := srv.Location(f)
			if !tt.known {
				loc.Size = 0
			}
			c := media.New(srv.Pool(), media.Options{Workers: 2})
			var out bytes.Buffer
			n, err := c.Download(context.Background(), loc, &out)
			if tt.want == nil {
				if err != nil || !bytes.Equal(out.Bytes(), data) {
					t.Fatalf("got %d bytes, err %v; want the %d-byte file", n, err, len(data))
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %d bytes, err %v; want %v", n, err, tt.want)
			}
			if n != tt.written || !bytes.Equal(out.Bytes(), data[:n]) {
				t.Fatalf("wrote %d bytes, want the first %d", n, tt.written)
			}
		})
	}
}

func TestCDN(t *testing.T) {
	data := randomData(5<<20+1000, 15)
	t.Run("good", func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		f := srv.AddFile(data, mediatest.ViaCDN(203))
		c := media.New(srv.Pool(), media.Options{Workers: 4})
		h := sha256.New()
		if _, err := c.Download(context.Background(), srv.Location(f), h); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(h.Sum(nil), sum(data)) {
			t.Fatal("bytes differ")
		}
		if srv.Calls("upload.getCdnFile") != 6 || srv.Calls("upload.getCdnFileHashes") == 0 {
			t.Fatalf("getCdnFile %d, hashes %d", srv.Calls("upload.getCdnFile"), srv.Calls("upload.getCdnFileHashes"))
		}
	})
	t.Run("tampered", func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		f := srv.AddFile(data, mediatest.ViaCDN(203))
		srv.TamperCDN(f.ID, 3<<20+200<<10)
		c := media.New(srv.Pool(), media.Options{Workers: 4})
		var out bytes.Buffer
		n, err := c.Download(context.Background(), srv.Location(f), &out)
		var hm *media.HashMismatchError
		if !errors.Is(err, media.ErrCDNHashMismatch) || !errors.As(err, &hm) || hm.Offset != 3<<20+128<<10 {
			t.Fatalf("err = %v", err)
		}
		if n != 3<<20 || !bytes.Equal(out.Bytes(), data[:3<<20]) {
			t.Fatalf("wrote %d bytes; the tampered chunk must not be written", n)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		f := srv.AddFile(data, mediatest.ViaCDN(203))
		c := media.New(srv.Pool(), media.Options{DisableCDN: true})
		var out bytes.Buffer
		if _, err := c.Download(context.Background(), srv.Location(f), &out); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatal(err)
		}
		if srv.Calls("upload.getCdnFile") != 0 {
			t.Fatal("cdn used")
		}
	})
	t.Run("reupload", func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		f := srv.AddFile(data, mediatest.ViaCDN(203))
		srv.RequireReupload(f.ID, 2)
		c := media.New(srv.Pool(), media.Options{Workers: 1})
		var out bytes.Buffer
		if _, err := c.Download(context.Background(), srv.Location(f), &out); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatal(err)
		}
		if got := srv.Calls("upload.reuploadCdnFile"); got != 2 {
			t.Fatalf("reuploads = %d", got)
		}
	})
	t.Run("token expired", func(t *testing.T) {
		srv := mediatest.New(mediatest.Options{})
		f := srv.AddFile(data, mediatest.ViaCDN(203))
		var n atomic.Int32
		srv.OnCall(func(call mediatest.Call) {
			if call.Method == "upload.getCdnFile" && n.Add(1) == 3 {
				srv.ExpireCDNToken(f.ID)
			}
		})
		c := media.New(srv.Pool(), media.Options{Workers: 2})
		var out bytes.Buffer
		if _, err := c.Download(context.Background(), srv.Location(f), &out); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatal(err)
		}
		if got := srv.Calls("upload.getFile"); got < 2 {
			t.Fatalf("getFile calls = %d, want a second redirect", got)
		}
	})
}

func TestDownloadToFileResume(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 3})
	data := randomData(7<<20+300, 16)
	f := srv.AddFile(data)
	dir := t.TempDir()
	path := filepath.Join(dir, "video.mp4")
	// A download interrupted after 3.5 MiB (half a chunk of the fourth).
	if err := os.WriteFile(path+".part", data[:3<<20+512<<10], 0o644); err != nil {
		t.Fatal(err)
	}
	var first media.Progress
	n, err := c.DownloadToFile(context.Background(), srv.Location(f), path, media.WithProgress(func(p media.Progress) {
		if first.Done == 0 {
			first = p
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || n != int64(len(data)) || !bytes.Equal(got, data) {
		t.Fatalf("n=%d err=%v, bytes equal=%v", n, err, bytes.Equal(got, data))
	}
	if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
		t.Fatalf(".part left behind: %v", err)
	}
	if calls := srv.Calls("upload.getFile"); calls != 5 {
		t.Fatalf("getFile calls = %d, want the 5 chunks from 3 MiB", calls)
	}
	if first.Done != 4<<20 {
		t.Fatalf("first progress %+v, want Done counting the resumed 3 MiB plus one chunk", first)
	}

	// A failed download leaves the .part file, and the next call finishes it.
	path2 := filepath.Join(dir, "b.bin")
	srv.FailOffset("upload.getFile", 4<<20, -1, mediatest.RPCError(400, "LOCATION_INVALID"))
	if _, err := c.DownloadToFile(context.Background(), srv.Location(f), path2); err == nil {
		t.Fatal("no error")
	}
	st, err := os.Stat(path2 + ".part")
	if err != nil || st.Size() != 4<<20 {
		t.Fatalf(".part after failure: %v", err)
	}
	srv2 := mediatest.New(mediatest.Options{})
	f2 := srv2.AddFile(data)
	c2 := media.New(srv2.Pool(), media.Options{})
	if _, err := c2.DownloadToFile(context.Background(), srv2.Location(f2), path2); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path2); !bytes.Equal(got, data) {
		t.Fatal("resumed file differs")
	}
	if calls := srv2.Calls("upload.getFile"); calls != 4 {
		t.Fatalf("resume made %d calls, want 4", calls)
	}
}

func TestRange(t *testing.T) {
	data := randomData(3<<20+777, 17)
	srvs := []*mediatest.Server{mediatest.New(mediatest.Options{}), mediatest.New(mediatest.Options{AliasAnswers: true})}
	files := []*mediatest.File{srvs[0].AddFile(data), srvs[1].AddFile(data)}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		srv, f := srvs[i%2], files[i%2]
		c := media.New(srv.Pool(), media.Options{Workers: 3, ChunkSize: 128 << 10})
		from := r.Int64N(int64(len(data)) + 1)
		to := from + r.Int64N(int64(len(data))-from+1)
		if i%5 == 0 {
			to = -1
		}
		loc := srv.Location(f)
		if i%3 == 0 {
			loc.Size = 0 // unknown size
		}
		var got []byte
		for chunk, err := range c.Range(context.Background(), loc, from, to) {
			if err != nil {
				t.Fatalf("[%d,%d): %v", from, to, err)
			}
			got = append(got, chunk...)
		}
		want := data[from:]
		if to >= 0 {
			want = data[from:to]
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("[%d,%d): got %d bytes, want %d", from, to, len(got), len(want))
		}
	}
}

func TestRangeBreak(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 4})
	data := randomData(20<<20, 18)
	f := srv.AddFile(data)
	n := 0
	for chunk, err := range c.Range(context.Background(), srv.Location(f), 1<<20, -1) {
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(chunk, data[1<<20+n:1<<20+n+len(chunk)]) {
			t.Fatal("chunk differs")
		}
		if n += len(chunk); n >= 2<<20 {
			break
		}
	}
	if calls := srv.Calls("upload.getFile"); calls > 2+8 {
		t.Fatalf("%d calls for 2 chunks: the window is not bounded", calls)
	}
}

func TestRangeErrors(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{})
	f := srv.AddFile(randomData(1000, 19))
	var errs []error
	for _, err := range c.Range(context.Background(), srv.Location(f), 500, 100) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], media.ErrBadRange) {
		t.Fatalf("errs = %v", errs)
	}
	if _, err := c.Download(context.Background(), media.Location{}, io.Discard); !errors.Is(err, media.ErrMediaNil) {
		t.Fatalf("nil location: %v", err)
	}
}

func TestOptionsDefaults(t *testing.T) {
	got := media.New(nil, media.Options{}).Options()
	got.Rand = nil
	want := media.Options{Workers: 4, PartSize: 512 << 10, ChunkSize: 1 << 20, MaxParts: 4000, Retries: 5,
		RetryDelay: 100 * time.Millisecond, FloodSleepThreshold: 10 * time.Second}
	if d := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Logger" }, cmp.Ignore())); d != "" {
		t.Fatal(d)
	}
}

// A size or range end near 2^63 (a document's size is the server's word; a caller may pass
// math.MaxInt64 for "to the end") plans like any other: the download fails or ends at the
// file's real end instead of waiting for chunks no worker asks for.
func TestDownloadHugeSizes(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 2})
	data := randomData(3<<20+7, 31)
	f := srv.AddFile(data)
	// A guard, not a synchronisation: before the fix these calls waited forever.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	loc := srv.Location(f)
	loc.Size = math.MaxInt64
	if _, err := c.Download(ctx, loc, io.Discard); !errors.Is(err, media.ErrSizeMismatch) {
		t.Fatalf("declared size 2^63-1: err = %v, want ErrSizeMismatch", err)
	}

	loc.Size = 0
	var got []byte
	for chunk, err := range c.Range(ctx, loc, 5, math.MaxInt64) {
		if err != nil {
			t.Fatalf("Range to MaxInt64: %v", err)
		}
		got = append(got, chunk...)
	}
	if !bytes.Equal(got, data[5:]) {
		t.Fatalf("Range to MaxInt64: %d bytes, want %d", len(got), len(data)-5)
	}
}

// A resumed download reports progress against the whole file: Done counts the bytes already
// in the .part file, and so does Total, so Done never passes Total and ends equal to it.
func TestDownloadToFileResumeProgress(t *testing.T) {
	srv := mediatest.New(mediatest.Options{})
	c := media.New(srv.Pool(), media.Options{Workers: 2})
	data := randomData(3<<20+300, 32)
	f := srv.AddFile(data)
	path := filepath.Join(t.TempDir(), "a.bin")
	if err := os.WriteFile(path+".part", data[:1<<20+5], 0o644); err != nil {
		t.Fatal(err)
	}
	var got []media.Progress
	if _, err := c.DownloadToFile(context.Background(), srv.Location(f), path, media.WithProgress(func(p media.Progress) {
		p.Rate = 0
		got = append(got, p)
	})); err != nil {
		t.Fatal(err)
	}
	size := int64(len(data))
	want := []media.Progress{{Done: 2 << 20, Total: size}, {Done: 3 << 20, Total: size}, {Done: size, Total: size}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("progress (-want +got):\n%s", d)
	}
}

// A stream of unknown size gets what a known size gets from a small preferred part size: a
// file up to 10 MiB always fits in MaxParts parts (the part size is raised for it), instead
// of failing with ErrFileTooLarge once MaxParts tiny parts are held.
func TestUploadUnknownSizeSmallParts(t *testing.T) {
	for _, tt := range []struct {
		partSize, maxParts, size int
	}{
		{1 << 10, 0, 5 << 20},
		{1 << 10, 0, 10 << 20},
		{2 << 10, 0, 10<<20 + 1},
		{1 << 10, 8000, 10 << 20},
	} {
		t.Run(fmt.Sprint(tt.partSize, "/", tt.maxParts, "/", tt.size), func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{MaxParts: 8000})
			c := media.New(srv.Pool(), media.Options{PartSize: tt.partSize, MaxParts: tt.maxParts, Workers: 4})
			data := randomData(tt.size, uint64(tt.size))
			in, err := c.Upload(context.Background(), onlyReader{bytes.NewReader(data)}, -1, "stream")
			if err != nil {
				t.Fatal(err)
			}
			got, err := srv.Uploaded(in)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("assembly: %v", err)
			}
		})
	}
}
