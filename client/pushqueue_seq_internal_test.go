package mtgo

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestKeptContainerAfterGapDifference: a container a full push queue splits waits behind the
// gap mark its dropped update set, and so does one pushed after it while the mark waits;
// the difference that mark fetches counts their seq. The engine must still deliver the
// button presses in them; before, the containers kept their seq and the engine dropped
// them, presses included, as ones it had seen.
func TestKeptContainerAfterGapDifference(t *testing.T) {
	c := &Client{Log: newLogger(LogConfig{})}
	q := &pushQueue{running: true} // no feeding goroutine: the test takes the items itself
	for i := range maxQueuedPushes {
		q.add(c, shortMsg(int32(i+1)))
	}
	msg := &tg.Message{ID: 5, PeerID: &tg.PeerUser{UserID: 9}, Date: 5}
	q.add(c, &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateNewMessage{Message: msg, Pts: 5, PtsCount: 1},
		&tg.UpdateBotCallbackQuery{QueryID: 4, UserID: 9, Peer: &tg.PeerUser{UserID: 9}},
	}, Users: []tg.UserClass{&tg.User{ID: 9}}, Date: 5, Seq: 3})
	tail := q.items[maxQueuedPushes:]
	if len(tail) != 2 || tail[0] != nil {
		t.Fatalf("queue ends in %d items, want the gap mark and the container kept", len(tail))
	}
	// The engine takes most of the queue; a container pushed now, below the bound, waits
	// behind the same mark.
	q.items = q.items[maxQueuedPushes-10:]
	q.add(c, &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateBotCallbackQuery{QueryID: 6, UserID: 9, Peer: &tg.PeerUser{UserID: 9}},
	}, Date: 6, Seq: 4})
	kept := q.items[len(q.items)-2:]

	// The engine fetches the difference at the mark (here its catch-up from the state saved
	// before the dropped message) and then takes the container.
	now := time.Unix(10, 0)
	b := updates.NewBox(updates.Config{})
	b.Start(now, &updates.Saved{State: updates.State{Pts: 4, Seq: 2, Date: 1}})
	got := delivered(t)(b.ApplyDifference(now, &tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{msg},
		Users:       []tg.UserClass{&tg.User{ID: 9}},
		State:       tg.UpdatesState{Pts: 5, Seq: 4, Date: 6},
	}))
	for _, u := range kept {
		got = append(got, delivered(t)(b.Process(now, u))...)
	}
	if diff := cmp.Diff([]string{"msg 5", "cb 4", "cb 6"}, got); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
}

// delivered returns a function that names the updates a Box call delivered (updateName).
func delivered(t *testing.T) func(updates.Output, error) []string {
	return func(out updates.Output, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range out.Deliveries {
			for _, up := range d.Updates {
				names = append(names, updateName(up))
			}
		}
		return names
	}
}
