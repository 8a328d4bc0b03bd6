package mtgo_test

import (
	"context"
	"errors"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2EStopFromHandler: a handler that stops its own client (an admin's /shutdown) must not
// wait for itself: the client stops and Done is closed.
func TestE2EStopFromHandler(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_stop_bot")
	returned := make(chan struct{})
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		b.Stop()
		close(returned)
		return nil
	})
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Sam", Phone: "15551777"})
	if _, err := u.SendMessage(ctxT(t), "@e2e_stop_bot", "/shutdown"); err != nil {
		t.Fatal(err)
	}
	recv(t, returned, "return of Stop called from a handler")
	recv(t, b.Done(), "client stopped from its handler")
}

// TestE2EStopFromHook: an OnDisconnect hook run by the engine stops the client.
func TestE2EStopFromHook(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_stop_hook_bot")
	returned := make(chan struct{})
	b.OnDisconnect(func(*mtgo.Context) {
		b.Stop()
		close(returned)
	})
	cl.Faults().DropConnections(0) // every data center
	recv(t, returned, "return of Stop called from OnDisconnect")
	recv(t, b.Done(), "client stopped from its hook")
}

// TestE2EStartContextWaitsForStop: StartContext, whose ctx ends, returns only once the client
// has stopped (the client's own call of Stop waits, unlike one from a handler).
func TestE2EStartContextWaitsForStop(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_start_ctx_bot")
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	started := make(chan struct{})
	b.OnStart(func(*mtgo.Context) { close(started) })
	go func() { errc <- b.StartContext(ctx) }()
	recv(t, started, "OnStart")
	cancel()
	if err := recv(t, errc, "return of StartContext"); !errors.Is(err, context.Canceled) {
		t.Fatalf("StartContext = %v", err)
	}
	select {
	case <-b.Done():
	default:
		t.Fatal("StartContext returned before the client stopped")
	}
}

// TestE2ECloseFromHandler: Close from a handler starts the shutdown instead of waiting for
// the handler calling it.
func TestE2ECloseFromHandler(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_close_bot")
	returned := make(chan error, 1)
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		returned <- b.Close()
		return nil
	})
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Kim", Phone: "15551778"})
	if _, err := u.SendMessage(ctxT(t), "@e2e_close_bot", "/close"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, returned, "return of Close called from a handler"); err != nil {
		t.Fatalf("Close from a handler = %v", err)
	}
	recv(t, b.Done(), "client closed from its handler")
}
