package mtgo_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EBusiness: a premium user connects a business bot; another user writes to the
// business account; the bot's OnBusinessMessage answers with Context.Reply, which goes out
// through invokeWithBusinessConnection, and the writer receives the answer from the business
// account. The writer's deletion reaches OnDeletedBusinessMessages, the disconnection
// OnBusinessConnection.
func TestE2EBusiness(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Desk", Username: "e2e_desk_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 4)
	msgs := make(chan *types.Message, 4)
	replies := make(chan error, 4)
	deleted := make(chan *types.DeletedBusinessMessages, 4)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	b.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
		msgs <- m
		_, err := ctx.Reply("echo: " + m.Text)
		replies <- err
		return nil
	})
	b.OnDeletedBusinessMessages(func(_ *mtgo.Context, d *types.DeletedBusinessMessages) error { deleted <- d; return nil })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}

	shop, shopUser := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_biz_shop", Phone: "15551090", Premium: true})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: "15551091"})
	got := make(chan *types.Message, 4)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })

	if _, err := shop.ConnectBusinessBot(ctxT(t), "@e2e_desk_bot", mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true})); err != nil {
		t.Fatal(err)
	}
	c := recv(t, conns, "business connection")
	if c.ID == "" || c.User == nil || c.User.ID != shopUser.ID || !c.Enabled || !c.CanReply {
		t.Fatalf("connection %+v", c)
	}
	again, err := b.GetBusinessConnection(ctxT(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != c.ID || again.User == nil || again.User.ID != shopUser.ID || !again.CanReply {
		t.Fatalf("GetBusinessConnection %+v", again)
	}

	sent, err := carol.SendMessage(ctxT(t), "@e2e_biz_shop", "hello")
	if err != nil {
		t.Fatal(err)
	}
	m := recv(t, msgs, "business message")
	if m.BusinessConnectionID != c.ID || m.Text != "hello" || m.Outgoing || m.Chat == nil || m.From == nil || m.From.ID != carol.Me().ID {
		t.Fatalf("business message %+v", m)
	}
	if err := recv(t, replies, "reply"); err != nil {
		t.Fatalf("reply: %v", err)
	}
	answer := recv(t, got, "answer")
	want := struct {
		Text string
		From int64
	}{"echo: hello", shopUser.ID}
	gotAns := struct {
		Text string
		From int64
	}{answer.Text, answer.From.ID}
	if diff := cmp.Diff(want, gotAns); diff != "" {
		t.Fatalf("carol's answer (-want +got):\n%s", diff)
	}
	if raw, ok := answer.Raw().(*tg.Message); !ok || raw.ViaBusinessBotID.Value != botUser.ID {
		t.Fatalf("answer not marked as sent by the business bot: %+v", answer.Raw())
	}

	if _, err := carol.DeleteMessages(ctxT(t), "@e2e_biz_shop", sent.ID); err != nil {
		t.Fatal(err)
	}
	d := recv(t, deleted, "deleted business messages")
	if d.ConnectionID != c.ID || len(d.IDs) != 1 || d.IDs[0] != m.ID || d.Chat == nil || d.Chat.ID != carol.Me().ID {
		t.Fatalf("deleted %+v", d)
	}

	if err := shop.DisconnectBusinessBot(ctxT(t), "@e2e_desk_bot"); err != nil {
		t.Fatal(err)
	}
	if off := recv(t, conns, "disconnection"); off.Enabled || off.ID != c.ID {
		t.Fatalf("disconnection %+v", off)
	}
}

// TestE2EBusinessActs: Carol writes to a business account; the bot, told by
// OnBusinessMessage, shows the account typing, replies, sends an album and a poll, stops
// the poll, edits and deletes its reply, pins and unpins Carol's message and reads the chat
// through the connection; Carol sees each effect, the account's inbox is
// read. Carol's own edit reaches the bot's OnEditedBusinessMessage.
func TestE2EBusinessActs(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Acts", Username: "e2e_acts_bot", Business: true, DC: 2})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 2)
	msgs := make(chan *types.Message, 2)
	edits := make(chan *types.Message, 2)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	b.OnBusinessMessage(func(_ *mtgo.Context, m *types.Message) error { msgs <- m; return nil })
	b.OnEditedBusinessMessage(func(_ *mtgo.Context, m *types.Message) error { edits <- m; return nil })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}

	// The shop lives on another data center than the bot: calls through its connection go
	// there (the connection's dc_id); the test server refuses them on the bot's own.
	shop, shopUser := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_acts_shop", Phone: "15551190", Premium: true, DC: 3})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: "15551191"})
	got := make(chan *types.Message, 4)
	edited := make(chan *types.Message, 2)
	gone := make(chan *types.DeletedMessages, 2)
	typing := make(chan *tg.UpdateUserTyping, 2)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	carol.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })
	carol.OnDeletedMessages(func(_ *mtgo.Context, d *types.DeletedMessages) error { gone <- d; return nil })
	pins := make(chan *tg.UpdatePinnedMessages, 2)
	carol.OnRawUpdate(func(_ *mtgo.Context, u tg.UpdateClass) error {
		switch u := u.(type) {
		case *tg.UpdateUserTyping:
			typing <- u
		case *tg.UpdatePinnedMessages:
			pins <- u
		}
		return nil
	})
	read := make(chan *tg.UpdateReadHistoryInbox, 2)
	shop.OnRawUpdate(func(_ *mtgo.Context, u tg.UpdateClass) error {
		if r, ok := u.(*tg.UpdateReadHistoryInbox); ok {
			read <- r
		}
		return nil
	})

	rights := types.BusinessBotRights{Reply: true, ReadMessages: true, DeleteSentMessages: true}
	if _, err := shop.ConnectBusinessBot(ctxT(t), "@e2e_acts_bot", mtgo.WithBusinessBotRights(rights)); err != nil {
		t.Fatal(err)
	}
	conn := recv(t, conns, "business connection")
	if conn.DC != 3 || b.DC() != 2 {
		t.Fatalf("connection on DC %d, bot on DC %d; want 3 and 2", conn.DC, b.DC())
	}
	// On the bot's home data center the connection is unknown.
	_, err = b.InvokeContext(ctxT(t), &tg.InvokeWithBusinessConnectionRequest{ConnectionID: conn.ID, Query: &tg.MessagesSetTypingRequest{
		Peer: &tg.InputPeerEmpty{}, Action: &tg.SendMessageTypingAction{}}}, 0, 0)
	if !rpcerr.IsType(err, "CONNECTION_ID_INVALID") {
		t.Fatalf("a call on the bot's home DC: %v, want CONNECTION_ID_INVALID", err)
	}

	sent, err := carol.SendMessage(ctxT(t), "@e2e_acts_shop", "hello")
	if err != nil {
		t.Fatal(err)
	}
	m := recv(t, msgs, "business message")
	if m.BusinessConnectionID != conn.ID || m.Text != "hello" {
		t.Fatalf("business message %+v", m)
	}
	chat := m.Chat.InputPeer()

	// Typing, as the shop.
	if err := b.SendBusinessChatAction(ctxT(t), conn.ID, chat, types.ActionTyping); err != nil {
		t.Fatal(err)
	}
	if ut := recv(t, typing, "typing"); ut.UserID != shopUser.ID {
		t.Fatalf("typing %+v", ut)
	}

	// A reply, then its edit through the flat method with the connection option.
	reply, err := m.Reply(ctxT(t), "hi")
	if err != nil {
		t.Fatal(err)
	}
	if reply.BusinessConnectionID != conn.ID {
		t.Fatalf("reply %+v", reply)
	}
	if a := recv(t, got, "reply"); a.Text != "hi" || a.From == nil || a.From.ID != shopUser.ID {
		t.Fatalf("carol's reply %+v", a)
	}
	ed, err := b.EditMessageText(ctxT(t), chat, reply.ID, "hi there", mtgo.WithBusinessConnection(conn.ID))
	if err != nil {
		t.Fatal(err)
	}
	if ed.Text != "hi there" || ed.BusinessConnectionID != conn.ID {
		t.Fatalf("edit result %+v", ed)
	}
	if e := recv(t, edited, "edit"); e.Text != "hi there" {
		t.Fatalf("carol's edit %+v", e)
	}

	// An album through the connection.
	album, err := b.SendMediaGroup(ctxT(t), chat, []types.AlbumItem{
		{Kind: types.KindPhoto, Media: []byte("photo one"), Caption: "one"},
		{Kind: types.KindPhoto, Media: []byte("photo two"), Caption: "two"},
	}, mtgo.WithBusinessConnection(conn.ID))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"one", "two"} {
		if album[i].BusinessConnectionID != conn.ID || album[i].Text != want {
			t.Fatalf("album item %d: %+v", i, album[i])
		}
		if a := recv(t, got, "album item"); a.Text != want || a.From == nil || a.From.ID != shopUser.ID {
			t.Fatalf("carol's album item %+v", a)
		}
	}

	// A poll through the connection, then stopped through it.
	pm, err := b.SendPoll(ctxT(t), chat, "open?", []string{"yes", "no"}, mtgo.WithBusinessConnection(conn.ID))
	if err != nil {
		t.Fatal(err)
	}
	if a := recv(t, got, "poll"); a.ID == 0 {
		t.Fatalf("carol's poll %+v", a)
	}
	stopped, err := b.StopPoll(ctxT(t), chat, pm.ID, mtgo.WithBusinessConnection(conn.ID))
	if err != nil {
		t.Fatal(err)
	}
	closed := func(m *types.Message) bool { p, ok := m.Media.(*types.Poll); return ok && p.IsClosed }
	if !closed(stopped) {
		t.Fatalf("StopPoll result %+v", stopped.Media)
	}
	if e := recv(t, edited, "closed poll"); !closed(e) {
		t.Fatalf("carol's poll after the stop: %+v", e.Media)
	}

	// Carol edits her message: the bot hears it.
	if _, err := carol.EditMessageText(ctxT(t), "@e2e_acts_shop", sent.ID, "hello!"); err != nil {
		t.Fatal(err)
	}
	if e := recv(t, edits, "edited business message"); e.ID != m.ID || e.Text != "hello!" || e.BusinessConnectionID != conn.ID {
		t.Fatalf("edited business message %+v", e)
	}

	// Pinning Carol's message through the connection (Message.Pin of a business message).
	if err := m.Pin(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if p := recv(t, pins, "pin"); !p.Pinned || len(p.Messages) != 1 || int(p.Messages[0]) != sent.ID {
		t.Fatalf("carol's pin %+v", p)
	}
	if err := m.Unpin(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if p := recv(t, pins, "unpin"); p.Pinned {
		t.Fatalf("carol's unpin %+v", p)
	}

	// Reading marks the shop's inbox read.
	if err := b.ReadBusinessChatHistory(ctxT(t), conn.ID, chat, 0); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, read, "read"); r.StillUnreadCount != 0 || int(r.MaxID) < m.ID {
		t.Fatalf("read %+v", r)
	}

	// Deleting the reply (Message.Delete goes through the connection) deletes Carol's copy.
	if err := reply.Delete(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if d := recv(t, gone, "deletion"); len(d.IDs) != 1 {
		t.Fatalf("carol's deletion %+v", d)
	}
	// Deleting Carol's message needs delete_received_messages, which the bot lacks.
	if err := b.DeleteBusinessMessages(ctxT(t), conn.ID, m.ID); !rpcerr.IsType(err, "BOT_ACCESS_FORBIDDEN") {
		t.Fatalf("deleting a received message without the right: %v", err)
	}
	if err := b.DeleteBusinessMessages(ctxT(t), "", m.ID); !errors.Is(err, mtgo.ErrEmptyField) {
		t.Fatalf("empty connection id: %v", err)
	}
}
