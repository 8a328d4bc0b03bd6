package mtgo_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2ELogOutInsideClient: LogOut stops the update engine and waits for it before it clears
// the storage (an engine still ending would save its update state into the cleared store).
// From an OnUpdateReceived hook, which runs on that engine's goroutine, it would wait for
// itself: it fails at once with ErrInUpdateHook and logs nothing out. From a message handler
// it logs out without waiting for that handler (it took handlerStopGrace, 5 s, before): the
// test's 3 s bound fails without it.
func TestE2ELogOutInsideClient(t *testing.T) {
	t.Run("hook", func(t *testing.T) {
		cl := cluster(t)
		b, _ := e2eBot(t, cl, "e2e_logout_hook_bot")
		sender := newSoakSenders(t, cl, "e2e_logout_hook_bot", 1)[0]
		got := make(chan error, 1)
		var first atomic.Bool
		b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			if hasMessage(u, "1") && first.CompareAndSwap(false, true) {
				got <- b.LogOut()
			}
		})
		sender.send(t)
		if err := recv(t, got, "LogOut from OnUpdateReceived"); !errors.Is(err, mtgo.ErrInUpdateHook) {
			t.Fatalf("LogOut from OnUpdateReceived = %v, want ErrInUpdateHook", err)
		}
		if !b.IsConnected() {
			t.Fatal("refused LogOut left the client disconnected")
		}
	})
	t.Run("handler", func(t *testing.T) {
		cl := cluster(t)
		b, _ := e2eBot(t, cl, "e2e_logout_handler_bot")
		sender := newSoakSenders(t, cl, "e2e_logout_handler_bot", 1)[0]
		got := make(chan error, 1)
		var first atomic.Bool
		b.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
			if m.Text == "1" && first.CompareAndSwap(false, true) {
				got <- b.LogOut()
			}
			return nil
		})
		start := time.Now()
		sender.send(t)
		if err := recv(t, got, "LogOut from a handler"); err != nil {
			t.Fatalf("LogOut from a handler = %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("LogOut from a handler took %v: it waited for the handler calling it", d)
		}
	})
}
