package mtgo_test

import (
	"strings"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestE2EBusinessCallbackEditMedia: the bot answers Carol's business message with a document
// and a button; on the press, Context.EditMedia replaces the document through the
// connection, as EditText and EditCaption do: the message is the business account's, so the
// bot's own edit would not find it.
func TestE2EBusinessCallbackEditMedia(t *testing.T) {
	sends := make(chan error, 2)
	edits := make(chan error, 2)
	sc := newBusinessScene(t, "e2e_bizmedia", "1555129", func(b *testClient) {
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
	})
	carol := sc.carol
	got := make(chan *types.Message, 2)
	edited := make(chan *types.Message, 4)
	carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	carol.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })
	if _, err := carol.SendMessage(ctxT(t), sc.Shop, "price list?"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, sends, "document send"); err != nil {
		t.Fatalf("document through the connection: %v", err)
	}
	m := recv(t, got, "the document")
	if _, err := carol.RequestCallbackAnswer(ctxT(t), sc.Shop, m.ID, []byte("doc:next")); err != nil {
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
