package mtgo_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
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

	in, err := shop.ResolvePeer(ctxT(t), "@e2e_desk_bot")
	if err != nil {
		t.Fatal(err)
	}
	pu := in.(*tg.InputPeerUser)
	connect := &tg.AccountUpdateConnectedBotRequest{
		Bot:        &tg.InputUser{UserID: pu.UserID, AccessHash: pu.AccessHash},
		Rights:     &tg.BusinessBotRights{Reply: true},
		Recipients: tg.InputBusinessBotRecipients{NewChats: true, ExistingChats: true},
	}
	if _, err := shop.InvokeContext(ctxT(t), connect, 0, 10*time.Second); err != nil {
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

	connect.Deleted = true
	if _, err := shop.InvokeContext(ctxT(t), connect, 0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if off := recv(t, conns, "disconnection"); off.Enabled || off.ID != c.ID {
		t.Fatalf("disconnection %+v", off)
	}
}
