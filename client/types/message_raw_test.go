package types_test

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestMessageRaw(t *testing.T) {
	msg := &tg.Message{ID: 3, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000000, Message: "hi",
		Entities: []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 2}}}
	svc := &tg.MessageService{ID: 4, PeerID: &tg.PeerUser{UserID: 2}, Action: &tg.MessageActionHistoryClear{}}
	var w tl.Buffer
	if err := msg.Encode(&w); err != nil {
		t.Fatal(err)
	}
	e := types.NewEntities(nil, nil)
	if got := (&types.Message{ID: 1}).Raw(); got != nil {
		t.Errorf("by hand: Raw = %v, want nil", got)
	}
	if got := types.NewMessage(nil, msg, e).Raw(); got != tg.MessageClass(msg) {
		t.Errorf("NewMessage: Raw = %p, want the message", got)
	}
	if got := types.NewMessage(nil, svc, e).Raw(); got != tg.MessageClass(svc) {
		t.Errorf("service: Raw = %p, want the message", got)
	}

	// From the TL bytes: decoded once, the same object for every caller.
	scratch := *msg
	m := types.NewMessageFromWire(nil, &scratch, string(w.Buf), e)
	scratch = tg.Message{} // the decoder reuses its struct
	if m.Text != "hi" || len(m.Entities) != 1 || m.Chat == nil || m.Chat.ID != 2 {
		t.Fatalf("message = %+v", m)
	}
	var wg sync.WaitGroup
	got := make([]tg.MessageClass, 8)
	for i := range got {
		wg.Go(func() { got[i] = m.Raw() })
	}
	wg.Wait()
	if d := cmp.Diff(tg.MessageClass(msg), got[0]); d != "" {
		t.Errorf("Raw from wire (-want +got):\n%s", d)
	}
	for i, r := range got {
		if r != got[0] {
			t.Errorf("caller %d got another object", i)
		}
	}
	if md := m.RawMedia(); md != nil {
		t.Errorf("RawMedia = %v, want nil", md)
	}
	if types.NewMessageFromWire(nil, msg, "", e) != nil || types.NewMessageFromWire(nil, nil, "x", e) != nil {
		t.Error("NewMessageFromWire built a message without bytes or message")
	}
}

func TestPageEntitiesRemembersChatAndSender(t *testing.T) {
	users := []tg.UserClass{&tg.User{ID: 1, FirstName: tl.Some("Ann")}, &tg.User{ID: 2, FirstName: tl.Some("Bob")}}
	e := types.NewPageEntities(users, nil, 3)
	var msgs []*types.Message
	for i, from := range []int64{1, 2, 1} {
		msgs = append(msgs, types.NewMessage(nil, &tg.Message{ID: int32(i + 1), FromID: &tg.PeerUser{UserID: from}, PeerID: &tg.PeerUser{UserID: 2}}, e))
	}
	if msgs[0].Chat != msgs[1].Chat || msgs[0].From != msgs[2].From || msgs[0].From == msgs[1].From {
		t.Errorf("chats %p %p, senders %p %p %p: want one chat, two senders", msgs[0].Chat, msgs[1].Chat, msgs[0].From, msgs[1].From, msgs[2].From)
	}
	if msgs[1].From.FirstName != "Bob" || msgs[2].From.FirstName != "Ann" || msgs[0].Chat.FirstName != "Bob" {
		t.Errorf("senders %q %q, chat %q", msgs[1].From.FirstName, msgs[2].From.FirstName, msgs[0].Chat.FirstName)
	}
	// An unknown peer is built each time, and does not replace the remembered one.
	unknown := types.NewMessage(nil, &tg.Message{ID: 9, PeerID: &tg.PeerChannel{ChannelID: 5}}, e)
	if unknown.Chat == nil || unknown.Chat.ID != types.ChannelChatID(5) {
		t.Errorf("unknown chat = %+v", unknown.Chat)
	}
	if again := types.NewMessage(nil, &tg.Message{ID: 10, PeerID: &tg.PeerUser{UserID: 2}}, e); again.Chat != msgs[0].Chat {
		t.Error("the remembered chat was rebuilt")
	}
}
