package mtgo_test

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The tests of this file run in a synctest bubble over the in-memory cluster, so that an
// OnUpdateReceived hook can wait until every other goroutine of the client is blocked before
// it goes on: what the engines do meanwhile is then settled, not a race with the hook.

// hookBot is a bot on an in-memory cluster with a person who messages it.
type hookBot struct {
	*testClient
	cl      *teletest.Cluster
	sender  *soakSender
	logs    *monthsLog  // the client's records from level Warn
	handled chan string // the texts its OnMessage handler got
}

// newHookBot starts the cluster and the bot inside the caller's bubble (monthsBubble); key is
// sharedKey, made outside it.
func newHookBot(t *testing.T, key *rsa.PrivateKey, name string) *hookBot {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: key, InMemory: true, StrictSeqNo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	h := &hookBot{cl: cl, logs: &monthsLog{}, handled: make(chan string, 128)}
	h.testClient, _ = e2eBot(t, cl, name, func(cfg *mtgo.Config) {
		cfg.Log = mtgo.LogConfig{Handler: h.logs, Level: slog.LevelWarn}
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()))
	})
	h.sender = newSoakSenders(t, cl, name, 1)[0]
	h.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		h.handled <- m.Text
		return nil
	})
	return h
}

// onFirst has an OnUpdateReceived hook run f on the batch of the first message ("1").
func (h *hookBot) onFirst(f func()) {
	var first atomic.Bool
	h.OnUpdateReceived(func(_ context.Context, u tg.UpdatesClass) {
		if hasMessage(u, "1") && first.CompareAndSwap(false, true) {
			f()
		}
	})
}

// notLogged fails t for every record that contains text.
func (h *hookBot) notLogged(t *testing.T, text string) {
	t.Helper()
	for _, r := range h.logs.all() {
		if strings.Contains(r, text) {
			t.Errorf("logged: %s", r)
		}
	}
}

// TestHookReconnectThenReconnectAgain: an OnUpdateReceived hook that disconnects and connects
// leaves an update engine that waits for the hook's own engine, which ends once the hook
// returns. When that waiting engine is stopped before it started (a second Disconnect, from
// the hook or from elsewhere while the hook runs), the engine of the next Connect must still
// wait for the hook's. It used to start at once: the hook's Manager was still current, its
// Start failed with updates.ErrRunning ("update engine stopped" logged) while the client took
// the engine for running, and nothing was delivered until the next Disconnect.
func TestHookReconnectThenReconnectAgain(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outside bool // the second Disconnect and Connect come from another goroutine
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
		b := newHookBot(t, key, "review_hook_again_bot")
		returned := make(chan reconnectOutcome, 2)
		b.onFirst(func() {
			o := reconnectInside(b.testClient, true, nil)
			if o.disconnect == nil && o.connect == nil {
				if outside {
					go func() { returned <- reconnectInside(b.testClient, true, nil) }()
				} else {
					o = reconnectInside(b.testClient, true, nil)
				}
			}
			synctest.Wait() // the engines started meanwhile have done what they do
			returned <- o
		})

		b.sender.send(t) // "1": the hook reconnects
		o := recv(t, returned, "return of the hook that reconnects")
		if outside && o.disconnect == nil && o.connect == nil {
			o = recv(t, returned, "return of the Disconnect and Connect from elsewhere")
		}
		checkReconnected(t, b.testClient, b.sender, b.handled, o, true, []string{"1", "2"})
		b.notLogged(t, "update engine stopped")
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
		const burst = 100 // more than the engine's input holds
		b := newHookBot(t, key, "review_hook_full_bot")
		returned := make(chan reconnectOutcome, 1)
		b.onFirst(func() {
			for range burst {
				b.sender.send(t)
			}
			synctest.Wait() // the pushes wait for room in the engine's input
			returned <- reconnectInside(b.testClient, true, nil)
		})

		b.sender.send(t) // "1": the hook gets a burst, then reconnects
		o := recv(t, returned, "return of the hook that reconnects with the engine's input full")
		want := make([]string, burst+2)
		for i := range want {
			want[i] = strconv.Itoa(i + 1)
		}
		checkReconnected(t, b.testClient, b.sender, b.handled, o, true, want)
	})
}

// TestConnectReturnsWhenStopEndsItsEngine: a Connect waits for the update engine's starting
// state, bounded by Config.RequestTimeout. When Stop ends that engine before it knew the state
// (here its catch-up's answer is held back), Connect used to wait out RequestTimeout ("update
// engine is still catching up"); it returns once its engine has stopped. The Connect comes
// from a goroutine an OnUpdateReceived hook started after it disconnected, so it first waits
// for the hook's engine to end.
func TestConnectReturnsWhenStopEndsItsEngine(t *testing.T) {
	key := sharedKey(t)
	monthsBubble(t, func(t *testing.T) {
		b := newHookBot(t, key, "review_hook_stop_bot")
		connected := make(chan error, 1)
		b.onFirst(func() {
			b.cl.Faults().DelayMethod(tg.UpdatesGetDifferenceRequestTypeID, time.Hour, 1)
			if err := b.Disconnect(); err != nil {
				t.Errorf("Disconnect from the hook: %v", err)
			}
			go func() { connected <- b.ConnectContext(context.Background()) }()
		})

		b.sender.send(t) // "1": the hook disconnects and starts the Connect
		synctest.Wait()  // that Connect waits for its engine's starting state
		b.Stop()
		synctest.Wait()
		select {
		case <-connected:
		default:
			t.Error("Connect still waits for the engine Stop ended")
			<-connected
		}
		b.notLogged(t, "still catching up")
	})
}
