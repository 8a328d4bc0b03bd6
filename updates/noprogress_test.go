package updates

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sameAnswer is a server that answers every difference call with the same answer: its state
// never moves past the client's.
type sameAnswer struct {
	diff    tg.UpdatesDifferenceClass
	channel tg.UpdatesChannelDifferenceClass
	calls   atomic.Int64
}

func (s *sameAnswer) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	return nil, errors.New("no getState expected")
}

func (s *sameAnswer) UpdatesGetDifference(context.Context, *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	if s.diff == nil || s.calls.Add(1) > maxStuckCalls {
		return &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 3}, nil
	}
	return s.diff, nil
}

func (s *sameAnswer) UpdatesGetChannelDifference(_ context.Context, r *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	if s.channel == nil || s.calls.Add(1) > maxStuckCalls {
		return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: r.Pts}, nil
	}
	return s.channel, nil
}

// maxStuckCalls ends the test's stuck server: after it, the answers are final, so a loop that
// repeats the call at once ends instead of spinning for ever.
const maxStuckCalls = 1000

// stuckAnswers are answers that ask for more (a slice, too long, not final) without moving
// the state the next call would start from: repeating the call brings the same answer.
var stuckAnswers = []struct {
	name    string
	diff    tg.UpdatesDifferenceClass
	channel tg.UpdatesChannelDifferenceClass
}{
	{name: "difference slice at the same state", diff: &tg.UpdatesDifferenceSlice{
		NewMessages:       []tg.MessageClass{message(11)},
		IntermediateState: tg.UpdatesState{Pts: 10, Qts: 5, Seq: 3, Date: 100},
	}},
	{name: "difference slice behind", diff: &tg.UpdatesDifferenceSlice{
		NewMessages:       []tg.MessageClass{message(11)},
		IntermediateState: tg.UpdatesState{Pts: 9, Qts: 4, Seq: 3, Date: 90},
	}},
	{name: "difference too long at the same pts", diff: &tg.UpdatesDifferenceTooLong{Pts: 10}},
	{name: "channel difference not final at the same pts", channel: &tg.UpdatesChannelDifference{
		Pts: 50, NewMessages: []tg.MessageClass{channelMessage(7, 51)},
	}},
	{name: "channel too long not final without a dialog", channel: &tg.UpdatesChannelDifferenceTooLong{
		Messages: []tg.MessageClass{channelMessage(7, 51)},
	}},
	{name: "channel too long not final at the same pts", channel: &tg.UpdatesChannelDifferenceTooLong{
		Dialog:   &tg.Dialog{Peer: &tg.PeerChannel{ChannelID: 7}, Pts: tl.Some[int32](50)},
		Messages: []tg.MessageClass{channelMessage(7, 51)},
	}},
}

// TestStuckAnswerIsAnError: an answer that asks for more without moving the state is refused
// with ErrNoProgress before anything of it is delivered, and asks for nothing; the loop then
// reports the request failed and repeats it after a backoff.
func TestStuckAnswerIsAnError(t *testing.T) {
	for _, tt := range stuckAnswers {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			startWithChannel(h)
			h.reset()
			var out Output
			var err error
			var req Request
			if tt.diff != nil {
				out, err = h.b.ApplyDifference(h.now, tt.diff)
				req = Request{Kind: RequestDifference}
			} else {
				out, err = h.b.ApplyChannelDifference(h.now, 7, tt.channel)
				req = Request{Kind: RequestChannelDifference, ChannelID: 7}
			}
			if !errors.Is(err, ErrNoProgress) {
				t.Fatalf("error %v, want ErrNoProgress", err)
			}
			h.record(out)
			h.expectDelivered()
			h.expectRequests()
			h.record(h.b.RequestFailed(h.now, req, err))
			h.expectEvents(EventRecoveryFailed)
			h.fireDeadline()
			if len(h.reqs) != 1 || h.reqs[0].Kind != req.Kind || h.reqs[0].ChannelID != req.ChannelID {
				t.Errorf("after the backoff: requests %+v, want one %s", h.reqs, req.Kind)
			}
		})
	}
}

// TestManagerStuckServerIsBounded: a server that answers every difference with the same
// not-final answer gets a few calls a minute, backing off, and its messages are not delivered
// over and over.
func TestManagerStuckServerIsBounded(t *testing.T) {
	for _, tt := range stuckAnswers {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				api := &sameAnswer{diff: tt.diff, channel: tt.channel}
				store := NewMemoryStore()
				if err := store.Save(t.Context(), Commit{State: State{Pts: 10, Qts: 5, Seq: 3, Date: 100}, HasState: true,
					Channels: []ChannelPts{{ChannelID: 7, Pts: 50}}}); err != nil {
					t.Fatal(err)
				}
				var delivered atomic.Int64
				m, err := NewManager(Options{API: api, Store: store,
					AccessHashes: AccessHashesFunc(func(int64) (int64, bool) { return 1, true }),
					Handler: HandlerFunc(func(_ context.Context, b Batch) error {
						delivered.Add(int64(len(b.Updates)))
						return nil
					})})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error, 1)
				if err := m.Start(ctx, func(err error) { done <- err }); err != nil {
					t.Fatal(err)
				}
				time.Sleep(5 * time.Minute)
				synctest.Wait()
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Fatalf("stopped with %v", err)
				}
				// RetryMin 1 s doubling to RetryMax 1 min: 1+1+2+4+...+32 s, then once a minute.
				if n := api.calls.Load(); n > 12 {
					t.Errorf("%d calls in 5 minutes", n)
				}
				if n := delivered.Load(); n != 0 {
					t.Errorf("%d updates delivered from answers that did not move", n)
				}
			})
		})
	}
}
