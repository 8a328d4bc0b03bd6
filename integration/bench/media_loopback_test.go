package mtgobench

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/telegram/downloader"
	"github.com/gotd/td/telegram/uploader"
	gotdtg "github.com/gotd/td/tg"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Media over loopback TCP through both whole clients: MTGo's mtgo.Client (session loop, key
// exchange, obfuscated transport, per-DC transfer lanes) and gotd's telegram.Client (with a
// connection pool of as many connections as workers), against one teletest cluster in this
// process. Client, server and both sides' encryption share the machine's cores, so rtt=0 is
// CPU-bound; the rtt rows hold every file answer back by a fixed delay to model a network
// round trip.

// loopbackRTTs are the modelled round trips: plain loopback and 10 ms per file call.
var loopbackRTTs = []time.Duration{0, 10 * time.Millisecond}

// fileMethods are the calls the round trip delays.
var fileMethods = []uint32{
	tg.UploadGetFileRequestTypeID,
	tg.UploadSaveFilePartRequestTypeID,
	tg.UploadSaveBigFilePartRequestTypeID,
}

// loopbackEnv is one cluster with a logged-in client of each library and a stored file.
type loopbackEnv struct {
	cl   *teletest.Cluster
	mt   *mtgo.Client
	gotd *telegram.Client
	data []byte
	loc  media.Location
	gloc *gotdtg.InputDocumentFileLocation
	stop func()
}

// startLoopback starts a cluster, logs a bot in with each library and stores size random
// bytes as a document (uploaded by MTGo, then messages.uploadMedia).
func startLoopback(tb testing.TB, size int) *loopbackEnv {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.NewChaCha8([32]byte{9}), 2048)
	if err != nil {
		tb.Fatal(err)
	}
	cl, err := teletest.Start(teletest.Config{Key: key, World: func(c *world.Config) {
		// The benchmark never uses its uploads: keep only the one being written, so the heap
		// stays level instead of growing (and faulting in fresh pages) from one
		// sub-benchmark to the next.
		c.MaxUploadBytes = 1
	}})
	if err != nil {
		tb.Fatal(err)
	}
	env := &loopbackEnv{cl: cl, data: make([]byte, size)}
	_, _ = rand.NewChaCha8([32]byte{5}).Read(env.data)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	env.mt = loginMTGo(ctx, tb, cl)
	gotd, stopGotd := loginGotd(ctx, tb, cl)
	env.gotd = gotd
	env.stop = func() {
		stopGotd()
		env.mt.Stop()
		_ = cl.Close()
	}

	in, err := env.mt.Media().Upload(ctx, bytes.NewReader(env.data), int64(size), "loopback.bin", media.WithWorkers(8))
	if err != nil {
		env.stop()
		tb.Fatalf("store the file: %v", err)
	}
	res, err := env.mt.InvokeContext(ctx, &tg.MessagesUploadMediaRequest{
		Peer:  &tg.InputPeerSelf{},
		Media: &tg.InputMediaUploadedDocument{File: in, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{}},
	}, 0, 0)
	if err != nil {
		env.stop()
		tb.Fatalf("messages.uploadMedia: %v", err)
	}
	env.loc, err = media.MediaLocation(res.(tg.MessageMediaClass))
	if err != nil {
		env.stop()
		tb.Fatal(err)
	}
	doc, ok := env.loc.Input.(*tg.InputDocumentFileLocation)
	if !ok {
		env.stop()
		tb.Fatalf("location %T, want a document", env.loc.Input)
	}
	env.gloc = &gotdtg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}
	return env
}

// loginMTGo connects MTGo's client to the cluster as a new bot.
func loginMTGo(ctx context.Context, tb testing.TB, cl *teletest.Cluster) *mtgo.Client {
	tb.Helper()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Mtgo", Username: "mtgo_loopback_bot"})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	cfg.BotToken = bot.Token
	cfg.RequestTimeout = time.Minute
	// gotd's Plain resolver dials the intermediate framing without obfuscation; MTGo's default
	// wraps it in obfuscated2 (AES-CTR both ways). The comparison uses the same framing.
	cfg.NoObfuscation = true
	c, err := mtgo.NewClient(4242, "loopback-bench", &cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.ConnectContext(ctx); err != nil {
		c.Stop()
		tb.Fatalf("mtgo connect: %v", err)
	}
	if err := c.Login(ctx); err != nil {
		c.Stop()
		tb.Fatalf("mtgo login: %v", err)
	}
	return c
}

// loginGotd runs gotd's client against the cluster as a new bot until stop is called.
func loginGotd(ctx context.Context, tb testing.TB, cl *teletest.Cluster) (*telegram.Client, func()) {
	tb.Helper()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Gotd", Username: "gotd_loopback_bot"})
	if err != nil {
		tb.Fatal(err)
	}
	var list dcs.List
	for id, addr := range cl.Addrs() {
		host, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		list.Options = append(list.Options, gotdtg.DCOption{ID: id, IPAddress: host, Port: p})
	}
	client := telegram.NewClient(telegram.TestAppID, telegram.TestAppHash, telegram.Options{
		PublicKeys: []telegram.PublicKey{{RSA: cl.RSAPublicKey()}}, DC: 2, DCList: list,
		Resolver: dcs.Plain(dcs.PlainOptions{}), NoUpdates: true,
		// Compression off: at its default threshold (1 KiB) gotd gzips every file part it sends.
		CompressThreshold: -1,
	})
	runCtx, cancel := context.WithCancel(context.Background())
	ready := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		done <- client.Run(runCtx, func(ctx context.Context) error {
			_, err := client.Auth().Bot(ctx, bot.Token)
			ready <- err
			if err != nil {
				return err
			}
			<-ctx.Done()
			return nil
		})
	}()
	select {
	case err = <-ready:
	case err = <-done:
		err = fmt.Errorf("client stopped: %w", err)
	case <-ctx.Done():
		err = ctx.Err()
	}
	stop := func() {
		cancel()
		<-done
	}
	if err != nil {
		stop()
		tb.Fatalf("gotd login: %v", err)
	}
	return client, stop
}

