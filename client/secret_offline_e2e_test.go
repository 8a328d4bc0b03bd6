package mtgo_test

import (
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2ESecretChatAcceptedOffline: Alice requests a chat and stops; Bob accepts and writes
// while no process of Alice runs. When Alice starts again on her session file,
// updates.getDifference brings the acceptance (updateEncryption in other_updates) and Bob's
// message: her chat becomes ready, the message is delivered, and her reply reaches Bob.
func TestE2ESecretChatAcceptedOffline(t *testing.T) {
	cl := cluster(t)
	aliceCfg := fileSession(t, "alice")
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552050"}, aliceCfg)
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552051", Username: "offline_bob"})
	bobReq, bobGot := secretRequests(bob), secretInbox(bob)

	sc, err := alice.RequestSecretChat(ctxT(t), "@offline_bob")
	if err != nil {
		t.Fatal(err)
	}
	if req := recv(t, bobReq, "request"); req.ID != sc.ID {
		t.Fatalf("request %+v", req)
	}
	alice.Stop()

	if _, err := bob.AcceptSecretChat(ctxT(t), sc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.SendSecretMessage(ctxT(t), sc.ID, "while you were away"); err != nil {
		t.Fatal(err)
	}
	if st, _ := cl.World().SecretChatState(sc.ID); st != "ready" {
		t.Fatalf("world chat state %q", st)
	}

	alice = e2eClient(t, cl, aliceCfg)
	ready := make(chan *types.SecretChat, 2)
	alice.OnSecretChatReady(func(_ *mtgo.Context, c *types.SecretChat) error { ready <- c; return nil })
	aliceGot := secretInbox(alice)
	if err := alice.Start0(t); err != nil {
		t.Fatal(err)
	}
	if c := recv(t, ready, "ready after the restart"); c.ID != sc.ID || c.State != types.SecretChatReady {
		t.Fatalf("ready %+v", c)
	}
	if m := recv(t, aliceGot, "Bob's message"); m.Text != "while you were away" || m.ChatID != sc.ID {
		t.Fatalf("Alice got %+v", m)
	}
	if _, err := alice.SendSecretMessage(ctxT(t), sc.ID, "back now"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, bobGot, "Alice's reply"); m.Text != "back now" {
		t.Fatalf("Bob got %+v", m)
	}
	ac, _ := alice.GetSecretChat(sc.ID)
	bc, _ := bob.GetSecretChat(sc.ID)
	if ac.State != types.SecretChatReady || ac.KeyFingerprint != bc.KeyFingerprint {
		t.Fatalf("chats %+v and %+v", ac, bc)
	}
	select {
	case c := <-ready:
		t.Fatalf("ready announced twice: %+v", c)
	default:
	}
}
