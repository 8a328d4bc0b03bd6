package dcpool

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// Claim spreads transfer calls over lanes: a busy lane makes the next call open a new one, a
// finished call frees its lane for reuse, and no more than MaxLanes lanes exist.
func TestClaimLanes(t *testing.T) {
	noSpawn := func(func(context.Context)) bool { return false }
	noOpen := func(context.Context, int, bool, bool) (*conn.Live, error) {
		t.Fatal("claim dialed although every lane is open")
		return nil, nil
	}
	p := New(noSpawn, noOpen, 0, slog.New(slog.DiscardHandler))
	// Open lanes are pre-made connections, so Claim never dials.
	lanes := map[*conn.Live]int{}
	for lane := range MaxLanes {
		lc := conn.New(4, true, false, nil)
		p.Put(Key{DC: 4, Media: true, Lane: lane}, lc)
		lanes[lc] = lane
	}
	ctx := context.Background()
	claimLane := func() (int, func()) {
		t.Helper()
		lc, release, err := p.Claim(ctx, 4, true, false)
		if err != nil {
			t.Fatal(err)
		}
		return lanes[lc], release
	}

	// Sequential calls (one worker) stay on lane 0.
	for range 3 {
		lane, release := claimLane()
		release()
		if lane != 0 {
			t.Fatalf("sequential call on lane %d", lane)
		}
	}
	// Parallel calls take a lane each, then share the least loaded.
	var got []int
	var releases []func()
	for range MaxLanes + 2 {
		lane, release := claimLane()
		got = append(got, lane)
		releases = append(releases, release)
	}
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 0, 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("lanes (-want +got):\n%s", d)
	}
	releases[3]()
	releases[3] = nil
	if lane, release := claimLane(); lane != 3 {
		t.Fatalf("after lane 3 finished, the next call took lane %d", lane)
	} else {
		release()
	}
	for _, r := range releases {
		if r != nil {
			r()
		}
	}
	for k, n := range p.Claims() {
		if n != 0 {
			t.Fatalf("lane %+v keeps %d claims after every call finished", k, n)
		}
	}
	// Other kinds and data centers have lanes of their own.
	p.Put(Key{DC: 4, CDN: true}, conn.New(4, false, true, nil))
	if lc, release, err := p.Claim(ctx, 4, false, true); err != nil || !lc.CDN {
		t.Fatalf("cdn claim: %+v, %v", lc, err)
	} else {
		release()
	}
}

// heldOpen is a pool of dc 4 whose first open waits for release; opened lists the
// connections its opens returned.
type heldOpen struct {
	p       *Pool
	release chan struct{}
	opened  []*conn.Live
}

// newHeldOpen returns a heldOpen; with ended, key {DC: 4} holds a session that ended.
func newHeldOpen(ended bool) *heldOpen {
	h := &heldOpen{release: make(chan struct{})}
	open := func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
		if len(h.opened) == 0 {
			<-h.release
		}
		lc := conn.New(dc, media, cdn, nil)
		h.opened = append(h.opened, lc)
		return lc, nil
	}
	noSpawn := func(func(context.Context)) bool { return false }
	h.p = New(noSpawn, open, 0, slog.New(slog.DiscardHandler))
	if ended {
		old := conn.New(4, false, false, nil)
		h.p.Put(Key{DC: 4}, old)
		old.Close()
	}
	return h
}

// TestForgetWhileOpening: Forget of the data center while Get opens one of its sessions (the
// first one, or a reopen of one that ended) makes Get open it again, as the connection the
// open returns may hold what was forgotten (an auth key the server no longer knows, loaded
// before the client dropped it): before, Get pooled it, and it failed until the session gave
// up on the key. A Forget of another data center, or of the CDN with the same id, leaves the
// open alone. Forget also reads the entry's connection that Get stores: with -race that was
// a data race once, when Get stored it under the entry's lock only.
func TestForgetWhileOpening(t *testing.T) {
	tests := []struct {
		name   string
		ended  bool // dc 4 had a pooled session, which ended
		dc     int  // the data center forgotten during the open
		cdn    bool
		reopen bool
	}{
		{name: "first open", dc: 4, reopen: true},
		{name: "reopen of an ended session", ended: true, dc: 4, reopen: true},
		{name: "another data center", dc: 5},
		{name: "the cdn with that id", dc: 4, cdn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHeldOpen(tt.ended)
				p := h.p
				got := make(chan *conn.Live, 1)
				go func() {
					lc, err := p.Get(t.Context(), 4, false, false)
					if err != nil {
						t.Error(err)
					}
					got <- lc
				}()
				synctest.Wait() // the open waits
				p.Forget(tt.dc, tt.cdn)
				close(h.release)
				lc := <-got
				opened := h.opened
				want := 1
				if tt.reopen {
					want = 2
				}
				if len(opened) != want {
					t.Fatalf("%d opens, want %d", len(opened), want)
				}
				if lc != opened[want-1] || lc.Done() {
					t.Fatalf("Get returned open %d of %d (closed: %v), want the last one", slices.Index(opened, lc)+1, len(opened), lc.Done())
				}
				if opened[0].Done() != tt.reopen {
					t.Errorf("the connection opened before Forget closed: %v, want %v", opened[0].Done(), tt.reopen)
				}
				live := p.Live(nil)
				if len(live) != 1 || live[0].Live != lc {
					t.Errorf("pooled %v, want only the connection Get returned", live)
				}
			})
		})
	}
}

