package updates

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// stopLog records the calls of a Start's stopped callback.
type stopLog struct {
	mu   sync.Mutex
	errs []error
	at   func() // run inside the callback, when not nil
}

func (s *stopLog) stopped(err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	if s.at != nil {
		s.at() // after the record: at may let the test read it
	}
}

// once returns the single reason stopped was called with, failing the test when it was called
// never or more than once.
func (s *stopLog) once(t *testing.T) error {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) != 1 {
		t.Fatalf("stopped called %d times (%v), want once", len(s.errs), s.errs)
	}
	return s.errs[0]
}

func TestManagerStartCancelledContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(11)
		rec := &recorder{}
		store := NewMemoryStore()
		m, err := NewManager(Options{API: srv, Handler: rec, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.HandleUpdates(t.Context(), srv.Message()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var log stopLog
		if err := m.Start(ctx, log.stopped); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := log.once(t); !errors.Is(err, context.Canceled) {
			t.Errorf("stopped with %v, want context.Canceled", err)
		}
		if got := rec.seen(); len(got) != 0 {
			t.Errorf("delivered %v with a cancelled context", got)
		}
		if _, ok, _ := store.Load(t.Context()); ok {
			t.Error("a state was saved with a cancelled context")
		}
		if n := loopGoroutines(); n != 0 {
			t.Errorf("%d loop goroutines after the stop", n)
		}
		if err := m.HandleUpdates(t.Context(), srv.Message()); !errors.Is(err, ErrStopped) {
			t.Errorf("HandleUpdates after the stop: %v", err)
		}
		if err := m.Start(t.Context(), log.stopped); !errors.Is(err, ErrRunning) {
			t.Errorf("Start after the stop: %v", err)
		}
	})
}

// TestManagerStopWhileHandlerBlocks ends the context while the Handler holds a batch: the
// Manager stops once, saves nothing the Handler did not take, and leaves queued input alone.
func TestManagerStopWhileHandlerBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(12)
		store := NewMemoryStore()
		inside := make(chan struct{})
		var batches atomic.Int32
		h := HandlerFunc(func(ctx context.Context, b Batch) error {
			batches.Add(1)
			close(inside)
			<-ctx.Done()
			return ctx.Err()
		})
		m, err := NewManager(Options{API: srv, Handler: h, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var log stopLog
		if err := m.Start(ctx, log.stopped); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		before, _, _ := store.Load(t.Context())
		for range 3 {
			if err := m.HandleUpdates(t.Context(), srv.Message()); err != nil {
				t.Fatal(err)
			}
		}
		<-inside
		cancel()
		synctest.Wait()
		if err := log.once(t); !errors.Is(err, context.Canceled) {
			t.Errorf("stopped with %v, want context.Canceled", err)
		}
		if n := batches.Load(); n != 1 {
			t.Errorf("Handler called %d times, want 1", n)
		}
		after, _, _ := store.Load(t.Context())
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("state saved for a batch the Handler did not take (-before +after):\n%s", diff)
		}
		if n := loopGoroutines(); n != 0 {
			t.Errorf("%d loop goroutines after the stop", n)
		}
	})
}

// blockingAPI holds every getDifference until its context ends.
type blockingAPI struct {
	*sim.Server
	entered  chan struct{}
	returned atomic.Int32
}

func (a *blockingAPI) UpdatesGetDifference(ctx context.Context, _ *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	a.entered <- struct{}{}
	<-ctx.Done()
	a.returned.Add(1)
	return nil, ctx.Err()
}

// TestManagerStopWaitsForCalls checks that stopped is called only after every call the Manager
// started has returned.
func TestManagerStopWaitsForCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := &blockingAPI{Server: sim.New(13), entered: make(chan struct{}, 4)}
		m, err := NewManager(Options{API: api, Handler: &recorder{}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var log stopLog
		var returnedAtStop int32
		log.at = func() { returnedAtStop = api.returned.Load() }
		if err := m.Start(ctx, log.stopped); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := m.Reconnected(t.Context()); err != nil {
			t.Fatal(err)
		}
		<-api.entered
		cancel()
		synctest.Wait()
		if err := log.once(t); !errors.Is(err, context.Canceled) {
			t.Errorf("stopped with %v", err)
		}
		if returnedAtStop != 1 {
			t.Errorf("%d of 1 calls had returned when stopped was called", returnedAtStop)
		}
	})
}

