package mtgobench

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/telegram/message"
	gotdtg "github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest"
	"github.com/gotd/td/tgtest/services"
	"github.com/gotd/td/tgtest/services/config"
	gotdtransport "github.com/gotd/td/transport"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// benchServer is gotd's tgtest server for DC 2 on loopback TCP, set up as gotd's test cluster
// sets up its servers (intermediate framing, help.getConfig answered, other methods refused),
// answering help.getNearestDc and messages.sendMessage (updateShortSentMessage, pts counting
// up). Its connections time their reads, to show whether the server keeps up.
type benchServer struct {
	addr  *net.TCPAddr
	srv   *tgtest.Server
	conns *timedListener
}

func startBenchServer(b testing.TB) *benchServer {
	b.Helper()
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{addr: ln.Addr().(*net.TCPAddr), conns: &timedListener{Listener: ln}}
	cfg := gotdtg.Config{DCOptions: []gotdtg.DCOption{{ID: 2, IPAddress: bs.addr.IP.String(), Port: bs.addr.Port, Static: true}}}
	var cdn gotdtg.CDNConfig
	common := tgtest.NewDispatcher()
	config.NewService(&cfg, &cdn).Register(common)
	common.Fallback(services.NotImplemented)
	var pts atomic.Int32
	sent := func(s *tgtest.Server, req *tgtest.Request) error {
		p := pts.Add(1)
		return s.SendResult(req, &gotdtg.UpdateShortSentMessage{ID: int(p), Pts: int(p), PtsCount: 1, Date: int(time.Now().Unix())})
	}
	// The server speaks layer 170: MTGo's messages.sendMessage (its layer's constructor) is
	// answered by the same handler, which does not read the request.
	d := tgtest.NewDispatcher().
		Result(gotdtg.HelpGetNearestDCRequestTypeID, &gotdtg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}).
		HandleFunc(gotdtg.MessagesSendMessageRequestTypeID, sent).
		HandleFunc(tg.MessagesSendMessageRequestTypeID, sent).
		Fallback(common)
	bs.srv = tgtest.NewServer(tgtest.NewPrivateKey(key), tgtest.UnpackInvoke(d), tgtest.ServerOptions{
		DC: 2, Codec: gotdtransport.Intermediate.Codec,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = bs.srv.Serve(ctx, gotdtransport.ListenCodec(nil, bs.conns))
	}()
	b.Cleanup(func() {
		cancel()
		_ = ln.Close()
		<-done
	})
	return bs
}

// timedListener accepts connections that count the time between their reads: the server's
// connection goroutine reads a packet, handles and answers it and reads again, so that is the
// time it is busy, and the rest of the time it waits for its client.
type timedListener struct {
	net.Listener
	mu   sync.Mutex
	busy []*atomic.Int64 // per connection, nanoseconds between reads
}

func (l *timedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	busy := new(atomic.Int64)
	l.mu.Lock()
	l.busy = append(l.busy, busy)
	l.mu.Unlock()
	return &timedConn{Conn: c, busy: busy}, nil
}

// busyTimes returns each connection's time between reads so far.
func (l *timedListener) busyTimes() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]time.Duration, len(l.busy))
	for i, b := range l.busy {
		out[i] = time.Duration(b.Load())
	}
	return out
}

type timedConn struct {
	net.Conn
	busy *atomic.Int64
	last time.Time // when the last Read returned; only the reading goroutine uses it
}

func (c *timedConn) Read(p []byte) (int, error) {
	if !c.last.IsZero() {
		c.busy.Add(int64(time.Since(c.last)))
	}
	n, err := c.Conn.Read(p)
	c.last = time.Now()
	return n, err
}

// busiest returns the largest share of wall one server connection was busy between the busy
// times before and after.
func busiest(before, after []time.Duration, wall time.Duration) float64 {
	most := 0.0
	for i, a := range after {
		var b time.Duration
		if i < len(before) {
			b = before[i]
		}
		most = max(most, float64(a-b)/float64(wall))
	}
	return most
}

// clientPair is MTGo's and gotd's whole client, connected to one gotd tgtest server.
type clientPair struct {
	mtgo   *mtgo.Client
	gotd   *gotdtg.Client
	server *benchServer
}

