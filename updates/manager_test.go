package updates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is a Handler and a Hook that remembers what it saw.
type recorder struct {
	mu     sync.Mutex
	ids    []string
	users  int
	events []Event
	fail   func(b Batch) error
}

func (r *recorder) HandleUpdates(_ context.Context, b Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(b); err != nil {
			return err
		}
	}
	for _, u := range b.Updates {
		r.ids = append(r.ids, sim.Identity(u))
	}
	r.users += len(b.Users)
	return nil
}

func (r *recorder) OnEvent(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ids)
}

func (r *recorder) kinds() []EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var k []EventKind
	for _, e := range r.events {
		k = append(k, e.Kind)
	}
	return k
}

// countingAPI wraps the simulated server, counting calls and optionally failing them.
type countingAPI struct {
	*sim.Server
	mu    sync.Mutex
	calls map[string]int
	fail  func(method string) error
}

func newCountingAPI(srv *sim.Server) *countingAPI {
	return &countingAPI{Server: srv, calls: make(map[string]int)}
}

func (a *countingAPI) enter(method string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls[method]++
	if a.fail != nil {
		return a.fail(method)
	}
	return nil
}

func (a *countingAPI) count(method string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[method]
}

func (a *countingAPI) UpdatesGetState(ctx context.Context, req *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error) {
	if err := a.enter("getState"); err != nil {
		return nil, err
	}
	return a.Server.UpdatesGetState(ctx, req)
}

func (a *countingAPI) UpdatesGetDifference(ctx context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	if err := a.enter("getDifference"); err != nil {
		return nil, err
	}
	return a.Server.UpdatesGetDifference(ctx, req)
}

func (a *countingAPI) UpdatesGetChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	if err := a.enter("getChannelDifference"); err != nil {
		return nil, err
	}
	return a.Server.UpdatesGetChannelDifference(ctx, req)
}

// simHashes knows the access hashes the simulated server hands out.
var simHashes = AccessHashesFunc(func(id int64) (int64, bool) { return id * 7, true })

// running is a Manager started in the background of a synctest bubble.
type running struct {
	m      *Manager
	cancel context.CancelFunc
	errc   chan error
}