// TestManagerTimerUnderInput keeps input coming while a gap waits: the gap's deadline must
// still be served on time, not after the input stops.
func TestManagerTimerUnderInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(14)
		api := &timedAPI{countingAPI: newCountingAPI(srv)}
		rec := &recorder{}
		r := start(t, Options{API: api, Handler: rec})
		r.push(t, srv.Message())
		_ = srv.Message() // lost
		gapSeen := time.Now()
		r.push(t, srv.Message())
		stop := make(chan struct{})
		pusher := make(chan struct{})
		go func() {
			defer close(pusher)
			for {
				select {
				case <-stop:
					return
				case <-time.After(7 * time.Millisecond):
				}
				if err := r.m.HandleUpdates(t.Context(), srv.Message()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		time.Sleep(3 * DefaultGapWait)
		close(stop)
		<-pusher
		synctest.Wait()
		if got := api.first(); !got.Equal(gapSeen.Add(DefaultGapWait)) {
			t.Errorf("getDifference at +%v, want +%v", got.Sub(gapSeen), DefaultGapWait)
		}
		ids := rec.seen()
		for i, id := range ids {
			if want := fmt.Sprintf("m%d", i+1); id != want {
				t.Fatalf("delivery %d is %s, want %s (all: %v)", i, id, want, ids)
			}
		}
		if want := int(srv.State().Pts - 100); len(ids) != want {
			t.Errorf("delivered %d updates, want %d", len(ids), want)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}

// timedAPI notes when the first getDifference was made.
type timedAPI struct {
	*countingAPI
	mu sync.Mutex
	at time.Time
}

func (a *timedAPI) UpdatesGetDifference(ctx context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	a.mu.Lock()
	if a.at.IsZero() {
		a.at = time.Now()
	}
	a.mu.Unlock()
	return a.countingAPI.UpdatesGetDifference(ctx, req)
}

func (a *timedAPI) first() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.at
}

// TestManagerConcurrentInput pushes from many goroutines at once, in real time, and stops while
// they push: the Handler is never entered twice at once, every update arrives once and in order,
// and stopped is called exactly once.
func TestManagerConcurrentInput(t *testing.T) {
	const pushers, total = 8, 400
	srv := sim.New(15)
	var inside atomic.Int32
	rec := &recorder{}
	all := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, b Batch) error {
		if inside.Add(1) != 1 {
			t.Error("Handler entered by two goroutines at once")
		}
		defer inside.Add(-1)
		if err := rec.HandleUpdates(ctx, b); err != nil {
			return err
		}
		if len(rec.seen()) == total {
			close(all)
		}
		return nil
	})
	ready := make(chan struct{})
	var once sync.Once
	hook := HookFunc(func(e Event) {
		if e.Kind == EventRecoveryFinished && e.Sequence == SequenceAccount {
			once.Do(func() { close(ready) })
		}
	})
	m, err := NewManager(Options{API: srv, Handler: h, Hook: hook, Box: Config{GapWait: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var log stopLog
	stopped := make(chan struct{})
	log.at = func() { close(stopped) }
	if err := m.Start(ctx, log.stopped); err != nil {
		t.Fatal(err)
	}
	<-ready // the messages happen after the state the Manager starts from
	pushes := make([]tg.UpdatesClass, total)
	for i := range pushes {
		pushes[i] = srv.Message()
	}
	var wg sync.WaitGroup
	for p := range pushers {
		order := rand.Perm(total)
		wg.Go(func() {
			for _, i := range order {
				if i%pushers != p {
					continue
				}
				if err := m.HandleUpdates(t.Context(), pushes[i]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	<-all
	ids := rec.seen()
	for i, id := range ids {
		if want := fmt.Sprintf("m%d", i+1); id != want {
			t.Fatalf("delivery %d is %s, want %s", i, id, want)
		}
	}
	// Stop while more input races in.
	var late sync.WaitGroup
	for range pushers {
		late.Go(func() {
			for range 50 {
				if err := m.Reconnected(t.Context()); errors.Is(err, ErrStopped) {
					return
				}
			}
		})
	}
	cancel()
	<-stopped
	late.Wait()
	if err := log.once(t); !errors.Is(err, context.Canceled) {
		t.Errorf("stopped with %v", err)
	}
}

// TestManagerTimerRearmed fills a gap before its wait ends, then opens another: the first
// deadline must not fetch a difference, the second must, on time.
func TestManagerTimerRearmed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(16)
		api := &timedAPI{countingAPI: newCountingAPI(srv)}
		rec := &recorder{}
		r := start(t, Options{API: api, Handler: rec})
		r.push(t, srv.Message())
		late := srv.Message()
		r.push(t, srv.Message()) // a gap: late is missing
		time.Sleep(DefaultGapWait / 2)
		r.push(t, late) // the gap is filled
		synctest.Wait()
		time.Sleep(DefaultGapWait)
		synctest.Wait()
		if n := api.count("getDifference"); n != 0 {
			t.Fatalf("%d getDifference calls for a gap that was filled", n)
		}
		_ = srv.Message() // lost
		gapSeen := time.Now()
		r.push(t, srv.Message())
		time.Sleep(2 * DefaultGapWait)
		synctest.Wait()
		if got := api.first(); !got.Equal(gapSeen.Add(DefaultGapWait)) {
			t.Errorf("getDifference at +%v, want +%v", got.Sub(gapSeen), DefaultGapWait)
		}
		if diff := cmp.Diff([]string{"m1", "m2", "m3", "m4", "m5"}, rec.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}
