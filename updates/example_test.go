package updates_test

import (
	"context"
	"errors"
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

	// pts 103 skips 102: held while the gap may still fill by itself. Nothing is saved for it,
	// not even its container's date.
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

// server answers the Manager's calls as Telegram would for an account at pts 100 that then
// received messages 1, 2 and 3 (pts 101..103).
type server struct{}

func (server) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	fmt.Println("api: updates.getState")
	return &tg.UpdatesState{Pts: 100, Date: 1000, Seq: 1}, nil
}

func (server) UpdatesGetDifference(_ context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	fmt.Println("api: updates.getDifference from pts", req.Pts)
	var msgs []tg.MessageClass
	for id := req.Pts - 100 + 1; id <= 3; id++ {
		msgs = append(msgs, message(id))
	}
	return &tg.UpdatesDifference{NewMessages: msgs, State: tg.UpdatesState{Pts: 103, Date: 1003, Seq: 1}}, nil
}

func (server) UpdatesGetChannelDifference(context.Context, *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	return nil, errors.New("no channels here")
}

// The Manager is the loop around a Box: it makes the calls the Box asks for through API,
// hands batches to the Handler and saves the state after each. The client runs one and feeds
// it every push and every call result; here the pushes are made by hand and pts 102 is lost.
func ExampleManager() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	store := updates.NewMemoryStore()
	received := 0
	m, err := updates.NewManager(updates.Options{
		API:   server{},
		Store: store,
		Handler: updates.HandlerFunc(func(_ context.Context, b updates.Batch) error {
			for _, u := range b.Updates {
				if nm, ok := u.(*tg.UpdateNewMessage); ok {
					fmt.Println("handler: message", nm.Message.(*tg.Message).ID)
					received++
				}
			}
			if received == 3 {
				cancel() // seen everything: stop the example
			}
			return nil
		}),
		Box: updates.Config{GapWait: 10 * time.Millisecond}, // Telegram's advice is 0.5 s
	})
	if err != nil {
		panic(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()

	for _, push := range []*tg.UpdateShort{newMessage(1, 101), newMessage(3, 103)} {
		if err := m.HandleUpdates(ctx, push); err != nil {
			panic(err)
		}
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		panic(err)
	}

	saved, _, err := store.Load(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println("saved pts:", saved.State.Pts)

	// Output:
	// api: updates.getState
	// handler: message 1
	// api: updates.getDifference from pts 101
	// handler: message 2
	// handler: message 3
	// saved pts: 103
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
