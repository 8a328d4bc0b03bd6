package mtgo_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// TestE2EBusinessAccount: the business account's side. A Premium user connects a bot with
// ConnectBusinessBot (the bot's OnBusinessConnection fires), lists it with
// GetConnectedBusinessBots, pauses it in Carol's chat (the bot gets none of her messages
// and cannot answer there until resumed), disables it in that chat and disconnects it (the
// bot sees the connection disabled). GetPeerSettings (and GetFullUser's Settings) show the
// bot in the action bar of Carol's chat, paused there or not, until it is disabled there.
func TestE2EBusinessAccount(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Desk", Username: "e2e_acct_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 4)
	msgs := make(chan *types.Message, 4)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	b.OnBusinessMessage(func(_ *mtgo.Context, m *types.Message) error { msgs <- m; return nil })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	shop, shopUser := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_acct_shop", Phone: "15551290", Premium: true})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Username: "e2e_acct_carol", Phone: "15551291"})

	// Without Premium there is no business bot.
	if _, err := carol.ConnectBusinessBot(ctxT(t), "@e2e_acct_bot"); !rpcerr.IsType(err, "PREMIUM_ACCOUNT_REQUIRED") {
		t.Fatalf("connect without Premium: %v, want PREMIUM_ACCOUNT_REQUIRED", err)
	}

	recipients := types.BusinessBotRecipients{BusinessRecipients: types.BusinessRecipients{ExistingChats: true, NewChats: true, NonContacts: true}}
	connected, err := shop.ConnectBusinessBot(ctxT(t), "@e2e_acct_bot",
		mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true}), mtgo.WithBusinessBotRecipients(recipients))
	if err != nil {
		t.Fatal(err)
	}
	want := &types.ConnectedBusinessBot{
		Bot:    &types.User{ID: botUser.ID, FirstName: "Desk", Username: "e2e_acct_bot", IsBot: true},
		Rights: types.BusinessBotRights{Reply: true}, Recipients: recipients,
	}
	ignore := cmp.Options{
		cmpopts.IgnoreFields(types.User{}, "AccessHash", "Raw"),
		cmpopts.IgnoreFields(types.ConnectedBusinessBot{}, "Date", "Raw"),
		cmpopts.EquateEmpty(),
	}
	if diff := cmp.Diff(want, connected, ignore); diff != "" || connected.Date.IsZero() {
		t.Fatalf("ConnectBusinessBot (-want +got):\n%s", diff)
	}
	c := recv(t, conns, "business connection")
	if c.ID == "" || c.User == nil || c.User.ID != shopUser.ID || !c.Enabled || !c.CanReply {
		t.Fatalf("connection %+v", c)
	}
	list, err := shop.GetConnectedBusinessBots(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*types.ConnectedBusinessBot{want}, list, ignore); diff != "" {
		t.Fatalf("GetConnectedBusinessBots (-want +got):\n%s", diff)
	}

	write := func(text string) {
		t.Helper()
		if _, err := carol.SendMessage(ctxT(t), "@e2e_acct_shop", text); err != nil {
			t.Fatal(err)
		}
	}
	write("first")
	first := recv(t, msgs, "business message")
	if first.Text != "first" || first.BusinessConnectionID != c.ID {
		t.Fatalf("business message %+v", first)
	}

	// The action bar of Carol's chat names the bot, paused there or not (GetPeerSettings).
	bar := func(paused bool) *types.BusinessBotBar {
		return &types.BusinessBotBar{
			Bot:       &types.User{ID: botUser.ID, FirstName: "Desk", Username: "e2e_acct_bot", IsBot: true},
			ManageURL: fmt.Sprintf("https://t.me/e2e_acct_bot?start=bizChat%d", carol.Me().ID), Paused: paused, CanReply: true,
		}
	}
	checkBar := func(want *types.BusinessBotBar) {
		t.Helper()
		s, err := shop.GetPeerSettings(ctxT(t), "@e2e_acct_carol")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, s.BusinessBot, ignore); diff != "" {
			t.Fatalf("GetPeerSettings BusinessBot (-want +got):\n%s", diff)
		}
		full, err := shop.GetFullUser(ctxT(t), "@e2e_acct_carol")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, full.Settings.BusinessBot, ignore); diff != "" {
			t.Fatalf("GetFullUser Settings.BusinessBot (-want +got):\n%s", diff)
		}
	}
	checkBar(bar(false))

	// Paused in Carol's chat: the bot cannot answer there, and her message while paused never
	// reaches it (the next one it gets is the one after resuming).
	if err := shop.PauseBusinessBot(ctxT(t), "@e2e_acct_carol", true); err != nil {
		t.Fatal(err)
	}
	checkBar(bar(true))
	if _, err := b.SendMessage(ctxT(t), first.Chat.ID, "no", mtgo.WithBusinessConnection(c.ID)); !rpcerr.IsType(err, "PEER_ID_INVALID") {
		t.Fatalf("answer in a paused chat: %v, want PEER_ID_INVALID", err)
	}
	write("while paused")
	if err := shop.PauseBusinessBot(ctxT(t), "@e2e_acct_carol", false); err != nil {
		t.Fatal(err)
	}
	write("resumed")
	if m := recv(t, msgs, "business message after resuming"); m.Text != "resumed" {
		t.Fatalf("the bot got %q, want the message after resuming", m.Text)
	}
	if _, err := b.SendMessage(ctxT(t), first.Chat.ID, "back", mtgo.WithBusinessConnection(c.ID)); err != nil {
		t.Fatalf("answer after resuming: %v", err)
	}

	// Disabled in Carol's chat: for good, until the bot is connected again.
	if err := shop.DisableBusinessBotInChat(ctxT(t), "@e2e_acct_carol"); err != nil {
		t.Fatal(err)
	}
	if err := shop.DisableBusinessBotInChat(ctxT(t), "@e2e_acct_carol"); !rpcerr.IsType(err, "BOT_ALREADY_DISABLED") {
		t.Fatalf("disable twice: %v, want BOT_ALREADY_DISABLED", err)
	}
	checkBar(nil)
	if _, err := b.GetPeerSettings(ctxT(t), carol.Me().ID); !rpcerr.IsType(err, "BOT_METHOD_INVALID") {
		t.Fatalf("GetPeerSettings as a bot: %v, want BOT_METHOD_INVALID", err)
	}
	list, err = shop.GetConnectedBusinessBots(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !cmp.Equal(list[0].Recipients.ExcludeUsers, []int64{carol.Me().ID}) {
		t.Fatalf("recipients after disabling %+v", list)
	}

	if err := shop.DisconnectBusinessBot(ctxT(t), "@e2e_acct_bot"); err != nil {
		t.Fatal(err)
	}
	if off := recv(t, conns, "disconnection"); off.Enabled || off.ID != c.ID {
		t.Fatalf("disconnection %+v", off)
	}
	if list, err := shop.GetConnectedBusinessBots(ctxT(t)); err != nil || len(list) != 0 {
		t.Fatalf("bots after disconnecting %+v, %v", list, err)
	}
	if err := shop.PauseBusinessBot(ctxT(t), "@e2e_acct_carol", true); !rpcerr.IsType(err, "BOT_NOT_CONNECTED_YET") {
		t.Fatalf("pause without a bot: %v, want BOT_NOT_CONNECTED_YET", err)
	}
}
