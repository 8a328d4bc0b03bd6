package mtgo_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStopFromUpdateHook: an OnUpdateReceived hook that calls Stop itself and returns (after a
// Disconnect, or alone). The hook's batch is handed to the handlers after the hook returns;
// they must run with a live context before the client stops, or the batch must not be
// committed. After a Disconnect from the hook the batch is committed as handled at once, and
// the shutdown did not wait for the hook's engine run (Stop was called inside it): it ended
// the client's context and dropped the queue meanwhile, so message "1" was saved as handled
// while its handler never ran, or ran with a cancelled context.
func TestStopFromUpdateHook(t *testing.T) {
	for _, tc := range []struct {
		name       string
		disconnect bool
	}{
		{name: "Stop"},
		{name: "Disconnect then Stop", disconnect: true},
	} {
		t.Run(tc.name, func(t *testing.T) { testStopFromUpdateHook(t, tc.disconnect) })
	}
}

func testStopFromUpdateHook(t *testing.T, disconnect bool) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b := newHookBot(t, key, "review_stop_hook_bot")
		live := make(chan error, 8) // the context of each run of the group 1 handler
		b.AddHandler(mtgo.NewMessageHandler(func(ctx *mtgo.Context, _ *types.Message) error {
			live <- ctx.Err()
			return nil
		}), 1)
		b.onFirst(func() {
			if disconnect {
				if err := b.Disconnect(); err != nil {
					t.Errorf("Disconnect from the hook: %v", err)
				}
			}
			b.Stop()        // returns at once: the shutdown runs on a goroutine of its own
			synctest.Wait() // the shutdown has gone as far as it can while the hook runs
		})

		b.sender.send(t) // "1": the hook stops the client
		<-b.Done()
		select {
		case text := <-b.handled:
			if text != "1" {
				t.Errorf("handled %q, want %q", text, "1")
			}
		default:
			t.Fatal(`message "1" was committed as handled but its handler never ran`)
		}
		select {
		case err := <-live:
			if err != nil {
				t.Errorf(`message "1" was handled with the client's context ended: %v`, err)
			}
		default:
			t.Error(`the group 1 handler of message "1" never ran`)
		}
	})
}

// TestHandleUpdatesWaitStoppedFromHook: with NoUpdates, a worker that feeds the handlers
// itself (HandleUpdatesWait) acknowledges a batch when the call returns nil. A hook that stops
// the client on the worker's goroutine (not the client's: Stop waits for the shutdown) closes
// the dispatcher before the batch reaches it; the batch was dropped and the call returned nil,
// so the worker took it for handled. It must fail with ErrClientClosed, as must a call after
// the stop.
func TestHandleUpdatesWaitStoppedFromHook(t *testing.T) {
	c := offlineClient(t, 1)
	var ran atomic.Bool
	c.OnMessage(func(*mtgo.Context, *types.Message) error {
		ran.Store(true)
		return nil
	})
	c.OnUpdateReceived(func(context.Context, tg.UpdatesClass) { c.Stop() })
	err := c.HandleUpdatesWait(context.Background(), incoming(5, 1))
	if err == nil && !ran.Load() {
		t.Fatal("HandleUpdatesWait returned nil though the handler never ran")
	}
	if !errors.Is(err, mtgo.ErrClientClosed) {
		t.Errorf("HandleUpdatesWait whose hook stopped the client = %v, want ErrClientClosed", err)
	}
	if err := c.HandleUpdatesWait(context.Background(), incoming(5, 2)); !errors.Is(err, mtgo.ErrClientClosed) {
		t.Errorf("HandleUpdatesWait after Stop = %v, want ErrClientClosed", err)
	}
}