func start(t *testing.T, opts Options) *running {
	t.Helper()
	m, err := NewManager(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r := &running{m: m, cancel: cancel, errc: make(chan error, 1)}
	go func() { r.errc <- m.Run(ctx) }()
	synctest.Wait()
	return r
}

func (r *running) push(t *testing.T, u tg.UpdatesClass) {
	t.Helper()
	if err := r.m.HandleUpdates(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	err := <-r.errc
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func TestManagerFreshStartAndGap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(1, 77)
		api := newCountingAPI(srv)
		rec := &recorder{}
		store := NewMemoryStore()
		r := start(t, Options{API: api, Handler: rec, Hook: rec, Store: store, Logger: slog.New(slog.DiscardHandler)})
		if api.count("getState") != 1 {
			t.Fatalf("getState calls %d", api.count("getState"))
		}
		a := srv.Message()
		_ = srv.Message() // lost on the way
		c := srv.Message()
		ch := srv.ChannelMessage(77)
		r.push(t, a)
		r.push(t, c)
		r.push(t, ch)
		synctest.Wait()
		if got := rec.seen(); len(got) != 2 {
			t.Fatalf("before the gap wait: %v", got)
		}
		time.Sleep(DefaultGapWait)
		synctest.Wait()
		want := []string{"m1", "m4", "m2", "m3"} // the channel is its own sequence
		if diff := cmp.Diff(want, rec.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		if api.count("getDifference") != 1 {
			t.Errorf("getDifference calls %d", api.count("getDifference"))
		}
		saved, ok, _ := store.Load(t.Context())
		st := srv.State()
		wantSaved := Saved{State: State{Pts: st.Pts, Qts: st.Qts, Seq: st.Seq, Date: st.Date}, Channels: []ChannelPts{{ChannelID: 77, Pts: 1001}}}
		if diff := cmp.Diff(wantSaved, saved); !ok || diff != "" {
			t.Errorf("saved (-want +got):\n%s", diff)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
		if err := r.m.HandleUpdates(t.Context(), a); !errors.Is(err, ErrStopped) {
			t.Errorf("HandleUpdates after stop: %v", err)
		}
		if err := r.m.Run(t.Context()); !errors.Is(err, ErrRunning) {
			t.Errorf("second Run: %v", err)
		}
	})
}

func TestManagerCatchUpAndNoCatchUp(t *testing.T) {
	for _, noCatchUp := range []bool{false, true} {
		t.Run(fmt.Sprint("NoCatchUp=", noCatchUp), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := sim.New(2, 5)
				api := newCountingAPI(srv)
				store := NewMemoryStore()
				rec := &recorder{}
				r := start(t, Options{API: api, Handler: rec, Store: store})
				r.push(t, srv.Message())
				r.push(t, srv.ChannelMessage(5))
				synctest.Wait()
				if err := r.stop(t); err != nil {
					t.Fatal(err)
				}
				// While the program is down.
				srv.Message()
				srv.ChannelMessage(5)
				srv.ChannelMessage(5)

				rec2 := &recorder{}
				r2 := start(t, Options{API: api, Handler: rec2, Store: store, NoCatchUp: noCatchUp, AccessHashes: simHashes})
				synctest.Wait()
				want := []string{"m3", "m4", "m5"} // the account's and the channel's catch-ups run concurrently
				if noCatchUp {
					want = nil
				}
				got := rec2.seen()
				slices.Sort(got)
				if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
					t.Errorf("delivered after restart (-want +got):\n%s", diff)
				}
				if err := r2.stop(t); err != nil {
					t.Fatal(err)
				}
				saved, _, _ := store.Load(t.Context())
				if noCatchUp && len(saved.Channels) != 0 {
					t.Errorf("saved channels kept with NoCatchUp: %+v", saved.Channels)
				}
			})
		})
	}
}

