package updates

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// gateAPI is guessAPI whose channel differences wait until gate is closed.
type gateAPI struct {
	guessAPI
	gate chan struct{}
}

func (a *gateAPI) UpdatesGetChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	select {
	case <-a.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return a.guessAPI.UpdatesGetChannelDifference(ctx, req)
}

// TestManagerNewProcessKeepsGuessedStart: updateChannelTooLong names channel 9, unknown, at
// pts 7; the Manager saves its guessed start 6 and stops before the difference comes. A new
// process starts a Manager on the same Store with nothing handed over (no Resume), and the
// pushes of updates 5 and 6, late on the network, reach it while its catch-up of the channel
// is on its way. The Store said only "pts 6", so the old code took 6 for delivered state:
// the pushes were dropped as duplicates and the catch-up delivered 7 alone. The Store now
// keeps the pts named with the guessed start, and the next Manager lowers the start as the
// first would have, fetching 5, 6 and 7 once each. A damaged pts named (not above the
// start, or further above it than any push on its way) is no guess: the start is taken for
// delivered state, as before.
func TestManagerNewProcessKeepsGuessedStart(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pushes []int32
		named  int32 // when set, the Store's pts named for channel 9 is replaced by it
		want   []string
	}{
		{name: "pushes in order", pushes: []int32{5, 6}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "pushes reversed", pushes: []int32{6, 5}, want: []string{"ch9/5", "ch9/6", "ch9/7"}},
		{name: "one push", pushes: []int32{6}, want: []string{"ch9/6", "ch9/7"}},
		{name: "no push", want: []string{"ch9/7"}},
		{name: "named at the start", pushes: []int32{5, 6}, named: 6, want: []string{"ch9/7"}},
		{name: "named below the start", pushes: []int32{5, 6}, named: -3, want: []string{"ch9/7"}},
		{name: "named far above the start", pushes: []int32{5, 6}, named: 6 + DefaultMaxPending + 1,
			want: []string{"ch9/7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mem := guessStore(t)
				a, err := NewManager(Options{API: &guessAPI{top: 7, hold: true}, Handler: &orderLog{}, Store: mem,
					AccessHashes: anyHash})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				stopped := make(chan error, 1)
				if err := a.Start(ctx, func(err error) { stopped <- err }); err != nil {
					t.Fatal(err)
				}
				if err := a.HandleUpdates(t.Context(), updates(0, &tg.UpdateChannelTooLong{ChannelID: 9, Pts: tl.Some[int32](7)})); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				cancel()
				<-stopped
				saved, _, _ := mem.Load(t.Context())
				if diff := cmp.Diff([]ChannelPts{{ChannelID: 9, Pts: 6, Named: 7}}, saved.Channels); diff != "" {
					t.Errorf("saved after the first Manager (-want +got):\n%s", diff)
				}
				if tc.named != 0 {
					mem.channels[9] = ChannelPts{ChannelID: 9, Pts: 6, Named: tc.named}
				}

				api := &gateAPI{guessAPI: guessAPI{top: 7}, gate: make(chan struct{})}
				second := &orderLog{}
				b, err := NewManager(Options{API: api, Handler: second, Store: mem, AccessHashes: anyHash})
				if err != nil {
					t.Fatal(err)
				}
				ctx2, cancel2 := context.WithCancel(t.Context())
				defer cancel2()
				if err := b.Start(ctx2, nil); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				for _, pts := range tc.pushes {
					if err := b.HandleUpdates(t.Context(), updates(0, chMsg(9, pts, pts))); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
				}
				close(api.gate)
				synctest.Wait()
				if diff := cmp.Diff(tc.want, second.seen()); diff != "" {
					t.Errorf("delivered by the next Manager (-want +got):\n%s", diff)
				}
				saved, _, _ = mem.Load(t.Context())
				if diff := cmp.Diff([]ChannelPts{{ChannelID: 9, Pts: 7}}, saved.Channels); diff != "" {
					t.Errorf("saved at the end (-want +got):\n%s", diff)
				}
				cancel2()
				synctest.Wait()
			})
		})
	}
}

// TestStartFromSavedGuess: a Box started from a Store that kept a guessed start (6, the pts
// named 7) treats it as the first Box did. A push below it lowers the start, the commits name
// the guess until the difference ends it, and a final answer below the pts named is a server
// behind what it said (EventStateBehind), which the old code, comparing it with 6, missed.
func TestStartFromSavedGuess(t *testing.T) {
	const ch = 9
	final := func(pts int32) tg.UpdatesChannelDifferenceClass {
		return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: pts}
	}
	for _, tc := range []struct {
		name    string
		pushes  []int32
		answers []tg.UpdatesChannelDifferenceClass
		commits []ChannelPts // of ch, in order
		behind  []Event
	}{
		{name: "answer at the pts named", answers: []tg.UpdatesChannelDifferenceClass{final(7)},
			commits: []ChannelPts{{ChannelID: ch, Pts: 7}}},
		{name: "answer at the guessed start", answers: []tg.UpdatesChannelDifferenceClass{final(6)},
			commits: []ChannelPts{{ChannelID: ch, Pts: 6}},
			behind:  []Event{{Kind: EventStateBehind, Sequence: SequenceChannel, ChannelID: ch, Local: 7, Remote: 6}}},
		{name: "push below the start", pushes: []int32{5},
			answers: []tg.UpdatesChannelDifferenceClass{final(7), final(7)},
			commits: []ChannelPts{{ChannelID: ch, Pts: 4, Named: 7}, {ChannelID: ch, Pts: 7}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.record(h.b.Start(h.now, &Saved{State: State{Pts: 1, Qts: 1, Seq: 1, Date: 1},
				Channels: []ChannelPts{{ChannelID: ch, Pts: 6, Named: 7}}}))
			h.difference(&tg.UpdatesDifferenceEmpty{Date: 1, Seq: 1})
			for _, pts := range tc.pushes {
				h.process(updates(0, chMsg(ch, pts, pts)))
			}
			for i, a := range tc.answers {
				var asked int
				for _, r := range h.reqs {
					if r.Kind == RequestChannelDifference {
						asked++
					}
				}
				if asked <= i {
					t.Fatalf("answer %d: %d channel requests: %+v", i, asked, h.reqs)
				}
				h.channelDifference(ch, a)
			}
			var commits []ChannelPts
			for _, c := range h.commits {
				commits = append(commits, c.Channels...)
			}
			if diff := cmp.Diff(tc.commits, commits, cmpEmpty); diff != "" {
				t.Errorf("channel commits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.behind, h.eventsOf(EventStateBehind), cmpEmpty); diff != "" {
				t.Errorf("behind events (-want +got):\n%s", diff)
			}
		})
	}
}
