package mtgo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// chatState is what the test compares of a listed secret chat.
type chatState struct {
	ID    int32
	User  int64
	State types.SecretChatState
}

// secretChatStates lists c's secret chats in GetSecretChats' order.
func secretChatStates(t *testing.T, c *testClient) []chatState {
	t.Helper()
	chats, err := c.GetSecretChats(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []chatState
	for _, sc := range chats {
		out = append(out, chatState{sc.ID, sc.UserID, sc.State})
	}
	return out
}

// TestE2ESecretChatList: Alice asks Bob and Carol for secret chats; Bob accepts, Carol does
// not yet. GetSecretChats shows Alice one ready and one waiting chat, Bob his ready one,
// Carol her requested one; after Alice restarts on her session file, and once Bob discards
// his, the lists follow.
func TestE2ESecretChatList(t *testing.T) {
	cl := cluster(t)
	aliceCfg := fileSession(t, "alice")
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552050"}, aliceCfg)
	bob, bobUser := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552051", Username: "list_bob"})
	carol, carolUser := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: "15552052", Username: "list_carol"})
	ready := make(chan *types.SecretChat, 2)
	onReady := func(c *testClient) {
		c.OnSecretChatReady(func(_ *mtgo.Context, sc *types.SecretChat) error { ready <- sc; return nil })
	}
	onReady(alice)
	bob.OnSecretChatRequest(func(ctx *mtgo.Context, sc *types.SecretChat) error {
		_, err := ctx.Client.AcceptSecretChat(ctx, sc.ID)
		return err
	})
	carolAsked := secretRequests(carol)

	if got := secretChatStates(t, alice); len(got) != 0 {
		t.Fatalf("Alice's chats before any: %+v", got)
	}
	withBob, err := alice.RequestSecretChat(ctxT(t), "@list_bob")
	if err != nil {
		t.Fatal(err)
	}
	if sc := recv(t, ready, "Alice's chat with Bob ready"); sc.ID != withBob.ID {
		t.Fatalf("ready %+v, want chat %d", sc, withBob.ID)
	}
	withCarol, err := alice.RequestSecretChat(ctxT(t), "@list_carol")
	if err != nil {
		t.Fatal(err)
	}
	recv(t, carolAsked, "Carol's request")

	aliceWant := []chatState{ // newest first; the second chat is not older than the first
		{withCarol.ID, carolUser.ID, types.SecretChatWaiting},
		{withBob.ID, bobUser.ID, types.SecretChatReady},
	}
	if !withCarol.Date.After(withBob.Date) && withCarol.ID < withBob.ID { // same second: by id
		aliceWant[0], aliceWant[1] = aliceWant[1], aliceWant[0]
	}
	lists := []struct {
		who  string
		c    *testClient
		want []chatState
	}{
		{"Alice", alice, aliceWant},
		{"Bob", bob, []chatState{{withBob.ID, alice.Me().ID, types.SecretChatReady}}},
		{"Carol", carol, []chatState{{withCarol.ID, alice.Me().ID, types.SecretChatRequested}}},
	}
	for _, l := range lists {
		if diff := cmp.Diff(l.want, secretChatStates(t, l.c)); diff != "" {
			t.Errorf("%s's chats (-want +got):\n%s", l.who, diff)
		}
	}

	alice = restartClient(t, cl, alice, aliceCfg, onReady)
	if diff := cmp.Diff(aliceWant, secretChatStates(t, alice)); diff != "" {
		t.Errorf("Alice's chats after a restart (-want +got):\n%s", diff)
	}

	if err := bob.DiscardSecretChat(ctxT(t), withBob.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := secretChatStates(t, bob); len(got) != 0 {
		t.Fatalf("Bob's chats after the discard: %+v", got)
	}
}