func TestManagerDropsInaccessibleChannel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(3, 9)
		store := NewMemoryStore()
		rec := &recorder{}
		r := start(t, Options{API: srv, Handler: rec, Hook: rec, Store: store})
		first := srv.ChannelMessage(9)
		r.push(t, first)
		srv.ChannelMessage(9) // lost
		third := srv.ChannelMessage(9)
		srv.SetPrivate(9)
		r.push(t, third)
		time.Sleep(time.Second)
		synctest.Wait()
		if !slices.Contains(rec.kinds(), EventChannelDropped) || !slices.Contains(rec.kinds(), EventDifferenceTooLong) {
			t.Errorf("events %v, want a channel dropped after a gap", rec.kinds())
		}
		// The third, held after the gap when the channel became private, is not lost with it.
		want := []string{sim.Identity(first.(*tg.Updates).Updates[0]), sim.Identity(third.(*tg.Updates).Updates[0])}
		if diff := cmp.Diff(want, rec.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		saved, _, _ := store.Load(t.Context())
		if len(saved.Channels) != 0 {
			t.Errorf("dropped channel still saved: %+v", saved.Channels)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}

func TestManagerNoAccessHash(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(4, 9, 10)
		store := NewMemoryStore()
		st := srv.State()
		// Saved channels whose hashes nobody knows: their catch-up cannot be asked for yet.
		if err := store.Save(t.Context(), Commit{State: State{Pts: st.Pts, Qts: st.Qts, Seq: st.Seq, Date: st.Date}, HasState: true,
			Channels: []ChannelPts{{ChannelID: 9, Pts: 1000}, {ChannelID: 10, Pts: 1000}}}); err != nil {
			t.Fatal(err)
		}
		srv.ChannelMessage(9) // missed while down
		rec := &recorder{}
		r := start(t, Options{API: srv, Handler: rec, Hook: rec, Store: store})
		if slices.Contains(rec.kinds(), EventChannelDropped) {
			t.Fatalf("dropped at once: %v", rec.kinds())
		}
		// Channel 9's next update brings its hash: the retry fetches what was missed.
		time.Sleep(500 * time.Millisecond)
		r.push(t, srv.ChannelMessage(9))
		time.Sleep(2 * time.Second)
		synctest.Wait()
		got := rec.seen()
		slices.Sort(got)
		if diff := cmp.Diff([]string{"m1", "m2"}, got); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		// Channel 10's hash never comes: it is dropped after the retries.
		time.Sleep(time.Minute)
		synctest.Wait()
		var dropped []int64
		rec.mu.Lock()
		for _, e := range rec.events {
			if e.Kind == EventChannelDropped {
				dropped = append(dropped, e.ChannelID)
			}
		}
		rec.mu.Unlock()
		if diff := cmp.Diff([]int64{10}, dropped); diff != "" {
			t.Errorf("dropped (-want +got):\n%s", diff)
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}

func TestManagerRetriesFailedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(5)
		api := newCountingAPI(srv)
		failures := 2
		api.fail = func(string) error {
			if failures > 0 {
				failures--
				return errors.New("connection reset")
			}
			return nil
		}
		rec := &recorder{}
		r := start(t, Options{API: api, Handler: rec, Hook: rec})
		r.push(t, srv.Message())
		synctest.Wait()
		if len(rec.seen()) != 0 {
			t.Fatal("delivered before the state was known")
		}
		time.Sleep(3 * time.Second) // backoffs of 1 s and 2 s
		synctest.Wait()
		if diff := cmp.Diff([]string{"m1"}, rec.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		if api.count("getState") != 3 {
			t.Errorf("getState calls %d, want 3", api.count("getState"))
		}
		// The update that came before the state was recovered from the difference (one call);
		// every reconnect asks for another.
		if api.count("getDifference") != 1 {
			t.Errorf("getDifference calls %d, want 1", api.count("getDifference"))
		}
		if err := r.m.Reconnected(t.Context()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if api.count("getDifference") != 2 {
			t.Errorf("getDifference calls %d, want 2", api.count("getDifference"))
		}
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}

func TestManagerHandlerErrorKeepsState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(6)
		store := NewMemoryStore()
		rec := &recorder{}
		r := start(t, Options{API: srv, Handler: rec, Store: store})
		r.push(t, srv.Message())
		synctest.Wait()
		boom := errors.New("boom")
		rec.mu.Lock()
		rec.fail = func(Batch) error { return boom }
		rec.mu.Unlock()
		r.push(t, srv.Message())
		if err := <-r.errc; !errors.Is(err, boom) {
			t.Fatalf("Run returned %v, want the handler's error", err)
		}
		r.errc <- nil
		_ = r.stop(t)
		// The failed batch was not committed: the next run delivers it again.
		rec2 := &recorder{}
		r2 := start(t, Options{API: srv, Handler: rec2, Store: store})
		if diff := cmp.Diff([]string{"m2"}, rec2.seen()); diff != "" {
			t.Errorf("redelivered (-want +got):\n%s", diff)
		}
		if err := r2.stop(t); err != nil {
			t.Fatal(err)
		}
	})
}

