package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EMaxAuthKeysKeepsConnectedClient: a data center bounded to a few auth keys forgets
// old ones as other clients log in, but never the keys of a client that stays connected: it
// goes on calling methods that need its authorization.
func TestE2EMaxAuthKeysKeepsConnectedClient(t *testing.T) {
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), StrictSeqNo: true, MaxAuthKeys: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	c, bot := e2eBot(t, cl, "e2e_keys_held_bot")
	for i := range 6 {
		other, _ := e2eBot(t, cl, fmt.Sprintf("e2e_keys_other%d_bot", i))
		other.Stop()
	}
	if n := cl.DC(2).AuthKeys(); n > 4+2 {
		t.Errorf("DC 2 holds %d auth keys, want at most 4 and the connected client's", n)
	}
	wantSelf(t, c, bot.ID)
}

// TestE2EMaxAuthKeysForgetsOfflineClient: a client that went offline comes back to a data
// center that forgot its auth key meanwhile (other clients' keys pushed it past MaxAuthKeys),
// with its authorization. Connect fails with ErrAuthKeyUnknown once the server has answered
// -404 three times in a row, the client no longer counts itself logged in, and the next Start
// makes a new key and logs in again. Before, the forgotten key stayed stored: every Connect
// failed the same way and Login answered ErrAlreadyAuthed.
func TestE2EMaxAuthKeysForgetsOfflineClient(t *testing.T) {
	const most = 4
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), StrictSeqNo: true, MaxAuthKeys: most})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	c, bot := e2eBot(t, cl, "e2e_keys_gone_bot")
	if err := c.Disconnect(); err != nil {
		t.Fatal(err)
	}
	for i := range most + 2 {
		other, _ := e2eBot(t, cl, fmt.Sprintf("e2e_keys_newer%d_bot", i))
		other.Stop()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err = c.ConnectContext(ctx)
	if !errors.Is(err, mtgo.ErrAuthKeyUnknown) {
		t.Fatalf("Connect with a forgotten key = %v, want ErrAuthKeyUnknown", err)
	}
	if me := c.Me(); me != nil {
		t.Fatalf("Me after the key was forgotten = %+v, want nil (logged out)", me)
	}
	if err := c.Start0(t); err != nil {
		t.Fatalf("log in again after the key was forgotten: %v", err)
	}
	if me := c.Me(); me == nil || me.ID != bot.ID {
		t.Fatalf("Me after logging in again = %+v, want the bot %d", me, bot.ID)
	}
	wantSelf(t, c, bot.ID)
}

// TestE2EKeyForgottenWhileConnected: the home connection breaks and the server answers -404
// to the redials (it forgot the key while the client was connected, as after a restart). The
// session gives up after three; the final OnDisconnect's Reason matches ErrAuthKeyUnknown, the
// client counts itself logged out, and Start makes a new key and logs in again.
func TestE2EKeyForgottenWhileConnected(t *testing.T) {
	cl := cluster(t)
	c, bot := e2eBot(t, cl, "e2e_key_forgotten_bot")
	ended := make(chan error, 4)
	c.OnDisconnect(func(ctx *mtgo.Context) {
		if errors.Is(ctx.Reason, mtgo.ErrAuthKeyUnknown) {
			ended <- ctx.Reason
		}
	})
	cl.Faults().RefuseConnections(2, -404, 3)
	if n := cl.Faults().DropConnections(c.DC()); n == 0 {
		t.Fatal("no connection dropped")
	}
	recv(t, ended, "OnDisconnect with ErrAuthKeyUnknown")
	if me := c.Me(); me != nil {
		t.Fatalf("Me after the key was forgotten = %+v, want nil (logged out)", me)
	}
	if err := c.Start0(t); err != nil {
		t.Fatalf("log in again after the key was forgotten: %v", err)
	}
	wantSelf(t, c, bot.ID)
}

// wantSelf checks that users.getUsers(self) answers the account id.
func wantSelf(t *testing.T, c *testClient, id int64) {
	t.Helper()
	users, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0)
	if err != nil {
		t.Fatalf("users.getUsers: %v", err)
	}
	if got := users.(*tg.UserClassVector).Elems; len(got) != 1 || got[0].(*tg.User).ID != id {
		t.Fatalf("users.getUsers = %+v, want the account %d", got, id)
	}
}
