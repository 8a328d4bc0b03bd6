package mtgo_test

import (
	"path/filepath"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// fileSession makes a client keep its session (and secret chats) in a bbolt file, so that a
// new client on the same config is the same process restarted.
func fileSession(t *testing.T, name string) func(*mtgo.Config) {
	path := filepath.Join(t.TempDir(), name)
	return func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionName = path }
}

// secretInbox registers a handler that hands c's secret messages to the returned channel.
func secretInbox(c *testClient) chan *types.SecretMessage {
	ch := make(chan *types.SecretMessage, 8)
	c.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error { keepSecret(ch, m); return nil })
	return ch
}

// secretRequests registers a handler that hands the chat requests c gets to the returned
// channel, without accepting them.
func secretRequests(c *testClient) chan *types.SecretChat {
	ch := make(chan *types.SecretChat, 4)
	c.OnSecretChatRequest(func(_ *mtgo.Context, sc *types.SecretChat) error { ch <- sc; return nil })
	return ch
}

// restartClient stops c and starts a new client on the same session file.
func restartClient(t *testing.T, cl *teletest.Cluster, c *testClient, cfg func(*mtgo.Config), register func(*testClient)) *testClient {
	t.Helper()
	c.Stop()
	c2 := e2eClient(t, cl, cfg)
	register(c2)
	if err := c2.Start0(t); err != nil {
		t.Fatal(err)
	}
	return c2
}

// talk sends one text each way over chat id and checks both arrive, on one key.
func talk(t *testing.T, id int32, a, b *testClient, aGot, bGot chan *types.SecretMessage) {
	t.Helper()
	if _, err := b.SendSecretMessage(ctxT(t), id, "hello alice"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, aGot, "Bob's text"); m.Text != "hello alice" || m.ChatID != id {
		t.Fatalf("Alice got %+v", m)
	}
	if _, err := a.SendSecretMessage(ctxT(t), id, "hello bob"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, bGot, "Alice's text"); m.Text != "hello bob" {
		t.Fatalf("Bob got %+v", m)
	}
	ac, _ := a.GetSecretChat(id)
	bc, _ := b.GetSecretChat(id)
	if ac.State != types.SecretChatReady || bc.State != types.SecretChatReady || ac.KeyFingerprint != bc.KeyFingerprint {
		t.Fatalf("chats %+v and %+v", ac, bc)
	}
}

// TestE2ESecretChatWaitingRestart: Alice requests a chat and restarts on her session file
// before Bob accepts; her new process completes the key from the stored exponent when the
// acceptance comes, and text goes both ways. (An acceptance while no process runs comes
// through updates.getDifference: TestE2ESecretChatAcceptedOffline.)
func TestE2ESecretChatWaitingRestart(t *testing.T) {
	cl := cluster(t)
	aliceCfg := fileSession(t, "alice")
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552030"}, aliceCfg)
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552031", Username: "wait_bob"})
	bobReq, bobGot := secretRequests(bob), secretInbox(bob)

	sc, err := alice.RequestSecretChat(ctxT(t), "@wait_bob")
	if err != nil {
		t.Fatal(err)
	}
	if req := recv(t, bobReq, "request"); req.ID != sc.ID {
		t.Fatalf("request %+v", req)
	}
	var aliceGot chan *types.SecretMessage
	alice = restartClient(t, cl, alice, aliceCfg, func(c *testClient) { aliceGot = secretInbox(c) })
	if c, ok := alice.GetSecretChat(sc.ID); !ok || c.State != types.SecretChatWaiting {
		t.Fatalf("after restart: %+v, %v", c, ok)
	}
	if _, err := bob.AcceptSecretChat(ctxT(t), sc.ID); err != nil {
		t.Fatal(err)
	}
	talk(t, sc.ID, alice, bob, aliceGot, bobGot)
}

// TestE2ESecretChatRequestedRestart: Bob gets Alice's request, restarts on his session file,
// and accepts it then; the request is not announced again, and text goes both ways.
func TestE2ESecretChatRequestedRestart(t *testing.T) {
	cl := cluster(t)
	bobCfg := fileSession(t, "bob")
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552040"})
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552041", Username: "req_bob"}, bobCfg)
	aliceGot, bobReq := secretInbox(alice), secretRequests(bob)

	sc, err := alice.RequestSecretChat(ctxT(t), "@req_bob")
	if err != nil {
		t.Fatal(err)
	}
	recv(t, bobReq, "request")
	var bobGot chan *types.SecretMessage
	var again chan *types.SecretChat
	bob = restartClient(t, cl, bob, bobCfg, func(c *testClient) { bobGot, again = secretInbox(c), secretRequests(c) })
	c, ok := bob.GetSecretChat(sc.ID)
	if !ok || c.State != types.SecretChatRequested || c.UserID != alice.Me().ID {
		t.Fatalf("after restart: %+v, %v", c, ok)
	}
	if _, err := bob.AcceptSecretChat(ctxT(t), sc.ID); err != nil {
		t.Fatal(err)
	}
	talk(t, sc.ID, alice, bob, aliceGot, bobGot)
	select {
	case req := <-again:
		t.Fatalf("request announced again after the restart: %+v", req)
	default:
	}
}
