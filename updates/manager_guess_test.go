package updates

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// guessAPI is a server whose account has no news and whose channel 9 is at pts top. While
// hold is set, channel differences wait for the end of their call's context.
type guessAPI struct {
	top  int32
	hold bool
}

func (a *guessAPI) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	return &tg.UpdatesState{Pts: 1, Qts: 1, Seq: 1, Date: 1}, nil
}

func (a *guessAPI) UpdatesGetDifference(context.Context, *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	return &tg.UpdatesDifferenceEmpty{Seq: 1, Date: 1}, nil
}

func (a *guessAPI) UpdatesGetChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	if a.hold {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	d := &tg.UpdatesChannelDifference{Final: true, Pts: a.top}
	for id := req.Pts + 1; id <= a.top; id++ {
		d.NewMessages = append(d.NewMessages, channelMessage(9, id))
	}
	return d, nil
}

// anyHash knows an access hash for every channel.
var anyHash = AccessHashesFunc(func(int64) (int64, bool) { return 1, true })

// guessStore returns a Store that holds the account state guessAPI answers with.
func guessStore(t *testing.T) *MemoryStore {
	t.Helper()
	mem := NewMemoryStore()
	if err := mem.Save(t.Context(), Commit{HasState: true, State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1}}); err != nil {
		t.Fatal(err)
	}
	return mem
}

// failChannelStore fails the save of a commit that moves channel 9 to pts.
type failChannelStore struct {
	*MemoryStore
	pts int32
}

var errSaveFailed = errors.New("disk full")

func (s *failChannelStore) Save(ctx context.Context, c Commit) error {
	for _, ch := range c.Channels {
		if ch.ChannelID == 9 && ch.Pts == s.pts {
			return errSaveFailed
		}
	}
	return s.MemoryStore.Save(ctx, c)
}

// TestManagerRestartKeepsGuessedStart: updateChannelTooLong names channel 9, unknown, at pts
// 7; the Manager saves it at the guessed start 6 and asks its difference, which does not
// come before the Manager stops. Pushes of its updates 5 and 6 were accepted: queued behind
// a batch the Handler held (so they are Leftovers), or processed, the start moved to 4 and
// that save failed. The next Manager, on the same Store and given the Leftovers, took the
// saved 6 for delivered state: the pushes dropped as duplicates and the catch-up from 6
// delivered 7 alone, updates 5 and 6 lost. The Leftovers now carry the guess, and the next
// Manager fetches from the lowest start, delivering each update once. A next Manager with
// NoCatchUp forgets the guess with the saved channels: the left-over pushes start the channel
// as any unknown one's, and nothing before them is fetched.
func TestManagerRestartKeepsGuessedStart(t *testing.T) {
	for _, tc := range []struct {
		name      string
		queued    bool     // the pushes wait in the queue as the first Manager stops
		fail      int32    // the first Manager's Store fails the save of this channel pts
		noCatchUp bool     // the next Manager has NoCatchUp
		want      []string // of channel 9, across both Managers
		wantPts   int32    // channel 9's in the Store at the end
	}{
		{name: "pushes queued at the stop", queued: true, want: []string{"ch9/5", "ch9/6", "ch9/7"}, wantPts: 7},
		{name: "lowered start not saved", fail: 4, want: []string{"ch9/5", "ch9/6", "ch9/7"}, wantPts: 7},
		{name: "next without catch-up", queued: true, noCatchUp: true, want: []string{"ch9/5", "ch9/6"}, wantPts: 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mem := guessStore(t)
				var store Store = mem
				if tc.fail != 0 {
					store = &failChannelStore{MemoryStore: mem, pts: tc.fail}
				}
				first := &orderLog{}
				a, err := NewManager(Options{API: &guessAPI{top: 7, hold: true}, Handler: first, Store: store, AccessHashes: anyHash})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				stopped := make(chan error, 1)
				if err := a.Start(ctx, func(err error) { stopped <- err }); err != nil {
					t.Fatal(err)
				}
				send := func(u tg.UpdatesClass) {
					t.Helper()
					if err := a.HandleUpdates(t.Context(), u); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
				}
				send(updates(0, &tg.UpdateChannelTooLong{ChannelID: 9, Pts: tl.Some[int32](7)}))
				gate := make(chan struct{})
				if tc.queued {
					first.hold = func(Batch) { <-gate }
					send(updates(0, msg(2, 2))) // the Handler holds it
				}
				send(updates(0, chMsg(9, 5, 5)))
				if tc.fail == 0 { // else the failed save stopped the Manager
					send(updates(0, chMsg(9, 6, 6)))
				}
				cancel()
				close(gate)
				if err := <-stopped; err == nil {
					t.Fatal("first Manager stopped without an error")
				}
				saved, _, _ := mem.Load(t.Context())
				t.Logf("saved after the first Manager: %+v", saved.Channels)

				second := &orderLog{}
				b, err := NewManager(Options{API: &guessAPI{top: 7}, Handler: second, Store: mem, AccessHashes: anyHash,
					NoCatchUp: tc.noCatchUp})
				if err != nil {
					t.Fatal(err)
				}
				b.Resume(a.Leftovers())
				ctx2, cancel2 := context.WithCancel(t.Context())
				defer cancel2()
				if err := b.Start(ctx2, nil); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				got := append(first.seen(), second.seen()...)
				want := tc.want
				if tc.queued {
					want = append([]string{"msg2"}, want...)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("delivered across the restart (-want +got):\n%s", diff)
				}
				saved, _, _ = mem.Load(t.Context())
				if diff := cmp.Diff([]ChannelPts{{ChannelID: 9, Pts: tc.wantPts}}, saved.Channels); diff != "" {
					t.Errorf("saved channels (-want +got):\n%s", diff)
				}
				cancel2()
				synctest.Wait()
			})
		})
	}
}