// gotdPool opens gotd's pooled invoker to the home DC with up to n connections, and opens
// them with n concurrent small reads, as MTGo's transfer lanes are already open when a timed
// transfer starts.
func (e *loopbackEnv) gotdPool(tb testing.TB, n int) (*gotdtg.Client, func()) {
	tb.Helper()
	inv, err := e.gotd.Pool(int64(n))
	if err != nil {
		tb.Fatal(err)
	}
	api := gotdtg.NewClient(inv)
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := api.UploadGetFile(context.Background(), &gotdtg.UploadGetFileRequest{Location: e.gloc, Limit: 4096})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			_ = inv.Close()
			tb.Fatalf("gotd pool warm-up: %v", err)
		}
	}
	return api, func() { _ = inv.Close() }
}

// setRTT delays every file call's answer by d (0: none).
func (e *loopbackEnv) setRTT(d time.Duration) {
	e.cl.Faults().ClearFaults()
	if d > 0 {
		for _, m := range fileMethods {
			e.cl.Faults().DelayMethod(m, d, 0)
		}
	}
}

func rttName(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}

// BenchmarkLoopbackMedia downloads and uploads 64 MiB over loopback TCP from the integration
// server with 1, 4 and 8 workers, with MTGo's client and with gotd v0.93.0's downloader and
// uploader (at its default part sizes and at MTGo's). The libraries alternate per
// configuration; -count repeats each sub-benchmark in a row, so repeated single-count runs
// compare them under the same machine load. b.Loop runs each sub-benchmark's function once, so
// every sub-benchmark first moves the file once untimed: the transfer after a change of
// library, direction or worker count otherwise absorbs the previous one's garbage and lane
// changes (measured: up to 25 % slower).
func BenchmarkLoopbackMedia(b *testing.B) {
	const size = mediaBenchSize
	env := startLoopback(b, size)
	defer env.stop()
	ctx := context.Background()
	for _, rtt := range loopbackRTTs {
		env.setRTT(rtt)
		for _, workers := range []int{1, 4, 8} {
			name := func(lib, dir string) string {
				return fmt.Sprintf("%s/%s/workers=%d/rtt=%s", lib, dir, workers, rttName(rtt))
			}
			b.Run(name("mtgo", "download"), func(b *testing.B) {
				download := func() {
					if n, err := env.mt.Media().Download(ctx, env.loc, io.Discard, media.WithWorkers(workers)); err != nil || n != size {
						b.Fatalf("download: n=%d err=%v", n, err)
					}
				}
				timeTransfer(b, download)
			})
			for _, g := range gotdConfigs {
				b.Run(name(g.name, "download"), func(b *testing.B) {
					api, closePool := env.gotdPool(b, workers)
					defer closePool()
					d := downloader.NewDownloader().WithPartSize(g.chunk)
					download := func() {
						var err error
						if workers == 1 {
							_, err = d.Download(api, env.gloc).Stream(ctx, io.Discard)
						} else {
							_, err = d.Download(api, env.gloc).WithThreads(workers).Parallel(ctx, discardAt{})
						}
						if err != nil {
							b.Fatalf("download: %v", err)
						}
					}
					timeTransfer(b, download)
				})
			}
			b.Run(name("mtgo", "upload"), func(b *testing.B) {
				upload := func() {
					if _, err := env.mt.Media().Upload(ctx, bytes.NewReader(env.data), size, "up.bin", media.WithWorkers(workers)); err != nil {
						b.Fatalf("upload: %v", err)
					}
				}
				timeTransfer(b, upload)
			})
			for _, g := range gotdConfigs {
				b.Run(name(g.name, "upload"), func(b *testing.B) {
					api, closePool := env.gotdPool(b, workers)
					defer closePool()
					u := uploader.NewUploader(api).WithThreads(workers).WithPartSize(g.partBytes)
					upload := func() {
						if _, err := u.Upload(ctx, uploader.NewUpload("up.bin", bytes.NewReader(env.data), size)); err != nil {
							b.Fatalf("upload: %v", err)
						}
					}
					timeTransfer(b, upload)
				})
			}
		}
	}
	env.setRTT(0)
}