func startClientPair(b testing.TB) clientPair {
	b.Helper()
	bs := startBenchServer(b)
	mc := startMTGoClient(b, bs)
	gctx, gcancel := context.WithCancel(context.Background())
	gc := telegram.NewClient(telegram.TestAppID, telegram.TestAppHash, telegram.Options{
		PublicKeys: []telegram.PublicKey{bs.srv.Key()}, DC: 2,
		DCList:   dcs.List{Options: []gotdtg.DCOption{{ID: 2, IPAddress: bs.addr.IP.String(), Port: bs.addr.Port, Static: true}}},
		Resolver: dcs.Plain(dcs.PlainOptions{Protocol: gotdtransport.Intermediate}), NoUpdates: true,
	})
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- gc.Run(gctx, func(ctx context.Context) error {
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	b.Cleanup(func() {
		gcancel()
		<-done
	})
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("gotd client: %v", err)
	}
	return clientPair{mtgo: mc, gotd: gc.API(), server: bs}
}

// startMTGoClient connects MTGo's whole client to bs, without an update engine (as gotd's
// client in startClientPair: NoUpdates), and stops it when the test ends.
func startMTGoClient(b testing.TB, bs *benchServer) *mtgo.Client {
	b.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoObfuscation, cfg.NoUpdates = true, true, true
	cfg.DCAddrs = map[int]string{2: bs.addr.String()}
	cfg.PublicKeys = []*rsa.PublicKey{bs.srv.Key().RSA}
	mc, err := mtgo.NewClient(17349, "bench", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(mc.Stop)
	if err := mc.Connect(30 * time.Second); err != nil {
		b.Fatalf("mtgo connect: %v", err)
	}
	return mc
}

// compareCallers runs each library's call (once untimed, to warm up) at 1, 16 and 256
// concurrent callers.
func compareCallers(b *testing.B, mtgoCall, gotdCall func() error) {
	for _, call := range []func() error{mtgoCall, gotdCall} {
		if err := call(); err != nil {
			b.Fatalf("warm-up call: %v", err)
		}
	}
	for _, callers := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("callers=%d/mtgo", callers), func(b *testing.B) { runCallers(b, callers, mtgoCall) })
		b.Run(fmt.Sprintf("callers=%d/gotd", callers), func(b *testing.B) { runCallers(b, callers, gotdCall) })
	}
}

// BenchmarkClientInvoke compares the whole clients, MTGo's Client.InvokeContext and gotd's
// telegram.Client API, calling help.getNearestDc on the same gotd tgtest server over loopback
// TCP (intermediate framing, no obfuscation) with 1, 16 and 256 concurrent callers. The key
// exchange and the first call run before the timer. cpu-ns/call is the process's CPU time
// (both clients' and the server's) per call.
func BenchmarkClientInvoke(b *testing.B) {
	c := clientCalls(startClientPair(b))[0]
	compareCallers(b, c.mtgo, c.gotd)
}

// BenchmarkClientSendMessage is BenchmarkClientInvoke with one high-level method: MTGo's
// Client.SendMessage and gotd's message.Sender, sending a short text to the user's own chat
// (inputPeerSelf); the server answers updateShortSentMessage.
func BenchmarkClientSendMessage(b *testing.B) {
	c := clientCalls(startClientPair(b))[1]
	compareCallers(b, c.mtgo, c.gotd)
}

// clientCalls are the two calls the whole-client benchmarks compare, each as MTGo's and
// gotd's function on one client pair.
func clientCalls(p clientPair) []struct {
	name       string
	mtgo, gotd func() error
} {
	ctx := context.Background()
	sender := message.NewSender(p.gotd).Self()
	invoke, send := clientMTGoCalls(p.mtgo)
	return []struct {
		name       string
		mtgo, gotd func() error
	}{{
		"Invoke", invoke,
		func() error { _, err := p.gotd.HelpGetNearestDC(ctx); return err },
	}, {
		"SendMessage", send,
		func() error { _, err := sender.Text(ctx, "hello from the benchmark"); return err },
	}}
}

// clientMTGoCalls returns MTGo's two calls of the whole-client benchmarks on mc:
// Client.InvokeContext of help.getNearestDc, and Client.SendMessage of a short text to
// inputPeerSelf.
func clientMTGoCalls(mc *mtgo.Client) (invoke, send func() error) {
	ctx := context.Background()
	return func() error {
			_, err := mc.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0)
			return err
		}, func() error {
			_, err := mc.SendMessage(ctx, &tg.InputPeerSelf{}, "hello from the benchmark")
			return err
		}
}

// BenchmarkClientRounds is the measurement behind the README's whole-client table: for each
// call and concurrency it alternates rounds of MTGo and gotd (the first of each pair
// alternating too) on the same server, so both see the same machine load, and reports the
// median of the rounds: calls/s, the ratio, and CPU per call (the process's: the running
// client's, the server's and the runtime's; the other client is idle). Allocations per call
// are each client's own: a separate pass counts every allocation of the process
// (runtime.MemStats) and takes away those made on the server's goroutines (a heap profile at
// rate 1, each allocation attributed by its stack), so the server's share is reported
// apart. One iteration is the whole comparison:
//
//	/tmp/bench.test -test.run XX -test.bench ClientRounds -test.benchtime 1x
func BenchmarkClientRounds(b *testing.B) {
	p := startClientPair(b)
	for _, c := range clientCalls(p) {
		for _, call := range []func() error{c.mtgo, c.gotd} {
			if err := call(); err != nil {
				b.Fatalf("%s warm-up call: %v", c.name, err)
			}
		}
		for _, callers := range []int{1, 16, 256} {
			b.Run(fmt.Sprintf("%s/callers=%d", c.name, callers), func(b *testing.B) {
				for range b.N {
					compareRounds(b, p.server, callers, c.mtgo, c.gotd)
				}
			})
		}
	}
}

