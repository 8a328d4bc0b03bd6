package mtgo_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestOutageDuringConnectHooks: with the default ReconnectAttempts, a bot whose network goes
// down while its Connect runs the OnConnect hooks (user code, here a call that waits three
// minutes for an answer) gets a Connect that returns, and comes back by itself once the
// network does, with the message posted meanwhile. The home connection was marked
// established only after the hooks: its session gave up after 8 failed dials while the hook
// waited, Connect still returned nil, and nothing dialed again: the bot stayed deaf.
func TestOutageDuringConnectHooks(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "outage_hooks_bot", func(*mtgo.Config) {})
		if err := o.b.Disconnect(); err != nil {
			t.Fatal(err)
		}
		within(t, o.lost, time.Second, "OnDisconnect of Disconnect")
		var armed atomic.Bool
		hookErr := make(chan error, 1)
		o.b.OnConnect(func(*mtgo.Context) {
			if !armed.CompareAndSwap(true, false) {
				return
			}
			o.down.Store(true)
			o.cl.Faults().DropConnections(o.b.DC())
			_, err := o.b.InvokeContext(context.Background(), &tg.HelpGetNearestDCRequest{}, 0, 3*time.Minute)
			hookErr <- err
		})
		armed.Store(true)
		if err := o.b.ConnectContext(context.Background()); err != nil {
			t.Fatalf("Connect whose hook met the outage: %v", err)
		}
		if err := within(t, hookErr, time.Second, "call of the hook"); err == nil {
			t.Fatal("the hook's call during the outage succeeded")
		}
		if reason := within(t, o.lost, time.Minute, "OnDisconnect of the outage"); reason == nil || errors.Is(reason, mtgo.ErrReconnectFailed) {
			t.Fatalf("OnDisconnect reason %v, want the loss", reason)
		}
		o.sender.send(t)
		o.down.Store(false)
		within(t, o.back, 2*time.Minute, "OnReconnect once the network is back")
		o.rec.wait(t, 1, time.Minute)
		o.rec.check(t, []*soakSender{o.sender})
		if !o.b.IsConnected() {
			t.Fatal("not connected after the outage")
		}
	})
}
