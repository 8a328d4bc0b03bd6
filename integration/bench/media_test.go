package mtgobench

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"sync"
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

// Both libraries talk to the same in-process fake file server (media/mediatest) through a
// "wire" that models each library's own session on both ends of a call and shares the rest.
// It follows a call through each session's code, leaving out the cipher (AES-IGE and SHA-256,
// and with them gotd's fresh buffer per encrypted and decrypted packet, crypto.Cipher.Encrypt
// and decryptMessage), the sockets' system calls and each session's per-call bookkeeping;
// those are measured through the whole clients in BenchmarkLoopbackMedia.
//
//   - Shared: the packet a session would encrypt, in the pieces the cipher would read, is
//     copied into a reused server-side receive buffer (the socket), where the server decodes
//     the request in place (a part aliases the receive buffer), serves it and encodes the
//     answer into a reused buffer.
//     The answer reaches the client by one copy into the client's receive buffer
//     (receiveInto), the socket read.
//   - mtgoWire, session.Conn's path: the request is encoded into a reused call buffer; a call
//     marked by tl.WithBorrowedBytes (every upload part) leaves byte strings of 4 KiB and more
//     out of it (tl.Buffer.Borrow). The packet buffer gets the header and the request's own
//     bytes with a hole where the part goes, and the cipher reads the part from the caller's
//     memory (session/mtp Engine.Flush, crypto.EncryptMessageSegments): with the cipher left
//     out, the part goes from the caller's memory to the socket. An answer is read into the
//     transport's reused buffer, copied into memory of its own (session's readPackets), and
//     decoded with long byte strings aliased (session's decode, tl.Buffer.Alias).
//   - gotdWire, gotd v0.93.0's internal/mtproto path: the request is encoded straight into a
//     pooled packet buffer after the inner header (Conn.write's bufPool and
//     EncryptedMessageData.EncodeWithoutCopy, the path of a CompressThreshold below zero: at
//     gotd's default of 1 KiB every part is first encoded into a second buffer and gzipped,
//     which is not modelled). An answer is read into a fresh buffer (readLoop,
//     readIntermediate), copied out of the packet by proto.Result.Decode (handleResult), and
//     the generated decoder copies its byte strings (bin.Buffer.Bytes).

const mediaBenchSize = 64 << 20

const (
	// innerHeader is the packet header both sessions write before a body: salt, session_id,
	// msg_id, seq_no and length.
	innerHeader = 32
	// borrowMin is the shortest byte string MTGo's session borrows or aliases (session's
	// borrowMin).
	borrowMin = 4 << 10
)

// wireBufs are reused receive buffers: the server's and MTGo's transport's.
var wireBufs = sync.Pool{New: func() any { return new([]byte) }}

// serverBufs decode requests on the server side.
var serverBufs = sync.Pool{New: func() any { return new(tl.Buffer) }}

// appendHeader appends an inner packet header for a body of n bytes.
func appendHeader(dst []byte, n int) []byte {
	dst = append(dst, make([]byte, innerHeader-4)...)
	return binary.LittleEndian.AppendUint32(dst, uint32(n))
}

// transmit is the shared part of the wire: it copies the packet, the concatenation of
// pieces, into a server-side receive buffer, decodes the request in place and serves it; recv
// gets the answer's bytes as the server sent them and reads them with receiveInto.
func transmit(ctx context.Context, inv tg.Invoker, pieces [][]byte, recv func(sent []byte) error) error {
	in := wireBufs.Get().(*[]byte)
	defer wireBufs.Put(in)
	*in = (*in)[:0]
	for _, p := range pieces {
		*in = receiveInto(*in, p)
	}
	b := serverBufs.Get().(*tl.Buffer)
	defer func() {
		b.ResetTo(nil)
		serverBufs.Put(b)
	}()
	b.ResetTo((*in)[innerHeader:])
	b.Alias(borrowMin)
	req, err := tg.DecodeObject(b)
	if err != nil {
		return fmt.Errorf("server: decode request: %w", err)
	}
	return inv.Invoke(ctx, req, answer{recv: recv})
}

// receiveInto is the socket: the bytes sent, appended to the receiver's buffer dst.
func receiveInto(dst, sent []byte) []byte { return append(dst, sent...) }

// answer hands the server's encoded answer to the client side of the wire.
type answer struct{ recv func(sent []byte) error }

func (a answer) Decode(b *tl.Buffer) error {
	sent := b.Raw()
	if err := b.Skip(len(sent)); err != nil {
		return err
	}
	return a.recv(sent)
}

// mtgoWire is the wire for MTGo's media package.
type mtgoWire struct{ inv tg.Invoker }

// mtgoCall is a call's reused state, as session.Conn's call pool (req, ans) and its loop's
// packet buffer (pkt, pieces).
type mtgoCall struct {
	req    tl.Buffer
	pkt    []byte
	pieces [][]byte
	ans    tl.Buffer
}

