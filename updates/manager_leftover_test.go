package updates

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// press is an update without a pts: nothing but the Manager's input keeps it.
func press(id int64) tg.UpdatesClass {
	return &tg.UpdateShort{Update: &tg.UpdateBotCallbackQuery{QueryID: id, UserID: 1, Peer: &tg.PeerUser{UserID: 1}}}
}

// presses records the callback queries a Handler was given, in order.
type presses struct {
	mu  sync.Mutex
	ids []int64
}

func (p *presses) HandleUpdates(_ context.Context, b Batch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range b.Updates {
		if q, ok := u.(*tg.UpdateBotCallbackQuery); ok {
			p.ids = append(p.ids, q.QueryID)
		}
	}
	return nil
}

func (p *presses) seen() []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64(nil), p.ids...)
}

// TestManagerLeftoversGoToNextManager stops a Manager while presses wait behind a batch its
// Handler holds: they are its Leftovers, and the next Manager delivers them after Resume.
func TestManagerLeftoversGoToNextManager(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(5)
		gate := make(chan struct{})
		first := &presses{}
		h := HandlerFunc(func(ctx context.Context, b Batch) error {
			<-gate
			return first.HandleUpdates(ctx, b)
		})
		a, err := NewManager(Options{API: srv, Handler: h})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		stopped := make(chan error, 1)
		if err := a.Start(ctx, func(err error) { stopped <- err }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := a.Leftovers(); got != nil {
			t.Fatalf("Leftovers of a running Manager: %v", got)
		}
		for id := range int64(6) {
			if err := a.HandleUpdates(t.Context(), press(id+1)); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait() // the Handler holds press 1; 2-6 wait in the queue
		cancel()
		close(gate)
		synctest.Wait()
		if err := <-stopped; !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped with %v", err)
		}
		if err := a.HandleUpdates(t.Context(), press(7)); !errors.Is(err, ErrStopped) {
			t.Fatalf("HandleUpdates after the stop: %v", err)
		}
		left := a.Leftovers()
		if len(left) != 5 {
			t.Fatalf("%d leftovers, want 5", len(left))
		}

		second := &presses{}
		b, err := NewManager(Options{API: srv, Handler: second})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(left)
		if err := b.HandleUpdates(t.Context(), press(8)); err != nil {
			t.Fatal(err)
		}
		ctx2, cancel2 := context.WithCancel(t.Context())
		defer cancel2()
		if err := b.Start(ctx2, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		got := append(first.seen(), second.seen()...)
		if diff := cmp.Diff([]int64{1, 2, 3, 4, 5, 6, 8}, got); diff != "" {
			t.Errorf("presses delivered (-want +got):\n%s", diff)
		}
		cancel2()
		synctest.Wait()
	})
}

// TestManagerStopKeepsEveryAcceptedInput races senders against the stop: every input
// HandleUpdates accepted is either delivered or left over, none twice.
func TestManagerStopKeepsEveryAcceptedInput(t *testing.T) {
	for range 20 {
		srv := sim.New(6)
		rec := &presses{}
		m, err := NewManager(Options{API: srv, Handler: rec})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		if err := m.Start(ctx, func(error) { close(done) }); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var accepted []int64
		var wg sync.WaitGroup
		for g := range int64(8) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range int64(50) {
					id := g*1000 + i + 1
					if m.HandleUpdates(t.Context(), press(id)) == nil {
						mu.Lock()
						accepted = append(accepted, id)
						mu.Unlock()
					}
				}
			}()
		}
		cancel()
		wg.Wait()
		<-done
		got := map[int64]int{}
		for _, id := range rec.seen() {
			got[id]++
		}
		for _, l := range m.Leftovers() {
			if q, ok := l.in.u.(*tg.UpdateShort).Update.(*tg.UpdateBotCallbackQuery); ok {
				got[q.QueryID]++
			}
		}
		for _, id := range accepted {
			if got[id] != 1 {
				t.Fatalf("accepted press %d delivered or left %d times", id, got[id])
			}
			delete(got, id)
		}
		if len(got) != 0 {
			t.Fatalf("presses never accepted came out: %v", got)
		}
	}
}

// TestManagerResumeBehindFullQueue hands leftovers to a Manager not started yet whose queue
// is full, with one more sender waiting for room: Resume must not wait for that sender (it
// waits for Start, and the engine starts the next period after the stopped function that
// calls Resume returned). Then the Manager delivers the leftovers first, and every input.
func TestManagerResumeBehindFullQueue(t *testing.T) {
	srv := sim.New(5)
	rec := &presses{}
	var total int // set before Start
	all := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, b Batch) error {
		err := rec.HandleUpdates(ctx, b)
		if len(rec.seen()) == total {
			close(all)
		}
		return err
	})
	m, err := NewManager(Options{API: srv, Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{1, 2} // the leftovers
	for i := range cap(m.in) {
		id := int64(i + 100)
		if err := m.HandleUpdates(t.Context(), press(id)); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	sent := make(chan error, 1)
	go func() { sent <- m.HandleUpdates(t.Context(), press(999)) }()
	want = append(want, 999)
	for m.admit.TryLock() { // until the last sender holds admission, waiting for room
		m.admit.Unlock()
		runtime.Gosched()
	}

	left := []Leftover{{input{kind: inputUpdates, u: press(1)}}, {input{kind: inputUpdates, u: press(2)}}}
	resumed := make(chan bool, 1)
	go func() { resumed <- m.Resume(left) }()
	select {
	case ok := <-resumed:
		if !ok {
			t.Fatal("a Manager not started refused the leftovers")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Resume waits for a sender that waits for Start")
	}

	total = len(want)
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error, 1)
	if err := m.Start(ctx, func(err error) { stopped <- err }); err != nil {
		t.Fatal(err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	<-all
	cancel()
	<-stopped
	if diff := cmp.Diff(want, rec.seen()); diff != "" {
		t.Errorf("presses delivered (-want +got):\n%s", diff)
	}
	if m.Resume(left) {
		t.Error("a stopped Manager took leftovers")
	}
}
