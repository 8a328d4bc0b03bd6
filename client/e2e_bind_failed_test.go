package mtgo_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2ETempKeyBindingRefused: a server that refuses every binding of the temporary key
// (auth.bindTempAuthKey) makes the failure surface, never a silent wait. At the first
// Connect, Connect fails with an error naming the binding once the session's attempts ran
// out. At a renewal, the final OnDisconnect runs with a Reason naming the binding and
// matching ErrReconnectFailed.
func TestE2ETempKeyBindingRefused(t *testing.T) {
	const attempts = 2
	t.Run("first Connect", func(t *testing.T) {
		cl := cluster(t)
		b, _ := pfsBot(t, cl, "e2e_bind_refused_first_bot", time.Hour, func(cfg *mtgo.Config) { cfg.ReconnectAttempts = attempts })
		connects := make(chan struct{}, 4)
		b.OnConnect(func(*mtgo.Context) { connects <- struct{}{} })
		cl.Faults().RPCError(tg.AuthBindTempAuthKeyRequestTypeID, teletest.ErrEncryptedMessageInvalid, 0)
		err := b.ConnectContext(ctxT(t))
		if !errors.Is(err, session.ErrBind) || !errors.Is(err, mtgo.ErrReconnectFailed) {
			t.Fatalf("Connect with every binding refused: %v, want the binding's error after the attempts", err)
		}
		if b.IsConnected() || len(connects) != 0 {
			t.Fatalf("connected %v, %d OnConnect after a failed Connect", b.IsConnected(), len(connects))
		}
	})
	t.Run("renewal", func(t *testing.T) {
		b, reasons := refusedRenewal(t, "e2e_bind_refused_renew_bot", func(cfg *mtgo.Config) { cfg.ReconnectAttempts = attempts })
		var reason error
		for !errors.Is(reason, mtgo.ErrReconnectFailed) {
			reason = recv(t, reasons, "the final OnDisconnect of the refused renewals")
		}
		if !errors.Is(reason, session.ErrBind) {
			t.Fatalf("final OnDisconnect reason %v, want the binding's error", reason)
		}
		if h := b.Health(); h.Connected {
			t.Fatalf("Health after the session gave up: %+v", h)
		}
	})
}

// TestE2ERenewalRefusedIsALoss: a temporary key's renewal replaces the home connection
// without a loss (TestE2EReconnectCountAfterLossOnly), but when the server refuses the
// renewal's new connection the client has none until a redial is served: that is a loss like
// any other, with OnDisconnect (its Reason the refusal), OnConnect and OnReconnect (count 1).
func TestE2ERenewalRefusedIsALoss(t *testing.T) {
	cl := cluster(t)
	b, f := pfsBot(t, cl, "e2e_renew_refused_bot", 2*time.Second)
	hooks := linkHooks(b)
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	recv(t, f.served, "the first connection served")
	cl.Faults().RefuseConnections(2, teletest.CodeFlood, 1)
	got := hooksUntil(t, hooks, "reconnect 1")
	if diff := cmp.Diff([]string{"connect", "disconnect refused", "connect again", "reconnect 1"}, got); diff != "" {
		t.Fatalf("hooks (-want +got):\n%s", diff)
	}
	if n := b.Health().Reconnects; n != 1 {
		t.Fatalf("Health.Reconnects %d, want 1", n)
	}
}