var mtgoCalls = sync.Pool{New: func() any { return new(mtgoCall) }}

func (w mtgoWire) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	c := mtgoCalls.Get().(*mtgoCall)
	defer mtgoCalls.Put(c)
	c.req.Reset()
	if tl.BytesBorrowed(ctx) {
		c.req.Borrow(borrowMin)
	}
	if err := in.Encode(&c.req); err != nil {
		return err
	}
	c.packet()
	defer func() { // lets go of the borrowed bytes once the server has read them
		clear(c.pieces)
		c.req.Reset()
	}()
	return transmit(ctx, w.inv, c.pieces, func(sent []byte) error {
		rbuf := wireBufs.Get().(*[]byte)
		*rbuf = receiveInto((*rbuf)[:0], sent)
		// readPackets, in its shape: the compiler makes this make and copy of a local one
		// allocation the copy fills, without clearing it first (with len(*rbuf) it did not).
		p := *rbuf
		own := make([]byte, len(p))
		copy(own, p)
		wireBufs.Put(rbuf)
		c.ans.ResetTo(own)
		c.ans.Alias(borrowMin)
		err := out.Decode(&c.ans)
		c.ans.ResetTo(nil)
		return err
	})
}

// packet builds what Engine.Flush hands the cipher: the header and the request's own bytes
// copied into the packet buffer, and between them the borrowed strings where they are
// (crypto.EncryptMessageSegments reads those from the caller's memory). The hole the cipher
// fills in the real packet buffer is left out here, as the cipher is.
func (c *mtgoCall) packet() {
	segs := c.req.Borrowed()
	c.pkt = appendHeader(c.pkt[:0], tl.BorrowedLen(c.req.Buf, segs))
	c.pieces = c.pieces[:0]
	at, from := 0, 0
	for _, s := range segs {
		c.pkt = append(c.pkt, c.req.Buf[at:s.At]...)
		c.pieces = append(c.pieces, c.pkt[from:], s.Bytes)
		at, from = s.At, len(c.pkt)
	}
	c.pkt = append(c.pkt, c.req.Buf[at:]...)
	c.pieces = append(c.pieces, c.pkt[from:])
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

// gotdBufs is internal/mtproto's bufPool.
var gotdBufs = sync.Pool{New: func() any { return new(bin.Buffer) }}

func (w gotdWire) Invoke(ctx context.Context, in bin.Encoder, out bin.Decoder) error {
	b := gotdBufs.Get().(*bin.Buffer)
	defer gotdBufs.Put(b)
	b.Reset()
	b.Buf = appendHeader(b.Buf, 0)
	if err := in.Encode(b); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b.Buf[innerHeader-4:], uint32(len(b.Buf)-innerHeader))
	return transmit(ctx, w.inv, [][]byte{b.Buf}, func(sent []byte) error {
		pkt := receiveInto(make([]byte, 0, len(sent)), sent) // readLoop's fresh buffer
		res := append([]byte(nil), pkt...)                   // proto.Result.Decode
		return out.Decode(&bin.Buffer{Buf: res})
	})
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
//
// Each configuration starts from a settled heap, so that none is charged for the one before
// it. The memory the previous ones freed goes back to the OS before the measurement
// (debug.FreeOSMemory), not through the background scavenger during it: that cost the first
// upload after the downloads a few cpu-ms per transfer. And no configuration runs on pages an
// earlier one, allocating more, had faulted in: that spared MTGo's downloads after gotd's
// their page faults. One untimed transfer then grows the heap to this configuration's own
// working set (b.Loop starts the timer at its first call).
func transferLoop(b *testing.B, transfer func() error) {
	b.Helper()
	b.SetBytes(mediaBenchSize)
	b.ReportAllocs()
	debug.FreeOSMemory()
	if err := transfer(); err != nil {
		b.Fatal(err)
	}
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
	// Big enough for upload.saveBigFilePart: the parts are borrowed, sent in pieces.
	big := make([]byte, 11<<20+8)
	_, _ = rand.NewChaCha8([32]byte{5}).Read(big)
	file, err := media.New(mtgoPool(srv), media.Options{Workers: 3}).Upload(context.Background(), bytes.NewReader(big), int64(len(big)), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := srv.Uploaded(file); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("mtgo upload assembled: %v", err)
	}
	in := loc.Input.(*tg.InputDocumentFileLocation)
	inv, _ := srv.Pool().DC(context.Background(), loc.DC, media.KindMedia)
	out.Reset()
	_, err = downloader.NewDownloader().Download(gotdtg.NewClient(gotdWire{inv: inv}),
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
	file, err = tg.DecodeInputFileClass(&tb)
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
