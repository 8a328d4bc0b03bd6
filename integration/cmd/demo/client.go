package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/integration/internal/local"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// runClientDemo repeats the story with the high-level client (package mtgo): a bot answering
// through an OnMessage handler, a person logging in with a code callback, a message round
// trip, a raw Invoke, and a client resumed from an exported session string.
func runClientDemo(ctx context.Context, t *local.Transcript, cl *teletest.Cluster) error {
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_client_bot"})
	if err != nil {
		return err
	}
	bob, err := cl.World().CreateUser(world.UserSpec{FirstName: "Bob", Username: "bob_client", Phone: "9996620002"})
	if err != nil {
		return err
	}
	botClient, err := mtgo.NewClient(1, "demo", local.Config(cl, func(c *mtgo.Config) { c.BotToken = bot.Token }))
	if err != nil {
		return err
	}
	defer botClient.Stop()
	botClient.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := m.Reply(ctx, "echo: "+m.Text)
		return err
	})
	if err := local.Login(ctx, botClient); err != nil {
		return fmt.Errorf("bot client: %w", err)
	}
	t.Step("client: bot connected to DC %d and logged in as @%s; its OnMessage handler echoes", botClient.DC(), botClient.Me().Username)

	bobClient, err := mtgo.NewClient(1, "demo", local.Config(cl, local.UserLogin(cl, bob.Phone)))
	if err != nil {
		return err
	}
	defer bobClient.Stop()
	replies := make(chan *types.Message, 1)
	bobClient.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		replies <- m
		return nil
	})
	if err := local.Login(ctx, bobClient); err != nil {
		return fmt.Errorf("user client: %w", err)
	}
	t.Step("client: %s logged in with the code from the Code callback", bobClient.Me().FirstName)

	if _, err := bobClient.SendMessage(ctx, "@"+bot.Username, "**hi** from the client", mtgo.WithParseMode(mtgo.ParseModeMarkdown)); err != nil {
		return err
	}
	select {
	case m := <-replies:
		t.Step("client: bob -> bot: \"hi from the client\" (bold), bot's handler replied %q", m.Text)
	case <-time.After(15 * time.Second):
		return errors.New("client: no reply from the bot's handler")
	case <-ctx.Done():
		return ctx.Err()
	}

	res, err := bobClient.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 1, 5*time.Second)
	if err != nil {
		return err
	}
	t.Step("client: Invoke(help.getNearestDc) -> this DC %d", res.(*tg.NearestDC).ThisDC)

	str, err := botClient.ExportSessionString()
	if err != nil {
		return err
	}
	botClient.Stop()
	resumed, err := mtgo.NewClient(1, "demo", local.Config(cl, func(c *mtgo.Config) { c.SessionString = str }))
	if err != nil {
		return err
	}
	defer resumed.Stop()
	if err := resumed.ConnectContext(ctx); err != nil {
		return err
	}
	if me := resumed.Me(); me == nil || me.ID != bot.ID {
		return fmt.Errorf("client: resumed session is %+v, want the bot", me)
	}
	t.Step("client: a new client from the bot's session string is logged in as @%s without logging in", resumed.Me().Username)
	return nil
}
