package teletest

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Load test scale: 200 connections doing 500 calls each (fewer calls under the race
// detector, which makes every call many times slower).
const (
	loadConns      = 200
	loadCalls      = 500
	loadRaceCalls  = 25
	loadInFlight   = 8               // calls one connection keeps in flight
	loadHeapBudget = 512 << 20       // bytes of live heap the whole test may reach
	loadTimeout    = 4 * time.Minute // the test fails rather than hang
)

// TestLoad runs 200 concurrent client connections (package session, each with its own key
// exchange and session) against one data center, each doing 500 calls with 8 in flight,
// checks that every call is answered, that the live heap stays under a budget while it runs,
// and that closing clients and cluster leaves no goroutine behind. It is skipped with -short.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: run without -short")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	calls := loadCalls
	if raceEnabled {
		calls = loadRaceCalls
	}
	stats := runLoad(t, loadConns, calls)
	t.Logf("%d connections (connected in %v) x %d calls: %v, %.0f calls/s, peak live heap %d MiB, %d goroutines at peak",
		loadConns, stats.connect.Round(time.Millisecond), calls, stats.elapsed.Round(time.Millisecond),
		float64(loadConns*calls)/stats.elapsed.Seconds(), stats.peakHeap>>20, stats.peakGoroutines)
	if stats.peakHeap > loadHeapBudget {
		t.Fatalf("peak live heap %d MiB over the %d MiB budget", stats.peakHeap>>20, loadHeapBudget>>20)
	}
}

// BenchmarkLoad measures calls through one data center from 50 connections with 8 calls in
// flight each: b.N calls in all, timed after every connection finished its key exchange.
func BenchmarkLoad(b *testing.B) {
	const conns = 50
	per := max(b.N/conns, 1)
	stats := runLoad(b, conns, per)
	b.ReportMetric(float64(stats.elapsed.Nanoseconds())/float64(conns*per), "ns/call")
	b.ReportMetric(float64(stats.connect.Milliseconds()), "connect-ms")
	b.ReportMetric(float64(stats.peakHeap>>20), "peak-MiB")
}

type loadStats struct {
	connect        time.Duration // until every client finished its key exchange
	elapsed        time.Duration // the calls
	peakHeap       uint64
	peakGoroutines int
}

// runLoad starts a cluster, connects conns clients and has each make calls calls. Everything
// it started has stopped when it returns.
func runLoad(tb testing.TB, conns, calls int) loadStats {
	tb.Helper()
	cl, err := Start(Config{DCs: 1, Key: testKey(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()

	// Sample the heap while the load runs.
	var peakHeap atomic.Uint64
	var peakG atomic.Int64
	sampleDone := make(chan struct{})
	stopSampling := make(chan struct{})
	go func() {
		defer close(sampleDone)
		var ms runtime.MemStats
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(ms.HeapAlloc)
			}
			if g := int64(runtime.NumGoroutine()); g > peakG.Load() {
				peakG.Store(g)
			}
			select {
			case <-tick.C:
			case <-stopSampling:
				return
			}
		}
	}()

	clients := make([]*session.Conn, conns)
	runs := make([]chan error, conns)
	runCtx, stopClients := context.WithCancel(context.Background())
	for i := range clients {
		c, err := session.New(session.Options{
			Session:    session.Session{DC: 1, Addr: cl.Addr(1)},
			PublicKeys: cl.PublicKeys(),
			Init:       &session.InitConnection{Layer: Layer, APIID: 1, DeviceModel: "load", SystemVersion: "go", AppVersion: "1"},
		})
		if err != nil {
			tb.Fatal(err)
		}
		clients[i] = c
		runs[i] = make(chan error, 1)
		go func() { runs[i] <- c.Run(runCtx) }()
	}
	defer func() {
		stopClients()
		for _, r := range runs {
			<-r
		}
	}()

	start := time.Now()
	for _, c := range clients {
		select {
		case <-c.Ready():
		case <-ctx.Done():
			tb.Fatalf("clients not connected after %v", time.Since(start))
		}
	}
	connected := time.Since(start)
	start = time.Now()
	var answered atomic.Int64
	var failed atomic.Int64
	var firstErr sync.Once
	var wg sync.WaitGroup
	for _, c := range clients {
		api := tg.NewClient(c)
		next := atomic.Int64{}
		for range loadInFlight {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(calls) {
					var err error
					if next.Load()%2 == 0 {
						_, err = api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{})
					} else {
						_, err = api.UpdatesGetState(ctx, &tg.UpdatesGetStateRequest{})
						if err != nil && rpcerr.IsType(err, "AUTH_KEY_UNREGISTERED") {
							err = nil // answered: the connection is not logged in
						}
					}
					if err != nil {
						failed.Add(1)
						firstErr.Do(func() { tb.Errorf("call failed: %v", err) })
						return
					}
					answered.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampleDone
	if got, want := answered.Load(), int64(conns*calls); got != want {
		tb.Fatalf("%d of %d calls answered (%d failed)", got, want, failed.Load())
	}
	if n := cl.DC(1).Sessions(); n != conns {
		tb.Errorf("%d sessions on the server, want %d", n, conns)
	}
	return loadStats{connect: connected, elapsed: elapsed, peakHeap: peakHeap.Load(), peakGoroutines: int(peakG.Load())}
}