// Both clients move the right bytes through the loopback setup the benchmark uses: each
// downloads the stored file (compared by SHA-256) and uploads it into a document whose
// stored bytes match, with a round trip delay in place.
func TestLoopbackMediaRoundTrip(t *testing.T) {
	const size = 3<<20 + 4097
	env := startLoopback(t, size)
	defer env.stop()
	env.setRTT(time.Millisecond)
	ctx := context.Background()
	want := sha256.Sum256(env.data)

	h := sha256.New()
	if n, err := env.mt.Media().Download(ctx, env.loc, h, media.WithWorkers(4)); err != nil || n != size {
		t.Fatalf("mtgo download: n=%d err=%v", n, err)
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("mtgo download: sha256 differs")
	}

	api, closePool := env.gotdPool(t, 4)
	defer closePool()
	var buf bytes.Buffer
	if _, err := downloader.NewDownloader().Download(api, env.gloc).Stream(ctx, &buf); err != nil {
		t.Fatalf("gotd download: %v", err)
	}
	if got := sha256.Sum256(buf.Bytes()); got != want {
		t.Error("gotd download: sha256 differs")
	}

	for _, threads := range []int{1, 4} {
		in, err := uploader.NewUploader(api).WithThreads(threads).WithPartSize(512<<10).
			Upload(ctx, uploader.NewUpload("g.bin", bytes.NewReader(env.data), size))
		if err != nil {
			t.Fatalf("gotd upload, %d threads: %v", threads, err)
		}
		id, err := gotdStore(ctx, api, in)
		if err != nil {
			t.Fatalf("gotd upload, %d threads: %v", threads, err)
		}
		f, ok := env.cl.World().File(id)
		if !ok || sha256.Sum256(f.Data) != want {
			t.Errorf("gotd upload, %d threads: stored file differs", threads)
		}
	}
}

// gotdStore turns a file gotd uploaded into a stored document with messages.uploadMedia and
// returns its id. The server does not know gotd v0.93.0's older constructor of that method, so
// the request is encoded with MTGo's TL code and sent through gotd's connection, and the answer
// is decoded with MTGo's.
func gotdStore(ctx context.Context, api *gotdtg.Client, in gotdtg.InputFileClass) (int64, error) {
	var gb bin.Buffer
	if err := in.Encode(&gb); err != nil {
		return 0, fmt.Errorf("encode input file: %w", err)
	}
	var tb tl.Buffer
	tb.ResetTo(gb.Buf)
	file, err := tg.DecodeInputFileClass(&tb)
	if err != nil {
		return 0, fmt.Errorf("decode input file: %w", err)
	}
	var req tl.Buffer
	if err := (&tg.MessagesUploadMediaRequest{
		Peer:  &tg.InputPeerSelf{},
		Media: &tg.InputMediaUploadedDocument{File: file, MimeType: "application/octet-stream", Attributes: []tg.DocumentAttributeClass{}},
	}).Encode(&req); err != nil {
		return 0, fmt.Errorf("encode request: %w", err)
	}
	var res rawBytes
	if err := api.Invoker().Invoke(ctx, rawBytes(req.Buf), &res); err != nil {
		return 0, fmt.Errorf("messages.uploadMedia: %w", err)
	}
	tb.ResetTo(res)
	m, err := tg.DecodeMessageMediaClass(&tb)
	if err != nil {
		return 0, fmt.Errorf("decode messages.uploadMedia answer: %w", err)
	}
	md, ok := m.(*tg.MessageMediaDocument)
	if !ok {
		return 0, fmt.Errorf("messages.uploadMedia answered %T", m)
	}
	doc, ok := md.Document.(*tg.Document)
	if !ok {
		return 0, fmt.Errorf("messages.uploadMedia answered document %T", md.Document)
	}
	return doc.ID, nil
}

// rawBytes is TL encoded elsewhere: sent as is, or kept as received.
type rawBytes []byte

func (r rawBytes) Encode(b *bin.Buffer) error {
	b.Put(r)
	return nil
}

func (r *rawBytes) Decode(b *bin.Buffer) error {
	*r = append((*r)[:0], b.Buf...)
	b.Skip(b.Len())
	return nil
}

// timeTransfer times transfer with its CPU time, after a settled heap and an untimed warm-up
// (see transferLoop).
func timeTransfer(b *testing.B, transfer func()) {
	transferLoop(b, func() error {
		transfer()
		return nil
	})
}
