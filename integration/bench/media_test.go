package mtgobench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram/downloader"
	"github.com/gotd/td/telegram/uploader"
	gotdtg "github.com/gotd/td/tg"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Both libraries talk to the same in-process fake file server (media/mediatest) through the
// same "wire": each request is encoded by the library's own TL code, decoded by the server,
// served, and the answer's bytes are decoded by the library's own TL code. Both sides pay the
// same copies; what differs is the transfer loop.

const mediaBenchSize = 64 << 20

// rawAnswer keeps the encoded answer bytes.
type rawAnswer struct{ b []byte }

func (r *rawAnswer) Decode(b *tl.Buffer) error {
	r.b = append(r.b[:0], b.Raw()...)
	return b.Skip(b.Len())
}

// serve decodes request bytes, runs them on the fake server and returns the answer bytes.
func serve(ctx context.Context, inv tg.Invoker, req []byte) ([]byte, error) {
	var rb tl.Buffer
	rb.ResetTo(req)
	obj, err := tg.DecodeObject(&rb)
	if err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	var ans rawAnswer
	if err := inv.Invoke(ctx, obj, &ans); err != nil {
		return nil, err
	}
	return ans.b, nil
}

// mtgoWire is the wire for MTGo's media package.
type mtgoWire struct{ inv tg.Invoker }

func (w mtgoWire) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	var b tl.Buffer
	if err := in.Encode(&b); err != nil {
		return err
	}
	ans, err := serve(ctx, w.inv, b.Buf)
	if err != nil {
		return err
	}
	var ab tl.Buffer
	ab.ResetTo(ans)
	return out.Decode(&ab)
}

func mtgoPool(srv *mediatest.Server) media.Pool {
	return media.PoolFunc(func(ctx context.Context, dc int, kind media.Kind) (tg.Invoker, error) {
		inv, err := srv.Pool().DC(ctx, dc, kind)
		if err != nil {
			return nil, err
		}
		return mtgoWire{inv: inv}, nil
	})
}

// gotdWire is the wire for gotd's downloader and uploader.
type gotdWire struct{ inv tg.Invoker }

func (w gotdWire) Invoke(ctx context.Context, in bin.Encoder, out bin.Decoder) error {
	var b bin.Buffer
	if err := in.Encode(&b); err != nil {
		return err
	}
	ans, err := serve(ctx, w.inv, b.Buf)
	if err != nil {
		return err
	}
	return out.Decode(&bin.Buffer{Buf: ans})
}

// discardAt is an io.WriterAt that drops everything (gotd's parallel download needs one).
type discardAt struct{}

func (discardAt) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// benchReader yields n pseudo-random bytes without holding them.
type benchReader struct {
	left    int64
	pattern []byte
}

func (r *benchReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		k := copy(p[n:min(len(p), n+int(min(r.left, int64(len(r.pattern)))))], r.pattern)
		n += k
		r.left -= int64(k)
	}
	return n, nil
}

func mediaPattern() []byte {
	p := make([]byte, 64<<10)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(p)
	return p
}

// gotdConfigs compare MTGo (its defaults: 1 MiB download chunks, 512 KiB upload parts) with
// gotd at its defaults (512 KiB chunks, 128 KiB parts) and with the same sizes as MTGo.
var gotdConfigs = []struct {
	name             string
	chunk, partBytes int
}{
	{"gotd-default", 512 << 10, 128 << 10},
	{"gotd-samesize", 1 << 20, 512 << 10},
}

func BenchmarkMediaDownload(b *testing.B) {
	data := make([]byte, mediaBenchSize)
	_, _ = rand.NewChaCha8([32]byte{2}).Read(data)
	for _, rtt := range []time.Duration{2 * time.Millisecond, 0} {
		for _, workers := range []int{1, 4, 8} {
			srv := mediatest.New(mediatest.Options{Latency: rtt})
			f := srv.AddFile(data)
			loc := srv.Location(f)
			in := loc.Input.(*tg.InputDocumentFileLocation)
			name := fmt.Sprintf("rtt=%s/workers=%d", rtt, workers)
			b.Run(name+"/mtgo", func(b *testing.B) {
				c := media.New(mtgoPool(srv), media.Options{Workers: workers})
				transferLoop(b, func() error {
					if n, err := c.Download(context.Background(), loc, io.Discard); err != nil || n != mediaBenchSize {
						return fmt.Errorf("download: %d bytes, %w", n, err)
					}
					return nil
				})
			})
			for _, g := range gotdConfigs {
				b.Run(name+"/"+g.name, func(b *testing.B) {
					inv, _ := srv.Pool().DC(context.Background(), loc.DC, media.KindMedia)
					client := gotdtg.NewClient(gotdWire{inv: inv})
					gloc := &gotdtg.InputDocumentFileLocation{ID: in.ID, AccessHash: in.AccessHash, FileReference: in.FileReference}
					d := downloader.NewDownloader().WithPartSize(g.chunk)
					transferLoop(b, func() error {
						if workers == 1 {
							_, err := d.Download(client, gloc).Stream(context.Background(), io.Discard)
							return err
						}
						_, err := d.Download(client, gloc).WithThreads(workers).Parallel(context.Background(), discardAt{})
						return err
					})
				})
			}
		}
	}
}

