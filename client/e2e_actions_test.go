package mtgo_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// inlineKeyboard is one callback button labelled label.
func inlineKeyboard(label string) *tg.ReplyInlineMarkup {
	return &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: label, Data: []byte(label)},
	}}}}
}

// TestE2EContextActions runs every bound action of a Context against the cluster: a bot
// forwards, copies, pins and reacts to a user's message, downloads a document the user sent,
// and on a button press edits the caption and the buttons of its own message.
func TestE2EContextActions(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_actions_bot")
	done := make(chan error, 4)
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		done <- func() error {
			if _, err := ctx.Download(io.Discard); !errors.Is(err, mtgo.ErrContextNoMedia) {
				return fmt.Errorf("download of a text: %v, want ErrContextNoMedia", err)
			}
			here := ctx.Chat().InputPeer()
			if _, err := ctx.Forward(here, mtgo.WithSilent()); err != nil {
				return fmt.Errorf("forward: %w", err)
			}
			if _, err := ctx.Copy(here); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			if _, err := ctx.Copy(here, mtgo.WithReplyMarkup(inlineKeyboard("copied"))); err != nil {
				return fmt.Errorf("copy with buttons: %w", err)
			}
			if err := ctx.Pin(mtgo.WithSilent()); err != nil {
				return fmt.Errorf("pin: %w", err)
			}
			if err := ctx.React("👍"); err != nil {
				return fmt.Errorf("react: %w", err)
			}
			if err := m.Unpin(ctx); err != nil { // the bound form
				return fmt.Errorf("unpin: %w", err)
			}
			if _, err := ctx.Reply("menu", mtgo.WithReplyMarkup(inlineKeyboard("one"))); err != nil {
				return fmt.Errorf("reply: %w", err)
			}
			return nil
		}()
		return nil
	}, filters.Command("go"))
	b.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		var buf bytes.Buffer
		_, err := ctx.Download(&buf)
		if err == nil && buf.String() != "document body" {
			err = fmt.Errorf("downloaded %q", buf.String())
		}
		if err == nil {
			_, err = ctx.Copy(ctx.Chat().InputPeer(), mtgo.WithCaption("**copy**"), mtgo.WithParseMode(mtgo.ParseModeMarkdown),
				mtgo.WithReplyMarkup(inlineKeyboard("doc")))
		}
		done <- err
		return nil
	}, filters.Document)
	b.OnCallbackQuery(func(ctx *mtgo.Context, q *types.CallbackQuery) error {
		if _, err := ctx.EditReplyMarkup(inlineKeyboard("two")); err != nil {
			return err
		}
		// The buttons go with the edit: a bot's edit without them removes them.
		if _, err := ctx.EditCaption("menu 2", mtgo.WithReplyMarkup(inlineKeyboard("two"))); err != nil {
			return err
		}
		return ctx.AnswerCallback("ok")
	}, filters.CallbackData("one"))
	failures := make(chan error, 4)
	b.OnError(func(_ *mtgo.Context, err error) { failures <- err })

	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Act", Phone: "15551310"})
	got := make(chan *types.Message, 8)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	edited := make(chan *types.Message, 8)
	u.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { edited <- m; return nil })
	// Pins and reactions reach the user as raw updates (group 1, beside the message handlers).
	marks := make(chan string, 8)
	u.AddHandler(mtgo.NewRawUpdateHandler(func(_ *mtgo.Context, up tg.UpdateClass) error {
		switch up := up.(type) {
		case *tg.UpdatePinnedMessages:
			marks <- fmt.Sprintf("pinned=%v %v", up.Pinned, up.Messages)
		case *tg.UpdateMessageReactions:
			marks <- fmt.Sprintf("reactions on %d", up.MsgID)
		}
		return nil
	}), 1)

	goMsg, err := u.SendMessage(ctxT(t), "@e2e_actions_bot", "/go")
	if err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "the bot's actions"); err != nil {
		t.Fatal(err)
	}
	// The pins keep their order (they carry pts); the reaction (no pts) may come anywhere.
	var seen []string
	for range 3 {
		if m := recv(t, marks, "pin, reaction and unpin"); strings.HasPrefix(m, "reactions") {
			seen = append([]string{m}, seen...)
		} else {
			seen = append(seen, m)
		}
	}
	want := []string{
		fmt.Sprintf("reactions on %d", goMsg.ID),
		fmt.Sprintf("pinned=true [%d]", goMsg.ID),
		fmt.Sprintf("pinned=false [%d]", goMsg.ID),
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Fatalf("pin and reaction updates (-want +got):\n%s", diff)
	}
	fwd := recv(t, got, "forwarded message")
	if fwd.Text != "/go" || fwd.Forward == nil {
		t.Fatalf("forwarded message = %+v", fwd)
	}
	cp := recv(t, got, "copied message")
	if cp.Text != "/go" || cp.Forward != nil {
		t.Fatalf("copied message = %+v", cp)
	}
	if cp := recv(t, got, "copy with buttons"); cp.Text != "/go" || cp.Forward != nil || !hasButton(cp, "copied") {
		t.Fatalf("copy with buttons = %+v", cp)
	}
	menu := recv(t, got, "menu")
	if menu.Text != "menu" {
		t.Fatalf("menu = %+v", menu)
	}

	if _, err := u.RequestCallbackAnswer(ctxT(t), "@e2e_actions_bot", menu.ID, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, edited, "edited buttons"); !hasButton(m, "two") {
		t.Fatalf("after EditReplyMarkup: %+v", m)
	}
	if m := recv(t, edited, "edited caption"); m.Text != "menu 2" || !hasButton(m, "two") {
		t.Fatalf("after EditCaption: text %q markup %#v", m.Text, m.ReplyMarkup)
	}

	body := "document body"
	file, err := u.Upload(ctxT(t), bytes.NewReader([]byte(body)), int64(len(body)), "d.txt")
	if err != nil {
		t.Fatal(err)
	}
	to, err := u.ResolvePeer(ctxT(t), "@e2e_actions_bot")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.InvokeContext(ctxT(t), &tg.MessagesSendMediaRequest{Peer: to, RandomID: 1,
		Media: &tg.InputMediaUploadedDocument{File: file, MimeType: "text/plain"}}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "download"); err != nil {
		t.Fatal(err)
	}
	doc := recv(t, got, "copied document")
	if doc.Text != "copy" || len(doc.Entities) != 1 || !hasButton(doc, "doc") || doc.MediaKind() != types.KindDocument {
		t.Fatalf("copied document: text %q entities %v media %T", doc.Text, doc.Entities, doc.Media)
	}
	select {
	case err := <-failures:
		t.Fatalf("bot handler failed: %v", err)
	default:
	}
}

// hasButton reports whether m's inline keyboard starts with a button labelled label.
func hasButton(m *types.Message, label string) bool {
	kb, ok := m.ReplyMarkup.(*types.InlineKeyboard)
	return ok && len(kb.Rows) > 0 && len(kb.Rows[0]) > 0 && kb.Rows[0][0].ButtonText() == label
}