// roundsPerComparison and roundCalls size compareRounds: each round takes some tens of
// milliseconds, long enough for the rusage clock and to average over the scheduler's moods
// (on a quiet machine a 400-call round took 5 ms at 16 callers, and the best round of a cell
// was up to 1.8x its median), short enough for many rounds.
const roundsPerComparison = 31

func roundCalls(callers int) int { return max(2000, callers*16) }

// compareRounds measures mtgo against gotd in alternating rounds and reports the medians.
// In each round it also takes the share of the time the busiest server connection was busy
// (not waiting in a read): well under 1, the server waited for the client.
func compareRounds(b *testing.B, srv *benchServer, callers int, mtgoCall, gotdCall func() error) {
	n := roundCalls(callers)
	var rate, cpu, busy [2][]float64
	calls := [2]func() error{mtgoCall, gotdCall}
	for r := range roundsPerComparison {
		for k := range 2 {
			i := (r + k) % 2 // mtgo first in even rounds, gotd first in odd ones
			busy0 := srv.conns.busyTimes()
			wall, used, err := callBatch(callers, n, calls[i])
			if err != nil {
				b.Fatal(err)
			}
			rate[i] = append(rate[i], float64(n)/wall.Seconds())
			cpu[i] = append(cpu[i], float64(used.Nanoseconds())/float64(n))
			busy[i] = append(busy[i], busiest(busy0, srv.conns.busyTimes(), wall))
		}
	}
	var own, server [2]float64
	for i, call := range calls {
		var err error
		if own[i], server[i], err = allocsPerCall(callers, n, call); err != nil {
			b.Fatal(err)
		}
	}
	ratio := median(rate[0]) / median(rate[1])
	b.Logf("callers=%d, %d rounds of %d calls: calls/s mtgo %.0f (best %.0f), gotd %.0f (best %.0f): %.2fx (bests %.2fx); "+
		"cpu-ns/call mtgo %.0f, gotd %.0f (%.2fx); allocs/call own mtgo %.1f, gotd %.1f (server's %.1f, %.1f); "+
		"server busy mtgo %.0f%% (most %.0f%%), gotd %.0f%% (most %.0f%%)",
		callers, roundsPerComparison, n, median(rate[0]), slices.Max(rate[0]), median(rate[1]), slices.Max(rate[1]), ratio,
		slices.Max(rate[0])/slices.Max(rate[1]), median(cpu[0]), median(cpu[1]), median(cpu[1])/median(cpu[0]),
		own[0], own[1], server[0], server[1],
		100*median(busy[0]), 100*slices.Max(busy[0]), 100*median(busy[1]), 100*slices.Max(busy[1]))
	b.ReportMetric(median(rate[0]), "mtgo-calls/s")
	b.ReportMetric(median(rate[1]), "gotd-calls/s")
	b.ReportMetric(ratio, "x-gotd")
	b.ReportMetric(median(cpu[0]), "mtgo-cpu-ns/call")
	b.ReportMetric(median(cpu[1]), "gotd-cpu-ns/call")
	b.ReportMetric(own[0], "mtgo-allocs/call")
	b.ReportMetric(own[1], "gotd-allocs/call")
	b.ReportMetric(server[0], "srv-allocs/call")
	b.ReportMetric(median(busy[0]), "srv-busy-mtgo")
}

// callBatch makes n calls split over callers goroutines and returns the wall-clock and the
// process CPU time they took.
func callBatch(callers, n int, call func() error) (wall, cpu time.Duration, err error) {
	var wg sync.WaitGroup
	var once sync.Once
	start, cpu0 := time.Now(), cpuTime()
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n/callers + btoi(i < n%callers) {
				if e := call(); e != nil {
					once.Do(func() { err = e })
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), cpuTime() - cpu0, err
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	return s[len(s)/2]
}

// allocsPerCall makes n calls as callBatch does and returns the allocations per call made
// outside the server's goroutines (own) and on them (server). Every allocation is counted
// (runtime.MemStats); the server's are those whose stack passes through gotd's tgtest
// package, counted in a heap profile sampling every allocation for the duration.
func allocsPerCall(callers, n int, call func() error) (own, server float64, err error) {
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = rate }()
	runtime.GC() // publishes the heap profile up to now
	srv0 := serverAllocs()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if _, _, err := callBatch(callers, n, call); err != nil {
		return 0, 0, err
	}
	runtime.ReadMemStats(&m1)
	runtime.GC()
	srv := serverAllocs() - srv0
	total := int64(m1.Mallocs - m0.Mallocs)
	return float64(total-srv) / float64(n), float64(srv) / float64(n), nil
}

// serverAllocs counts the allocations in the heap profile made on the test server's
// goroutines.
func serverAllocs() int64 {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	var sum int64
	for i := range recs {
		if onServer(recs[i].Stack()) {
			sum += recs[i].AllocObjects
		}
	}
	return sum
}

func onServer(stack []uintptr) bool {
	frames := runtime.CallersFrames(stack)
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "github.com/gotd/td/tgtest") {
			return true
		}
		if !more {
			return false
		}
	}
}
