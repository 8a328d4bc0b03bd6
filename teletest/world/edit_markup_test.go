package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestBotEditKeyboard: a bot's edit sets the message's inline keyboard: the one it carries,
// none when it carries none or one without buttons (as on Telegram, where a bot's edit
// without reply_markup removes the keyboard); a change of the keyboard alone is an edit, the
// same keyboard with the same text is none.
func TestBotEditKeyboard(t *testing.T) {
	kb := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "A", Data: []byte("a")},
	}}}}
	other := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "B", Data: []byte("b")},
	}}}}
	sameKB := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "A", Data: []byte("a")},
	}}}}
	text := func(s string) *string { return &s }
	tests := []struct {
		name    string
		sent    tg.ReplyMarkupClass
		edit    Edit
		want    tg.ReplyMarkupClass
		wantErr error
	}{
		{"text with the keyboard keeps it", kb, Edit{Text: text("new"), Markup: kb}, kb, nil},
		{"text alone removes it", kb, Edit{Text: text("new")}, nil, nil},
		{"another keyboard", kb, Edit{Markup: other}, other, nil},
		{"an empty keyboard removes it", kb, Edit{Markup: &tg.ReplyInlineMarkup{}}, nil, nil},
		{"no change at all", nil, Edit{Text: text("pick")}, nil, ErrMessageNotModified},
		// Telegram: "specified new message content and reply markup are exactly the same".
		{"the same text and keyboard again", kb, Edit{Text: text("pick"), Markup: sameKB}, kb, ErrMessageNotModified},
		{"an empty keyboard on none", nil, Edit{Markup: &tg.ReplyInlineMarkup{}}, nil, ErrMessageNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, Config{})
			bot, _ := w.CreateBot(BotSpec{FirstName: "B", Username: "edit_kb_bot"})
			alice, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000111", Username: "alice_kb"})
			kBot, kA := KeyID{1}, KeyID{2}
			for key, id := range map[KeyID]int64{kBot: bot.ID, kA: alice.ID} {
				if err := w.Authorize(key, id); err != nil {
					t.Fatal(err)
				}
			}
			res, err := w.ResolveUsername(kBot, "alice_kb")
			if err != nil {
				t.Fatal(err)
			}
			u := res.Users[0].(*tg.User)
			alicePeer := &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
			if _, err := w.SendMessage(kBot, alicePeer, Draft{Text: "pick", ReplyMarkup: tt.sent}); err != nil {
				t.Fatal(err)
			}
			_, err = w.EditMessage(kBot, alicePeer, 1, tt.edit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("EditMessage: %v, want %v", err, tt.wantErr)
			}
			got, err := w.Messages(kA, []tg.InputMessageClass{&tg.InputMessageID{ID: 1}})
			if err != nil || len(got.Messages) != 1 {
				t.Fatalf("alice's copy: %v", err)
			}
			var markup tg.ReplyMarkupClass
			if m, ok := got.Messages[0].(*tg.Message); ok {
				markup = m.ReplyMarkup
			}
			if diff := cmp.Diff(tt.want, markup); diff != "" {
				t.Fatalf("alice's keyboard (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEditFormattingOnly: an edit that keeps the text but changes its formatting is an edit
// (Telegram compares the text with its entities); the same text and entities again is none.
func TestEditFormattingOnly(t *testing.T) {
	w := newWorld(t, Config{})
	alice, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000121"})
	key := KeyID{3}
	if err := w.Authorize(key, alice.ID); err != nil {
		t.Fatal(err)
	}
	self := &tg.InputPeerSelf{}
	if _, err := w.SendMessage(key, self, Draft{Text: "note"}); err != nil {
		t.Fatal(err)
	}
	text := "note"
	bold := []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 4}}
	if _, err := w.EditMessage(key, self, 1, Edit{Text: &text, Entities: bold}); err != nil {
		t.Fatalf("making the text bold: %v", err)
	}
	got, err := w.Messages(key, []tg.InputMessageClass{&tg.InputMessageID{ID: 1}})
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("the message: %v", err)
	}
	if m, _ := got.Messages[0].(*tg.Message); m == nil || len(m.Entities) != 1 {
		t.Fatalf("after the edit: %+v", got.Messages[0])
	}
	if _, err := w.EditMessage(key, self, 1, Edit{Text: &text, Entities: bold}); !errors.Is(err, ErrMessageNotModified) {
		t.Fatalf("the same text and entities again: %v, want MESSAGE_NOT_MODIFIED", err)
	}
}
