package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// bizWorld is a business account (shop) with a connected bot serving every chat but
// Dave's, and the ids in the shop's box of one message each way with Carol and one from
// Dave.
type bizWorld struct {
	h                     *harness
	bot, shop, carol, dve *account
	id                    string
	carolPeer, davePeer   tg.InputPeerClass // as the bot names them
	fromCarol, toCarol    int32
	fromDave              int32
}

// newBizWorld builds a bizWorld, the connection with rights.
func newBizWorld(t *testing.T, rights tg.BusinessBotRights) *bizWorld {
	h := newHarness(t)
	b := &bizWorld{h: h, bot: h.botWith(world.BotSpec{Username: "act_bot", Business: true})}
	u, err := h.w.CreateUser(world.UserSpec{FirstName: "Shop", Username: "act_shop", Phone: "79990008001", Premium: true})
	if err != nil {
		t.Fatal(err)
	}
	b.shop = h.login(u)
	b.carol = h.named("Carol", "act_carol", "79990008002")
	b.dve = h.named("Dave", "act_dave", "79990008003")
	b.carolPeer = &tg.InputPeerUser{UserID: b.carol.id, AccessHash: b.carol.userAs(b.bot).AccessHash.Value}
	b.davePeer = &tg.InputPeerUser{UserID: b.dve.id, AccessHash: b.dve.userAs(b.bot).AccessHash.Value}
	b.connect(t, rights)
	b.id = waitFor[*tg.UpdateBotBusinessConnect](t, b.bot).Connection.ConnectionID

	h.send(b.carol, b.carol.peerOf(b.shop), "question")
	b.fromCarol = waitFor[*tg.UpdateBotNewBusinessMessage](t, b.bot).Message.(*tg.Message).ID
	b.toCarol = sentID(t, h.send(b.shop, b.shop.peerOf(b.carol), "answer"))
	waitFor[*tg.UpdateBotNewBusinessMessage](t, b.bot)
	b.shop.updates() // the shop's and Carol's updates so far: not under test
	h.send(b.dve, b.dve.peerOf(b.shop), "from dave")
	b.fromDave = waitForNew(t, b.shop).ID
	b.carol.updates()
	return b
}

// connect (re)connects the bot with rights.
func (b *bizWorld) connect(t *testing.T, rights tg.BusinessBotRights) {
	t.Helper()
	_, err := b.shop.api.AccountUpdateConnectedBot(ctx(), &tg.AccountUpdateConnectedBotRequest{
		Bot: &tg.InputUser{UserID: b.bot.id, AccessHash: b.bot.userAs(b.shop).AccessHash.Value}, Rights: &rights,
		Recipients: tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true, NonContacts: true, ExcludeUsers: []tg.InputUserClass{
			&tg.InputUser{UserID: b.dve.id, AccessHash: b.dve.userAs(b.shop).AccessHash.Value},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sentID returns the id of the message a send answered.
func sentID(t *testing.T, u tg.UpdatesClass) int32 {
	t.Helper()
	if s, ok := u.(*tg.UpdateShortSentMessage); ok {
		return s.ID
	}
	for _, x := range flatten([]tg.UpdatesClass{u}) {
		if m, ok := x.(*tg.UpdateMessageID); ok {
			return m.ID
		}
	}
	t.Fatalf("no message id in %T", u)
	return 0
}

// via invokes q as caller through connection id.
func via(caller *account, id string, q tl.Object, out tl.Decoder) error {
	return caller.api.InvokeWithBusinessConnection(ctx(), &tg.InvokeWithBusinessConnectionRequest{ConnectionID: id, Query: q}, out)
}

// bizCall is one call a business bot makes through its connection.
type bizCall func(b *bizWorld, caller *account, id string) error

var (
	bizSend bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesSendMessageRequest{Peer: b.carolPeer, Message: "x", RandomID: 9}, &tg.UpdatesClassBox{})
	}
	bizEdit bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesEditMessageRequest{Peer: b.carolPeer, ID: b.toCarol, Message: someStr("edited")}, &tg.UpdatesClassBox{})
	}
	bizTyping bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesSetTypingRequest{Peer: b.carolPeer, Action: &tg.SendMessageTypingAction{}}, &tg.BoolBox{})
	}
	bizRead bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesReadHistoryRequest{Peer: b.carolPeer}, &tg.MessagesAffectedMessages{})
	}
	bizPin bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesUpdatePinnedMessageRequest{Peer: b.carolPeer, ID: b.fromCarol}, &tg.UpdatesClassBox{})
	}
	bizDeleteSent bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesDeleteMessagesRequest{ID: []int32{b.toCarol}, Revoke: true}, &tg.MessagesAffectedMessages{})
	}
	bizDeleteReceived bizCall = func(b *bizWorld, caller *account, id string) error {
		return via(caller, id, &tg.MessagesDeleteMessagesRequest{ID: []int32{b.fromCarol}, Revoke: true}, &tg.MessagesAffectedMessages{})
	}
)

