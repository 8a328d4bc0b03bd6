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
	type outcome struct{ disconnect, connect error }
	returned := make(chan outcome, 1)
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
		var o outcome
		switch {
		case stop:
			b.Stop()
		default:
			o.disconnect = b.Disconnect()
			if connect {
				cctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				o.connect = b.ConnectContext(cctx)
			}
		}
		returned <- o
	})

	sender.send(t) // "1": the hook disconnects
	o := recv(t, returned, "return of Disconnect (and Connect) or Stop called from OnUpdateReceived")
	if o.disconnect != nil || o.connect != nil {
		t.Fatalf("from the hook: Disconnect = %v, Connect = %v", o.disconnect, o.connect)
	}
	if stop {
		recv(t, b.Done(), "client stopped from OnUpdateReceived")
		return
	}
	if !connect {
		if b.IsConnected() {
			t.Fatal("connected after Disconnect from OnUpdateReceived")
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
		text = recv(t, handled, "the messages up to the one after the reconnection")
		got = append(got, text)
	}
	if diff := cmp.Diff([]string{"1", "2"}, got); diff != "" {
		t.Fatalf("handled (-want +got):\n%s", diff)
	}
}
