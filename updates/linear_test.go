package updates

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestManyChannelsInOneContainerLinear: a container (or a difference) with an update for each
// of many channels took time quadratic in their number (each channel's new pts was looked up
// among all those recorded before it): 40,000 took 3 s, 100,000 18 s, the 270,000 a 16 MB frame can carry
// minutes. It is linear now.
func TestManyChannelsInOneContainerLinear(t *testing.T) {
	const n = 60_000
	limit := 2 * time.Second
	if raceEnabled {
		limit *= 10
	}
	ups := make([]tg.UpdateClass, n)
	for i := range ups {
		ups[i] = chMsg(int64(i+1), 1, 5)
	}
	h := newHarness(t, Config{})
	h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
	start := time.Now()
	out, err := h.b.Process(h.now, &tg.Updates{Updates: ups})
	if took := time.Since(start); took > limit {
		t.Errorf("%d channels in one container took %v, more than %v", n, took, limit)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deliveries) != 1 || len(out.Deliveries[0].Commit.Channels) != n {
		t.Fatalf("%d deliveries, want 1 with %d channels", len(out.Deliveries), n)
	}
	// The same channel many times is still one entry of the commit.
	ups = ups[:0]
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
