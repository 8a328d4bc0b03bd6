package updates

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestExpandShort(t *testing.T) {
	typing := &tg.UpdateUserTyping{UserID: 5, Action: &tg.SendMessageTypingAction{}}
	full := &tg.Updates{Updates: []tg.UpdateClass{typing}, Date: 9}
	newMessage := func(m *tg.Message, pts int32) *tg.Updates {
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: m, Pts: pts, PtsCount: 1}}, Date: 7}
	}
	tests := []struct {
		name string
		in   tg.UpdatesClass
		self int64
		want tg.UpdatesClass
	}{
		{"short", &tg.UpdateShort{Update: typing, Date: 9}, 1, full},
		{"incoming private", &tg.UpdateShortMessage{ID: 3, UserID: 5, Message: "hi", Pts: 4, PtsCount: 1, Date: 7}, 1,
			newMessage(&tg.Message{ID: 3, FromID: &tg.PeerUser{UserID: 5}, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi", Date: 7}, 4)},
		{"outgoing private", &tg.UpdateShortMessage{Out: true, ID: 3, UserID: 5, Message: "hi", Pts: 4, PtsCount: 1, Date: 7}, 1,
			newMessage(&tg.Message{Out: true, ID: 3, FromID: &tg.PeerUser{UserID: 1}, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi", Date: 7}, 4)},
		// Without a known self the sender stays unset instead of becoming user 0.
		{"outgoing private, self unknown", &tg.UpdateShortMessage{Out: true, ID: 3, UserID: 5, Message: "hi", Pts: 4, PtsCount: 1, Date: 7}, 0,
			newMessage(&tg.Message{Out: true, ID: 3, PeerID: &tg.PeerUser{UserID: 5}, Message: "hi", Date: 7}, 4)},
		{"group", &tg.UpdateShortChatMessage{ID: 3, FromID: 5, ChatID: 8, Message: "hi", Pts: 6, PtsCount: 1, Date: 7}, 0,
			newMessage(&tg.Message{ID: 3, FromID: &tg.PeerUser{UserID: 5}, PeerID: &tg.PeerChat{ChatID: 8}, Message: "hi", Date: 7}, 6)},
		{"full form unchanged", full, 1, full},
		{"nil short unchanged", (*tg.UpdateShortMessage)(nil), 1, (*tg.UpdateShortMessage)(nil)},
		{"empty short unchanged", &tg.UpdateShort{}, 1, &tg.UpdateShort{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, ExpandShort(tt.in, tt.self)); d != "" {
				t.Fatalf("ExpandShort (-want +got):\n%s", d)
			}
		})
	}
}
