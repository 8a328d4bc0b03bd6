package updengine

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/updates"
)

// TestDeliverOnlyWhileRunning checks that a batch reaching the engine outside Run fails (the
// Manager keeps it uncommitted) instead of going nowhere.
func TestDeliverOnlyWhileRunning(t *testing.T) {
	e := New(updates.Options{}, slog.New(slog.DiscardHandler))
	if err := e.handle(t.Context(), updates.Batch{}); !errors.Is(err, errNoSink) {
		t.Fatalf("batch outside Run = %v, want errNoSink", err)
	}
}

// TestFeedKeepsOrder checks that the feed runs what it was given in order, also what was added
// while it ran, and that Close waits for all of it.
func TestFeedKeepsOrder(t *testing.T) {
	f := NewFeed(t.Context(), slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var got, want []int
	for i := range 200 {
		want = append(want, i)
		f.Add(func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, i)
			return nil
		})
	}
	f.Close()
	f.Add(func(context.Context) error { t.Error("ran after Close"); return nil })
	if !slices.Equal(got, want) {
		t.Fatalf("feed ran %v, want 0..199 in order", got)
	}
}

// stateAPI is an account at pts 10 whose difference is always empty.
type stateAPI struct{}

func (stateAPI) UpdatesGetState(context.Context, *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	return &tg.UpdatesState{Pts: 10, Date: 1}, nil
}

func (stateAPI) UpdatesGetDifference(context.Context, *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	return &tg.UpdatesDifferenceEmpty{Date: 1}, nil
}

func (stateAPI) UpdatesGetChannelDifference(context.Context, *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	return nil, errors.New("no channels")
}

// newMessage is the push of a private message at pts.
func newMessage(pts int32) tg.UpdatesClass {
	return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{
		Message: &tg.Message{ID: pts, PeerID: &tg.PeerUser{UserID: 5}}, Pts: pts, PtsCount: 1,
	}}, Date: 1}
}

// period is one connected period of an engine: what it delivered and why it stopped.
type period struct {
	mu     sync.Mutex
	ids    []int
	stops  []error
	cancel context.CancelFunc
}

func startPeriod(t *testing.T, e *Engine) *period {
	t.Helper()
	p := &period{}
	ctx, cancel := context.WithCancel(t.Context())
	p.cancel = cancel
	deliver := func(_ context.Context, u tg.UpdatesClass) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, up := range u.(*tg.Updates).Updates {
			p.ids = append(p.ids, int(up.(*tg.UpdateNewMessage).Message.(*tg.Message).ID))
		}
		return nil
	}
	stopped := func(err error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.stops = append(p.stops, err)
	}
	if err := e.Start(ctx, deliver, stopped); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *period) got() ([]int, []error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.ids), slices.Clone(p.stops)
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// TestEnginePeriods runs two connected periods: each has its own Ready, stopped is called
// once per period, and an update fed between the periods is delivered by the second, once.
func TestEnginePeriods(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(updates.Options{API: stateAPI{}, Store: updates.NewMemoryStore()}, slog.New(slog.DiscardHandler))
		first := e.Ready()
		p1 := startPeriod(t, e)
		synctest.Wait()
		if !isClosed(first) {
			t.Fatal("Ready not closed once the first period knows its state")
		}
		if err := e.HandleUpdates(t.Context(), newMessage(11)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		p1.cancel()
		synctest.Wait()
		ids, stops := p1.got()
		if !slices.Equal(ids, []int{11}) || len(stops) != 1 || !errors.Is(stops[0], context.Canceled) {
			t.Fatalf("first period delivered %v, stopped %v", ids, stops)
		}
		if err := e.handle(t.Context(), updates.Batch{}); !errors.Is(err, errNoSink) {
			t.Errorf("batch between the periods = %v, want errNoSink", err)
		}
		if err := e.HandleUpdates(t.Context(), newMessage(12)); err != nil {
			t.Fatal(err)
		}
		second := e.Ready()
		if second == first || isClosed(second) {
			t.Fatal("the second period reuses the first one's Ready")
		}
		p2 := startPeriod(t, e)
		synctest.Wait()
		if !isClosed(second) {
			t.Fatal("Ready not closed once the second period knows its state")
		}
		p2.cancel()
		synctest.Wait()
		ids, stops = p2.got()
		if !slices.Equal(ids, []int{12}) || len(stops) != 1 || !errors.Is(stops[0], context.Canceled) {
			t.Fatalf("second period delivered %v, stopped %v", ids, stops)
		}
		if ids, stops := p1.got(); len(ids) != 1 || len(stops) != 1 {
			t.Fatalf("first period touched again: %v, %v", ids, stops)
		}
	})
}

// TestEngineHandsLeftoversOn stops a period while presses (updates without a pts, which no
// catch-up brings back) wait behind a batch its deliver holds: the next period delivers them.
func TestEngineHandsLeftoversOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(updates.Options{API: stateAPI{}, Store: updates.NewMemoryStore()}, slog.New(slog.DiscardHandler))
		press := func(id int64) tg.UpdatesClass {
			return &tg.UpdateShort{Update: &tg.UpdateBotCallbackQuery{QueryID: id, UserID: 1, Peer: &tg.PeerUser{UserID: 1}}}
		}
		var mu sync.Mutex
		var got []int64
		gate := make(chan struct{})
		deliver := func(_ context.Context, u tg.UpdatesClass) error {
			<-gate
			mu.Lock()
			defer mu.Unlock()
			for _, up := range u.(*tg.Updates).Updates {
				got = append(got, up.(*tg.UpdateBotCallbackQuery).QueryID)
			}
			return nil
		}
		ctx, cancel := context.WithCancel(t.Context())
		if err := e.Start(ctx, deliver, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for id := range int64(4) {
			if err := e.HandleUpdates(t.Context(), press(id+1)); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait() // press 1 is held by deliver, 2-4 wait
		cancel()
		close(gate)
		synctest.Wait()
		ctx2, cancel2 := context.WithCancel(t.Context())
		defer cancel2()
		if err := e.Start(ctx2, deliver, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(got, []int64{1, 2, 3, 4}) {
			t.Fatalf("presses delivered over the two periods: %v, want 1-4", got)
		}
	})
}
