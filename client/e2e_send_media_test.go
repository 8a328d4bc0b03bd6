package mtgo_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fileName returns the file name attribute of a document message, "" for none.
func fileName(m *types.Message) string {
	md, _ := m.RawMedia().(*tg.MessageMediaDocument)
	if md == nil {
		return ""
	}
	doc, _ := md.Document.(*tg.Document)
	if doc == nil {
		return ""
	}
	for _, a := range doc.Attributes {
		if a, ok := a.(*tg.DocumentAttributeFilename); ok {
			return a.FileName
		}
	}
	return ""
}

// TestE2ESendMedia sends media through the option model against the cluster: a bot replies
// to /photo with a photo from bytes, to /doc with a document from a local path with a
// Markdown caption, then replaces that document with EditMessageMedia.
func TestE2ESendMedia(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_media_send_bot")
	path := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(path, []byte("first version"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		_, err := ctx.ReplyMedia(types.KindPhoto, types.InputFile{Reader: strings.NewReader("jpeg bytes"), Name: "p.jpg"})
		done <- err
		return nil
	}, filters.Command("photo"))
	b.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		done <- func() error {
			chat := ctx.Chat().InputPeer()
			doc, err := ctx.Client.SendDocument(ctx, chat, path, mtgo.WithCaption("**report**"), mtgo.WithParseMode(mtgo.ParseModeMarkdown))
			if err != nil {
				return fmt.Errorf("send document: %w", err)
			}
			next := &types.InputFile{Reader: strings.NewReader("second version"), Name: "report-2.txt", Size: 14}
			if _, err := ctx.Client.EditMessageMedia(ctx, chat, doc.ID, next); err != nil {
				return fmt.Errorf("edit media: %w", err)
			}
			return nil
		}()
		return nil
	}, filters.Command("doc"))

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Med", Phone: "15551391"})
	got := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	edited := make(chan *types.Message, 4)
	u.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })

	ask, err := u.SendMessage(ctxT(t), "@e2e_media_send_bot", "/photo")
	if err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "photo reply"); err != nil {
		t.Fatal(err)
	}
	photo := recv(t, got, "photo")
	if photo.MediaKind() != types.KindPhoto || photo.ReplyToMessageID != ask.ID {
		t.Fatalf("photo: kind %v reply to %d, want photo replying to %d", photo.MediaKind(), photo.ReplyToMessageID, ask.ID)
	}
	var buf bytes.Buffer
	if _, err := u.DownloadMessage(ctxT(t), photo, &buf); err != nil || buf.String() != "jpeg bytes" {
		t.Fatalf("photo download: %q, %v", buf.String(), err)
	}

	if _, err := u.SendMessage(ctxT(t), "@e2e_media_send_bot", "/doc"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "document and edit"); err != nil {
		t.Fatal(err)
	}
	doc := recv(t, got, "document")
	if doc.MediaKind() != types.KindDocument || doc.Text != "report" || len(doc.Entities) != 1 || fileName(doc) != "report.txt" {
		t.Fatalf("document: kind %v text %q entities %v name %q", doc.MediaKind(), doc.Text, doc.Entities, fileName(doc))
	}
	if _, ok := doc.Entities[0].(*tg.MessageEntityBold); !ok {
		t.Fatalf("caption entity %T, want bold", doc.Entities[0])
	}
	ed := recv(t, edited, "edited document")
	if ed.ID != doc.ID || ed.MediaKind() != types.KindDocument || fileName(ed) != "report-2.txt" || ed.Text != "report" {
		t.Fatalf("edited: id %d kind %v name %q text %q", ed.ID, ed.MediaKind(), fileName(ed), ed.Text)
	}
	buf.Reset()
	if _, err := u.DownloadMessage(ctxT(t), ed, &buf); err != nil || buf.String() != "second version" {
		t.Fatalf("edited download: %q, %v", buf.String(), err)
	}
}
