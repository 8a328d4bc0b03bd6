package mtgo_test

import (
	"sync/atomic"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestE2EDisconnectFromHandler: a handler that disconnects its own client (a /reconnect
// command) must not wait for itself. Disconnect stops the update engine, which waits for the
// handlers of the batch it delivered: the one calling Disconnect among them. Disconnect
// returns once the connection is closed; the update that ran the handler counts as handled,
// so the next Connect does not deliver it again (the handler would disconnect again, for
// ever). With "then Connect" the handler connects again itself and the client goes on; with
// "meanwhile" a message of the handler's chat comes while it is disconnected, and is handled
// once the handler returns.
func TestE2EDisconnectFromHandler(t *testing.T) {
	for _, tc := range []struct {
		name               string
		connect, meanwhile bool
	}{
		{"Disconnect", false, false},
		{"then Connect", true, false},
		{"then Connect, a message meanwhile", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) { testDisconnectFromHandler(t, tc.connect, tc.meanwhile) })
	}
}

func testDisconnectFromHandler(t *testing.T, connect, meanwhile bool) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_disc_handler_bot")
	sender := newSoakSenders(t, cl, "e2e_disc_handler_bot", 1)[0]
	returned := make(chan reconnectOutcome, 1)
	handled := make(chan string, 8)
	disconnected, goOn := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		handled <- m.Text
		if !first.CompareAndSwap(false, true) {
			return nil // a message handled again must not disconnect again
		}
		returned <- reconnectInside(b, connect, func() {
			if meanwhile {
				close(disconnected)
				<-goOn
			}
		})
		return nil
	})

	sender.send(t) // "1": the handler disconnects
	if got := recv(t, handled, "the handler of the first message"); got != "1" {
		t.Fatalf("handled %q first", got)
	}
	want := []string{"2"}
	if meanwhile {
		recv(t, disconnected, "return of Disconnect called from a handler")
		sender.send(t) // "2", while the handler holds its chat
		close(goOn)
		want = []string{"2", "3"}
	}
	// Before the fix Disconnect returned only after the update engine gave up waiting for
	// the handler (handlerStopGrace, 5 s), and left the update to be delivered again.
	o := recv(t, returned, "return of Disconnect (and Connect) called from a handler")
	checkReconnected(t, b, sender, handled, o, connect, want)
}
