package mtgo_test

import (
	"context"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSpilledPushesBeforeNewConnection: updates without a pts (inline queries here) keep the
// order they were pushed in across a reconnect. An OnUpdateReceived hook holds the update
// engine while a burst of queries fills its input, then reconnects: the pushes of the old
// connection still waiting for room go to a spill, fed to the engine later, and the new
// connection pushes more queries before the hook returns. Each Connect had a spill of its own,
// so the new connection's pushes did not wait for the old one's spill: both waited for room in
// the engine, and the old connection's queries were handled after some of the new one's.
func TestSpilledPushesBeforeNewConnection(t *testing.T) {
	const (
		burst = 300 // the engine's input holds 64: most of these spill
		after = 5   // asked on the new connection
	)
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		const name = "review_spill_order_bot"
		bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name, Inline: true})
		if err != nil {
			t.Fatal(err)
		}
		b := e2eClient(t, cl, func(cfg *mtgo.Config) {
			cfg.BotToken = bot.Token
			cfg.Log = mtgo.LogConfig{Handler: &monthsLog{}, Level: slog.LevelWarn}
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
		})
		if err := b.Start0(t); err != nil {
			t.Fatal(err)
		}
		asker := newSoakSenders(t, cl, name, 1)[0]
		botUser := resolveInWorld(t, cl, asker.key, name).(*tg.InputPeerUser)
		var asked atomic.Int64 // the test's goroutine asks first, the hook then
		ask := func() {
			n := asked.Add(1) - 1
			_, err := cl.World().AskInline(asker.key, world.InlineQuery{
				Bot:   &tg.InputUser{UserID: botUser.UserID, AccessHash: botUser.AccessHash},
				Peer:  &tg.InputPeerSelf{},
				Query: strconv.FormatInt(n, 10),
			})
			if err != nil {
				t.Errorf("query %d: %v", n, err)
			}
		}

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
