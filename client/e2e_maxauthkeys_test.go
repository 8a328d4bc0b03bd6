package mtgo_test

import (
	"fmt"
	"testing"

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
	users, err := c.Invoke(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, 0, 0)
	if err != nil {
		t.Fatalf("users.getUsers after other clients made keys: %v", err)
	}
	if got := users.(*tg.UserClassVector).Elems; len(got) != 1 || got[0].(*tg.User).ID != bot.ID {
		t.Fatalf("users.getUsers = %+v, want the bot", got)
	}
}
