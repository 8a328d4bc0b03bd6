package mtgo_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestE2EDisconnectFromHandler: a handler that disconnects its own client (a /reconnect
// command) must not wait for itself. Disconnect stops the update engine, which waits for the
// handlers of the batch it delivered: the one calling Disconnect among them. Disconnect
// returns once the connection is closed; the update that ran the handler counts as handled,
// so the next Connect does not deliver it again (the handler would disconnect again, for
// ever). With "then Connect" the handler connects again itself and the client goes on.
func TestE2EDisconnectFromHandler(t *testing.T) {
	for _, reconnect := range []bool{false, true} {
		name := "Disconnect"
		if reconnect {
			name = "then Connect"
		}
		t.Run(name, func(t *testing.T) { testDisconnectFromHandler(t, reconnect) })
	}
}

func testDisconnectFromHandler(t *testing.T, reconnect bool) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_disc_handler_bot")
	sender := newSoakSenders(t, cl, "e2e_disc_handler_bot", 1)[0]
	type outcome struct{ disconnect, connect error }
	returned := make(chan outcome, 1)
	handled := make(chan string, 8)
	var first atomic.Bool
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		handled <- m.Text
		if !first.CompareAndSwap(false, true) {
			return nil // a message handled again must not disconnect again
		}
		var o outcome
		o.disconnect = b.Disconnect()
		if reconnect {
			cctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			o.connect = b.ConnectContext(cctx)
		}
		returned <- o
		return nil
	})

	start := time.Now()
	sender.send(t) // "1": the handler disconnects
	if got := recv(t, handled, "the handler of the first message"); got != "1" {
		t.Fatalf("handled %q first", got)
	}
	// Before the fix Disconnect returned only after the update engine gave up waiting for
	// the handler (handlerStopGrace, 5 s), and left the update to be delivered again.
	o := recv(t, returned, "return of Disconnect (and Connect) called from a handler")
	t.Logf("Disconnect from the handler returned after %v", time.Since(start).Round(time.Millisecond))
	if o.disconnect != nil || o.connect != nil {
		t.Fatalf("from the handler: Disconnect = %v, Connect = %v", o.disconnect, o.connect)
	}
	if !reconnect {
		if b.IsConnected() {
			t.Fatal("connected after Disconnect from a handler")
		}
		if err := b.ConnectContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if !b.IsConnected() {
		t.Fatal("not connected after Connect")
	}
	sender.send(t) // "2": delivered by the update engine of the new connection
	var got []string
	for text := ""; text != "2"; {
		text = recv(t, handled, "the second message after the reconnection")
		got = append(got, text)
	}
	if diff := cmp.Diff([]string{"2"}, got); diff != "" {
		t.Fatalf("handled after Disconnect (-want +got):\n%s", diff)
	}
}
