package mtgo_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
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

// businessAlbumCopies is what the bot did with Carol's album.
type businessAlbumCopies struct {
	copied, relayed   []*types.Message
	copyErr, relayErr error
}

// TestE2EBusinessAlbumCopy: Carol sends the shop an album; the bot gathers its items from
// OnBusinessMessage and copies the album, as one album, back into Carol's chat through the
// connection and, as the bot, into the shop owner's chat with the bot
// (CopyBusinessMediaGroup): Carol sees the copy from the shop, the owner from the bot, each
// item with its caption, in order.
func TestE2EBusinessAlbumCopy(t *testing.T) {
	done := make(chan businessAlbumCopies, 1)
	var items []*types.Message // the handler's: one chat's business messages run in order
	sc := newBusinessScene(t, "e2e_bizalbum", "1555128", func(b *testClient) {
		b.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
			if m.MediaGroupID == 0 {
				return nil
			}
			if items = append(items, m); len(items) < 2 {
				return nil
			}
			var out businessAlbumCopies
			md := mtgo.WithParseMode(mtgo.ParseModeMarkdown) // the captions are copied as they are
			out.copied, out.copyErr = b.CopyBusinessMediaGroup(ctx, m.Chat, items, md)
			out.relayed, out.relayErr = b.CopyBusinessMediaGroup(ctx, "@e2e_bizalbum_shop", items, md)
			done <- out
			return nil
		})
	}, mtgo.WithBusinessBotRights(types.BusinessBotRights{Reply: true}))
	got := make(chan *types.Message, 4)
	sc.carol.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	relays := make(chan *types.Message, 4)
	sc.shop.OnMessage(func(_ *mtgo.Context, m *types.Message) error { relays <- m; return nil }, filters.FromUsers(filters.Username("e2e_bizalbum_bot")))
	if _, err := sc.shop.SendMessage(ctxT(t), "@e2e_bizalbum_bot", "/start"); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.carol.SendMediaGroup(ctxT(t), sc.Shop, []types.AlbumItem{
		{Kind: types.KindPhoto, Media: []byte("front photo"), Caption: "front"},
		{Kind: types.KindPhoto, Media: []byte("back photo"), Caption: "**back**"},
	}); err != nil {
		t.Fatal(err)
	}
	out := recv(t, done, "the bot's copies")
	if out.copyErr != nil || out.relayErr != nil {
		t.Fatalf("copy into the chat: %v; copy elsewhere: %v", out.copyErr, out.relayErr)
	}
	type item struct {
		Text       string
		Kind       types.MediaKind
		Connection string
		From       int64
	}
	want := func(conn string, from int64) []item {
		return []item{{"front", types.KindPhoto, conn, from}, {"**back**", types.KindPhoto, conn, from}}
	}
	album := func(msgs []*types.Message, conn bool) []item {
		t.Helper()
		var out []item
		for _, m := range msgs {
			if m.MediaGroupID == 0 || m.MediaGroupID != msgs[0].MediaGroupID {
				t.Fatalf("message %d is not in the album of %d", m.ID, msgs[0].ID)
			}
			it := item{Text: m.Text, Kind: m.MediaKind()}
			if conn {
				it.Connection = m.BusinessConnectionID
			}
			if m.From != nil {
				it.From = m.From.ID
			}
			out = append(out, it)
		}
		return out
	}
	if diff := cmp.Diff(want(sc.conn.ID, 0), album(out.copied, true), cmpopts.IgnoreFields(item{}, "From")); diff != "" {
		t.Fatalf("copy through the connection (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want("", 0), album(out.relayed, true), cmpopts.IgnoreFields(item{}, "From")); diff != "" {
		t.Fatalf("copy as the bot (-want +got):\n%s", diff)
	}
	carolSaw := []*types.Message{recv(t, got, "album item"), recv(t, got, "album item")}
	if diff := cmp.Diff(want("", sc.shopUser.ID), album(carolSaw, false)); diff != "" {
		t.Fatalf("Carol's album (-want +got):\n%s", diff)
	}
	shopSaw := []*types.Message{recv(t, relays, "relayed item"), recv(t, relays, "relayed item")}
	if diff := cmp.Diff(want("", sc.bot.Me().ID), album(shopSaw, false)); diff != "" {
		t.Fatalf("the shop's album from the bot (-want +got):\n%s", diff)
	}
}
