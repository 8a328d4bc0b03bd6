package mtgo_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// loginUser creates another person on the test server and logs a client in as them (the
// login code is read from the test server, as exampleServer.userClient does).
func (s *exampleServer) loginUser(spec world.UserSpec) *mtgo.Client {
	u, err := s.cl.World().CreateUser(spec)
	if err != nil {
		log.Fatal(err)
	}
	cfg := s.config()
	s.userConfig(&cfg)
	cfg.PhoneNumber = u.Phone
	return login(cfg)
}

// Alice asks Bob for a secret chat; Bob accepts it as the request arrives and greets her.
// The greeting tells Alice that the key exchange is over, so she answers and Bob reads her
// answer (a read mark naming her message reaches her); both compare the key visualizations
// (a real app shows them as a picture or hex for the two people to compare), and each lists
// its secret chats.
func ExampleClient_RequestSecretChat() {
	srv := startExampleServer()
	defer srv.Close()
	alice := srv.loginUser(world.UserSpec{FirstName: "Alice", Phone: "15550201"})
	defer alice.Stop()
	bob := srv.loginUser(world.UserSpec{FirstName: "Bob", Username: "bob_example", Phone: "15550202"})
	defer bob.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	bobGot := make(chan *types.SecretMessage, 1)
	bob.OnSecretChatRequest(func(ctx *mtgo.Context, sc *types.SecretChat) error {
		if _, err := ctx.Client.AcceptSecretChat(ctx, sc.ID); err != nil {
			return err
		}
		_, err := ctx.Client.SendSecretMessage(ctx, sc.ID, "hello Alice")
		return err
	})
	bob.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error {
		if m.Service == nil { // not a service message, such as the layer each side tells first
			bobGot <- m
		}
		return nil
	})
	aliceGot := make(chan *types.SecretMessage, 1)
	alice.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error {
		if m.Service == nil {
			aliceGot <- m
		}
		return nil
	})
	aliceRead := make(chan *types.SecretChatRead, 1)
	alice.OnSecretChatRead(func(_ *mtgo.Context, r *types.SecretChatRead) error {
		aliceRead <- r
		return nil
	})

	sc, err := alice.RequestSecretChat(ctx, "@bob_example")
	if err != nil {
		log.Fatal(err)
	}
	// sc is waiting for Bob, or ready if his answer came first.
	fmt.Println("alice requested; originator:", sc.Originator)
	select {
	case m := <-aliceGot:
		fmt.Println("alice got:", m.Text)
	case <-ctx.Done():
		log.Fatal("no greeting")
	}
	rid, err := alice.SendSecretMessage(ctx, sc.ID, "**hi** Bob", mtgo.WithParseMode(mtgo.ParseModeMarkdown))
	if err != nil {
		log.Fatal(err)
	}
	select {
	case m := <-bobGot:
		fmt.Println("bob got:", m.Text, "with", len(m.Entities), "entity")
		// Bob reads it: Alice's OnSecretChatRead names her message.
		if err := bob.ReadSecretChatHistory(ctx, sc.ID, m.Date); err != nil {
			log.Fatal(err)
		}
	case <-ctx.Done():
		log.Fatal("no message")
	}
	select {
	case r := <-aliceRead:
		fmt.Println("bob read alice's message:", len(r.RandomIDs) == 1 && r.RandomIDs[0] == rid)
	case <-ctx.Done():
		log.Fatal("no read mark")
	}

	va, err := alice.SecretChatVisualization(sc.ID)
	if err != nil {
		log.Fatal(err)
	}
	vb, err := bob.SecretChatVisualization(sc.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("visualizations match:", bytes.Equal(va, vb), "bytes:", len(va))

	// Each side lists its chats (ready, waiting for the peer, or requested by the peer).
	for _, c := range []*mtgo.Client{alice, bob} {
		chats, err := c.GetSecretChats(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, sc := range chats {
			fmt.Println(c.Me().FirstName, "has a chat:", sc.State, "originator:", sc.Originator)
		}
	}
	// Output:
	// alice requested; originator: true
	// alice got: hello Alice
	// bob got: hi Bob with 1 entity
	// bob read alice's message: true
	// visualizations match: true bytes: 36
	// Alice has a chat: ready originator: true
	// Bob has a chat: ready originator: false
}