// TestOpenOneAtATimePerDC: parallel claims on a data center without connections open its
// lanes one at a time, so the first connection's key exchange (inside the opener) is done
// before the next one starts and finds the key; a caller whose context ends while it waits
// gives up with its context's cause, and the others go on.
func TestOpenOneAtATimePerDC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers = 4
		release := make(chan struct{})
		var mu sync.Mutex
		var inOpen, most, opens int
		open := func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
			mu.Lock()
			inOpen++
			most = max(most, inOpen)
			opens++
			mu.Unlock()
			<-release
			mu.Lock()
			inOpen--
			mu.Unlock()
			return conn.New(dc, media, cdn, nil), nil
		}
		noSpawn := func(func(context.Context)) bool { return false }
		p := New(noSpawn, open, 0, slog.New(slog.DiscardHandler))
		errs := make(chan error, workers+1)
		for range workers {
			go func() {
				_, done, err := p.Claim(t.Context(), 203, false, true)
				if err == nil {
					defer done()
				}
				errs <- err
			}()
		}
		synctest.Wait()
		if opens != 1 {
			t.Fatalf("%d opens of dc 203 started at once, want 1", opens)
		}
		cause := errors.New("the caller gave up")
		ctx, cancel := context.WithCancelCause(t.Context())
		go func() {
			_, err := p.Get(ctx, 203, false, true)
			errs <- err
		}()
		synctest.Wait()
		cancel(cause)
		if err := <-errs; !errors.Is(err, cause) {
			t.Fatalf("a waiter whose context ended: %v, want %v", err, cause)
		}
		close(release)
		for range workers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if opens != workers || most != 1 {
			t.Fatalf("%d opens, at most %d at once; want %d, 1 at once", opens, most, workers)
		}
	})
}

// TestCloseAllWhileOpening: CloseAll (a Disconnect) while an opener waits for a key that
// does not come, for a caller without a deadline, ends that open and those waiting for the
// data center's turn instead of waiting with them: before, CloseAll waited for the entry
// being opened as long as the caller's context lived.
func TestCloseAllWhileOpening(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opening := make(chan struct{}, 2)
		var hang atomic.Bool
		hang.Store(true)
		open := func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
			if !hang.Load() {
				return conn.New(dc, media, cdn, nil), nil
			}
			opening <- struct{}{}
			<-ctx.Done() // the key exchange never ends
			return nil, context.Cause(ctx)
		}
		noSpawn := func(func(context.Context)) bool { return false }
		p := New(noSpawn, open, 0, slog.New(slog.DiscardHandler))
		errs := make(chan error, 2)
		for _, media := range []bool{false, true} { // the second waits for the first's turn
			go func() {
				_, err := p.Get(context.Background(), 4, media, false)
				errs <- err
			}()
		}
		<-opening
		synctest.Wait()
		closed := make(chan struct{})
		go func() {
			p.CloseAll()
			close(closed)
		}()
		synctest.Wait()
		select {
		case <-closed:
		default:
			t.Fatal("CloseAll waits for an open that waits for a key")
		}
		for range 2 {
			if err := <-errs; !errors.Is(err, ErrClosed) {
				t.Fatalf("an open CloseAll ended: %v, want %v", err, ErrClosed)
			}
		}
		hang.Store(false)
		if _, err := p.Get(t.Context(), 4, false, false); err != nil {
			t.Fatalf("a Get after CloseAll: %v", err)
		}
	})
}

