package mtgobench

import (
	"context"
	"crypto/rsa"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// footprint is the process's live heap, goroutines and open files.
type footprint struct {
	heap       uint64
	goroutines int
	fds        int
}

func measureFootprint() footprint {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, _ := os.ReadDir("/proc/self/fd")
	return footprint{heap: ms.HeapAlloc, goroutines: runtime.NumGoroutine(), fds: len(fds)}
}

// BenchmarkClientFootprint starts clients from the exported session of a logged-in bot (the
// key exists: no key exchange, no login) against one teletest cluster, each checked with one
// call, and reports the start-up time per client and, once all are idle, the heap,
// goroutines and file descriptors each one adds to the process (the server's share for its
// connection included: the cluster runs in this process). b.N is the number of clients.
// FOOTPRINT_HEAP_PROFILE=path writes the heap profile of the idle clients,
// FOOTPRINT_GOROUTINES=path their goroutines.
//
//	go test -run XX -bench ClientFootprint -benchtime 200x ./integration/bench/
func BenchmarkClientFootprint(b *testing.B) { clientFootprint(b, nil) }

// clientFootprint is BenchmarkClientFootprint with client i's storage from storageFor
// (opened as part of its start-up), or in memory when storageFor is nil.
func clientFootprint(b *testing.B, storageFor func(ctx context.Context, i int) (mtgo.Storage, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cl, sess := footprintCluster(ctx, b)

	before := measureFootprint()
	clients := make([]*mtgo.Client, 0, b.N)
	defer func() {
		for _, c := range clients {
			c.Stop()
		}
	}()
	var startup time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		var st mtgo.Storage
		if storageFor != nil {
			var err error
			if st, err = storageFor(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
		c, err := startFootprintClient(ctx, cl, sess, st)
		if c != nil {
			clients = append(clients, c)
		}
		if err != nil {
			b.Fatal(err)
		}
		startup += time.Since(t0)
	}
	b.StopTimer()
	after := measureFootprint()
	if path := os.Getenv("FOOTPRINT_HEAP_PROFILE"); path != "" { // the idle clients' heap
		if f, err := os.Create(path); err == nil {
			_ = pprof.WriteHeapProfile(f)
			_ = f.Close()
		}
	}
	if path := os.Getenv("FOOTPRINT_GOROUTINES"); path != "" { // who the goroutines are
		if f, err := os.Create(path); err == nil {
			_ = pprof.Lookup("goroutine").WriteTo(f, 1)
			_ = f.Close()
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(startup.Microseconds())/n, "startup-µs/client")
	b.ReportMetric(float64(int64(after.heap)-int64(before.heap))/n/1024, "heap-KiB/client")
	b.ReportMetric(float64(after.goroutines-before.goroutines)/n, "goroutines/client")
	b.ReportMetric(float64(after.fds-before.fds)/n, "fds/client")
}

// footprintCluster starts a teletest cluster (closed when tb ends), logs a bot in on it and
// returns the cluster and the bot's exported session, the first client stopped again.
func footprintCluster(ctx context.Context, tb testing.TB) (*teletest.Cluster, string) {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.NewChaCha8([32]byte{9}), 2048)
	if err != nil {
		tb.Fatal(err)
	}
	cl, err := teletest.Start(teletest.Config{Key: key})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cl.Close() })
	first := loginMTGo(ctx, tb, cl)
	defer first.Stop()
	sess, err := first.ExportSessionString()
	if err != nil {
		tb.Fatal(err)
	}
	return cl, sess
}

// startFootprintClient starts a client on cl from the exported session sess (the key
// exists: no key exchange, no login) with storage st, or in memory when st is nil, and
// checks it with one call. A client that was created is returned for the caller to stop,
// also with an error.
func startFootprintClient(ctx context.Context, cl *teletest.Cluster, sess string, st mtgo.Storage) (*mtgo.Client, error) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = st == nil
	cfg.Storage = st
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	cfg.SessionString = sess
	cfg.NoObfuscation = true
	c, err := mtgo.NewClient(4242, "footprint", &cfg)
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	if err := c.ConnectContext(ctx); err != nil {
		return c, fmt.Errorf("connect: %w", err)
	}
	if _, err := c.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		return c, fmt.Errorf("first call: %w", err)
	}
	return c, nil
}
