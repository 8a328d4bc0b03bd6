package mtgo_test

import (
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EConnectionLostHooks drops the home connection on the server: OnDisconnect runs with
// the reason, the session reconnects, OnConnect runs again and calls work; a Disconnect by
// the user then runs OnDisconnect with no reason.
func TestE2EConnectionLostHooks(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_lost_bot")
	lost := make(chan error, 4)
	back := make(chan struct{}, 4)
	b.OnDisconnect(func(ctx *mtgo.Context) { lost <- ctx.Reason })
	b.OnConnect(func(*mtgo.Context) { back <- struct{}{} })

	for round := range 2 { // a second loss after the first reconnection is reported too
		if n := cl.Faults().DropConnections(b.DC()); n == 0 {
			t.Fatalf("round %d: no connection dropped", round)
		}
		if reason := recv(t, lost, "OnDisconnect after a dropped connection"); reason == nil {
			t.Fatalf("round %d: OnDisconnect without a reason", round)
		}
		recv(t, back, "OnConnect after the reconnection")
		if _, err := b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
			t.Fatalf("round %d: call after the reconnection: %v", round, err)
		}
	}
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if reason := recv(t, lost, "OnDisconnect after Disconnect"); reason != nil {
		t.Fatalf("OnDisconnect after Disconnect: reason %v, want nil", reason)
	}
	select {
	case <-back:
		t.Fatal("OnConnect ran after Disconnect")
	case err := <-lost:
		t.Fatalf("a second OnDisconnect ran: %v", err)
	default:
	}
}
