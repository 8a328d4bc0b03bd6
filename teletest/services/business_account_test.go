package services

import (
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestBusinessAccount: the shop lists its connected bot, pauses and disables it in Carol's
// chat over the wire.
func TestBusinessAccount(t *testing.T) {
	h := newHarness(t)
	bot := h.botWith(world.BotSpec{Username: "acct_desk_bot", Business: true})
	u, err := h.w.CreateUser(world.UserSpec{FirstName: "Shop", Username: "acct_shop", Phone: "79990007101", Premium: true})
	if err != nil {
		t.Fatal(err)
	}
	shop := h.login(u)
	carol := h.named("Carol", "acct_carol", "79990007102")

	_, err = shop.api.AccountToggleConnectedBotPaused(ctx(), &tg.AccountToggleConnectedBotPausedRequest{Peer: shop.peerOf(carol), Paused: true})
	wantRPC(t, err, world.ErrBotNotConnectedYet)
	if _, err := shop.api.AccountUpdateConnectedBot(ctx(), &tg.AccountUpdateConnectedBotRequest{
		Bot:        &tg.InputUser{UserID: bot.id, AccessHash: bot.userAs(shop).AccessHash.Value},
		Rights:     &tg.BusinessBotRights{Reply: true},
		Recipients: tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true},
	}); err != nil {
		t.Fatal(err)
	}
	list, err := shop.api.AccountGetConnectedBots(ctx(), &tg.AccountGetConnectedBotsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ConnectedBots) != 1 || list.ConnectedBots[0].BotID != bot.id || !list.ConnectedBots[0].Rights.Reply || len(list.Users) != 1 {
		t.Fatalf("getConnectedBots %+v", list)
	}
	_, err = bot.api.AccountGetConnectedBots(ctx(), &tg.AccountGetConnectedBotsRequest{})
	wantRPC(t, err, world.ErrBotMethodInvalid)

	if ok, err := shop.api.AccountToggleConnectedBotPaused(ctx(), &tg.AccountToggleConnectedBotPausedRequest{Peer: shop.peerOf(carol), Paused: true}); err != nil || !ok {
		t.Fatalf("pause: %v, %v", ok, err)
	}
	if ok, err := shop.api.AccountDisablePeerConnectedBot(ctx(), &tg.AccountDisablePeerConnectedBotRequest{Peer: shop.peerOf(carol)}); err != nil || !ok {
		t.Fatalf("disable: %v, %v", ok, err)
	}
	_, err = shop.api.AccountDisablePeerConnectedBot(ctx(), &tg.AccountDisablePeerConnectedBotRequest{Peer: shop.peerOf(carol)})
	wantRPC(t, err, world.ErrBotAlreadyDisabled)
}
