package mtgobench

import (
	"context"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// The TL codec's figures in the README (BenchmarkTLDecodeUpdates: 22 allocations against
// gotd's 1743, 1.6x gotd's speed with two Ps and 2.1x with one) must not regress. The
// allocation count is exact and checked exactly by a test that runs with every test run. The
// speed is a benchmark, never a timed test (the race detector and a loaded machine make any
// wall-clock assertion flaky): BenchmarkTLDecodeGate measures the ratio in one process, each
// library's best of interleaved rounds, reports it and fails below a floor under the README's
// figure (measured on a loaded 2-core machine: 1.3x-2.2x):
//
//	go test -run '^$' -bench TLDecodeGate -benchtime 1x ./integration/bench
const (
	gateDecodeAllocs = 22  // mtgo allocations per decode of the benchmark Updates
	gateDecodeRatio  = 1.2 // mtgo decodes at least this many times as fast as gotd
)

func TestTLDecodeGate(t *testing.T) {
	mtgoDecode, _, _ := updatesDecoders(t)
	if got := testing.AllocsPerRun(200, mtgoDecode); got > gateDecodeAllocs {
		t.Errorf("decode of the benchmark Updates: %.0f allocations, the gate is %d", got, gateDecodeAllocs)
	}
}

func BenchmarkTLDecodeGate(b *testing.B) {
	mtgoDecode, gotdDecode, _ := updatesDecoders(b)
	const rounds, per = 30, 200
	best := func(decode func()) time.Duration {
		start := time.Now()
		for range per {
			decode()
		}
		return time.Since(start)
	}
	var ratio float64
	for range b.N {
		mtgoBest, gotdBest := time.Duration(1<<62), time.Duration(1<<62)
		for range rounds {
			mtgoBest = min(mtgoBest, best(mtgoDecode))
			gotdBest = min(gotdBest, best(gotdDecode))
		}
		ratio = float64(gotdBest) / float64(mtgoBest)
		b.Logf("decode of the benchmark Updates: mtgo %v, gotd %v each; %.2fx", mtgoBest/per, gotdBest/per, ratio)
	}
	b.ReportMetric(ratio, "x-gotd")
	if ratio < gateDecodeRatio {
		b.Errorf("mtgo decodes %.2fx as fast as gotd, the gate is %.1fx", ratio, gateDecodeRatio)
	}
}

// Issue #24's footprint goal for an idle authorized client, measured by
// BenchmarkClientFootprint (README: 52.3 KiB, 4 goroutines and 2 fds per client), is held by
// TestClientFootprintGate with every test run, race detector included (under it the heap
// measures 53.0-53.2 KiB). The goroutine and fd budgets are exact integers; the heap's is the
// goal itself, about 1.9x today's figure, far above the noise of a GC'd HeapAlloc difference
// over gateClients clients (about 0.1 KiB per client between runs).
const (
	gateClients    = 50
	gateGoroutines = 4       // per idle client: its session loop and reader, the server's two
	gateFDs        = 2       // per idle client: both ends of its socket
	gateHeap       = 100_000 // bytes per idle client, the server's side included
	gateIdleWait   = 30 * time.Second
)

func TestClientFootprintGate(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cl, sess := footprintCluster(ctx, t)
	// The baseline is taken once the server has dropped the login client's connection (its
	// serving goroutine may still be returning: at most one goroutine too many in the
	// baseline, far less than the gateClients a fifth goroutine per client would add).
	waitQuiet(t, "the login client's connection to close", func() bool {
		open := 0
		for dc := range cl.Addrs() {
			open += cl.DC(dc).Connections()
		}
		return open == 0
	})
	before := measureFootprint()
	clients := make([]*mtgo.Client, 0, gateClients)
	defer func() {
		for _, c := range clients {
			c.Stop()
		}
	}()
	for range gateClients {
		c, err := startFootprintClient(ctx, cl, sess, nil)
		if c != nil {
			clients = append(clients, c)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Goroutines that serve a call or an update end on their own once it is done; nothing
	// signals that the whole process has settled, so wait for the count, up to gateIdleWait.
	budget := gateGoroutines * gateClients
	if !waitQuiet(t, "", func() bool { return runtime.NumGoroutine()-before.goroutines <= budget }) {
		var stacks strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		t.Errorf("%d idle clients added %d goroutines after %v, the gate is %d per client (%d); goroutines:\n%s",
			gateClients, runtime.NumGoroutine()-before.goroutines, gateIdleWait, gateGoroutines, budget, &stacks)
	}
	after := measureFootprint()
	if fds := after.fds - before.fds; fds > gateFDs*gateClients {
		t.Errorf("%d idle clients added %d file descriptors, the gate is %d per client", gateClients, fds, gateFDs)
	}
	heap := (int64(after.heap) - int64(before.heap)) / gateClients
	t.Logf("per idle client: %.1f KiB heap, %.2f goroutines, %.2f fds", float64(heap)/1024,
		float64(after.goroutines-before.goroutines)/gateClients, float64(after.fds-before.fds)/gateClients)
	if heap >= gateHeap {
		t.Errorf("heap per idle client %d bytes (over %d clients), the gate is < %d", heap, gateClients, gateHeap)
	}
}

// waitQuiet polls done until it reports true or gateIdleWait passes, and reports whether it
// did. A non-empty what fails the test on the deadline, naming what was awaited.
func waitQuiet(t *testing.T, what string, done func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(gateIdleWait)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !done() {
		if time.Now().After(deadline) {
			if what != "" {
				t.Fatalf("waited %v for %s", gateIdleWait, what)
			}
			return false
		}
		<-tick.C
	}
	return true
}

// Issue #24's allocation goal for the whole client (at most half of gotd's per call; the README's
// BenchmarkClientRounds measures MTGo 4.5-7.6 against gotd's 60.5-63.0) is held by
// TestClientAllocsGate with every test run: one caller makes gateClientCalls calls of each of
// BenchmarkClientRounds's two MTGo calls against the same server, and the client's own
// allocations per call (allocsPerCall: every allocation of the process but those on the
// server's goroutines) must stay within the gate. Measured 4.54 for Invoke and 6.58 for
// SendMessage, the same to 0.01 in every run; each gate leaves under half an allocation a
// call, so one more allocation in every call fails it. The race detector drops sync.Pool
// puts at random, which moves the counts (7.7-12.3, varying by 0.1 between runs), so the test
// skips under it.
const (
	gateClientCalls  = 2000
	gateInvokeAllocs = 5.0 // Client.InvokeContext of help.getNearestDc
	gateSendAllocs   = 7.0 // Client.SendMessage to inputPeerSelf
)

func TestClientAllocsGate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	invoke, send := clientMTGoCalls(startMTGoClient(t, startBenchServer(t)))
	for _, c := range []struct {
		name string
		call func() error
		gate float64
	}{
		{"Invoke", invoke, gateInvokeAllocs},
		{"SendMessage", send, gateSendAllocs},
	} {
		if err := c.call(); err != nil { // the first call of each kind sets up its state
			t.Fatalf("%s: first call: %v", c.name, err)
		}
		own, _, err := allocsPerCall(1, gateClientCalls, c.call)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		t.Logf("%s: %.2f allocations per call", c.name, own)
		if own > c.gate {
			t.Errorf("%s: %.2f allocations per call (the client's own, over %d calls), the gate is %.0f",
				c.name, own, gateClientCalls, c.gate)
		}
	}
}
