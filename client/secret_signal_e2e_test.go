package mtgo_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestE2ESecretChatRead: Bob reads Alice's messages (messages.readEncryptedHistory), up to a
// date he names and then up to the last one he received; Alice's OnSecretChatRead hears each
// read with the chat, the date and the messages it newly covers. A chat Bob does not know is ErrSecretChatNotFound.
func TestE2ESecretChatRead(t *testing.T) {
	p := newSecretPair(t, "1555206")
	reads := make(chan *types.SecretChatRead, 4)
	p.alice.OnSecretChatRead(func(_ *mtgo.Context, r *types.SecretChatRead) error { reads <- r; return nil })

	rid1, err := p.alice.SendSecretMessage(ctxT(t), p.id, "first")
	if err != nil {
		t.Fatal(err)
	}
	first := recv(t, p.bobGot, "first")
	if err := p.bob.ReadSecretChatHistory(ctxT(t), p.id, first.Date); err != nil {
		t.Fatal(err)
	}
	r := recv(t, reads, "read up to the first message")
	if r.ChatID != p.id || !r.MaxDate.Equal(first.Date) || r.Date.IsZero() || !slices.Equal(r.RandomIDs, []int64{rid1}) {
		t.Fatalf("read %+v, want chat %d up to %v", r, p.id, first.Date)
	}

	rid2, err := p.alice.SendSecretMessage(ctxT(t), p.id, "second")
	if err != nil {
		t.Fatal(err)
	}
	second := recv(t, p.bobGot, "second")
	// A zero date reads everything received: up to the newest message's date.
	if err := p.bob.ReadSecretChatHistory(ctxT(t), p.id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, reads, "read of everything"); r.ChatID != p.id || !r.MaxDate.Equal(second.Date) || !slices.Equal(r.RandomIDs, []int64{rid2}) {
		t.Fatalf("read %+v, want up to %v", r, second.Date)
	}

	if err := p.bob.ReadSecretChatHistory(ctxT(t), p.id+1000, time.Time{}); !errors.Is(err, mtgo.ErrSecretChatNotFound) {
		t.Fatalf("read of an unknown chat: %v", err)
	}
	select {
	case r := <-reads:
		t.Fatalf("unexpected read %+v", r)
	default:
	}
}

// TestE2ESecretChatTyping: Alice tells Bob she is typing (messages.setEncryptedTyping); Bob's
// OnSecretChatTyping hears the chat and who types. Stopping sends no update (as Telegram);
// a chat Alice does not know is ErrSecretChatNotFound.
func TestE2ESecretChatTyping(t *testing.T) {
	p := newSecretPair(t, "1555207")
	typing := make(chan *types.SecretChatTyping, 4)
	p.bob.OnSecretChatTyping(func(_ *mtgo.Context, ty *types.SecretChatTyping) error { typing <- ty; return nil })
	if err := p.alice.SendSecretChatAction(ctxT(t), p.id, true); err != nil {
		t.Fatal(err)
	}
	sc, _ := p.bob.GetSecretChat(p.id)
	if ty := recv(t, typing, "typing"); ty.ChatID != p.id || ty.UserID != sc.UserID || sc.UserID == 0 {
		t.Fatalf("typing %+v, want chat %d user %d", ty, p.id, sc.UserID)
	}
	if err := p.alice.SendSecretChatAction(ctxT(t), p.id, false); err != nil {
		t.Fatal(err)
	}
	if err := p.alice.SendSecretChatAction(ctxT(t), p.id+1000, true); !errors.Is(err, mtgo.ErrSecretChatNotFound) {
		t.Fatalf("typing in an unknown chat: %v", err)
	}
	// Handlers run in order: after the next message, a typing update would have come.
	p.say(p.alice, p.bobGot, "done typing")
	select {
	case ty := <-typing:
		t.Fatalf("unexpected typing %+v", ty)
	default:
	}
}

// TestE2ESecretChatSpam: Bob reports Alice's chat as spam and discards it; an unknown chat
// is ErrSecretChatNotFound.
func TestE2ESecretChatSpam(t *testing.T) {
	p := newSecretPair(t, "1555211")
	if err := p.bob.ReportSecretChatSpam(ctxT(t), p.id); err != nil {
		t.Fatal(err)
	}
	if err := p.bob.DiscardSecretChat(ctxT(t), p.id, true); err != nil {
		t.Fatal(err)
	}
	if err := p.bob.ReportSecretChatSpam(ctxT(t), p.id+1000); !errors.Is(err, mtgo.ErrSecretChatNotFound) {
		t.Fatalf("report of an unknown chat: %v", err)
	}
}
