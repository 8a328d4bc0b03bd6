package mtgo_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSpilledPushesBeforeNewConnection: updates without a pts (inline queries here) keep the
// order they were pushed in across a reconnect. An OnUpdateReceived hook holds the update
// engine while a burst of queries fills its input, then reconnects: the pushes of the old
// connection wait in the client's push queue (once a spill for pushes still waiting for room
// when their connection closed), and the new connection pushes more queries before the hook
// returns. Each Connect had a spill of its own,
// so the new connection's pushes did not wait for the old one's spill: both waited for room in
// the engine, and the old connection's queries were handled after some of the new one's.
func TestSpilledPushesBeforeNewConnection(t *testing.T) {
	const (
		burst = 300 // the engine's input holds 64: most of these spill
		after = 5   // asked on the new connection
	)
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b, ask := inlineBot(t, key, "review_spill_order_bot")

		got := make(chan string, burst+after+1)
		b.OnInlineQuery(func(_ *mtgo.Context, q *types.InlineQuery) error {
			got <- q.Query
			return nil
		})
		returned := make(chan reconnectOutcome, 1)
		var first atomic.Bool
		b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			if !first.CompareAndSwap(false, true) {
				return
			}
			for range burst {
				ask()
			}
			synctest.Wait() // the pushes wait for room in the engine's input
			o := reconnectInside(b, true, nil)
			for range after {
				ask()
			}
			synctest.Wait() // the new connection's pushes wait too
			returned <- o
		})

		ask() // "0": the hook asks a burst, reconnects and asks more
		if o := recv(t, returned, "return of the hook that reconnects"); o.disconnect != nil || o.connect != nil {
			t.Fatalf("from the hook: Disconnect = %v, Connect = %v", o.disconnect, o.connect)
		}
		want := make([]string, burst+after+1)
		var order []string
		for i := range want {
			want[i] = strconv.Itoa(i)
			order = append(order, recv(t, got, "the inline queries"))
		}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("inline queries handled (-want +got):\n%s", diff)
		}
	})
}
