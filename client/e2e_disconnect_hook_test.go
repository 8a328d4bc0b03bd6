package mtgo_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EDisconnectFromUpdateHook: an OnUpdateReceived hook runs on the update engine's
// goroutine, so Disconnect or Stop called from it must not wait for the update engine to stop
// (it would wait for itself). Disconnect returns once the connection is closed; the batch the
// hook saw counts as handled (its handlers run; the next Connect does not deliver it again),
// and a Connect from the hook (or after it) connects, with an update engine that delivers what
// comes next. Stop returns at once and the client stops.
func TestE2EDisconnectFromUpdateHook(t *testing.T) {
	for _, tc := range []struct {
		name          string
		stop, connect bool
	}{
		{name: "Disconnect"},
		{name: "then Connect", connect: true},
		{name: "Stop", stop: true},
	} {
		t.Run(tc.name, func(t *testing.T) { testDisconnectFromUpdateHook(t, tc.stop, tc.connect) })
	}
}

func testDisconnectFromUpdateHook(t *testing.T, stop, connect bool) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_disc_hook_bot")
	sender := newSoakSenders(t, cl, "e2e_disc_hook_bot", 1)[0]
	returned := make(chan reconnectOutcome, 1)
	handled := make(chan string, 8)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		handled <- m.Text
		return nil
	})
	var first atomic.Bool
	b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
		if !hasMessage(u, "1") || !first.CompareAndSwap(false, true) {
			return
		}
		if stop {
			b.Stop()
			returned <- reconnectOutcome{}
			return
		}
		returned <- reconnectInside(b, connect, nil)
	})

	sender.send(t) // "1": the hook disconnects
	o := recv(t, returned, "return of Disconnect (and Connect) or Stop called from OnUpdateReceived")
	if stop {
		recv(t, b.Done(), "client stopped from OnUpdateReceived")
		return
	}
	checkReconnected(t, b, sender, handled, o, connect, []string{"1", "2"})
}

// reconnectOutcome is what Disconnect and Connect returned, called from a handler or hook.
type reconnectOutcome struct{ disconnect, connect error }

// reconnectInside calls Disconnect, then between (when not nil), then with connect
// ConnectContext, as a handler or hook of b that reconnects does.
func reconnectInside(b *testClient, connect bool, between func()) reconnectOutcome {
	var o reconnectOutcome
	o.disconnect = b.Disconnect()
	if between != nil {
		between()
	}
	if connect {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		o.connect = b.ConnectContext(ctx)
	}
	return o
}

// checkReconnected checks the outcome o of a reconnectInside, connects b unless it connected
// itself, has sender send one more message, and checks the texts handled up to it against want
// (which ends with that message's).
func checkReconnected(t *testing.T, b *testClient, sender *soakSender, handled <-chan string, o reconnectOutcome, connect bool, want []string) {
	t.Helper()
	if o.disconnect != nil || o.connect != nil {
		t.Fatalf("from inside the client: Disconnect = %v, Connect = %v", o.disconnect, o.connect)
	}
	if !connect {
		if b.IsConnected() {
			t.Fatal("connected after Disconnect")
		}
		if err := b.ConnectContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if !b.IsConnected() {
		t.Fatal("not connected after Connect")
	}
	sender.send(t) // delivered by the update engine of the new connection
	last := want[len(want)-1]
	var got []string
	for text := ""; text != last; {
		text = recv(t, handled, "the messages up to the one after the reconnection")
		got = append(got, text)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("handled after Disconnect (-want +got):\n%s", diff)
	}
}
