package mtgo

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// fakeManager is an UpdateManager that records what it was fed and never runs.
type fakeManager struct {
	fed        chan tg.UpdatesClass
	reconnects atomic.Int32
}

func (m *fakeManager) HandleUpdates(_ context.Context, u tg.UpdatesClass) error {
	m.fed <- u
	return nil
}
func (m *fakeManager) HandleSent(ctx context.Context, _ updates.Sent, u tg.UpdatesClass) error {
	return m.HandleUpdates(ctx, u)
}
func (m *fakeManager) Reconnected(context.Context) error {
	m.reconnects.Add(1)
	return nil
}
func (m *fakeManager) Ready() <-chan struct{} { return nil }
func (m *fakeManager) Start(ctx context.Context, _ func(context.Context, tg.UpdatesClass) error, stopped func(error)) error {
	context.AfterFunc(ctx, func() { stopped(nil) })
	return nil
}

// TestRedialReachesRunningManager checks that a redial of the home connection and a new
// server session reach the update manager as Reconnected while it runs, and are dropped while
// it does not (its next start catches up from the saved state).
func TestRedialReachesRunningManager(t *testing.T) {
	m := &fakeManager{}
	c := &Client{Log: newLogger(LogConfig{}), updates: m, life: t.Context()}
	h := pushHandler{c}.Bind()
	h.Redialed(t.Context())
	if err := h.HandleNewSession(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.wg.Wait() // the push queue took the new session's gap
	if n := m.reconnects.Load(); n != 0 {
		t.Fatalf("Reconnected called %d times while the manager was not running", n)
	}
	_, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	c.updCancel = cancel // the manager counts as running
	for range 3 {
		h.Redialed(t.Context())
	}
	if err := h.HandleNewSession(t.Context()); err != nil {
		t.Fatal(err)
	}
	c.wg.Wait()
	if n := m.reconnects.Load(); n != 4 {
		t.Fatalf("Reconnected called %d times, want 4", n)
	}
}

// TestLateEventsOfReplacedConnection: the events of a home connection carry the generation of
// the Connect that made it; once a new Connect bound its own (reset the link state), a late
// loss, redial or end of the old connection is dropped: no spurious OnDisconnect, and the new
// connection's hooks still run (a late end used to silence them), and the state Health reads
// is the new connection's.
func TestLateEventsOfReplacedConnection(t *testing.T) {
	errOld, errEnd, errNew := errors.New("old"), errors.New("end"), errors.New("new")
	c := newOfflineClient(t)
	var got []string
	c.OnConnect(func(*Context) { got = append(got, "connect") })
	c.OnDisconnect(func(ctx *Context) {
		for _, e := range []error{errOld, errEnd, errNew} {
			if errors.Is(ctx.Reason, e) {
				got = append(got, "disconnect "+e.Error())
			}
		}
	})

	old := pushHandler{c}.Bind() // the first Connect
	c.announce(t.Context())
	old.Lost(t.Context(), errOld)
	cur := pushHandler{c}.Bind() // a new Connect replaces the connection, which reports late:
	old.Ended(t.Context(), errEnd)
	old.Redialed(t.Context())
	c.announce(t.Context())
	old.Lost(t.Context(), errOld)
	old.Ended(t.Context(), errEnd)
	c.link.mu.Lock()
	lastErr, ended := c.link.lastErr, c.link.ended
	c.link.mu.Unlock()
	if ended || errors.Is(lastErr, errEnd) {
		t.Errorf("link state after late events of the old connection: ended %v, last error %v (Health's)", ended, lastErr)
	}
	cur.Lost(t.Context(), errNew)

	want := []string{"connect", "disconnect old", "connect", "disconnect new"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("hooks (-want +got):\n%s", diff)
	}
}

type chanDispatcher chan tg.UpdatesClass

func (d chanDispatcher) Dispatch(u tg.UpdatesClass) { d <- u }

// TestPushesGoThroughEngineWhileStopped checks that updates handed to the client while the
// engine is not running go to the engine, never straight to the dispatcher.
func TestPushesGoThroughEngineWhileStopped(t *testing.T) {
	eng := &fakeManager{fed: make(chan tg.UpdatesClass, 1)}
	disp := make(chanDispatcher, 1)
	c := &Client{Log: newLogger(LogConfig{}), updates: eng, life: t.Context(), dispatcher: disp}
	push := &tg.UpdateShortMessage{ID: 4, UserID: 9, Message: "hi", Pts: 1, PtsCount: 1, Date: 5}
	c.HandleUpdates(push)
	select {
	case u := <-eng.fed:
		if u != push {
			t.Fatalf("engine got %+v, want the push", u)
		}
	default:
		t.Fatal("the push did not reach the engine")
	}
	select {
	case u := <-disp:
		t.Fatalf("dispatched around the engine: %+v", u)
	default:
	}
}

// TestDeliverAtStopGivesHandlersGrace checks that when the update engine stops while a handler
// still runs, deliver waits the grace period and then fails (the batch stays uncommitted)
// instead of holding the stop forever, and succeeds when the handler finishes in time.
func TestDeliverAtStopGivesHandlersGrace(t *testing.T) {
	defer func(g time.Duration) { handlerStopGrace = g }(handlerStopGrace)
	handlerStopGrace = 100 * time.Millisecond
	c := newOfflineClient(t)
	defer c.Stop()
	release := make(chan struct{})
	c.OnMessage(func(_ *Context, m *types.Message) error {
		if m.ID == 1 {
			<-release
		}
		return nil
	})
	msg := func(id int32) *tg.Updates {
		return &tg.Updates{
			Users:   []tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("u"), AccessHash: tl.Some(int64(1))}},
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: 7}, Message: "m"}}},
		}
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.deliver(stopped, msg(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver with a stuck handler at stop = %v, want context.Canceled", err)
	}
	close(release)
	if err := c.deliver(stopped, msg(2)); err != nil {
		t.Fatalf("Deliver with handlers finishing in time = %v", err)
	}
}
