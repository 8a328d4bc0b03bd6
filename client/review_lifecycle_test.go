package mtgo_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestHookReconnectThenReconnectAgain: an OnUpdateReceived hook that disconnects and connects
// leaves an update engine that waits for the hook's own engine, which ends once the hook
// returns. When that waiting engine is stopped before it started (a second Disconnect, from
// the hook or from elsewhere while the hook runs), the engine of the next Connect must still
// wait for the hook's. It used to start at once: the hook's Manager was still current, its
// Start failed with updates.ErrRunning ("update engine stopped" logged) while the client took
// the engine for running, and nothing was delivered until the next Disconnect.
//
// It runs in a synctest bubble over the in-memory cluster, so that the hook can wait until
// every other goroutine of the client is blocked before it returns: what the engines do while
// the hook runs is then settled, not a race with its return.
func TestHookReconnectThenReconnectAgain(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outside bool // the second Disconnect and Connect come from the test's goroutine
	}{
		{name: "from the hook"},
		{name: "from elsewhere while the hook runs", outside: true},
	} {
		t.Run(tc.name, func(t *testing.T) { testHookReconnectAgain(t, tc.outside) })
	}
}

func testHookReconnectAgain(t *testing.T, outside bool) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		const name = "review_hook_again_bot"
		logs := &monthsLog{}
		b, _ := e2eBot(t, cl, name, func(cfg *mtgo.Config) {
			cfg.Log = mtgo.LogConfig{Handler: logs, Level: slog.LevelError}
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
		})
		sender := newSoakSenders(t, cl, name, 1)[0]
		returned := make(chan reconnectOutcome, 1)
		again := make(chan reconnectOutcome, 1)
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
			o := reconnectInside(b, true, nil)
			if o.disconnect == nil && o.connect == nil {
				if outside {
					go func() { again <- reconnectInside(b, true, nil) }()
				} else {
					o = reconnectInside(b, true, nil)
				}
			}
			synctest.Wait() // the engines started meanwhile have done what they do
			returned <- o
		})

		sender.send(t) // "1": the hook reconnects
		o := recv(t, returned, "return of the hook that reconnects")
		if outside && o.disconnect == nil && o.connect == nil {
			o = recv(t, again, "return of the Disconnect and Connect from elsewhere")
		}
		checkReconnected(t, b, sender, handled, o, true, []string{"1", "2"})
		for _, r := range logs.all() {
			if strings.Contains(r, "update engine stopped") {
				t.Errorf("logged: %s", r)
			}
		}
	})
}

// TestHookDisconnectWhileInputFull: a busy bot's update engine has its input full while an
// OnUpdateReceived hook runs (the engine waits for the hook, and with the default dispatcher
// for the handlers, before it takes more). The connection's push goroutine then waits for
// room, and closing the connection waits for that goroutine: Disconnect from the hook waited
// for the engine the hook holds, and hung. The pushes still waiting are now handed to the
// engine later, so nothing is lost: every message is handled once, in order.
func TestHookDisconnectWhileInputFull(t *testing.T) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		const name, burst = "review_hook_full_bot", 100 // more than the engine's input holds
		b, _ := e2eBot(t, cl, name, func(cfg *mtgo.Config) {
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
		})
		sender := newSoakSenders(t, cl, name, 1)[0]
		returned := make(chan reconnectOutcome, 1)
		handled := make(chan string, burst+2)
		b.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
			handled <- m.Text
			return nil
		})
		var first atomic.Bool
		b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			if !hasMessage(u, "1") || !first.CompareAndSwap(false, true) {
				return
			}
			for range burst {
				sender.send(t)
			}
			synctest.Wait() // the pushes wait for room in the engine's input
			returned <- reconnectInside(b, true, nil)
		})

		sender.send(t) // "1": the hook gets a burst, then reconnects
		o := recv(t, returned, "return of the hook that reconnects with the engine's input full")
		want := make([]string, burst+2)
		for i := range want {
			want[i] = strconv.Itoa(i + 1)
		}
		checkReconnected(t, b, sender, handled, o, true, want)
	})
}

// TestConnectReturnsWhenStopEndsItsEngine: a Connect from elsewhere after an OnUpdateReceived
// hook disconnected waits for the hook's engine to end before it starts its own; when the hook
// then calls Stop, that engine stops before it knew its starting state. Connect used to wait
// for that state until Config.RequestTimeout ("update engine is still catching up"); it
// returns once its engine has stopped.
func TestConnectReturnsWhenStopEndsItsEngine(t *testing.T) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		const name = "review_hook_stop_bot"
		logs := &monthsLog{}
		b, _ := e2eBot(t, cl, name, func(cfg *mtgo.Config) {
			cfg.Log = mtgo.LogConfig{Handler: logs, Level: slog.LevelWarn}
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
		})
		sender := newSoakSenders(t, cl, name, 1)[0]
		connected := make(chan error, 1)
		var first atomic.Bool
		b.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
			if !hasMessage(u, "1") || !first.CompareAndSwap(false, true) {
				return
			}
			if err := b.Disconnect(); err != nil {
				t.Errorf("Disconnect from the hook: %v", err)
			}
			go func() { connected <- b.ConnectContext(context.Background()) }()
			synctest.Wait() // that Connect waits for this hook's engine to end
			b.Stop()
		})

		sender.send(t) // "1": the hook disconnects, then stops the client
		recv(t, b.Done(), "client stopped from the hook")
		recv(t, connected, "return of the Connect from elsewhere")
		for _, r := range logs.all() {
			if strings.Contains(r, "still catching up") {
				t.Errorf("logged: %s", r)
			}
		}
	})
}
