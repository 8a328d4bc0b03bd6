package mtgo_test

import (
	"strings"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2EBusinessCallbackEditMedia: the bot answers Carol's business message with a document
// and a button; on the press, Context.EditMedia replaces the document through the
// connection, as EditText and EditCaption do: the message is the business account's, so the
// bot's own edit would not find it.
func TestE2EBusinessCallbackEditMedia(t *testing.T) {
	cl := cluster(t)
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Files", Username: "e2e_bizmedia_bot", Business: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	conns := make(chan *types.BusinessConnection, 2)
	sends := make(chan error, 2)
	edits := make(chan error, 2)
	b.OnBusinessConnection(func(_ *mtgo.Context, c *types.BusinessConnection) error { conns <- c; return nil })
	b.OnBusinessMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		kb := types.NewInlineKeyboard().Row(types.CallbackButton("Newer", "doc:next"))
		doc := types.InputFile{Reader: strings.NewReader("first version"), Name: "price-1.txt", Size: 13}
		_, err := ctx.ReplyMedia(types.KindDocument, doc, mtgo.WithKeyboard(kb))
		sends <- err
		return nil
	})
	b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		_ = q.Answer(ctx, "")
		next := &types.InputFile{Reader: strings.NewReader("second version"), Name: "price-2.txt", Size: 14}
		_, err := ctx.EditMedia(next)
		edits <- err
		return nil
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}

	shop, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Shop", Username: "e2e_bm_shop", Phone: "15551292", Premium: true})
	carol, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Carol", Phone: "15551293"})
	got := make(chan *types.Message, 2)
	edited := make(chan *types.Message, 4)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	carol.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })

	if _, err := shop.ConnectBusinessBot(ctxT(t), "@e2e_bizmedia_bot"); err != nil {
		t.Fatal(err)
	}
	recv(t, conns, "business connection")
	if _, err := carol.SendMessage(ctxT(t), "@e2e_bm_shop", "price list?"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, sends, "document send"); err != nil {
		t.Fatalf("document through the connection: %v", err)
	}
	m := recv(t, got, "the document")
	if _, err := carol.RequestCallbackAnswer(ctxT(t), "@e2e_bm_shop", m.ID, []byte("doc:next")); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, edits, "media edit"); err != nil {
		t.Fatalf("Context.EditMedia of the business message: %v", err)
	}
	e := recv(t, edited, "edited document")
	if e.ID != m.ID || e.MediaKind() != types.KindDocument || fileName(e) != "price-2.txt" {
		t.Fatalf("Carol's edited message %d, kind %v, file %q; want %d with price-2.txt", e.ID, e.MediaKind(), fileName(e), m.ID)
	}
}
