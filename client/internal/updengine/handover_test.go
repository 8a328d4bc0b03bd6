package updengine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/updates"
)

// guessAPI is an account with no news and a channel 9 at pts 7. The first channel difference
// asked waits for release whatever its context says: a call the stopping Manager waits for.
type guessAPI struct {
	release chan struct{}
	asked   atomic.Bool
}

func (*guessAPI) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	return &tg.UpdatesState{Pts: 1, Qts: 1, Seq: 1, Date: 1}, nil
}

func (*guessAPI) UpdatesGetDifference(context.Context, *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	return &tg.UpdatesDifferenceEmpty{Seq: 1, Date: 1}, nil
}

func (a *guessAPI) UpdatesGetChannelDifference(_ context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	if !a.asked.Swap(true) {
		<-a.release
		return nil, errors.New("connection closed")
	}
	d := &tg.UpdatesChannelDifference{Final: true, Pts: 7}
	for id := req.Pts + 1; id <= 7; id++ {
		d.NewMessages = append(d.NewMessages, &tg.Message{ID: id, PeerID: &tg.PeerChannel{ChannelID: 9}})
	}
	return d, nil
}

// deliveries records what every period delivered, in order, as msg<id> and ch<channel>/<id>.
type deliveries struct {
	mu  sync.Mutex
	got []string
}

func (d *deliveries) deliver(hold <-chan struct{}) func(context.Context, tg.UpdatesClass) error {
	return func(_ context.Context, u tg.UpdatesClass) error {
		if hold != nil {
			<-hold
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, up := range u.(*tg.Updates).Updates {
			switch up := up.(type) {
			case *tg.UpdateNewMessage:
				d.got = append(d.got, fmt.Sprintf("msg%d", up.Message.(*tg.Message).ID))
			case *tg.UpdateNewChannelMessage:
				m := up.Message.(*tg.Message)
				d.got = append(d.got, fmt.Sprintf("ch%d/%d", m.PeerID.(*tg.PeerChannel).ChannelID, m.ID))
			default:
				d.got = append(d.got, fmt.Sprintf("%T", up))
			}
		}
		return nil
	}
}

func (d *deliveries) seen() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.got...)
}

// stops records the reasons a period's stopped function was called with.
type stops struct {
	mu   sync.Mutex
	errs []error
}

func (s *stops) stopped(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, err)
}

func (s *stops) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.errs)
}

// TestEngineResumesBeforeStart: updateChannelTooLong names channel 9, unknown, at pts 7; the
// first period's Manager saves the guessed start 6 and asks the channel's difference, which
// does not come before it stops. Pushes of the channel's updates 5 and 6 wait behind a batch
// the Handler holds through a reconnect, so they and the guess are the Leftovers. The next
// period starts while that Manager still stops: while the Handler holds the batch, or while
// the stop waits for the channel difference call (a Reconnected fed meanwhile built the next
// Manager). The old engine failed the first Start (the stopping Manager was still the
// current one: ErrRunning) and ran the next Manager at once in the second, so its catch-up
// from 6 delivered 7 before the Leftovers came and 5 and 6 were dropped as duplicates. The
// next Manager now starts once the Leftovers are handed over: 5, 6 and 7 are delivered once.
// A start whose context ends before that is stopped at once, without waiting for the Handler.
func TestEngineResumesBeforeStart(t *testing.T) {
	for _, tc := range []struct {
		name      string
		whileHeld bool // the next period starts while the Handler holds the batch
		cancelled bool // a period started meanwhile ends before the previous one stopped
	}{
		{name: "start while the handler holds", whileHeld: true},
		{name: "start while the stop ends its calls"},
		{name: "start cancelled while the handler holds", whileHeld: true, cancelled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				store := updates.NewMemoryStore()
				if err := store.Save(t.Context(), updates.Commit{HasState: true, State: updates.State{Pts: 1, Qts: 1, Seq: 1, Date: 1}}); err != nil {
					t.Fatal(err)
				}
				api := &guessAPI{release: make(chan struct{})}
				e := New(updates.Options{API: api, Store: store,
					AccessHashes: updates.AccessHashesFunc(func(int64) (int64, bool) { return 1, true })},
					slog.New(slog.DiscardHandler))
				var log deliveries
				hold := make(chan struct{})
				free := sync.OnceFunc(func() { close(hold) })
				release := sync.OnceFunc(func() { close(api.release) })
				defer release()
				defer free()
				ctx1, cancel1 := context.WithCancel(t.Context())
				defer cancel1()
				var first stops
				if err := e.Start(ctx1, log.deliver(hold), first.stopped); err != nil {
					t.Fatal(err)
				}
				send := func(ups ...tg.UpdateClass) {
					t.Helper()
					if err := e.HandleUpdates(t.Context(), &tg.Updates{Updates: ups, Date: 1}); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
				}
				channel := func(pts int32) tg.UpdateClass {
					return &tg.UpdateNewChannelMessage{Message: &tg.Message{ID: pts, PeerID: &tg.PeerChannel{ChannelID: 9}}, Pts: pts, PtsCount: 1}
				}
				send(&tg.UpdateChannelTooLong{ChannelID: 9, Pts: tl.Some[int32](7)})
				send(&tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 5}}, Pts: 2, PtsCount: 1}) // held
				send(channel(5))
				send(channel(6))

				cancel1() // the connection is lost; the Handler still holds msg2
				var second stops
				start2 := func() {
					t.Helper()
					ctx2, cancel2 := context.WithCancel(t.Context())
					t.Cleanup(cancel2)
					if err := e.Start(ctx2, log.deliver(nil), second.stopped); err != nil {
						t.Fatalf("Start of the next period: %v", err)
					}
					synctest.Wait()
					if tc.cancelled {
						cancel2()
						synctest.Wait()
						if second.count() != 1 {
							t.Fatalf("a start cancelled before the previous Manager stopped: stopped called %d times, want 1", second.count())
						}
					}
				}
				if tc.whileHeld {
					start2()
				}
				free()
				synctest.Wait() // the stopping Manager waits for the channel difference call
				if !tc.whileHeld {
					if err := e.Reconnected(t.Context()); err != nil {
						t.Fatal(err)
					}
					start2()
				}
				release()
				synctest.Wait()
				if first.count() != 1 {
					t.Fatalf("first period stopped %d times, want 1", first.count())
				}
				if tc.cancelled { // the cancelled one ran nothing: a third period delivers
					var third stops
					ctx3, cancel3 := context.WithCancel(t.Context())
					defer cancel3()
					if err := e.Start(ctx3, log.deliver(nil), third.stopped); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
				}
				want := []string{"msg2", "ch9/5", "ch9/6", "ch9/7"}
				if diff := cmp.Diff(want, log.seen()); diff != "" {
					t.Errorf("delivered across the periods (-want +got):\n%s", diff)
				}
				saved, _, err := store.Load(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]updates.ChannelPts{{ChannelID: 9, Pts: 7}}, saved.Channels); diff != "" {
					t.Errorf("saved channels (-want +got):\n%s", diff)
				}
			})
		})
	}
}
