package mtgo_test

import (
	"testing"
	"testing/synctest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestStopHandlesCommittedBatch: Disconnect from an OnUpdateReceived hook commits the hook's
// batch as handled without waiting for its handlers, which are only queued. A Stop that runs
// before the dispatcher's workers took them used to cancel the client's context and drop the
// queue: the batch was saved as handled, so its messages were never handled nor delivered
// again. Stop now lets the handlers of committed batches run first (within the grace).
func TestStopHandlesCommittedBatch(t *testing.T) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b := newHookBot(t, key, "review_stop_committed_bot")
		b.onFirst(func() {
			if err := b.Disconnect(); err != nil {
				t.Errorf("Disconnect from the hook: %v", err)
			}
			go b.Stop()
			synctest.Wait() // the Stop has gone as far as it can while the hook runs
		})

		b.sender.send(t) // "1": the hook disconnects and stops the client
		<-b.Done()
		select {
		case text := <-b.handled:
			if text != "1" {
				t.Errorf("handled %q, want %q", text, "1")
			}
		default:
			t.Error(`message "1" was committed as handled but its handler never ran`)
		}
	})
}

// TestStopFromHandlerAfterDisconnect: a handler that disconnects, stops the client and waits
// for its context holds a batch committed as handled. Stop must not wait for that handler
// (handlerStopGrace), which waits for the stop: the client stops while nothing else runs.
func TestStopFromHandlerAfterDisconnect(t *testing.T) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b := newHookBot(t, key, "review_stop_handler_bot")
		b.AddHandler(mtgo.NewMessageHandler(func(ctx *mtgo.Context, m *types.Message) error {
			if m.Text != "1" {
				return nil
			}
			if err := b.Disconnect(); err != nil {
				t.Errorf("Disconnect from the handler: %v", err)
			}
			b.Stop()
			<-ctx.Done()
			return nil
		}), 1)

		b.sender.send(t) // "1": the handler of group 1 disconnects and stops the client
		recv(t, b.handled, `message "1" in group 0`)
		synctest.Wait()
		select {
		case <-b.Done():
		default:
			t.Error("Stop waits for the handler that called it")
			<-b.Done()
		}
	})
}