// TestForgetKeepsEntryBeingOpened: a Forget while Get reopens a session that ended leaves that
// entry pooled (its old connection closed), so a Get of the same key meanwhile waits for that
// open and shares its connection. Before, Forget dropped the entry: the second Get made
// another one and pooled it, and the first open's connection, pooled nowhere, was neither
// swept when idle nor closed by CloseAll.
func TestForgetKeepsEntryBeingOpened(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHeldOpen(true)
		p := h.p
		got := make(chan *conn.Live, 2)
		get := func() {
			lc, err := p.Get(t.Context(), 4, false, false)
			if err != nil {
				t.Error(err)
			}
			got <- lc
		}
		go get()
		synctest.Wait() // the reopen waits
		p.Forget(4, false)
		go get()
		synctest.Wait() // the second Get waits too
		close(h.release)
		first, second := <-got, <-got
		opened := h.opened
		if first != second {
			t.Errorf("two Gets of one key returned two connections (open %d and %d of %d)",
				slices.Index(opened, first)+1, slices.Index(opened, second)+1, len(opened))
		}
		checkPooled(t, p, opened)
	})
}

// TestForgetAfterCallerGaveUp: when Forget overtakes an open whose caller's context ended
// meanwhile, Get ends with the context's cause instead of opening the session again for a
// caller that no longer waits. The opener here returns a connection whatever its context says
// and a Forget comes with every open, so without the check Get kept opening (bounded at 3 to
// fail rather than hang).
func TestForgetAfterCallerGaveUp(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	gone := errors.New("caller gone")
	var p *Pool
	var opened []*conn.Live
	open := func(_ context.Context, dc int, media, cdn bool) (*conn.Live, error) {
		if len(opened) == 3 {
			return nil, errors.New("still opening after 3 forgets")
		}
		lc := conn.New(dc, media, cdn, nil)
		opened = append(opened, lc)
		cancel(gone)
		p.Forget(dc, cdn)
		return lc, nil
	}
	p = New(func(func(context.Context)) bool { return false }, open, 0, slog.New(slog.DiscardHandler))
	lc, err := p.Get(ctx, 4, false, false)
	if !errors.Is(err, gone) || lc != nil {
		t.Fatalf("Get = %v, %v; want the context's cause", lc, err)
	}
	if len(opened) != 1 || !opened[0].Done() {
		t.Fatalf("%d opens (first closed: %v), want 1, closed", len(opened), len(opened) > 0 && opened[0].Done())
	}
	if live := p.Live(nil); len(live) != 0 {
		t.Errorf("pooled %v after the open was given up", live)
	}
}

// TestWaiterOfDroppedEntryPoolsItsOpen: a Get waiting for an entry whose open failed (and so
// dropped it) opens it in turn; a Get arriving meanwhile shares that entry, so the
// connection is pooled. Before, the late Get made another entry, and the waiter's connection,
// returned but pooled nowhere, was neither swept when idle nor closed by CloseAll.
func TestWaiterOfDroppedEntryPoolsItsOpen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		failFirst, holdSecond := make(chan struct{}), make(chan struct{})
		var opened []*conn.Live
		open := func(_ context.Context, dc int, media, cdn bool) (*conn.Live, error) {
			switch len(opened) {
			case 0:
				<-failFirst
			case 1:
				<-holdSecond
			}
			lc := conn.New(dc, media, cdn, nil)
			opened = append(opened, lc)
			if len(opened) == 1 {
				lc.Close()
				return nil, errors.New("first open fails")
			}
			return lc, nil
		}
		p := New(func(func(context.Context)) bool { return false }, open, 0, slog.New(slog.DiscardHandler))
		got := make(chan *conn.Live, 3)
		get := func() {
			lc, _ := p.Get(t.Context(), 4, false, false)
			got <- lc
		}
		go get()
		synctest.Wait() // the first open runs
		go get()
		synctest.Wait() // the second Get waits for the entry
		close(failFirst)
		synctest.Wait() // the first Get failed and dropped the entry; the second opens it
		go get()
		synctest.Wait() // the third Get waits
		close(holdSecond)
		<-got
		<-got
		<-got
		checkPooled(t, p, opened)
		p.CloseAll()
	})
}

// checkPooled fails t for each of the opened connections running but pooled nowhere, which
// neither the idle sweep nor CloseAll would close.
func checkPooled(t *testing.T, p *Pool, opened []*conn.Live) {
	t.Helper()
	var live []*conn.Live
	for _, c := range p.Live(nil) {
		live = append(live, c.Live)
	}
	for i, lc := range opened {
		if !lc.Done() && !slices.Contains(live, lc) {
			t.Errorf("open %d of %d is running and pooled nowhere", i+1, len(opened))
		}
	}
}
