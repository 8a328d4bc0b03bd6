package mtgo_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestConnectRefusedBindingKeepsIdentity: a Connect whose account check (users.getUsers) is
// still unanswered when the temporary key is due for renewal and the link drops, after which
// the server refuses the new key's bindings with a 401 (AUTH_KEY_PERM_EMPTY), fails with the
// refusal and keeps the account: the 401 answered the binding, not the account check, and
// says nothing of the authorization. Once the server binds again, Connect finds the account
// without a new login. Connect returned nil with the account cleared (Me nil, the stored
// identity dropped, as after a log out) and no connection left.
func TestConnectRefusedBindingKeepsIdentity(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), InMemory: true, StrictSeqNo: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cl.Close() })
		bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Refused", Username: "connect_refused_bot"})
		if err != nil {
			t.Fatal(err)
		}
		f := pfsFactory{ttl: 2 * time.Second, served: make(chan struct{}, 8)}
		b := e2eClient(t, cl, func(cfg *mtgo.Config) {
			cfg.BotToken = bot.Token
			cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(cl.Dialer()), mtgo.ReplaceSessionFactory(f))
		})
		if err := b.Start0(t); err != nil {
			t.Fatal(err)
		}
		if err := b.Disconnect(); err != nil {
			t.Fatal(err)
		}
		cl.Faults().DelayMethod(tg.UsersGetUsersRequestTypeID, time.Hour, 1)
		done := make(chan error, 1)
		go func() { done <- b.ConnectContext(context.Background()) }()
		synctest.Wait()             // Connect waits for the account check
		time.Sleep(2 * time.Second) // the temporary key is due for renewal
		refusal := &services.RPCError{Code: 401, Message: "AUTH_KEY_PERM_EMPTY"}
		cl.Faults().RPCError(tg.AuthBindTempAuthKeyRequestTypeID, refusal, 0)
		cl.Faults().DropConnections(b.DC())
		err = within(t, done, time.Minute, "end of the Connect whose bindings were refused")
		if e, ok := rpcerr.As(err); !ok || e.Message != refusal.Message || !errors.Is(err, session.ErrBind) {
			t.Fatalf("Connect whose bindings were refused = %v, want the refusal", err)
		}
		if b.Me() == nil || b.IsConnected() {
			t.Fatalf("after the refused Connect: Me %v, connected %v; want the account kept, not connected", b.Me(), b.IsConnected())
		}
		cl.Faults().ClearRPCError(tg.AuthBindTempAuthKeyRequestTypeID)
		if err := b.ConnectContext(context.Background()); err != nil {
			t.Fatalf("Connect once the server binds again: %v", err)
		}
		if me := b.Me(); me == nil || me.ID != bot.ID {
			t.Fatalf("Me after Connect = %+v, want the bot %d without a new login", me, bot.ID)
		}
		if _, err := b.InvokeContext(context.Background(), &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
			t.Fatalf("call after Connect: %v", err)
		}
	})
}