// TestManagerUnderFaults runs the whole loop against the simulated server while pushes are
// withheld, reordered and duplicated and the connection "reconnects" every few hundred
// milliseconds; halfway the program stops, more happens, and a new Manager on the same store
// catches up, given the first one's Leftovers. Every event must be handled exactly once,
// messages in order per sequence, and the presses (no pts, one push each, 5%) once each and in
// the order they were pushed, across the differences they wait for and the stop.
func TestManagerUnderFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		channels := []int64{101, 102, 103, 104, 105}
		srv := sim.New(7, channels...)
		srv.Limit = 50
		store := NewMemoryStore()
		// The client knows its channels from the start (as from messages.getDialogs), so even a
		// channel's first update may be withheld.
		st := srv.State()
		initial := Commit{State: State{Pts: st.Pts, Qts: st.Qts, Seq: st.Seq, Date: st.Date}, HasState: true}
		for _, ch := range channels {
			initial.Channels = append(initial.Channels, ChannelPts{ChannelID: ch, Pts: srv.ChannelPts(ch)})
		}
		if err := store.Save(t.Context(), initial); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		// Presses (no pts) go to their own record, in the order the Handler saw them.
		pressed := &presses{}
		h := HandlerFunc(func(ctx context.Context, b Batch) error {
			rest := b
			rest.Updates = slices.DeleteFunc(slices.Clone(b.Updates), func(u tg.UpdateClass) bool {
				_, ok := pressID(u)
				return ok
			})
			if err := pressed.HandleUpdates(ctx, b); err != nil {
				return err
			}
			return rec.HandleUpdates(ctx, rest)
		})
		rng := rand.New(rand.NewPCG(7, 7))
		const total = 2000
		var (
			held []tg.UpdatesClass
			sent int64
			r    = start(t, Options{API: srv, Handler: h, Store: store, AccessHashes: simHashes})
		)
		for i := range total {
			if i == total/2 {
				if err := r.stop(t); err != nil {
					t.Fatal(err)
				}
				held = nil // lost with the connection
				for range 100 {
					srv.Step() // while the program is down
				}
				left := r.m.Leftovers()
				r = start(t, Options{API: srv, Handler: h, Store: store, AccessHashes: simHashes})
				if !r.m.Resume(left) {
					t.Fatal("Resume refused")
				}
			}
			if rng.IntN(20) == 0 {
				sent++
				r.push(t, press(sent))
			}
			u := srv.Step()
			switch a := rng.IntN(100); {
			case a < 10: // withheld
			case a < 30:
				held = append(held, u)
			default:
				r.push(t, u)
				if a < 35 {
					r.push(t, u)
				}
			}
			if len(held) > 0 && rng.IntN(4) == 0 {
				r.push(t, held[len(held)-1]) // late and out of order
				held = held[:len(held)-1]
			}
			if rng.IntN(50) == 0 {
				if err := r.m.Reconnected(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		}
		time.Sleep(DefaultIdle + time.Minute) // idle checks reach withheld tails of channels
		synctest.Wait()
		if err := r.stop(t); err != nil {
			t.Fatal(err)
		}
		pr := &propertyRun{t: t, srv: srv, delivered: rec.seen()}
		pr.stored, _, _ = store.Load(t.Context())
		pr.verify(srv.Events())
		want := make([]int64, sent)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if diff := cmp.Diff(want, pressed.seen()); diff != "" {
			t.Errorf("presses (-want +got):\n%s", diff)
		}
	})
}

// cancelStore cancels the Manager's context while a commit is being saved, as a shutdown that
// races with a batch would, and checks the save still gets a live context.
type cancelStore struct {
	*MemoryStore
	cancel context.CancelFunc
	saves  int
	dead   int
}

func (s *cancelStore) Save(ctx context.Context, c Commit) error {
	s.saves++
	if s.saves == 2 {
		s.cancel()
	}
	if ctx.Err() != nil {
		s.dead++
	}
	return s.MemoryStore.Save(ctx, c)
}

func TestManagerSavesHandledBatchOnShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(8)
		ctx, cancel := context.WithCancel(t.Context())
		store := &cancelStore{MemoryStore: NewMemoryStore()}
		m, err := NewManager(Options{API: srv, Handler: &recorder{}, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		store.cancel = cancel
		errc := make(chan error, 1)
		go func() { errc <- m.Run(ctx) }()
		synctest.Wait()
		u := srv.Message()
		if err := m.HandleUpdates(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		if store.dead != 0 {
			t.Errorf("%d saves got a cancelled context", store.dead)
		}
		saved, _, _ := store.Load(t.Context())
		if want := srv.State().Pts; saved.State.Pts != want {
			t.Errorf("saved pts %d, want %d", saved.State.Pts, want)
		}
	})
}

