package updates_test

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestHeldUpdateKeepsDate checks that the saved date does not move past an update that is held
// for a gap: after a restart, getDifference must ask from the state of what was applied.
func TestHeldUpdateKeepsDate(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	box := updates.NewBox(updates.Config{})
	box.Start(now, nil)
	if _, err := box.ApplyState(now, &tg.UpdatesState{Pts: 100, Date: 1000, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Process(now, newMessage(1, 101)); err != nil {
		t.Fatal(err)
	}
	out, err := box.Process(now, newMessage(3, 103)) // 102 missing: held
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range out.Deliveries {
		if d.Commit.HasState && d.Commit.State.Date > 1001 {
			t.Fatalf("a held update committed date %d (applied state is pts 101, date 1001)", d.Commit.State.Date)
		}
	}
	if st, _ := box.State(); st.Date != 1001 || st.Pts != 101 {
		t.Fatalf("State() = pts %d date %d, want pts 101 date 1001", st.Pts, st.Date)
	}
	// The gap fills: the date may move on with the next applied container.
	if _, err := box.Process(now, newMessage(2, 102)); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Process(now, newMessage(4, 104)); err != nil {
		t.Fatal(err)
	}
	if st, _ := box.State(); st.Pts != 104 || st.Date != 1004 {
		t.Fatalf("after the gap filled: State() = pts %d date %d, want pts 104 date 1004", st.Pts, st.Date)
	}
}
