package mtgo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestConnectBoundedWhenLinkDrops: with the default ReconnectAttempts, a Connect without
// deadline (ConnectContext with context.Background, and Start) whose link goes down after the
// server first answered, while help.getConfig waits for its answer, ends after the first
// connection's 8 attempts with an error naming the step and the failed dials, matching
// ErrReconnectFailed; no OnConnect runs, and a later Connect connects once the network is
// back. It waited for ever when the first packet made the session redial for ever.
func TestConnectBoundedWhenLinkDrops(t *testing.T) {
	for _, start := range []bool{false, true} {
		name := "ConnectContext"
		if start {
			name = "Start"
		}
		t.Run(name, func(t *testing.T) {
			outageBubble(t, func(t *testing.T) {
				cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), InMemory: true, StrictSeqNo: true})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = cl.Close() })
				bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Bounded", Username: "connect_bounded_bot"})
				if err != nil {
					t.Fatal(err)
				}
				gate := newDialGate()
				f := pfsFactory{served: make(chan struct{}, 8), gate: gate}
				b := e2eClient(t, cl, func(cfg *mtgo.Config) {
					cfg.BotToken = bot.Token
					cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()), mtgo.ReplaceSessionFactory(f))
				})
				connects := make(chan struct{}, 4)
				b.OnConnect(func(*mtgo.Context) { connects <- struct{}{} })
				cl.Faults().DelayMethod(tg.HelpGetConfigRequestTypeID, 24*time.Hour, 1)
				done := make(chan error, 1)
				go func() {
					if start {
						done <- b.Start()
					} else {
						done <- b.ConnectContext(context.Background())
					}
				}()
				within(t, f.served, time.Minute, "the first answer of the server")
				gate.refuse.Store(true)
				cl.Faults().DropConnections(b.DC())
				err = within(t, done, time.Hour, "end of the Connect whose link went down")
				if !errors.Is(err, mtgo.ErrReconnectFailed) || !errors.Is(err, errDialRefused) ||
					!strings.Contains(err.Error(), "help.getConfig") {
					t.Fatalf("Connect with the link down = %v, want the reconnect failure naming help.getConfig and the dials", err)
				}
				t.Logf("Connect with the link down: %v", err)
				if b.IsConnected() || len(connects) != 0 {
					t.Fatalf("connected %v, %d OnConnect after a failed Connect", b.IsConnected(), len(connects))
				}
				gate.refuse.Store(false)
				if err := b.ConnectContext(context.Background()); err != nil {
					t.Fatalf("Connect once the network is back: %v", err)
				}
			})
		})
	}
}

// TestE2EBindRefusedAfterAcceptedEnds: with the default ReconnectAttempts (a home link that
// has been up is redialed for ever), a server that refuses the temporary key's binding after
// accepting earlier ones (here at a renewal) ends the home connection at once: a refusal is
// an answer no redial changes. The final OnDisconnect's Reason, Health's LastError and the
// calls' errors wrap the server's error (rpcerr.As) and session.ErrBind. It redialed for
// ever, each refusal logged as a warning.
func TestE2EBindRefusedAfterAcceptedEnds(t *testing.T) {
	b, reasons := refusedRenewal(t, "e2e_bind_refused_later_bot")
	refused := func(what string, err error) {
		t.Helper()
		if e, ok := rpcerr.As(err); !ok || e.Message != "ENCRYPTED_MESSAGE_INVALID" || !errors.Is(err, session.ErrBind) {
			t.Fatalf("%s: %v, want the server's refusal of the binding", what, err)
		}
	}
	var callErr error
	for callErr == nil { // calls succeed until the renewal's binding is refused
		_, callErr = b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 0)
	}
	refused("call at the refusal", callErr)
	var reason error
	for !errors.Is(reason, mtgo.ErrReconnectFailed) {
		reason = recv(t, reasons, "the final OnDisconnect of the refused binding")
	}
	refused("final OnDisconnect", reason)
	h := b.Health()
	if h.Connected {
		t.Fatalf("Health after the refusal: %+v", h)
	}
	refused("Health.LastError", h.LastError)
	_, err := b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 0)
	refused("call after the refusal", err)
}

// refusedRenewal starts a bot on a new cluster whose temporary keys (2 s of lifetime, so
// renewed every 1.5 s) are bound until its first connection is served, and refused from
// then on (teletest.ErrEncryptedMessageInvalid); it returns the bot and the Reasons of its
// OnDisconnect hooks.
func refusedRenewal(t *testing.T, name string, edit ...func(*mtgo.Config)) (*testClient, <-chan error) {
	t.Helper()
	cl := cluster(t)
	b, f := pfsBot(t, cl, name, 2*time.Second, edit...)
	reasons := make(chan error, 8)
	b.OnDisconnect(func(ctx *mtgo.Context) { reasons <- ctx.Reason })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	recv(t, f.served, "the first connection served")
	cl.Faults().RPCError(tg.AuthBindTempAuthKeyRequestTypeID, teletest.ErrEncryptedMessageInvalid, 0)
	return b, reasons
}