// inDaves turns a call in Carol's chat into the same call in Dave's, which the connection
// does not serve.
func inDaves(call bizCall) bizCall {
	return func(b *bizWorld, caller *account, id string) error {
		c := *b
		c.carolPeer = b.davePeer
		c.toCarol, c.fromCarol = b.fromDave, b.fromDave
		return call(&c, caller, id)
	}
}

// TestBusinessActRefusals: each call through a connection without the right it needs, in a
// chat the connection does not serve, by someone else than the bot or through an unknown
// connection fails with its error.
func TestBusinessActRefusals(t *testing.T) {
	all := tg.BusinessBotRights{Reply: true, ReadMessages: true, DeleteSentMessages: true, DeleteReceivedMessages: true}
	without := func(f func(*tg.BusinessBotRights)) tg.BusinessBotRights {
		r := all
		f(&r)
		return r
	}
	type who int
	const (
		theBot who = iota
		theShop
		plainBot
		botElsewhere // the bot on another data center than the connection's
	)
	cases := []struct {
		name   string
		rights tg.BusinessBotRights
		call   bizCall
		caller who
		connID string // "" for the connection
		want   *RPCError
	}{
		{"send without reply", without(func(r *tg.BusinessBotRights) { r.Reply = false }), bizSend, theBot, "", world.ErrBotAccessForbidden},
		{"edit without reply", without(func(r *tg.BusinessBotRights) { r.Reply = false }), bizEdit, theBot, "", world.ErrBotAccessForbidden},
		{"typing without reply", without(func(r *tg.BusinessBotRights) { r.Reply = false }), bizTyping, theBot, "", world.ErrBotAccessForbidden},
		{"pin without reply", without(func(r *tg.BusinessBotRights) { r.Reply = false }), bizPin, theBot, "", world.ErrBotAccessForbidden},
		{"read without read_messages", without(func(r *tg.BusinessBotRights) { r.ReadMessages = false }), bizRead, theBot, "", world.ErrBotAccessForbidden},
		{"delete own without delete_sent", without(func(r *tg.BusinessBotRights) { r.DeleteSentMessages = false }), bizDeleteSent, theBot, "", world.ErrBotAccessForbidden},
		{"delete received without delete_received", without(func(r *tg.BusinessBotRights) { r.DeleteReceivedMessages = false }), bizDeleteReceived, theBot, "", world.ErrBotAccessForbidden},
		{"send outside recipients", all, inDaves(bizSend), theBot, "", world.ErrPeerIDInvalid},
		{"edit outside recipients", all, inDaves(bizEdit), theBot, "", world.ErrPeerIDInvalid},
		{"typing outside recipients", all, inDaves(bizTyping), theBot, "", world.ErrPeerIDInvalid},
		{"read outside recipients", all, inDaves(bizRead), theBot, "", world.ErrPeerIDInvalid},
		{"pin outside recipients", all, inDaves(bizPin), theBot, "", world.ErrPeerIDInvalid},
		{"delete outside recipients", all, inDaves(bizDeleteReceived), theBot, "", world.ErrMessageDeleteForbidden},
		{"edit the other party's message", all, func(b *bizWorld, caller *account, id string) error {
			c := *b
			c.toCarol = b.fromCarol
			return bizEdit(&c, caller, id)
		}, theBot, "", world.ErrMessageAuthorRequired},
		{"send to a user without a chat", all, func(b *bizWorld, caller *account, id string) error {
			erin := b.h.named("Erin", "act_erin", "79990008004")
			c := *b
			c.carolPeer = &tg.InputPeerUser{UserID: erin.id, AccessHash: erin.userAs(b.bot).AccessHash.Value}
			return bizSend(&c, caller, id)
		}, theBot, "", world.ErrBusinessPeerUsageMissing},
		{"a person", all, bizRead, theShop, "", world.ErrBusinessConnectionNotAllowed},
		{"a bot without business mode", all, bizRead, plainBot, "", world.ErrBusinessConnectionNotAllowed},
		{"unknown connection", all, bizRead, theBot, "nope", world.ErrConnectionIDInvalid},
		{"another data center", all, bizRead, botElsewhere, "", world.ErrConnectionIDInvalid},
		{"method not for business bots", all, func(b *bizWorld, caller *account, id string) error {
			return via(caller, id, &tg.MessagesGetHistoryRequest{Peer: b.carolPeer}, &tg.MessagesMessagesClassBox{})
		}, theBot, "", world.ErrBusinessConnectionNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBizWorld(t, tc.rights)
			var caller *account
			switch tc.caller {
			case theBot:
				caller = b.bot
			case theShop:
				caller = b.shop
			case plainBot:
				caller = b.h.bot("act_plain_bot")
			case botElsewhere:
				caller = b.bot.second()
				caller.c.caller.DC = b.shop.info.DC%5 + 1
			}
			id := b.id
			if tc.connID != "" {
				id = tc.connID
			}
			wantRPC(t, tc.call(b, caller, id), tc.want)
		})
	}
}

