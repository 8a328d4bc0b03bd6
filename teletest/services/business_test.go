package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// businessSend sends text to peer through the business connection id as bot.
func businessSend(bot *account, id string, peer tg.InputPeerClass, text string, randomID int64) (tg.UpdatesClass, error) {
	var res tg.UpdatesClassBox
	err := bot.api.InvokeWithBusinessConnection(ctx(), &tg.InvokeWithBusinessConnectionRequest{
		ConnectionID: id,
		Query:        &tg.MessagesSendMessageRequest{Peer: peer, Message: text, RandomID: randomID},
	}, &res)
	return res.Updates, err
}

func TestBusiness(t *testing.T) {
	h := newHarness(t)
	bot := h.botWith(world.BotSpec{Username: "desk_bot", Business: true})
	plain := h.bot("plain_bot")
	u, err := h.w.CreateUser(world.UserSpec{FirstName: "Shop", Username: "shop_acc", Phone: "79990007001", Premium: true})
	if err != nil {
		t.Fatal(err)
	}
	shop := h.login(u)
	carol := h.named("Carol", "carol_b", "79990007002")
	dave := h.named("Dave", "dave_b", "79990007003")

	rights := &tg.BusinessBotRights{Reply: true, ReadMessages: true}
	connect := func(who *account, b *account, r tg.InputBusinessBotRecipients, deleted bool) error {
		_, err := who.api.AccountUpdateConnectedBot(ctx(), &tg.AccountUpdateConnectedBotRequest{
			Bot: &tg.InputUser{UserID: b.id, AccessHash: b.userAs(who).AccessHash.Value}, Rights: rights, Recipients: r, Deleted: deleted,
		})
		return err
	}
	all := tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true, NonContacts: true, ExcludeUsers: []tg.InputUserClass{
		&tg.InputUser{UserID: dave.id, AccessHash: dave.userAs(shop).AccessHash.Value},
	}}
	// Refusals: a bot without business mode, a person without premium, a bot calling.
	wantRPC(t, connect(shop, plain, all, false), world.ErrBotBusinessMissing)
	wantRPC(t, connect(carol, bot, tg.InputBusinessBotRecipients{NewChats: true}, false), world.ErrPremiumAccountRequired)
	if err := connect(shop, bot, all, false); err != nil {
		t.Fatal(err)
	}
	conn := waitFor[*tg.UpdateBotBusinessConnect](t, bot)
	want := tg.BotBusinessConnection{ConnectionID: conn.Connection.ConnectionID, UserID: shop.id, DCID: int32(u.DC), Date: conn.Connection.Date, Rights: rights}
	if diff := cmp.Diff(want, conn.Connection); diff != "" || conn.Qts != 1 || want.ConnectionID == "" {
		t.Fatalf("connect (qts %d) (-want +got):\n%s", conn.Qts, diff)
	}
	id := conn.Connection.ConnectionID
	gotConn, err := bot.api.AccountGetBotBusinessConnection(ctx(), &tg.AccountGetBotBusinessConnectionRequest{ConnectionID: id})
	if err != nil {
		t.Fatal(err)
	}
	if g := flatten([]tg.UpdatesClass{gotConn}); len(g) != 1 || !cmp.Equal(g[0].(*tg.UpdateBotBusinessConnect).Connection, conn.Connection) {
		t.Fatalf("getBotBusinessConnection %+v", g)
	}
	_, err = shop.api.AccountGetBotBusinessConnection(ctx(), &tg.AccountGetBotBusinessConnectionRequest{ConnectionID: id})
	wantRPC(t, err, world.ErrUserBotRequired)
	_, err = plain.api.AccountGetBotBusinessConnection(ctx(), &tg.AccountGetBotBusinessConnectionRequest{ConnectionID: id})
	wantRPC(t, err, world.ErrConnectionIDInvalid)

	// Carol writes to the shop: the bot gets the message as the shop sees it.
	h.send(carol, carol.peerOf(shop), "hello shop")
	nm := waitFor[*tg.UpdateBotNewBusinessMessage](t, bot)
	msg := nm.Message.(*tg.Message)
	if nm.ConnectionID != id || nm.Qts != 2 || msg.Message != "hello shop" || msg.Out {
		t.Fatalf("new business message %+v %+v", nm, msg)
	}
	// Dave is excluded: nothing for the bot.
	h.send(dave, dave.peerOf(shop), "from dave")

	// The bot answers on the shop's behalf.
	carolForBot := &tg.InputPeerUser{UserID: carol.id, AccessHash: carol.userAs(bot).AccessHash.Value}
	res, err := businessSend(bot, id, carolForBot, "hi Carol", 77)
	if err != nil {
		t.Fatal(err)
	}
	ups := flatten([]tg.UpdatesClass{res})
	if len(ups) != 2 {
		t.Fatalf("result %+v", ups)
	}
	sentMsg := ups[1].(*tg.UpdateBotNewBusinessMessage).Message.(*tg.Message)
	if !sentMsg.Out || sentMsg.Message != "hi Carol" || sentMsg.ViaBusinessBotID.Value != bot.id || ups[0].(*tg.UpdateMessageID).ID != sentMsg.ID {
		t.Fatalf("sent %+v", sentMsg)
	}
	got := waitForNew(t, carol)
	if got.Message != "hi Carol" {
		t.Fatalf("carol got %+v", got)
	}
	_, err = businessSend(bot, id, carolForBot, "again", 77)
	wantRPC(t, err, world.ErrRandomIDDuplicate)
	_, err = businessSend(bot, "nope", carolForBot, "x", 0)
	wantRPC(t, err, world.ErrConnectionIDInvalid)
	_, err = businessSend(plain, id, carolForBot, "x", 0)
	wantRPC(t, err, world.ErrBusinessConnectionNotAllowed)
	daveForBot := &tg.InputPeerUser{UserID: dave.id, AccessHash: dave.userAs(bot).AccessHash.Value}
	_, err = businessSend(bot, id, daveForBot, "x", 0)
	wantRPC(t, err, world.ErrPeerIDInvalid)
	var box tg.UpdatesClassBox
	err = bot.api.InvokeWithBusinessConnection(ctx(), &tg.InvokeWithBusinessConnectionRequest{ConnectionID: id, Query: &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}}}, &box)
	wantRPC(t, err, world.ErrBusinessConnectionNotAllowed)

	// Carol edits and deletes her message: the bot hears both, with the shop's ids.
	if _, err := carol.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: carol.peerOf(shop), ID: 1, Message: someStr("hello, shop")}); err != nil {
		t.Fatal(err)
	}
	ed := waitFor[*tg.UpdateBotEditBusinessMessage](t, bot)
	if ed.Message.(*tg.Message).Message != "hello, shop" || ed.Message.(*tg.Message).ID != msg.ID || ed.Qts != 3 {
		t.Fatalf("edit %+v", ed)
	}
	if _, err := carol.api.MessagesDeleteMessages(ctx(), &tg.MessagesDeleteMessagesRequest{ID: []int32{1}, Revoke: true}); err != nil {
		t.Fatal(err)
	}
	del := waitFor[*tg.UpdateBotDeleteBusinessMessage](t, bot)
	wantDel := &tg.UpdateBotDeleteBusinessMessage{ConnectionID: id, Peer: &tg.PeerUser{UserID: carol.id}, Messages: []int32{msg.ID}, Qts: 4}
	if diff := cmp.Diff(wantDel, del); diff != "" {
		t.Fatalf("delete (-want +got):\n%s", diff)
	}

	// getDifference replays the business updates with their qts.
	d, err := bot.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 0, Qts: 1, Date: 0})
	if err != nil {
		t.Fatal(err)
	}
	diff := d.(*tg.UpdatesDifference)
	if len(diff.OtherUpdates) != 3 || diff.State.Qts != 4 {
		t.Fatalf("difference %d updates, state %+v", len(diff.OtherUpdates), diff.State)
	}

	// Disconnecting sends the connection again, disabled; sending through it fails.
	if err := connect(shop, bot, all, true); err != nil {
		t.Fatal(err)
	}
	off := waitFor[*tg.UpdateBotBusinessConnect](t, bot)
	if !off.Connection.Disabled || off.Connection.ConnectionID != id || off.Qts != 5 {
		t.Fatalf("disconnect %+v", off)
	}
	_, err = businessSend(bot, id, carolForBot, "late", 0)
	wantRPC(t, err, world.ErrConnectionIDInvalid)
}
