package mtgo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestReplyMarkupLeavesRawButtonsAlone: completing the users of a keyboard's buttons builds
// new buttons. A RawButton's TL button belongs to the caller (or to a received message) and
// may be sent by several goroutines at once, so it must not be written.
func TestReplyMarkupLeavesRawButtonsAlone(t *testing.T) {
	c := newOfflineClient(t)
	c.CachePeer(5, &tg.InputPeerUser{UserID: 5, AccessHash: 99})
	tests := []struct {
		name   string
		button func() tg.KeyboardButtonClass // a fresh one each call
		want   tg.KeyboardButtonClass
	}{
		{"user profile",
			func() tg.KeyboardButtonClass {
				return &tg.InputKeyboardButtonUserProfile{Text: "p", UserID: &tg.InputUser{UserID: 5}}
			},
			&tg.InputKeyboardButtonUserProfile{Text: "p", UserID: &tg.InputUser{UserID: 5, AccessHash: 99}}},
		{"login url",
			func() tg.KeyboardButtonClass {
				return &tg.InputKeyboardButtonURLAuth{Text: "l", URL: "https://x", Bot: &tg.InputUser{UserID: 5}}
			},
			&tg.InputKeyboardButtonURLAuth{Text: "l", URL: "https://x", Bot: &tg.InputUser{UserID: 5, AccessHash: 99}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mine := tt.button()
			kb := types.NewInlineKeyboard().Row(types.RawButton{Button: mine})
			out, err := c.replyMarkup(t.Context(), kb)
			if err != nil {
				t.Fatal(err)
			}
			got := out.(*tg.ReplyInlineMarkup).Rows[0].Buttons[0]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sent button (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.button(), mine); diff != "" {
				t.Errorf("the caller's button changed (-was +now):\n%s", diff)
			}
		})
	}
}
