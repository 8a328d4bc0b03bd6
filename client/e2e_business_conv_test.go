package mtgo_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// businessTalk is what the bot's OnBusinessMessage handler did with Carol's order.
type businessTalk struct {
	forwardErr, reactErr, copyErr, askErr error
	copied, answer                        *types.Message
}

// TestE2EBusinessConversation: Carol writes "order" to a business account; the bot, in
// OnBusinessMessage, is refused Forward and React of the business message
// (ErrBusinessUnsupported), copies it back into Carol's chat through the connection
// (Context.Copy), then asks Carol a question there (Conversation.Ask) and waits: Carol sees
// the copy and the question from the business account, and her answer reaches the
// conversation as a business message of the same connection.
func TestE2EBusinessConversation(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Orders", Username: "e2e_conv_biz_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 2)
	talks := make(chan businessTalk, 2)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	b.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
		var tk businessTalk
		_, tk.forwardErr = ctx.Forward("me")
		tk.reactErr = ctx.React("👍")
		tk.copied, tk.copyErr = ctx.Copy(m.Chat)
		conv, err := ctx.Conversation()
		if err == nil {
			tk.answer, err = conv.Ask(ctx, "How many?")
		}
		tk.askErr = err
		talks <- tk
		return nil
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}

	shop, shopUser := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_conv_shop", Phone: "15551290", Premium: true})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: "15551291"})
	got := make(chan *types.Message, 4)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if _, err := shop.ConnectBusinessBot(ctxT(t), "@e2e_conv_biz_bot", mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true})); err != nil {
		t.Fatal(err)
	}
	c := recv(t, conns, "business connection")

	if _, err := carol.SendMessage(ctxT(t), "@e2e_conv_shop", "order"); err != nil {
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
	if diff := cmp.Diff([]seen{{"order", shopUser.ID}, {"How many?", shopUser.ID}}, carolSaw); diff != "" {
		t.Fatalf("Carol's messages (-want +got):\n%s", diff)
	}
	if _, err := carol.SendMessage(ctxT(t), "@e2e_conv_shop", "3"); err != nil {
		t.Fatal(err)
	}
	tk := recv(t, talks, "the handler's talk")
	if !errors.Is(tk.forwardErr, mtgo.ErrBusinessUnsupported) || !errors.Is(tk.reactErr, mtgo.ErrBusinessUnsupported) {
		t.Fatalf("forward: %v, react: %v; want ErrBusinessUnsupported", tk.forwardErr, tk.reactErr)
	}
	if tk.copyErr != nil || tk.askErr != nil {
		t.Fatalf("copy: %v, ask: %v", tk.copyErr, tk.askErr)
	}
	if tk.copied.BusinessConnectionID != c.ID || tk.copied.Text != "order" {
		t.Fatalf("copy %+v", tk.copied)
	}
	if tk.answer.BusinessConnectionID != c.ID || tk.answer.Text != "3" || tk.answer.From == nil || tk.answer.From.ID != carol.Me().ID {
		t.Fatalf("answer %+v", tk.answer)
	}
}
