package mtgo_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EConnectFailedAfterDial: a Connect that fails after its connection was made (the
// account check refused) leaves the client not connected, so the next Connect connects and
// runs OnConnect, and the link's hooks run from then on.
func TestE2EConnectFailedAfterDial(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Half", Username: "e2e_half_connected_bot"})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	hooks := linkHooks(b)
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	if h := recv(t, hooks, "OnConnect of Start"); h != "connect" {
		t.Fatalf("hook %q, want connect", h)
	}
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if h := recv(t, hooks, "OnDisconnect of Disconnect"); h != "disconnect by Disconnect" {
		t.Fatalf("hook %q, want disconnect by Disconnect", h)
	}
	cl.Faults().RPCError(tg.UsersGetUsersRequestTypeID, &services.RPCError{Code: 400, Message: "USER_ID_INVALID"}, 1)
	if err := b.ConnectContext(ctxT(t)); err == nil {
		t.Fatal("Connect succeeded with the account check refused")
	}
	if b.IsConnected() {
		t.Fatal("connected after a failed Connect")
	}
	if err := b.ConnectContext(ctxT(t)); err != nil {
		t.Fatalf("Connect after a failed one: %v", err)
	}
	if h := recv(t, hooks, "OnConnect of the second Connect"); h != "connect" {
		t.Fatalf("hook %q, want connect", h)
	}
	cl.Faults().DropConnections(2)
	if h := recv(t, hooks, "OnDisconnect of the loss"); h != "disconnect lost" {
		t.Fatalf("hook %q, want disconnect lost", h)
	}
}

// TestNotifyNetworkChangeWithoutRedial: with connections that cannot redial (a replaced
// SessionFactory's), NotifyNetworkChange still ends with the link up: its OnDisconnect is
// followed by OnConnect, and Health shows the client connected.
func TestNotifyNetworkChangeWithoutRedial(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("no_redial_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	hooks := linkHooks(c)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	c.NotifyNetworkChange()
	got := hooksUntil(t, hooks, "reconnect 1")
	if diff := cmp.Diff([]string{"connect", "disconnect lost", "connect again", "reconnect 1"}, got); diff != "" {
		t.Fatalf("hooks (-want +got):\n%s", diff)
	}
	if h := c.Health(); !h.Connected {
		t.Fatalf("Health after the network change: %+v", h)
	}
}

// duringDialFactory builds session connections whose home dials first run during (once,
// when set), on the dialing goroutine: what happens while a Connect is under way.
type duringDialFactory struct {
	during *atomic.Pointer[func()]
}

func (f duringDialFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	d := cc.Dialer
	if !cc.Media && !cc.CDN {
		d = session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
			if run := f.during.Swap(nil); run != nil {
				(*run)()
			}
			return cc.Dialer.DialPacket(ctx, dc, addr)
		})
	}
	c, err := session.New(session.Options{
		Session: session.Session{DC: cc.DC, Addr: cc.Addr, TestMode: cc.TestMode},
		Store:   cc.Store, Dialer: d, PublicKeys: cc.PublicKeys, Init: cc.Init,
		Reconnect: cc.Reconnect, Updates: cc.Updates, Logger: cc.Logger,
	})
	if err != nil {
		return nil, err
	}
	return pfsConn{c}, nil
}

// TestE2EAutoConnectDuringConnect: with AutoConnect, a call made while a Connect is under way
// waits for that Connect (bounded by its context) instead of failing with ErrNotConnected,
// and leaves the Connect's link state alone: its OnConnect runs, and a later loss runs
// OnDisconnect.
func TestE2EAutoConnectDuringConnect(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Auto", Username: "e2e_auto_during_bot"})
	if err != nil {
		t.Fatal(err)
	}
	var during atomic.Pointer[func()]
	b := e2eClient(t, cl, func(cfg *mtgo.Config) {
		cfg.BotToken = bot.Token
		cfg.AutoConnect = true
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(duringDialFactory{&during}))
	})
	hooks := linkHooks(b)
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	recv(t, hooks, "OnConnect of Start")
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	recv(t, hooks, "OnDisconnect of Disconnect")
	var callErr error
	call := func() {
		// The Connect below is dialing: this call cannot have its connection before its
		// deadline, but must not fail for want of one.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, callErr = b.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0)
	}
	during.Store(&call)
	if err := b.ConnectContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if errors.Is(callErr, mtgo.ErrNotConnected) || !errors.Is(callErr, context.DeadlineExceeded) {
		t.Fatalf("call during Connect: %v, want it to wait for the Connect", callErr)
	}
	if h := recv(t, hooks, "OnConnect of Connect"); h != "connect" {
		t.Fatalf("hook %q, want connect", h)
	}
	cl.Faults().DropConnections(2)
	if h := recv(t, hooks, "OnDisconnect of the loss"); h != "disconnect lost" {
		t.Fatalf("hook %q, want disconnect lost", h)
	}
}