func BenchmarkMediaUpload(b *testing.B) {
	pattern := mediaPattern()
	for _, rtt := range []time.Duration{2 * time.Millisecond, 0} {
		for _, workers := range []int{1, 4, 8} {
			srv := mediatest.New(mediatest.Options{Latency: rtt, DiscardUploads: true})
			name := fmt.Sprintf("rtt=%s/workers=%d", rtt, workers)
			b.Run(name+"/mtgo", func(b *testing.B) {
				c := media.New(mtgoPool(srv), media.Options{Workers: workers})
				transferLoop(b, func() error {
					_, err := c.Upload(context.Background(), &benchReader{left: mediaBenchSize, pattern: pattern}, mediaBenchSize, "x")
					return err
				})
			})
			for _, g := range gotdConfigs {
				b.Run(name+"/"+g.name, func(b *testing.B) {
					inv, _ := srv.Pool().DC(context.Background(), 0, media.KindMedia)
					u := uploader.NewUploader(gotdtg.NewClient(gotdWire{inv: inv})).WithThreads(workers).WithPartSize(g.partBytes)
					transferLoop(b, func() error {
						_, err := u.Upload(context.Background(), uploader.NewUpload("x", &benchReader{left: mediaBenchSize, pattern: pattern}, mediaBenchSize))
						return err
					})
				})
			}
		}
	}
}

// transferLoop runs transfer under b.Loop and reports, next to the wall time, the process's
// CPU time per transfer (both libraries, the fake server and the collector): on a machine
// shared with other work it is the steadier figure.
func transferLoop(b *testing.B, transfer func() error) {
	b.Helper()
	b.SetBytes(mediaBenchSize)
	b.ReportAllocs()
	cpu0, n := cpuTime(), 0
	for b.Loop() {
		if err := transfer(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n)/1e6, "cpu-ms/op")
}

// Both sides of the comparison move the right bytes over the shared wire.
func TestMediaWireRoundTrip(t *testing.T) {
	data := make([]byte, 3<<20+5)
	_, _ = rand.NewChaCha8([32]byte{3}).Read(data)
	srv := mediatest.New(mediatest.Options{})
	f := srv.AddFile(data)
	loc := srv.Location(f)
	var out bytes.Buffer
	if _, err := media.New(mtgoPool(srv), media.Options{Workers: 3}).Download(context.Background(), loc, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("mtgo: %v", err)
	}
	in := loc.Input.(*tg.InputDocumentFileLocation)
	inv, _ := srv.Pool().DC(context.Background(), loc.DC, media.KindMedia)
	out.Reset()
	_, err := downloader.NewDownloader().Download(gotdtg.NewClient(gotdWire{inv: inv}),
		&gotdtg.InputDocumentFileLocation{ID: in.ID, AccessHash: in.AccessHash, FileReference: in.FileReference}).Stream(context.Background(), &out)
	if err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("gotd: %v", err)
	}
	up, err := uploader.NewUploader(gotdtg.NewClient(gotdWire{inv: inv})).WithThreads(2).Upload(context.Background(), uploader.NewUpload("x", bytes.NewReader(data), int64(len(data))))
	if err != nil {
		t.Fatal(err)
	}
	var b bin.Buffer
	_ = up.Encode(&b)
	var tb tl.Buffer
	tb.ResetTo(b.Buf)
	file, err := tg.DecodeInputFileClass(&tb)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := srv.Uploaded(file); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("gotd upload assembled: %v", err)
	}
}

// BenchmarkMediaUploadSmall uploads 8 MiB (a "small" file, upload.saveFilePart with md5) with
// 4 workers at a 2 ms round trip: gotd sends small files one part at a time.
func BenchmarkMediaUploadSmall(b *testing.B) {
	const size = 8 << 20
	pattern := mediaPattern()
	srv := mediatest.New(mediatest.Options{Latency: 2 * time.Millisecond, DiscardUploads: true})
	b.Run("mtgo", func(b *testing.B) {
		c := media.New(mtgoPool(srv), media.Options{Workers: 4})
		b.SetBytes(size)
		for b.Loop() {
			if _, err := c.Upload(context.Background(), &benchReader{left: size, pattern: pattern}, size, "x"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gotd-samesize", func(b *testing.B) {
		inv, _ := srv.Pool().DC(context.Background(), 0, media.KindMedia)
		u := uploader.NewUploader(gotdtg.NewClient(gotdWire{inv: inv})).WithThreads(4).WithPartSize(512 << 10)
		b.SetBytes(size)
		for b.Loop() {
			if _, err := u.Upload(context.Background(), uploader.NewUpload("x", &benchReader{left: size, pattern: pattern}, size)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMediaDownloadToWriter downloads 64 MiB to an io.Writer with 4 workers at a 2 ms
// round trip: gotd's Stream (the io.Writer mode) is sequential, only Parallel (io.WriterAt)
// uses threads.
func BenchmarkMediaDownloadToWriter(b *testing.B) {
	data := make([]byte, mediaBenchSize)
	_, _ = rand.NewChaCha8([32]byte{4}).Read(data)
	srv := mediatest.New(mediatest.Options{Latency: 2 * time.Millisecond})
	f := srv.AddFile(data)
	loc := srv.Location(f)
	b.Run("mtgo", func(b *testing.B) {
		c := media.New(mtgoPool(srv), media.Options{Workers: 4})
		b.SetBytes(mediaBenchSize)
		for b.Loop() {
			if _, err := c.Download(context.Background(), loc, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gotd-samesize", func(b *testing.B) {
		in := loc.Input.(*tg.InputDocumentFileLocation)
		inv, _ := srv.Pool().DC(context.Background(), loc.DC, media.KindMedia)
		client := gotdtg.NewClient(gotdWire{inv: inv})
		gloc := &gotdtg.InputDocumentFileLocation{ID: in.ID, AccessHash: in.AccessHash, FileReference: in.FileReference}
		d := downloader.NewDownloader().WithPartSize(1 << 20)
		b.SetBytes(mediaBenchSize)
		for b.Loop() {
			if _, err := d.Download(client, gloc).WithThreads(4).Stream(context.Background(), io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
