package updates

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestManyChannelsInOneContainerLinear: a container (or a difference) with an update for each
// of many channels took time quadratic in their number (each channel's new pts was looked up
// among all those recorded before it): 40,000 took 3 s, 100,000 18 s, the 270,000 a 16 MB
// frame can carry minutes. It is linear now. 64 times the channels may take at most 2048
// times as long: 200-540 times is measured (the larger maps miss the caches), a quadratic Box
// takes 4096 times (9794 measured). A ratio in one run, not a deadline, so that a slow or
// busy machine does not fail it; each size keeps its least time over a few rounds in turn.
func TestManyChannelsInOneContainerLinear(t *testing.T) {
	const small, n, rounds = 1_000, 64_000, 5
	container := func(k int) *tg.Updates {
		ups := make([]tg.UpdateClass, k)
		for i := range ups {
			ups[i] = chMsg(int64(i+1), 1, 5)
		}
		return &tg.Updates{Updates: ups}
	}
	took := func(u *tg.Updates) time.Duration {
		h := newHarness(t, Config{})
		h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
		runtime.GC() // the collector runs between the timings, not inside them
		start := time.Now()
		if _, err := h.b.Process(h.now, u); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	smallIn, largeIn := container(small), container(n)
	// Without the collector during a timing: with it, the large container's garbage made the
	// collector's share (and, on a loaded machine, its waits for a CPU) most of the time,
	// 600 times the small one's in a run at load average 17.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	ts, tl := time.Duration(1<<62), time.Duration(1<<62)
	for range rounds {
		ts, tl = min(ts, took(smallIn)), min(tl, took(largeIn))
	}
	t.Logf("%d channels: %v, %d: %v (%.0fx)", small, ts, n, tl, float64(tl)/float64(ts))
	if tl > 2048*ts+time.Millisecond {
		t.Errorf("%d channels took %v, %d took %v: %.0f times as long for 64 times the channels",
			small, ts, n, tl, float64(tl)/float64(ts))
	}
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
	out, err := h.b.Process(h.now, largeIn)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deliveries) != 1 || len(out.Deliveries[0].Commit.Channels) != n {
		t.Fatalf("%d deliveries, want 1 with %d channels", len(out.Deliveries), n)
	}
	// The same channel many times is still one entry of the commit.
	var ups []tg.UpdateClass
	for pts := int32(6); pts < 10006; pts++ {
		ups = append(ups, chMsg(1, pts, pts))
	}
	out, err = h.b.Process(h.now, &tg.Updates{Updates: ups})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Deliveries[0].Commit.Channels; len(got) != 1 || got[0].Pts != 10005 {
		t.Errorf("commit %v, want channel 1 at pts 10005", got)
	}
}
