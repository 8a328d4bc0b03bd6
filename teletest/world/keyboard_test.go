package world

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestShownMarkup(t *testing.T) {
	style := &tg.KeyboardButtonStyle{BgPrimary: true}
	plain := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "a", Data: []byte("a")}}}}}
	tests := []struct {
		name    string
		in, out tg.ReplyMarkupClass
	}{
		{"nothing to change", plain, plain},
		{"not a keyboard", &tg.ReplyKeyboardHide{}, &tg.ReplyKeyboardHide{}},
		{"nil", nil, nil},
		{"inline", &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{
			{Buttons: []tg.KeyboardButtonClass{&tg.KeyboardButtonURL{Text: "u", URL: "https://u"}}},
			{Buttons: []tg.KeyboardButtonClass{
				&tg.InputKeyboardButtonUserProfile{Text: "p", UserID: &tg.InputUser{UserID: 7, AccessHash: 1}, Style: style},
				&tg.InputKeyboardButtonUserProfile{Text: "me", UserID: &tg.InputUserSelf{}},
				&tg.InputKeyboardButtonURLAuth{Text: "l", URL: "https://l", FwdText: tl.Some("f"), Bot: &tg.InputUserSelf{}, RequestWriteAccess: true},
			}},
		}}, &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{
			{Buttons: []tg.KeyboardButtonClass{&tg.KeyboardButtonURL{Text: "u", URL: "https://u"}}},
			{Buttons: []tg.KeyboardButtonClass{
				&tg.KeyboardButtonUserProfile{Text: "p", UserID: 7, Style: style},
				&tg.KeyboardButtonUserProfile{Text: "me", UserID: 99},
				&tg.KeyboardButtonURLAuth{Text: "l", URL: "https://l", FwdText: tl.Some("f"), ButtonID: 3},
			}},
		}}},
		{"reply keyboard keeps its flags", &tg.ReplyKeyboardMarkup{Resize: true, Placeholder: tl.Some("x"), Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
			&tg.InputKeyboardButtonRequestPeer{Text: "r", ButtonID: 4, MaxQuantity: 2, NameRequested: true, PeerType: &tg.RequestPeerTypeUser{}},
		}}}}, &tg.ReplyKeyboardMarkup{Resize: true, Placeholder: tl.Some("x"), Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
			&tg.KeyboardButtonRequestPeer{Text: "r", ButtonID: 4, MaxQuantity: 2, PeerType: &tg.RequestPeerTypeUser{}},
		}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.out, shownMarkup(tt.in, 99)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
