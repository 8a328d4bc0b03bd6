package mtgo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// TestE2ESecretChatActions: Alice sets the chat's self-destruct timer (both chats show it,
// and later messages of both sides carry it), then asks Bob to delete a message, tells him
// she opened one, took a screenshot and cleared the history; Bob's handlers get each action.
func TestE2ESecretChatActions(t *testing.T) {
	p := newSecretPair(t, "1555209")
	action := func(what string) *types.SecretMessage {
		t.Helper()
		m := recv(t, p.bobGot, what)
		if m.Action == nil || m.Service == nil {
			t.Fatalf("%s: message %v", what, m)
		}
		return m
	}
	if err := p.alice.SetSecretChatTTL(ctxT(t), p.id, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if m := action("TTL"); m.Service.Kind != types.SecretActionTTL || m.Service.TTL != 10*time.Second {
		t.Fatalf("TTL action %v", m.Service)
	}
	for _, c := range []*testClient{p.alice, p.bob} {
		if sc, _ := c.GetSecretChat(p.id); sc.TTL != 10*time.Second {
			t.Fatalf("chat TTL %v", sc.TTL)
		}
	}
	rid, err := p.alice.SendSecretMessage(ctxT(t), p.id, "gone in 10")
	if err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.bobGot, "message with the TTL"); m.TTL != 10*time.Second || m.RandomID != rid {
		t.Fatalf("message %v", m)
	}
	if _, err := p.bob.SendSecretMessage(ctxT(t), p.id, "me too"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.aliceGot, "Bob's message with the TTL"); m.TTL != 10*time.Second {
		t.Fatalf("Bob's message %v", m)
	}

	ids := []int64{rid, rid + 1}
	steps := []struct {
		name    string
		send    func() error
		want    e2e.DecryptedMessageActionClass
		service types.SecretAction
	}{
		{"delete", func() error { return p.alice.DeleteSecretMessages(ctxT(t), p.id, ids...) }, &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: ids},
			types.SecretAction{Kind: types.SecretActionDelete, RandomIDs: ids}},
		{"read contents", func() error { return p.alice.ReadSecretMessageContents(ctxT(t), p.id, ids...) }, &e2e.DecryptedMessageActionReadMessages{RandomIDs: ids},
			types.SecretAction{Kind: types.SecretActionReadContents, RandomIDs: ids}},
		{"screenshot", func() error { return p.alice.SendSecretScreenshotNotification(ctxT(t), p.id, ids...) }, &e2e.DecryptedMessageActionScreenshotMessages{RandomIDs: ids},
			types.SecretAction{Kind: types.SecretActionScreenshot, RandomIDs: ids}},
		{"clear history", func() error { return p.alice.ClearSecretChatHistory(ctxT(t), p.id) }, &e2e.DecryptedMessageActionFlushHistory{},
			types.SecretAction{Kind: types.SecretActionClearHistory}},
		{"TTL off", func() error { return p.alice.SetSecretChatTTL(ctxT(t), p.id, 0) }, &e2e.DecryptedMessageActionSetMessageTTL{},
			types.SecretAction{Kind: types.SecretActionTTL}},
		{"layer", func() error { return p.alice.SendLayerNotification(ctxT(t), p.id) }, &e2e.DecryptedMessageActionNotifyLayer{Layer: 144},
			types.SecretAction{Kind: types.SecretActionLayer, Layer: 144}},
	}
	for _, s := range steps {
		if err := s.send(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		m := action(s.name)
		if diff := cmp.Diff(s.want, m.Action); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", s.name, diff)
		}
		if diff := cmp.Diff(s.service, *m.Service); diff != "" {
			t.Fatalf("%s service (-want +got):\n%s", s.name, diff)
		}
	}
	if sc, _ := p.bob.GetSecretChat(p.id); sc.TTL != 0 {
		t.Fatalf("TTL after turning it off: %v", sc.TTL)
	}

	bad := []struct {
		name string
		err  error
	}{
		{"negative TTL", p.alice.SetSecretChatTTL(ctxT(t), p.id, -time.Second)},
		{"TTL past int32 seconds", p.alice.SetSecretChatTTL(ctxT(t), p.id, (1<<31)*time.Second)},
		{"no ids", p.alice.DeleteSecretMessages(ctxT(t), p.id)},
		{"too many ids", p.alice.DeleteSecretMessages(ctxT(t), p.id, make([]int64, mtgo.MaxSecretActionIDs+1)...)},
	}
	for _, b := range bad {
		if b.err == nil {
			t.Errorf("%s: no error", b.name)
		}
	}
}

// TestE2ESecretReply: Bob answers Alice's message with a text and with a file; Alice sees
// which message each answers (reply_to_random_id). Then Bob sends her an album.
func TestE2ESecretReply(t *testing.T) {
	p := newSecretPair(t, "1555212")
	rid, err := p.alice.SendSecretMessage(ctxT(t), p.id, "question")
	if err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.bobGot, "question"); m.ReplyToRandomID != 0 {
		t.Fatalf("question replies to %d", m.ReplyToRandomID)
	}
	if _, err := p.bob.ReplySecretMessage(ctxT(t), p.id, rid, "answer"); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.aliceGot, "answer"); m.Text != "answer" || m.ReplyToRandomID != rid {
		t.Fatalf("answer %v replies to %d, want %d", m, m.ReplyToRandomID, rid)
	}
	if _, err := p.bob.SendSecretFile(ctxT(t), p.id, strings.NewReader("notes"), "notes.txt", &mtgo.SecretFileOptions{ReplyTo: rid}); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.aliceGot, "file answer"); m.File == nil || m.ReplyToRandomID != rid {
		t.Fatalf("file answer %v replies to %d, want %d", m, m.ReplyToRandomID, rid)
	}
	// An album: two photos with one grouped id.
	for i := range 2 {
		o := &mtgo.SecretFileOptions{Kind: types.KindPhoto, Width: 10, Height: 10, GroupedID: 4242}
		if _, err := p.bob.SendSecretFile(ctxT(t), p.id, strings.NewReader("photo"), "p.jpg", o); err != nil {
			t.Fatal(err)
		}
		if m := recv(t, p.aliceGot, "album photo"); m.GroupedID != 4242 || m.File == nil {
			t.Fatalf("album photo %d: %v in group %d", i, m, m.GroupedID)
		}
	}
}
