package world

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestReplyIDsPerCopy: a private chat or basic group keeps a copy of each message per member
// under ids of the member's own box, so a reply (and a pin's service message) names the
// replied message by each reader's id, not by the sender's.
func TestReplyIDsPerCopy(t *testing.T) {
	s := newSendWorld(t)
	w := s.w
	c, _ := w.CreateUser(UserSpec{FirstName: "C", Phone: "70000000003"})
	kc := KeyID{3}
	if err := w.Authorize(kc, c.ID); err != nil {
		t.Fatal(err)
	}
	send := func(key KeyID, to tg.InputPeerClass, text string, reply int32) int32 {
		t.Helper()
		if _, err := w.SendMessage(key, to, Draft{RandomID: w.randomInt64(), Text: text, ReplyTo: reply}); err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		return s.last(t, key, to, 1)[0].ID
	}
	// A's box runs ahead of B's: its messages to C take ids 1 and 2.
	toC := &tg.InputPeerUser{UserID: c.ID, AccessHash: w.accessHash(s.a.ID, PeerUser, c.ID)}
	send(s.ka, toC, "to c", 0)
	send(s.ka, toC, "to c again", 0)
	send(s.ka, s.toB, "hello b", 0)
	bHello := s.last(t, s.kb, s.toA, 1)[0].ID
	send(s.kb, s.toA, "hi a", bHello)

	chat, err := w.CreateChat(s.b.ID, "trio", s.a.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	group := &tg.InputPeerChat{ChatID: chat.ID}
	send(s.ka, group, "in the group", 0)
	cTop := s.last(t, kc, group, 1)[0].ID
	send(kc, group, "answer", cTop)
	if _, err := w.UpdatePinned(kc, Pin{Peer: group, ID: cTop}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		key  KeyID
		peer tg.InputPeerClass
		back int32  // which message from the newest (0: the newest)
		text string // the replied message's text, as the reader's own box has it
	}{
		{"private, the replier", s.kb, s.toA, 0, "hello b"},
		{"private, the reader", s.ka, s.toB, 0, "hello b"},
		{"group answer, the replier", kc, group, 1, "in the group"},
		{"group answer, the author", s.ka, group, 1, "in the group"},
		{"group answer, another member", s.kb, group, 1, "in the group"},
		{"pin service message, another member", s.kb, group, 0, "in the group"},
		{"pin service message, the author", s.ka, group, 0, "in the group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := w.lastOf(t, tt.key, tt.peer, tt.back+1)
			var reply tg.MessageReplyHeaderClass
			switch m := list[tt.back].(type) {
			case *tg.Message:
				reply = m.ReplyTo
			case *tg.MessageService:
				reply = m.ReplyTo
			}
			h, _ := reply.(*tg.MessageReplyHeader)
			if h == nil || !h.ReplyToMsgID.Set {
				t.Fatalf("message %+v has no reply id", list[tt.back])
			}
			msgs, err := w.Messages(tt.key, []tg.InputMessageClass{&tg.InputMessageID{ID: h.ReplyToMsgID.Value}})
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs.Messages) != 1 {
				t.Fatalf("reply id %d names %d messages in the reader's box", h.ReplyToMsgID.Value, len(msgs.Messages))
			}
			if got, ok := msgs.Messages[0].(*tg.Message); !ok || got.Message != tt.text {
				t.Errorf("reply id %d names %+v in the reader's box, want %q", h.ReplyToMsgID.Value, msgs.Messages[0], tt.text)
			}
		})
	}
}
