package mtgo_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// TestE2EConnectionLostHooks drops the home connection on the server: OnDisconnect runs with
// the reason, the session reconnects, OnConnect runs again and calls work; a Disconnect by
// the user then runs OnDisconnect with no reason.
func TestE2EConnectionLostHooks(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_lost_bot")
	lost := make(chan error, 4)
	back := make(chan struct{}, 4)
	b.OnDisconnect(func(ctx *mtgo.Context) { lost <- ctx.Reason })
	b.OnConnect(func(*mtgo.Context) { back <- struct{}{} })

	for round := range 2 { // a second loss after the first reconnection is reported too
		if n := cl.Faults().DropConnections(b.DC()); n == 0 {
			t.Fatalf("round %d: no connection dropped", round)
		}
		if reason := recv(t, lost, "OnDisconnect after a dropped connection"); reason == nil {
			t.Fatalf("round %d: OnDisconnect without a reason", round)
		}
		recv(t, back, "OnConnect after the reconnection")
		if _, err := b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
			t.Fatalf("round %d: call after the reconnection: %v", round, err)
		}
	}
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if reason := recv(t, lost, "OnDisconnect after Disconnect"); reason != nil {
		t.Fatalf("OnDisconnect after Disconnect: reason %v, want nil", reason)
	}
	select {
	case <-back:
		t.Fatal("OnConnect ran after Disconnect")
	case err := <-lost:
		t.Fatalf("a second OnDisconnect ran: %v", err)
	default:
	}
}

// linkHooks records the connection hooks of c, in the order they run: "connect" (Connect's),
// "connect again" (a reconnection's), "disconnect" with the kind of its reason (see
// reasonKind), and "reconnect" with its count.
func linkHooks(c *testClient) chan string {
	hooks := make(chan string, 32)
	c.OnConnected(func(_ *mtgo.Context, info mtgo.ConnectionInfo) {
		if info.Reconnected {
			hooks <- "connect again"
			return
		}
		hooks <- "connect"
	})
	c.OnDisconnect(func(ctx *mtgo.Context) { hooks <- "disconnect " + reasonKind(ctx.Reason) })
	c.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) { hooks <- fmt.Sprint("reconnect ", r.Count) })
	return hooks
}

// reasonKind names an OnDisconnect reason: "by Disconnect" (nil), "for good" (the session
// gave up), "refused" (a transport error code of the server) or "lost".
func reasonKind(err error) string {
	var pe *transport.ProtocolError
	switch {
	case err == nil:
		return "by Disconnect"
	case errors.Is(err, mtgo.ErrReconnectFailed):
		return "for good"
	case errors.As(err, &pe):
		return "refused"
	}
	return "lost"
}

// hooksUntil receives hooks until one equals last, and returns them all.
func hooksUntil(t *testing.T, hooks <-chan string, last string) []string {
	t.Helper()
	var got []string
	for h := ""; h != last; {
		h = recv(t, hooks, fmt.Sprintf("hook up to %q (got %q)", last, got))
		got = append(got, h)
	}
	return got
}

// TestE2EConnectHoldsLinkHooks: a loss of the home connection while Connect runs, after its
// first connection was served, tells the hooks nothing before Connect's OnConnect. A loss that
// recovered meanwhile (during help.getConfig) is Connect's business: only OnConnect runs,
// and a later loss is reconnection 1. A loss still down when Connect is done (dropped during
// OnSessionLoaded, its redials refused) runs OnDisconnect after Connect's OnConnect, and its
// reconnection the usual hooks.
func TestE2EConnectHoldsLinkHooks(t *testing.T) {
	t.Run("recovered during getConfig", func(t *testing.T) {
		cl := cluster(t)
		b, _ := e2eBot(t, cl, "e2e_held_config_bot")
		if err := b.Disconnect(); err != nil {
			t.Fatal(err)
		}
		hooks := linkHooks(b)
		cl.Faults().TransportError(tg.HelpGetConfigRequestTypeID, teletest.CodeFlood, 1)
		if err := b.ConnectContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if st := cl.Faults().Stats(); st.TransportErrors != 1 {
			t.Fatalf("%d connections broken while answering help.getConfig, want 1", st.TransportErrors)
		}
		if n := b.Health().Reconnects; n != 0 {
			t.Fatalf("Health.Reconnects %d after Connect, want 0", n)
		}
		if n := cl.Faults().DropConnections(b.DC()); n == 0 {
			t.Fatal("no connection dropped")
		}
		got := hooksUntil(t, hooks, "reconnect 1")
		if diff := cmp.Diff([]string{"connect", "disconnect lost", "connect again", "reconnect 1"}, got); diff != "" {
			t.Fatalf("hooks (-want +got):\n%s", diff)
		}
	})
	t.Run("down when Connect is done", func(t *testing.T) {
		cl := cluster(t)
		gate := newDialGate()
		c := e2eClient(t, cl, func(cfg *mtgo.Config) { // not logged in: Connect is done after OnSessionLoaded
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(pfsFactory{served: make(chan struct{}, 8), gate: gate}))
		})
		hooks := linkHooks(c)
		c.OnSessionLoaded(func(*mtgo.Context, mtgo.SessionInfo) {
			gate.hold()
			if n := cl.Faults().DropConnections(2); n == 0 {
				t.Error("no connection dropped")
			}
			recv(t, gate.dialing, "the redial after the loss")
		})
		if err := c.ConnectContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		got := hooksUntil(t, hooks, "disconnect lost")
		if diff := cmp.Diff([]string{"connect", "disconnect lost"}, got); diff != "" {
			t.Fatalf("hooks of the Connect (-want +got):\n%s", diff)
		}
		if h := c.Health(); h.Connected || h.LastError == nil {
			t.Fatalf("Health connected %v, last error %v while the connection is lost", h.Connected, h.LastError)
		}
		gate.open()
		got = hooksUntil(t, hooks, "reconnect 1")
		if diff := cmp.Diff([]string{"connect again", "reconnect 1"}, got); diff != "" {
			t.Fatalf("hooks of the reconnection (-want +got):\n%s", diff)
		}
		if h := c.Health(); !h.Connected || h.Reconnects != 1 {
			t.Fatalf("Health connected %v, reconnects %d after the reconnection, want true, 1", h.Connected, h.Reconnects)
		}
	})
}

