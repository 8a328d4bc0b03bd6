package mtgobench

import (
	"testing"
	"time"
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
