package mtgo_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// businessScene is a started business bot, a Premium shop connected to it and Carol, who
// writes to the shop (Shop is "@<name>_shop").
type businessScene struct {
	bot, shop, carol *testClient
	shopUser         world.User
	Shop             string
	conn             *types.BusinessConnection
}

// newBusinessScene creates the business bot @<name>_bot, lets register add its handlers and
// starts it; creates the Premium shop @<name>_shop (phone phone) and Carol (phone+"1"), and
// connects the bot to the shop with opts. It returns once the bot saw the connection.
func newBusinessScene(t *testing.T, name, phone string, register func(*testClient), opts ...mtgo.BusinessBotOption) businessScene {
	t.Helper()
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Desk", Username: name + "_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 2)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	register(b)
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	sc := businessScene{bot: b, Shop: "@" + name + "_shop"}
	sc.shop, sc.shopUser = e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: name + "_shop", Phone: phone, Premium: true})
	sc.carol, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: phone + "1"})
	if _, err := sc.shop.ConnectBusinessBot(ctxT(t), "@"+name+"_bot", opts...); err != nil {
		t.Fatal(err)
	}
	sc.conn = recv(t, conns, "business connection")
	return sc
}

// businessTalk is what the bot's OnBusinessMessage handler did with Carol's order.
type businessTalk struct {
	forwardErr, reactErr, copyErr, relayErr, askErr error
	copied, relayed, answer                         *types.Message
}

// TestE2EBusinessConversation: Carol writes "order" to a business account; the bot, in
// OnBusinessMessage, is refused Forward and React of the business message
// (ErrBusinessUnsupported), copies it back into Carol's chat through the connection
// (Context.Copy) and, as the bot, into the shop owner's chat with the bot (Message.Copy),
// then asks Carol a question there (Conversation.Ask) and waits: Carol sees
// the copy and the question from the business account, and her answer reaches the
// conversation as a business message of the same connection.
func TestE2EBusinessConversation(t *testing.T) {
	talks := make(chan businessTalk, 2)
	sc := newBusinessScene(t, "e2e_conv", "1555129", func(b *testClient) {
		b.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
			var tk businessTalk
			_, tk.forwardErr = ctx.Forward("me")
			tk.reactErr = ctx.React("👍")
			tk.copied, tk.copyErr = ctx.Copy(m.Chat)
			tk.relayed, tk.relayErr = m.Copy(ctx, "@e2e_conv_shop")
			conv, err := ctx.Conversation()
			if err == nil {
				tk.answer, err = conv.Ask(ctx, "How many?")
			}
			tk.askErr = err
			talks <- tk
			return nil
		})
	}, mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true}))
	got := make(chan *types.Message, 4)
	sc.carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	relays := make(chan *types.Message, 2)
	sc.shop.OnMessage(func(_ *mtgo.Context, m *types.Message) error { relays <- m; return nil }, filters.FromUsers(filters.Username("e2e_conv_bot")))
	if _, err := sc.shop.SendMessage(ctxT(t), "@e2e_conv_bot", "/start"); err != nil {
		t.Fatal(err)
	}

	if _, err := sc.carol.SendMessage(ctxT(t), sc.Shop, "order"); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		Text string
		From int64
	}
	var carolSaw []seen
	for range 2 {
		m := recv(t, got, "message from the shop")
		carolSaw = append(carolSaw, seen{m.Text, m.From.ID})
	}
	if diff := cmp.Diff([]seen{{"order", sc.shopUser.ID}, {"How many?", sc.shopUser.ID}}, carolSaw); diff != "" {
		t.Fatalf("Carol's messages (-want +got):\n%s", diff)
	}
	if _, err := sc.carol.SendMessage(ctxT(t), sc.Shop, "3"); err != nil {
		t.Fatal(err)
	}
	tk := recv(t, talks, "the handler's talk")
	if !errors.Is(tk.forwardErr, mtgo.ErrBusinessUnsupported) || !errors.Is(tk.reactErr, mtgo.ErrBusinessUnsupported) {
		t.Fatalf("forward: %v, react: %v; want ErrBusinessUnsupported", tk.forwardErr, tk.reactErr)
	}
	if tk.copyErr != nil || tk.relayErr != nil || tk.askErr != nil {
		t.Fatalf("copy: %v, copy elsewhere: %v, ask: %v", tk.copyErr, tk.relayErr, tk.askErr)
	}
	if tk.relayed.BusinessConnectionID != "" || tk.relayed.Text != "order" {
		t.Fatalf("copy elsewhere %+v", tk.relayed)
	}
	if r := recv(t, relays, "the copy in the shop's chat with the bot"); r.Text != "order" || r.From == nil || r.From.ID != sc.bot.Me().ID {
		t.Fatalf("the shop got %q from %+v, want from %d", r.Text, r.From, sc.bot.Me().ID)
	}
	if tk.copied.BusinessConnectionID != sc.conn.ID || tk.copied.Text != "order" {
		t.Fatalf("copy %+v", tk.copied)
	}
	if tk.answer.BusinessConnectionID != sc.conn.ID || tk.answer.Text != "3" || tk.answer.From == nil || tk.answer.From.ID != sc.carol.Me().ID {
		t.Fatalf("answer %+v", tk.answer)
	}
}
