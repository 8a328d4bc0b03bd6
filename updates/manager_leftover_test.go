package updates

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// leftUpdates lists the updates kept in leftovers, in order.
func leftUpdates(left []Leftover) []tg.UpdateClass {
	var out []tg.UpdateClass
	for _, l := range left {
		switch u := l.in.u.(type) {
		case *tg.UpdateShort:
			out = append(out, u.Update)
		case *tg.Updates:
			out = append(out, u.Updates...)
		}
	}
	return out
}

// pressID returns the query id of a press.
func pressID(u tg.UpdateClass) (int64, bool) {
	q, ok := u.(*tg.UpdateBotCallbackQuery)
	if !ok {
		return 0, false
	}
	return q.QueryID, true
}

// TestManagerStopKeepsRestOfPartlyHandedInput stops the Manager while the Handler holds the
// first of three batches one container makes (its press and a channel post; then a post that
// waited for that one, with other chats; then a second press): the two batches not handed over
// are the Leftovers, and the next Manager delivers what the catch-up does not bring again,
// nothing twice.
func TestManagerStopKeepsRestOfPartlyHandedInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ch = 77
		srv := sim.New(5, ch)
		store := NewMemoryStore()
		ctx, cancel := context.WithCancel(t.Context())
		first := &recorder{fail: func(b Batch) error {
			for _, u := range b.Updates {
				if id, ok := pressID(u); ok && id == 1 {
					cancel() // the stop comes while the Handler holds the first batch
				}
			}
			return nil
		}}
		a, err := NewManager(Options{API: srv, Handler: first, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		stopped := make(chan error, 1)
		if err := a.Start(ctx, func(err error) { stopped <- err }); err != nil {
			t.Fatal(err)
		}
		p1, p2, p3 := srv.ChannelMessage(ch), srv.ChannelMessage(ch).(*tg.Updates), srv.ChannelMessage(ch)
		mixed := &tg.Updates{
			Updates: []tg.UpdateClass{press(1).(*tg.UpdateShort).Update, p2.Updates[0], press(2).(*tg.UpdateShort).Update},
			Chats:   p2.Chats,
		}
		for _, u := range []tg.UpdatesClass{p1, p3, mixed} {
			if err := a.HandleUpdates(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		if err := <-stopped; !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped with %v", err)
		}
		left := a.Leftovers()
		var leftIDs []string
		for _, u := range leftUpdates(left) {
			leftIDs = append(leftIDs, sim.Identity(u))
		}
		p3id := sim.Identity(p3.(*tg.Updates).Updates[0])
		if diff := cmp.Diff([]string{p3id, sim.Identity(mixed.Updates[2])}, leftIDs); diff != "" {
			t.Errorf("leftovers (-want +got):\n%s", diff)
		}

		second := &recorder{}
		b, err := NewManager(Options{API: srv, Handler: second, Store: store})
		if err != nil {
			t.Fatal(err)
		}
		b.Resume(left)
		ctx2, cancel2 := context.WithCancel(t.Context())
		if err := b.Start(ctx2, nil); err != nil {
			t.Fatal(err)
		}
		// The catch-up of the channel waits for its access hash, which comes with the leftover
		// post; the retry follows after RetryMin.
		time.Sleep(2 * DefaultRetryMin)
		synctest.Wait()
		cancel2()
		synctest.Wait()
		want := []string{sim.Identity(p1.(*tg.Updates).Updates[0])}
		want = append(want, sim.Identity(mixed.Updates[0]), sim.Identity(mixed.Updates[1]), p3id, sim.Identity(mixed.Updates[2]))
		got := append(first.seen(), second.seen()...)
		if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("delivered over both Managers (-want +got):\n%s", diff)
		}
	})
}

