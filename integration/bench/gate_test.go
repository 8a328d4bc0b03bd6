package mtgobench

import (
	"testing"
	"time"
)

// The TL codec's figures in the README (BenchmarkTLDecodeUpdates: 22 allocations against
// gotd's 1743, 1.6x gotd's speed with two Ps and 2.1x with one) must not regress. The
// allocation count is exact and checked exactly; the speed is checked as a ratio measured in
// one process, each library's best of interleaved rounds, against a floor below the README's
// figure that machine noise does not reach (measured on a loaded 2-core machine: 1.3x-2.2x).
const (
	gateDecodeAllocs = 22  // mtgo allocations per decode of the benchmark Updates
	gateDecodeRatio  = 1.2 // mtgo decodes at least this many times as fast as gotd
)

func TestTLDecodeGate(t *testing.T) {
	mtgoDecode, gotdDecode, _ := updatesDecoders(t)
	if got := testing.AllocsPerRun(200, mtgoDecode); got > gateDecodeAllocs {
		t.Errorf("decode of the benchmark Updates: %.0f allocations, the gate is %d", got, gateDecodeAllocs)
	}
	if testing.Short() {
		t.Skip("speed ratio skipped in -short")
	}
	const rounds, per = 30, 200
	best := func(decode func()) time.Duration {
		start := time.Now()
		for range per {
			decode()
		}
		return time.Since(start)
	}
	mtgoBest, gotdBest := time.Duration(1<<62), time.Duration(1<<62)
	for range rounds {
		mtgoBest = min(mtgoBest, best(mtgoDecode))
		gotdBest = min(gotdBest, best(gotdDecode))
	}
	ratio := float64(gotdBest) / float64(mtgoBest)
	t.Logf("decode of the benchmark Updates: mtgo %v, gotd %v each; %.2fx", mtgoBest/per, gotdBest/per, ratio)
	if ratio < gateDecodeRatio {
		t.Errorf("mtgo decodes %.2fx as fast as gotd, the gate is %.1fx", ratio, gateDecodeRatio)
	}
}
