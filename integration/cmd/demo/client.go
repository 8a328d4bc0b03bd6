package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// runClientDemo repeats the story with the high-level client (package mtgo): a bot answering
// through an OnMessage handler, a person logging in with a code callback, a message round
// trip, a raw Invoke, and a client resumed from an exported session string.
func runClientDemo(ctx context.Context, t *transcript, cl *teletest.Cluster) error {
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Echo", Username: "echo_client_bot"})
	if err != nil {
		return err
	}
	bob, err := cl.World().CreateUser(world.UserSpec{FirstName: "Bob", Username: "bob_client", Phone: "9996620002"})
	if err != nil {
		return err
	}
	config := func(edit func(*mtgo.Config)) *mtgo.Config {
		cfg := mtgo.DefaultConfig
		cfg.InMemory = true
		cfg.DCAddrs = cl.Addrs()
		cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
		edit(&cfg)
		return &cfg
	}

	botClient, err := mtgo.NewClient(1, "demo", config(func(c *mtgo.Config) { c.BotToken = bot.Token }))
	if err != nil {
		return err
	}
	defer botClient.Stop()
	botClient.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := m.Reply(ctx, "echo: "+m.Text)
		return err
	})
	if err := startClient(ctx, botClient); err != nil {
		return fmt.Errorf("bot client: %w", err)
	}
	t.step("client: bot connected to DC %d and logged in as @%s; its OnMessage handler echoes", botClient.DC(), botClient.Me().Username)

	bobClient, err := mtgo.NewClient(1, "demo", config(func(c *mtgo.Config) {
		c.PhoneNumber = bob.Phone
		c.Code = func(context.Context, string, mtgo.CodeInfo) (string, error) {
			code, ok := cl.World().AuthCode(bob.Phone)
			if !ok {
				return "", errors.New("no code was sent")
			}
			return code, nil
		}
	}))
	if err != nil {
		return err
	}
	defer bobClient.Stop()
	replies := make(chan *types.Message, 1)
	bobClient.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		replies <- m
		return nil
	})
	if err := startClient(ctx, bobClient); err != nil {
		return fmt.Errorf("user client: %w", err)
	}
	t.step("client: %s logged in with the code from the Code callback", bobClient.Me().FirstName)

	if _, err := bobClient.SendMessage(ctx, "@"+bot.Username, "**hi** from the client", mtgo.WithParseMode(mtgo.ParseModeMarkdown)); err != nil {
		return err
	}
	select {
	case m := <-replies:
		t.step("client: bob -> bot: \"hi from the client\" (bold), bot's handler replied %q", m.Text)
	case <-time.After(15 * time.Second):
		return errors.New("client: no reply from the bot's handler")
	case <-ctx.Done():
		return ctx.Err()
	}

	res, err := bobClient.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 1, 5*time.Second)
	if err != nil {
		return err
	}
	t.step("client: Invoke(help.getNearestDc) -> this DC %d", res.(*tg.NearestDC).ThisDC)

	str, err := botClient.ExportSessionString()
	if err != nil {
		return err
	}
	botClient.Stop()
	resumed, err := mtgo.NewClient(1, "demo", config(func(c *mtgo.Config) { c.SessionString = str }))
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
	t.step("client: a new client from the bot's session string is logged in as @%s without logging in", resumed.Me().Username)
	return nil
}

// startClient connects and logs in without blocking (Start would block until Stop).
func startClient(ctx context.Context, c *mtgo.Client) error {
	if err := c.ConnectContext(ctx); err != nil {
		return err
	}
	if c.Me() != nil {
		return nil
	}
	return c.Login(ctx)
}