// loopGoroutines counts the goroutines running a Manager's loop.
func loopGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "updates.(*Manager).work(")
}

func TestManagerIdleKeepsNoGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(3)
		rec := &recorder{}
		gate := make(chan struct{})
		h := HandlerFunc(func(ctx context.Context, b Batch) error {
			<-gate // closed after the first delivery
			return rec.HandleUpdates(ctx, b)
		})
		m, err := NewManager(Options{API: srv, Handler: h})
		if err != nil {
			t.Fatal(err)
		}
		// Input queued before Start waits for it. It has no pts: a message made before Start
		// would be in getState's answer already, and dropped or not depending on which the
		// Box sees first.
		first := press(1)
		if err := m.HandleUpdates(t.Context(), first); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := loopGoroutines(); n != 0 {
			t.Fatalf("%d loop goroutines before Start", n)
		}
		ctx, cancel := context.WithCancel(t.Context())
		stops := make(chan error, 2)
		if err := m.Start(ctx, func(err error) { stops <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := loopGoroutines(); n != 1 {
			t.Errorf("%d loop goroutines while the Handler works, want 1", n)
		}
		close(gate)
		synctest.Wait()
		if n := loopGoroutines(); n != 0 {
			t.Errorf("%d loop goroutines once idle after the start", n)
		}
		for range 3 {
			if err := m.HandleUpdates(t.Context(), srv.Message()); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			if n := loopGoroutines(); n != 0 {
				t.Errorf("%d loop goroutines once idle after an update", n)
			}
		}
		if diff := cmp.Diff([]string{"updateBotCallbackQuery", "m1", "m2", "m3"}, rec.seen()); diff != "" {
			t.Errorf("delivered (-want +got):\n%s", diff)
		}
		// A gap is recovered by the timer alone, with no goroutine waiting for it.
		_ = srv.Message() // lost
		if err := m.HandleUpdates(t.Context(), srv.Message()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := loopGoroutines(); n != 0 {
			t.Errorf("%d loop goroutines while a gap waits", n)
		}
		time.Sleep(DefaultGapWait)
		synctest.Wait()
		if diff := cmp.Diff([]string{"updateBotCallbackQuery", "m1", "m2", "m3", "m4", "m5"}, rec.seen()); diff != "" {
			t.Errorf("after the gap (-want +got):\n%s", diff)
		}
		if err := m.Start(ctx, nil); !errors.Is(err, ErrRunning) {
			t.Errorf("second Start: %v", err)
		}
		cancel()
		synctest.Wait()
		select {
		case err := <-stops:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("stopped with %v", err)
			}
		default:
			t.Fatal("stopped was not called")
		}
		if len(stops) != 0 {
			t.Error("stopped was called twice")
		}
		if err := m.HandleUpdates(t.Context(), first); !errors.Is(err, ErrStopped) {
			t.Errorf("HandleUpdates after stop: %v", err)
		}
	})
}

func TestManagerStartStopsOnHandlerError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(3)
		boom := errors.New("boom")
		rec := &recorder{fail: func(Batch) error { return boom }}
		m, err := NewManager(Options{API: srv, Handler: rec})
		if err != nil {
			t.Fatal(err)
		}
		stops := make(chan error, 1)
		if err := m.Start(t.Context(), func(err error) { stops <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if err := m.HandleUpdates(t.Context(), srv.Message()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		select {
		case err := <-stops:
			if !errors.Is(err, boom) {
				t.Errorf("stopped with %v", err)
			}
		default:
			t.Fatal("stopped was not called after the Handler failed")
		}
		if n := loopGoroutines(); n != 0 {
			t.Errorf("%d loop goroutines after the stop", n)
		}
	})
}