// TestE2ESessionGivesUpHooks: when the session gives up on the home connection (its redials
// all failed, or a renewed temporary key could never be bound), a final OnDisconnect runs,
// its Reason matching ErrReconnectFailed, after the loss's own if one was reported; Health
// shows the connection down for that reason; Connect then connects again, as does a call
// with AutoConnect.
func TestE2ESessionGivesUpHooks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		auto  bool          // Config.AutoConnect: the call after the end connects
		ttl   time.Duration // of the temporary keys, 0: none
		fail  func(cl *teletest.Cluster, gate *dialGate)
		heal  func(cl *teletest.Cluster, gate *dialGate)
		hooks []string
	}{{
		name: "redials failed",
		auto: true,
		fail: func(cl *teletest.Cluster, gate *dialGate) {
			gate.refuse.Store(true)
			cl.Faults().DropConnections(2)
		},
		heal:  func(_ *teletest.Cluster, gate *dialGate) { gate.refuse.Store(false) },
		hooks: []string{"connect", "disconnect lost", "disconnect for good"},
	}, {
		name: "renewed key never bound",
		ttl:  2 * time.Second,
		fail: func(cl *teletest.Cluster, _ *dialGate) {
			cl.Faults().RPCError(tg.AuthBindTempAuthKeyRequestTypeID, teletest.ErrEncryptedMessageInvalid, 0)
		},
		heal: func(cl *teletest.Cluster, _ *dialGate) {
			cl.Faults().ClearRPCError(tg.AuthBindTempAuthKeyRequestTypeID)
		},
		hooks: []string{"connect", "disconnect for good"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cl := cluster(t)
			bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Given up", Username: "e2e_given_up_bot"})
			if err != nil {
				t.Fatal(err)
			}
			gate := newDialGate()
			b := e2eClient(t, cl, func(cfg *mtgo.Config) {
				cfg.BotToken = bot.Token
				cfg.ReconnectAttempts = 2
				cfg.AutoConnect = tc.auto
				cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(pfsFactory{ttl: tc.ttl, served: make(chan struct{}, 8), gate: gate}))
			})
			hooks := linkHooks(b)
			if err := b.Start0(t); err != nil {
				t.Fatal(err)
			}
			tc.fail(cl, gate)
			got := hooksUntil(t, hooks, "disconnect for good")
			if diff := cmp.Diff(tc.hooks, got); diff != "" {
				t.Fatalf("hooks (-want +got):\n%s", diff)
			}
			if h := b.Health(); h.Connected || !errors.Is(h.LastError, mtgo.ErrReconnectFailed) {
				t.Fatalf("Health connected %v, last error %v after the session gave up", h.Connected, h.LastError)
			}
			tc.heal(cl, gate)
			if !tc.auto {
				if err := b.ConnectContext(ctxT(t)); err != nil {
					t.Fatalf("Connect after the session gave up: %v", err)
				}
			}
			if _, err := b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
				t.Fatalf("call after the new connection: %v", err)
			}
			if h := recv(t, hooks, "OnConnect of the new connection"); h != "connect" {
				t.Fatalf("hook %q, want connect", h)
			}
		})
	}
}

// TestE2ESessionLogNamesDCOnce: the session's records that reach the client's logger name
// the data center once (the session names it; the engine adds only what the session cannot
// know).
func TestE2ESessionLogNamesDCOnce(t *testing.T) {
	cl := cluster(t)
	logged := records{ch: make(chan string, 256), level: slog.LevelInfo}
	b, _ := e2eBot(t, cl, "e2e_dc_once_bot", func(cfg *mtgo.Config) {
		cfg.Log = mtgo.LogConfig{Handler: logged, Level: slog.LevelInfo}
	})
	if n := cl.Faults().DropConnections(b.DC()); n == 0 {
		t.Fatal("no connection dropped")
	}
	r := ""
	for !strings.HasPrefix(r, "session: connection lost") {
		r = recv(t, logged.ch, "the session's record of the loss")
	}
	if n := strings.Count(r, " dc="); n != 1 || !strings.Contains(r, " dc=2") {
		t.Fatalf("record %q names the data center %d times, want dc=2 once", r, n)
	}
}