// TestManagerStopKeepsEveryAcceptedInput races senders against the stop: every press
// HandleUpdates accepted is either delivered or left over, none twice, and no channel post is
// both. In the first half of the runs the stop comes from outside, in the second the Handler
// brings it while it holds a batch, and the senders' containers make several batches each (a
// press and a post; the post that waited for it; another press), so the stop often falls
// between batches of one container.
func TestManagerStopKeepsEveryAcceptedInput(t *testing.T) {
	const runs = 40
	for run := range runs {
		fromHandler := run >= runs/2
		srv := sim.New(6)
		rec := &presses{}
		var posts sync.Map // "channel/pts" -> count delivered
		ctx, cancel := context.WithCancel(t.Context())
		stopAt := int64(1 + rand.IntN(400))
		var handled atomic.Int64
		h := HandlerFunc(func(ctx context.Context, b Batch) error {
			for _, u := range b.Updates {
				if m, ok := u.(*tg.UpdateNewChannelMessage); ok {
					key := postKey(m)
					n, _ := posts.LoadOrStore(key, new(atomic.Int32))
					n.(*atomic.Int32).Add(1)
				}
				if _, ok := pressID(u); ok && fromHandler && handled.Add(1) == stopAt {
					cancel()
				}
			}
			return rec.HandleUpdates(ctx, b)
		})
		m, err := NewManager(Options{API: srv, Handler: h, Box: Config{GapWait: time.Hour, ChannelIdle: time.Hour, Idle: time.Hour}})
		if err != nil {
			t.Fatal(err)
		}
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
				channel := 500 + g
				send := func(u tg.UpdatesClass, ids ...int64) bool {
					if m.HandleUpdates(t.Context(), u) != nil {
						return false
					}
					mu.Lock()
					accepted = append(accepted, ids...)
					mu.Unlock()
					return true
				}
				if !fromHandler {
					for i := range int64(50) {
						id := g*1000 + i + 1
						if !send(press(id), id) {
							return
						}
					}
					return
				}
				if !send(post(channel, 1)) {
					return
				}
				for i := range int32(25) {
					id := g*1000 + int64(i)*2 + 1
					pts := 2*i + 1
					if !send(post(channel, pts+2)) { // held until the next container fills the gap
						return
					}
					mixed := &tg.Updates{
						Updates: []tg.UpdateClass{press(id).(*tg.UpdateShort).Update, post(channel, pts+1).Updates[0], press(id + 1).(*tg.UpdateShort).Update},
						Chats:   []tg.ChatClass{&tg.Channel{ID: channel}},
					}
					if !send(mixed, id, id+1) {
						return
					}
				}
			}()
		}
		if !fromHandler {
			cancel()
		}
		wg.Wait()
		cancel()
		<-done
		got := map[int64]int{}
		for _, id := range rec.seen() {
			got[id]++
		}
		for _, u := range leftUpdates(m.Leftovers()) {
			if id, ok := pressID(u); ok {
				got[id]++
			}
			if p, ok := u.(*tg.UpdateNewChannelMessage); ok {
				if n, ok := posts.Load(postKey(p)); ok && n.(*atomic.Int32).Load() > 0 {
					t.Fatalf("run %d: post %s delivered and left over", run, postKey(p))
				}
			}
		}
		posts.Range(func(k, n any) bool {
			if c := n.(*atomic.Int32).Load(); c != 1 {
				t.Fatalf("run %d: post %s delivered %d times", run, k, c)
			}
			return true
		})
		for _, id := range accepted {
			if got[id] != 1 {
				t.Fatalf("run %d: accepted press %d delivered or left %d times", run, id, got[id])
			}
			delete(got, id)
		}
		if len(got) != 0 {
			t.Fatalf("run %d: presses never accepted came out: %v", run, got)
		}
	}
}

// post is a push of a channel post at pts, with chats of its own.
func post(channel int64, pts int32) *tg.Updates {
	m := &tg.Message{ID: pts, PeerID: &tg.PeerChannel{ChannelID: channel}}
	return &tg.Updates{
		Updates: []tg.UpdateClass{&tg.UpdateNewChannelMessage{Message: m, Pts: pts, PtsCount: 1}},
		Chats:   []tg.ChatClass{&tg.Channel{ID: channel}},
	}
}

func postKey(u *tg.UpdateNewChannelMessage) string {
	m := u.Message.(*tg.Message)
	return fmt.Sprintf("%d/%d", m.PeerID.(*tg.PeerChannel).ChannelID, u.Pts)
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
