package e2e_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The whole stack against the test server under faults: a bot built on the MTGo client
// receives a person's messages while the cluster reorders its updates, drops one and cuts
// its connection. Its handler still sees every message once, in order: the client's update
// engine puts reordered updates back in sequence, fills the gap with updates.getDifference
// and resumes its session after the reconnect.
func Example_updatesUnderFaults() {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	w, faults := cl.World(), cl.Faults()

	alice, err := w.CreateUser(world.UserSpec{FirstName: "Alice", Username: "alice", Phone: "15550002"})
	if err != nil {
		log.Fatal(err)
	}
	bot, err := w.CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_bot"})
	if err != nil {
		log.Fatal(err)
	}

	// The bot: the MTGo client pointed at the cluster instead of Telegram.
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.BotToken = bot.Token
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	client, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Stop()
	received := make(chan string, 16)
	client.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		received <- m.Text
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.Login(ctx); err != nil {
		log.Fatal(err)
	}
	// A bot knows the people who wrote to it before; this one learns Alice up front.
	if _, err := client.ResolvePeer(ctx, "@alice"); err != nil {
		log.Fatal(err)
	}

	// Alice needs no client: the example acts for her in the world.
	aliceKey := world.KeyID{'a'}
	if err := w.Authorize(aliceKey, alice.ID); err != nil {
		log.Fatal(err)
	}
	found, err := w.ResolveUsername(aliceKey, bot.Username)
	if err != nil {
		log.Fatal(err)
	}
	toBot := &tg.InputPeerUser{UserID: bot.ID, AccessHash: found.Users[0].(*tg.User).AccessHash.Value}
	send := func(texts ...string) {
		for _, text := range texts {
			if _, err := w.SendMessage(aliceKey, toBot, world.Draft{Text: text}); err != nil {
				log.Fatal(err)
			}
		}
	}
	expect := func(n int) {
		for range n {
			select {
			case text := <-received:
				fmt.Println("bot got:", text)
			case <-ctx.Done():
				log.Fatal("a message did not arrive")
			}
		}
	}

	send("1: plain")
	expect(1)

	faults.Withhold(bot.ID) // pushes wait...
	send("2: reordered", "3: reordered")
	released := faults.Release(bot.ID, true) // ...and arrive in reverse order
	fmt.Println("released in reverse:", released)
	expect(2)

	faults.DropUpdates(bot.ID, 1) // the next push never arrives: a pts gap
	send("4: dropped push", "5: after the gap")
	expect(2)

	cut := faults.DropConnections(0) // every connection of every DC is cut
	fmt.Println("connections cut:", cut > 0)
	send("6: after the reconnect")
	expect(1)

	// Output:
	// bot got: 1: plain
	// released in reverse: 2
	// bot got: 2: reordered
	// bot got: 3: reordered
	// bot got: 4: dropped push
	// bot got: 5: after the gap
	// connections cut: true
	// bot got: 6: after the reconnect
}
