package mtgo_test

import (
	"bytes"
	"path/filepath"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2ESecretChat runs a secret chat between two users on the in-process cluster: Alice
// (on a bbolt session file) requests it, Bob accepts in OnSecretChatRequest and greets her,
// text goes both ways, Alice sends a file Bob downloads and decrypts, Alice restarts and goes
// on with the stored key, Bob discards the chat.
func TestE2ESecretChat(t *testing.T) {
	cl := cluster(t)
	path := filepath.Join(t.TempDir(), "alice")
	fileCfg := func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionName = path }
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552010"}, fileCfg)
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552011", Username: "secret_bob"})

	bobGot := make(chan *types.SecretMessage, 8)
	bob.OnSecretChatRequest(func(ctx *mtgo.Context, sc *types.SecretChat) error {
		if _, err := ctx.Client.AcceptSecretChat(ctx, sc.ID); err != nil {
			return err
		}
		_, err := ctx.Client.SendSecretMessage(ctx, sc.ID, "hello alice")
		return err
	})
	bob.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error { keepSecret(bobGot, m); return nil })
	aliceGot := make(chan *types.SecretMessage, 8)
	alice.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error { keepSecret(aliceGot, m); return nil })

	sc, err := alice.RequestSecretChat(ctxT(t), "@secret_bob")
	if err != nil {
		t.Fatal(err)
	}
	if sc.State != types.SecretChatWaiting || !sc.Originator {
		t.Fatalf("requested chat %+v", sc)
	}
	if m := recv(t, aliceGot, "greeting"); m.Text != "hello alice" || m.ChatID != sc.ID {
		t.Fatalf("greeting %+v", m)
	}
	ac, _ := alice.GetSecretChat(sc.ID)
	bc, _ := bob.GetSecretChat(sc.ID)
	if ac.State != types.SecretChatReady || bc.State != types.SecretChatReady || ac.KeyFingerprint != bc.KeyFingerprint {
		t.Fatalf("chats %+v %+v", ac, bc)
	}
	va, err := alice.SecretChatVisualization(sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if vb, _ := bob.SecretChatVisualization(sc.ID); !bytes.Equal(va, vb) {
		t.Fatal("visualizations differ")
	}

	if err := alice.SendLayerNotification(ctxT(t), sc.ID); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, bobGot, "layer notification"); m.Action == nil {
		t.Fatalf("layer notification %+v", m)
	}
	// The text options of SendMessage apply; Bob reads the entities as a Message's.
	texts := []struct {
		name, text   string
		opt          mtgo.SendOption
		md, html     string
		entityKinds  []string
		wantEntities int
	}{
		{"markdown", "**hi** bob", mtgo.WithParseMode(mtgo.ParseModeMarkdown), "**hi** bob", "<b>hi</b> bob", []string{"messageEntityBold"}, 1},
		{"html", "<i>hi</i> <u>bob</u>", mtgo.WithParseMode(mtgo.ParseModeHTML), "", "<i>hi</i> <u>bob</u>", []string{"messageEntityItalic", "messageEntityUnderline"}, 2},
		{"entities", "hi bob", mtgo.WithEntities([]tg.MessageEntityClass{&tg.MessageEntitySpoiler{Offset: 3, Length: 3}, &tg.MessageEntityBlockquote{Length: 6}}), "", "",
			[]string{"messageEntitySpoiler", "messageEntityBlockquote"}, 2},
	}
	for _, tt := range texts {
		rid, err := alice.SendSecretMessage(ctxT(t), sc.ID, tt.text, tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		m := recv(t, bobGot, tt.name)
		if m.Text != "hi bob" || m.RandomID != rid || len(m.Entities) != tt.wantEntities {
			t.Fatalf("%s: text %+v (random id %d)", tt.name, m, rid)
		}
		for i, k := range tt.entityKinds {
			if m.Entities[i].TypeName() != k {
				t.Errorf("%s: entity %d is %s, want %s", tt.name, i, m.Entities[i].TypeName(), k)
			}
		}
		if tt.md != "" && m.Markdown() != tt.md {
			t.Errorf("%s: Markdown %q, want %q", tt.name, m.Markdown(), tt.md)
		}
		if tt.html != "" && m.HTML() != tt.html {
			t.Errorf("%s: HTML %q, want %q", tt.name, m.HTML(), tt.html)
		}
	}

	data := bytes.Repeat([]byte("secret file "), 1000)
	if _, err := alice.SendSecretFile(ctxT(t), sc.ID, bytes.NewReader(data), "notes.txt", &mtgo.SecretFileOptions{MimeType: "text/plain", Caption: "notes"}); err != nil {
		t.Fatal(err)
	}
	m := recv(t, bobGot, "file")
	if m.File == nil || m.File.FileName != "notes.txt" || m.Text != "notes" {
		t.Fatalf("file message %+v", m)
	}
	got, err := bob.DecryptSecretFile(ctxT(t), m.File)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("decrypted file: %d bytes, want %d", len(got), len(data))
	}

	// Alice restarts on her session file: the chat, its key and its counters are there.
	alice.Stop()
	alice2 := e2eClient(t, cl, fileCfg)
	alice2Got := make(chan *types.SecretMessage, 8)
	alice2.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error { keepSecret(alice2Got, m); return nil })
	discarded := make(chan struct{}, 1)
	alice2.OnRawUpdate(func(_ *mtgo.Context, u tg.UpdateClass) error {
		if e, ok := u.(*tg.UpdateEncryption); ok {
			if _, ok := e.Chat.(*tg.EncryptedChatDiscarded); ok {
				discarded <- struct{}{}
			}
		}
		return nil
	})
	if err := alice2.Start0(t); err != nil {
		t.Fatal(err)
	}
	if c, ok := alice2.GetSecretChat(sc.ID); !ok || c.State != types.SecretChatReady {
		t.Fatalf("after restart: %+v, %v", c, ok)
	}
	if _, err := bob.SendSecretMessage(ctxT(t), sc.ID, "still there?"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, alice2Got, "text after restart"); m.Text != "still there?" {
		t.Fatalf("after restart %+v", m)
	}
	if _, err := alice2.SendSecretMessage(ctxT(t), sc.ID, "yes"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, bobGot, "answer after restart"); m.Text != "yes" {
		t.Fatalf("answer after restart %+v", m)
	}

	if err := bob.DiscardSecretChat(ctxT(t), sc.ID, false); err != nil {
		t.Fatal(err)
	}
	recv(t, discarded, "discard")
	for _, c := range []*testClient{alice2, bob} {
		if got, _ := c.GetSecretChat(sc.ID); got.State != types.SecretChatDiscarded {
			t.Fatalf("state %v after discard", got.State)
		}
	}
	if _, err := alice2.SendSecretMessage(ctxT(t), sc.ID, "x"); err == nil {
		t.Fatal("sent to a discarded chat")
	}
}

// keepSecret puts m in got unless it is the layer a side tells as its first message in a
// chat (each side does as soon as the key is made), which the tests' inboxes leave out.
func keepSecret(got chan<- *types.SecretMessage, m *types.SecretMessage) {
	if !mtgo.OpeningNotice(m) {
		got <- m
	}
}
