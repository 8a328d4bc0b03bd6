package mtgo_test

import (
	"context"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStopFromBlockedHandler: a handler calls Stop and then blocks until the stop goes on (its
// context ends, or Done). Two people's messages come in one batch (the catch-up after a
// reconnect), so their handlers run on two workers. The other chat's handler must run, with
// a live context, and not wait behind the blocked one; the client must stop (Done) within the
// grace.
func TestStopFromBlockedHandler(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait func(*mtgo.Context, *mtgo.Client)
	}{
		{name: "context", wait: func(ctx *mtgo.Context, _ *mtgo.Client) { <-ctx.Done() }},
		{name: "Done", wait: func(_ *mtgo.Context, c *mtgo.Client) { <-c.Done() }},
	} {
		t.Run(tc.name, func(t *testing.T) { testStopFromBlockedHandler(t, tc.wait) })
	}
}

func testStopFromBlockedHandler(t *testing.T, wait func(*mtgo.Context, *mtgo.Client)) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		const name = "review_stop_block_bot"
		b, _ := e2eBot(t, cl, name, func(cfg *mtgo.Config) {
			cfg.Log = mtgo.LogConfig{Handler: &monthsLog{}, Level: slog.LevelWarn}
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
		})
		senders := newSoakSenders(t, cl, name, 2)
		stopper, other := senders[0], senders[1]
		var stopAt time.Time
		otherRan := make(chan error, 1) // the other chat's handler: its context then
		b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
			if m.From == nil || m.From.ID != stopper.id {
				otherRan <- ctx.Err()
				return nil
			}
			stopAt = time.Now()
			b.Stop()
			wait(ctx, b.Client)
			return nil
		})
		together := make(chan bool, 1)
		b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			select {
			case together <- hasMessage(u, "1") && countMessages(u) == 2:
			default:
			}
		})

		if err := b.Disconnect(); err != nil {
			t.Fatal(err)
		}
		stopper.send(t) // "1" from each, delivered in one batch by the catch-up
		other.send(t)
		if err := b.Start0(t); err != nil {
			t.Fatal(err)
		}
		if !recv(t, together, "the catch-up's batch") {
			t.Fatal("the two messages came in different batches")
		}
		synctest.Wait()
		select {
		case err := <-otherRan:
			if err != nil {
				t.Errorf("the other chat's handler ran with the client's context ended: %v", err)
			}
		default:
			t.Error("the other chat's handler waits behind the handler that stopped the client")
		}
		<-b.Done()
		if took := time.Since(stopAt); took > mtgo.HandlerStopGrace() {
			t.Errorf("Done closed %v after Stop from the handler, more than the grace (%v)", took, mtgo.HandlerStopGrace())
		}
	})
}

// countMessages counts the new messages in u.
func countMessages(u tg.UpdatesClass) int {
	full, _ := u.(*tg.Updates)
	if full == nil {
		return 0
	}
	n := 0
	for _, x := range full.Updates {
		if _, ok := x.(*tg.UpdateNewMessage); ok {
			n++
		}
	}
	return n
}
