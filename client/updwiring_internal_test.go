package mtgo

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// countingEngine is an UpdateManager that counts Reconnected calls.
type countingEngine struct {
	reconnects atomic.Int32
	got        chan struct{}
}

func (e *countingEngine) HandleUpdates(context.Context, tg.UpdatesClass) error { return nil }
func (e *countingEngine) Run(ctx context.Context) error                        { <-ctx.Done(); return nil }
func (e *countingEngine) Reconnected(context.Context) error {
	e.reconnects.Add(1)
	e.got <- struct{}{}
	return nil
}

// TestReconnectedAfterEveryRedial checks that every dial of the home connection after the
// first reaches the update engine as Reconnected, and the first does not.
func TestReconnectedAfterEveryRedial(t *testing.T) {
	eng := &countingEngine{got: make(chan struct{}, 8)}
	c := &Client{Log: newLogger(LogConfig{}), updates: eng}
	_, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.updCancel = cancel // the engine counts as running

	redialed := make(chan struct{}, 1)
	d := &homeDialer{
		Dialer: session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
			return nil, nil
		}),
		redialed: redialed,
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.reconnectedLoop(ctx, redialed) }()

	if _, err := d.DialPacket(ctx, 2, "x"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-eng.got:
		t.Fatal("the first dial is not a reconnect")
	case <-time.After(50 * time.Millisecond):
	}
	for i := range 3 {
		if _, err := d.DialPacket(ctx, 2, "x"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-eng.got:
		case <-time.After(5 * time.Second):
			t.Fatalf("redial %d did not reach the engine", i+1)
		}
	}
	stop()
	<-done
	if n := eng.reconnects.Load(); n != 3 {
		t.Fatalf("Reconnected called %d times, want 3", n)
	}
}

// recordingEngine is an UpdateManager that records what it was fed, never running.
type recordingEngine struct{ fed chan tg.UpdatesClass }

func (e *recordingEngine) HandleUpdates(_ context.Context, u tg.UpdatesClass) error {
	e.fed <- u
	return nil
}
func (e *recordingEngine) Run(ctx context.Context) error { <-ctx.Done(); return nil }

type chanDispatcher chan tg.UpdatesClass

func (d chanDispatcher) Dispatch(u tg.UpdatesClass) { d <- u }

// TestPushesGoThroughEngineWhileStopped checks that updates handed to the client while the
// engine is not running go to the engine, never straight to the dispatcher.
func TestPushesGoThroughEngineWhileStopped(t *testing.T) {
	eng := &recordingEngine{fed: make(chan tg.UpdatesClass, 1)}
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
// still runs, Deliver waits the grace period and then fails (the batch stays uncommitted)
// instead of holding the stop forever, and succeeds when the handler finishes in time.
func TestDeliverAtStopGivesHandlersGrace(t *testing.T) {
	defer func(g time.Duration) { handlerStopGrace = g }(handlerStopGrace)
	handlerStopGrace = 100 * time.Millisecond
	cfg := DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true
	c, err := NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	release := make(chan struct{})
	c.OnMessage(func(_ context.Context, m *types.Message) error {
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
	if err := c.Deliver(stopped, msg(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Deliver with a stuck handler at stop = %v, want context.Canceled", err)
	}
	close(release)
	if err := c.Deliver(stopped, msg(2)); err != nil {
		t.Fatalf("Deliver with handlers finishing in time = %v", err)
	}
}
