package mtgo_test

import (
	"context"
	"fmt"
	"log"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// A shop's Telegram Business account connects a bot, which then answers the shop's customers
// on its behalf: OnBusinessMessage sees what a customer writes to the shop, and Context.Reply
// answers through the business connection, so the customer gets the answer from the shop.
func ExampleClient_OnBusinessMessage() {
	srv := startExampleServer()
	defer srv.Close()
	desk, err := srv.cl.World().CreateBot(world.BotSpec{FirstName: "Desk", Username: "desk_bot", Business: true})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cfg := srv.config()
	cfg.BotToken = desk.Token
	bot := login(cfg)
	defer bot.Stop()
	conns := make(chan *types.BusinessConnection, 1)
	bot.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error {
		conns <- c
		return nil
	})
	bot.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := ctx.Reply("Thanks for writing! We open at 9:00.")
		return err
	})

	// The shop (a Premium account) connects the bot in its Telegram Business settings,
	// letting it answer in every private chat.
	shop := srv.loginUser(world.UserSpec{FirstName: "Shop", Username: "shop_example", Phone: "15550301", Premium: true})
	defer shop.Stop()
	if _, err := shop.ConnectBusinessBot(ctx, "@desk_bot", mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true})); err != nil {
		log.Fatal(err)
	}
	select {
	case c := <-conns:
		fmt.Println("bot connected to", c.User.FirstName, "can reply:", c.CanReply)
	case <-ctx.Done():
		log.Fatal("no business connection")
	}

	customer := srv.userClient()
	defer customer.Stop()
	answers := make(chan *types.Message, 1)
	customer.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		answers <- m
		return nil
	})
	if _, err := customer.SendMessage(ctx, "@shop_example", "Are you open today?"); err != nil {
		log.Fatal(err)
	}
	select {
	case m := <-answers:
		fmt.Printf("%s answered: %s\n", m.From.FirstName, m.Text)
	case <-ctx.Done():
		log.Fatal("no answer")
	}
	// Output:
	// bot connected to Shop can reply: true
	// Shop answered: Thanks for writing! We open at 9:00.
}
