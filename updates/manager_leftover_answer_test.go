package updates

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fixedDifference answers every getDifference with the same difference: the server's state
// has not moved, as for a client whose saved state did not move either.
type fixedDifference struct {
	d tg.UpdatesDifferenceClass
}

func (f fixedDifference) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	return nil, errors.New("no getState expected")
}

func (f fixedDifference) UpdatesGetDifference(context.Context, *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	return f.d, nil
}

func (f fixedDifference) UpdatesGetChannelDifference(_ context.Context, r *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: r.Pts}, nil
}

// TestManagerStopLeavesDifferenceToNextDifference stops the Manager while the Handler holds
// the first batch of a catch-up difference whose other_updates come in a later batch (an
// updateChannelTooLong of a channel it did not track closes the first): a secret chat request
// (updateEncryption, no pts) and an account update with a pts. The state of the difference
// was not saved, so the next Manager's catch-up brings all of it again; a leftover copy of the
// secret chat request would be a second one.
func TestManagerStopLeavesDifferenceToNextDifference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		msg := &tg.Message{ID: 11, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi"}
		request := &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: 3, AdminID: 5, ParticipantID: 1}, Date: 2}
		read := &tg.UpdateReadHistoryInbox{Peer: &tg.PeerUser{UserID: 5}, MaxID: 11, Pts: 12, PtsCount: 1}
		api := fixedDifference{&tg.UpdatesDifference{
			NewMessages:  []tg.MessageClass{msg},
			OtherUpdates: []tg.UpdateClass{&tg.UpdateChannelTooLong{ChannelID: 77, Pts: tl.Some[int32](4)}, request, read},
			Users:        []tg.UserClass{&tg.User{ID: 5}},
			State:        tg.UpdatesState{Pts: 12, Date: 2},
		}}
		store := NewMemoryStore()
		if err := store.Save(t.Context(), Commit{State: State{Pts: 10, Date: 1}, HasState: true}); err != nil {
			t.Fatal(err)
		}

		ctx, cancel := context.WithCancel(t.Context())
		var first [][]string
		a, err := NewManager(Options{API: api, Store: store, Handler: HandlerFunc(func(_ context.Context, b Batch) error {
			first = append(first, names(b.Updates))
			cancel() // the stop comes while the Handler holds the first batch
			return nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Run(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		if diff := cmp.Diff([][]string{{"updateNewMessage"}}, first); diff != "" {
			t.Fatalf("first Manager's batches (-want +got):\n%s", diff)
		}

		var second []string
		b, err := NewManager(Options{API: api, Store: store, Handler: HandlerFunc(func(_ context.Context, b Batch) error {
			second = append(second, names(b.Updates)...)
			return nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(a.Leftovers())
		ctx2, cancel2 := context.WithCancel(t.Context())
		if err := b.Start(ctx2, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		cancel2()
		synctest.Wait()
		want := []string{"updateNewMessage", "updateEncryption", "updateReadHistoryInbox"}
		if diff := cmp.Diff(want, second); diff != "" {
			t.Errorf("next Manager's updates (-want +got):\n%s", diff)
		}
	})
}

func names(us []tg.UpdateClass) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.TypeName()
	}
	return out
}

// TestManagerLeftoverQtsOnce: a bot's updateBotStopped (qts 6) waits for qts 5, which comes
// with another user; the stop comes while the Handler holds qts 5 (saved once it returns), so
// qts 6 is left over. The next Manager's catch-up difference, from qts 5, brings qts 6 as
// well: it is delivered once, by the difference, and the leftover copy is a duplicate.
func TestManagerLeftoverQtsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stopped := func(qts int32, user int64) *tg.Updates {
			return &tg.Updates{
				Updates: []tg.UpdateClass{&tg.UpdateBotStopped{UserID: user, Date: 2, Stopped: true, Qts: qts}},
				Users:   []tg.UserClass{&tg.User{ID: user}},
			}
		}
		store := NewMemoryStore()
		if err := store.Save(t.Context(), Commit{State: State{Pts: 10, Qts: 4, Date: 1}, HasState: true}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var first []int32
		a, err := NewManager(Options{API: fixedDifference{&tg.UpdatesDifferenceEmpty{Date: 1}}, Store: store,
			Box: Config{GapWait: time.Hour}, Handler: HandlerFunc(func(_ context.Context, b Batch) error {
				first = append(first, qtsOf(b.Updates)...)
				cancel() // the stop comes while the Handler holds qts 5
				return nil
			})})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		if err := a.Start(ctx, func(err error) { done <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the catch-up: nothing new
		for _, u := range []*tg.Updates{stopped(6, 8), stopped(5, 9)} {
			if err := a.HandleUpdates(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		<-done
		left := a.Leftovers()
		if diff := cmp.Diff([]int32{5}, first); diff != "" {
			t.Fatalf("first Manager's qts (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int32{6}, qtsOf(leftUpdates(left))); diff != "" {
			t.Fatalf("leftover qts (-want +got):\n%s", diff)
		}

		var second []int32
		b, err := NewManager(Options{API: fixedDifference{&tg.UpdatesDifference{
			OtherUpdates: stopped(6, 8).Updates,
			Users:        []tg.UserClass{&tg.User{ID: 8}},
			State:        tg.UpdatesState{Pts: 10, Qts: 6, Date: 2},
		}}, Store: store, Handler: HandlerFunc(func(_ context.Context, b Batch) error {
			second = append(second, qtsOf(b.Updates)...)
			return nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(left)
		ctx2, cancel2 := context.WithCancel(t.Context())
		if err := b.Start(ctx2, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		cancel2()
		synctest.Wait()
		if diff := cmp.Diff([]int32{6}, second); diff != "" {
			t.Errorf("next Manager's qts (-want +got):\n%s", diff)
		}
	})
}

func qtsOf(us []tg.UpdateClass) []int32 {
	var out []int32
	for _, u := range us {
		if q, ok := tg.UpdateQts(u); ok {
			out = append(out, q)
		}
	}
	return out
}
