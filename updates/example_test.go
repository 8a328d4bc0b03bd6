package updates_test

import (
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// The Box is the update engine without I/O: it takes update containers and answers with the
// time passed in, and returns the batches to deliver, the state to save after each and the
// calls to make. Here pts 102 is lost on the way: 103 is held, and when the gap wait runs out
// the Box asks for updates.getDifference, whose answer brings both messages in order.
func ExampleBox() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	box := updates.NewBox(updates.Config{})

	// Without saved state the Box first asks for updates.getState.
	out := box.Start(now, nil)
	show(out)
	out, err := box.ApplyState(now, &tg.UpdatesState{Pts: 100, Date: 1000, Seq: 1})
	if err != nil {
		panic(err)
	}
	show(out)

	// pts 101 follows the local 100: delivered at once.
	out, err = box.Process(now, newMessage(1, 101))
	if err != nil {
		panic(err)
	}
	show(out)

	// pts 103 skips 102: held while the gap may still fill by itself. Only the container's date
	// is taken now.
	out, err = box.Process(now, newMessage(3, 103))
	if err != nil {
		panic(err)
	}
	show(out)

	// The loop sleeps until NextDeadline and calls OnTimer.
	now = box.NextDeadline()
	out = box.OnTimer(now)
	show(out)
	getDiff := out.Requests[0].Difference()
	fmt.Println("getDifference from pts", getDiff.Pts)

	// The server's answer carries what happened after pts 101, and the new state.
	out, err = box.ApplyDifference(now, &tg.UpdatesDifference{
		NewMessages: []tg.MessageClass{message(2), message(3)},
		State:       tg.UpdatesState{Pts: 103, Date: 1003, Seq: 1},
	})
	if err != nil {
		panic(err)
	}
	show(out)
	st, _ := box.State()
	fmt.Println("pts now", st.Pts)

	// Output:
	// request updates.getState
	// event recovery started
	//   then save pts 100, date 1000
	// event recovery finished
	// deliver message 1
	//   then save pts 101, date 1001
	//   then save pts 101, date 1003
	// event gap
	// request updates.getDifference
	// event recovery started
	// getDifference from pts 101
	// deliver message 2
	// deliver message 3
	//   then save pts 103, date 1003
	// event recovery finished
	// pts now 103
}

func message(id int32) *tg.Message {
	return &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: 42}, Date: 1000 + id, Message: "hi"}
}

func newMessage(id, pts int32) *tg.UpdateShort {
	return &tg.UpdateShort{
		Update: &tg.UpdateNewMessage{Message: message(id), Pts: pts, PtsCount: 1},
		Date:   1000 + id,
	}
}

// show prints what a loop would do with an Output: hand each batch to the handler (then save
// its commit), make each request, log each event.
func show(out updates.Output) {
	for _, d := range out.Deliveries {
		for _, u := range d.Updates {
			if m, ok := u.(*tg.UpdateNewMessage); ok {
				fmt.Println("deliver message", m.Message.(*tg.Message).ID)
			}
		}
		if d.Commit.HasState {
			fmt.Printf("  then save pts %d, date %d\n", d.Commit.State.Pts, d.Commit.State.Date)
		}
	}
	for _, r := range out.Requests {
		fmt.Println("request", r.Kind)
	}
	for _, e := range out.Events {
		fmt.Println("event", e.Kind)
	}
}
