package mtgo_test

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestFloodOfQueriesWhileEngineHeld: updates without a pts (inline queries here) pushed while
// the update engine is held are all handled, once each, when it goes on. An OnUpdateReceived
// hook holds the engine while more queries are asked than the engine's input (64) and the
// session's update queue (1024) hold together. Before, the push path waited for room in the
// engine and the session's queue dropped some 90 of them for a new-session notice; the test
// server's difference brings pts-less updates back by date (dated.go), so they were not lost
// here, but nothing promises that of Telegram's. TestPushDoesNotWaitForEngine shows the wait.
func TestFloodOfQueriesWhileEngineHeld(t *testing.T) {
	const burst = 1200
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b, ask := inlineBot(t, key, "flood_queries_bot")
		got := make(chan string, burst+1)
		b.OnInlineQuery(func(_ *mtgo.Context, q *types.InlineQuery) error {
			got <- q.Query
			return nil
		})
		var first atomic.Bool
		b.OnUpdateReceived(func(context.Context, tg.UpdatesClass) {
			if !first.CompareAndSwap(false, true) {
				return
			}
			for i := range burst {
				ask()
				if i%256 == 255 {
					// The session's reader and its queue's consumer run: the pushes pile
					// up behind the held engine, not in the session's queue (1024),
					// whose goroutine the asking loop would otherwise outrun.
					synctest.Wait()
				}
			}
			synctest.Wait() // the pushes wait for the engine
		})

		ask() // "0": the hook asks the burst
		seen := make(map[string]bool, burst+1)
		for range burst + 1 {
			q := recv(t, got, "the inline queries ("+strconv.Itoa(len(seen))+" handled)")
			if seen[q] {
				t.Fatalf("query %s handled twice", q)
			}
			seen[q] = true
		}
	})
}

// inlineBot starts a test cluster with an inline bot named name logged in as the returned
// client, and returns ask, which asks the bot the next numbered inline query ("0", "1", ...)
// from another account. Call it inside a bubble (monthsBubble).
func inlineBot(t *testing.T, key *rsa.PrivateKey, name string) (b *testClient, ask func()) {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name, Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b = e2eClient(t, cl, func(cfg *mtgo.Config) {
		cfg.BotToken = bot.Token
		cfg.Log = mtgo.LogConfig{Handler: &monthsLog{}, Level: slog.LevelWarn}
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	asker := newSoakSenders(t, cl, name, 1)[0]
	botUser := resolveInWorld(t, cl, asker.key, name).(*tg.InputPeerUser)
	var asked atomic.Int64 // the test's goroutine asks first, a hook then
	return b, func() {
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
}