// TestManagerResumeOnOwnStart: the first Manager meets channel 9, unknown, by an
// updateChannelTooLong at 7 and fails to save its guessed start 6; that stop hands the guess
// on in its Leftovers. The next Manager, on a Store without channel 9, is running and has
// met the channel by a push of its own when they come (Resume). Updates below that push's
// start and above the guess were delivered by neither Manager: the old code ignored the
// memo, and update 7 under a push of 8 was lost without a trace. It is now reported
// (EventDifferenceTooLong from the guess to the push's start), and a channel behind the pts
// named is fetched at once, in order.
func TestManagerResumeOnOwnStart(t *testing.T) {
	for _, tc := range []struct {
		name string
		push int32    // the next Manager's first push of channel 9
		want []string // it delivers; the server's channel 9 is at 8
		lost []Event
	}{
		{name: "push above the guess", push: 8, want: []string{"ch9/8"},
			lost: []Event{{Kind: EventDifferenceTooLong, Sequence: SequenceChannel, ChannelID: 9, Local: 6, Remote: 7,
				Reason: reasonLateMemo}}},
		{name: "push at the pts named", push: 7, want: []string{"ch9/7"}},
		{name: "push below the pts named", push: 6, want: []string{"ch9/6", "ch9/7", "ch9/8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mem := guessStore(t)
				a, err := NewManager(Options{API: &guessAPI{top: 7, hold: true}, Handler: &orderLog{},
					Store: &failChannelStore{MemoryStore: mem, pts: 6}, AccessHashes: anyHash})
				if err != nil {
					t.Fatal(err)
				}
				stopped := make(chan error, 1)
				if err := a.Start(t.Context(), func(err error) { stopped <- err }); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if err := a.HandleUpdates(t.Context(), updates(0, &tg.UpdateChannelTooLong{ChannelID: 9, Pts: tl.Some[int32](7)})); err != nil {
					t.Fatal(err)
				}
				if err := <-stopped; !errors.Is(err, errSaveFailed) {
					t.Fatalf("first Manager stopped with %v, want %v", err, errSaveFailed)
				}

				var mu sync.Mutex
				var lost []Event
				second := &orderLog{}
				b, err := NewManager(Options{API: &guessAPI{top: 8}, Handler: second, Store: mem, AccessHashes: anyHash,
					Hook: HookFunc(func(e Event) {
						if e.Kind == EventDifferenceTooLong {
							mu.Lock()
							lost = append(lost, e)
							mu.Unlock()
						}
					})})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if err := b.Start(ctx, nil); err != nil {
					t.Fatal(err)
				}
				if err := b.HandleUpdates(t.Context(), updates(0, chMsg(9, tc.push, tc.push))); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if !b.Resume(a.Leftovers()) {
					t.Fatal("running Manager refused the Leftovers")
				}
				synctest.Wait()
				if diff := cmp.Diff(tc.want, second.seen()); diff != "" {
					t.Errorf("delivered (-want +got):\n%s", diff)
				}
				mu.Lock()
				defer mu.Unlock()
				if diff := cmp.Diff(tc.lost, lost, cmpEmpty); diff != "" {
					t.Errorf("reported lost (-want +got):\n%s", diff)
				}
				cancel()
				synctest.Wait()
			})
		})
	}
}