// TestBusinessActs: the bot replies, edits, shows typing, reads, pins and deletes in Carol's chat
// on the shop's behalf; Carol and the shop see each effect; business updates carry the
// message replied to; the bot is not told of its own acts again.
func TestBusinessActs(t *testing.T) {
	b := newBizWorld(t, tg.BusinessBotRights{Reply: true, ReadMessages: true, DeleteSentMessages: true, DeleteReceivedMessages: true})
	h, bot, shop, carol := b.h, b.bot, b.shop, b.carol

	// A reply through the connection names the message replied to.
	var res tg.UpdatesClassBox
	err := via(bot, b.id, &tg.MessagesSendMessageRequest{
		Peer: b.carolPeer, Message: "reply", RandomID: 5, ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: b.fromCarol},
	}, &res)
	if err != nil {
		t.Fatal(err)
	}
	ups := flatten([]tg.UpdatesClass{res.Updates})
	nm := ups[len(ups)-1].(*tg.UpdateBotNewBusinessMessage)
	reply := nm.Message.(*tg.Message)
	if nm.ReplyToMessage == nil || nm.ReplyToMessage.(*tg.Message).ID != b.fromCarol || reply.Message != "reply" {
		t.Fatalf("send through the connection: %+v", nm)
	}
	if got := waitForNew(t, carol); got.Message != "reply" {
		t.Fatalf("carol got %+v", got)
	}
	// The shop answers Carol's question itself: the bot hears it with the question.
	h.randomID++
	if _, err := shop.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{
		Peer: shop.peerOf(carol), Message: "and more", RandomID: h.randomID, ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: b.fromCarol},
	}); err != nil {
		t.Fatal(err)
	}
	own := waitFor[*tg.UpdateBotNewBusinessMessage](t, bot)
	if own.ReplyToMessage == nil || own.ReplyToMessage.(*tg.Message).Message != "question" || !own.Message.(*tg.Message).Out {
		t.Fatalf("the shop's own reply: %+v", own)
	}
	carol.updates() // the shop's own reply

	// An album through the connection.
	err = via(bot, b.id, &tg.MessagesSendMultiMediaRequest{Peer: b.carolPeer, MultiMedia: []tg.InputSingleMedia{
		{Media: &tg.InputMediaDocumentExternal{URL: "https://example.com/a.pdf"}, RandomID: 11, Message: "a"},
		{Media: &tg.InputMediaDocumentExternal{URL: "https://example.com/b.pdf"}, RandomID: 12, Message: "b"},
	}}, &res)
	if err != nil {
		t.Fatal(err)
	}
	var album []string
	for _, u := range flatten([]tg.UpdatesClass{res.Updates}) {
		if nm, ok := u.(*tg.UpdateBotNewBusinessMessage); ok {
			m := nm.Message.(*tg.Message)
			album = append(album, m.Message)
			if m.GroupedID.Value == 0 || m.ViaBusinessBotID.Value != bot.id {
				t.Fatalf("album item %+v", m)
			}
		}
	}
	if diff := cmp.Diff([]string{"a", "b"}, album); diff != "" {
		t.Fatalf("album (-want +got):\n%s", diff)
	}
	for _, want := range []string{"a", "b"} {
		if got := waitFor[*tg.UpdateNewMessage](t, carol).Message.(*tg.Message); got.Message != want {
			t.Fatalf("carol got %q, want %q", got.Message, want)
		}
	}

	// Edit.
	err = via(bot, b.id, &tg.MessagesEditMessageRequest{Peer: b.carolPeer, ID: reply.ID, Message: someStr("better reply")}, &res)
	if err != nil {
		t.Fatal(err)
	}
	ed := flatten([]tg.UpdatesClass{res.Updates})[0].(*tg.UpdateBotEditBusinessMessage)
	if ed.Message.(*tg.Message).Message != "better reply" || ed.ReplyToMessage == nil || ed.Qts != 0 {
		t.Fatalf("edit result %+v", ed)
	}
	if got := waitForEdit(t, carol).(*tg.UpdateEditMessage).Message.(*tg.Message); got.Message != "better reply" {
		t.Fatalf("carol's edit %+v", got)
	}

	// Typing: Carol sees the shop typing.
	if err := via(bot, b.id, &tg.MessagesSetTypingRequest{Peer: b.carolPeer, Action: &tg.SendMessageTypingAction{}}, &tg.BoolBox{}); err != nil {
		t.Fatal(err)
	}
	if typing := waitFor[*tg.UpdateUserTyping](t, carol); typing.UserID != shop.id {
		t.Fatalf("typing %+v", typing)
	}

	// Read: the shop's inbox is read.
	if err := via(bot, b.id, &tg.MessagesReadHistoryRequest{Peer: b.carolPeer}, &tg.MessagesAffectedMessages{}); err != nil {
		t.Fatal(err)
	}
	read := waitFor[*tg.UpdateReadHistoryInbox](t, shop)
	if diff := cmp.Diff(&tg.PeerUser{UserID: carol.id}, read.Peer); diff != "" || read.MaxID < b.fromCarol || read.StillUnreadCount != 0 {
		t.Fatalf("read %+v %s", read, diff)
	}

	// Pin Carol's question for both sides.
	if err := bizPin(b, bot, b.id); err != nil {
		t.Fatal(err)
	}
	if pin := waitFor[*tg.UpdatePinnedMessages](t, carol); !pin.Pinned {
		t.Fatalf("carol's pin %+v", pin)
	}
	if pin := waitFor[*tg.UpdatePinnedMessages](t, shop); !pin.Pinned || !cmp.Equal(pin.Messages, []int32{b.fromCarol}) {
		t.Fatalf("shop's pin %+v", pin)
	}

	// Delete for both sides.
	var aff tg.MessagesAffectedMessages
	if err := via(bot, b.id, &tg.MessagesDeleteMessagesRequest{ID: []int32{reply.ID}, Revoke: true}, &aff); err != nil {
		t.Fatal(err)
	}
	if aff.PtsCount != 0 {
		t.Fatalf("delete moved the bot's pts: %+v", aff)
	}
	waitFor[*tg.UpdateDeleteMessages](t, carol)
	if del := waitFor[*tg.UpdateDeleteMessages](t, shop); !cmp.Equal(del.Messages, []int32{reply.ID}) {
		t.Fatalf("shop's deletion %+v", del)
	}

	// The bot's sequence holds the connection, Carol's question, the shop's answer and the
	// shop's own reply: nothing of what it did itself.
	d, err := bot.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 0, Qts: 1, Date: 0})
	if err != nil {
		t.Fatal(err)
	}
	if st := d.(*tg.UpdatesDifference).State; st.Qts != 4 {
		t.Fatalf("bot's qts %d, want 4", st.Qts)
	}
}
