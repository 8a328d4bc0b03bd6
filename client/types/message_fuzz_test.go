package types_test

import (
	"encoding/json"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// FuzzNewMessage decodes a message from TL bytes, as one arrives from the server, and builds
// every view of it a handler reads: no input makes them panic. The seeds are messages with
// the parts that point further (media, replies, forwards, keyboards, entities, service
// actions), for the fuzzer to cut and change.
func FuzzNewMessage(f *testing.F) {
	peer := &tg.PeerChannel{ChannelID: 5}
	seeds := []tg.MessageClass{
		&tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 2}, Date: 1700000000, Message: "hi 😀 there",
			Entities: []tg.MessageEntityClass{
				&tg.MessageEntityBold{Offset: 0, Length: 5},
				&tg.MessageEntityTextURL{Offset: 3, Length: 9, URL: "https://x"},
				&tg.MessageEntityPre{Offset: -1, Length: 1 << 30, Language: "go"},
			}},
		&tg.Message{ID: 2, PeerID: peer, FromID: &tg.PeerUser{UserID: 3},
			Media:   &tg.MessageMediaPhoto{Photo: &tg.Photo{ID: 1, Sizes: []tg.PhotoSizeClass{&tg.PhotoSize{Type: "x", W: 1, H: 1}}}},
			ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some[int32](1), ReplyToPeerID: peer},
			FwdFrom: &tg.MessageFwdHeader{FromID: &tg.PeerChat{ChatID: 4}, Date: -1},
			ReplyMarkup: &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
				&tg.KeyboardButtonCallback{Text: "a", Data: []byte("d")},
				&tg.KeyboardButtonRequestPeer{Text: "b", MaxQuantity: -3, PeerType: &tg.RequestPeerTypeUser{}},
			}}}}},
		&tg.Message{ID: 3, PeerID: peer, Media: &tg.MessageMediaDocument{Document: &tg.Document{ID: 2, Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeVideo{Duration: -1, W: -2, H: 0}, &tg.DocumentAttributeFilename{FileName: "a"},
		}}}},
		&tg.Message{ID: 4, PeerID: peer, Media: &tg.MessageMediaPoll{Poll: tg.Poll{Answers: []tg.PollAnswerClass{&tg.PollAnswer{Option: []byte{0}}}},
			Results: tg.PollResults{Results: []tg.PollAnswerVoters{{Option: []byte{1}, Voters: tl.Some[int32](-5), RecentVoters: []tg.PeerClass{}}}, TotalVoters: tl.Some[int32](-1)}}},
		&tg.Message{ID: 5, PeerID: peer, Media: &tg.MessageMediaDocument{}},
		&tg.Message{ID: 6, PeerID: peer, Media: &tg.MessageMediaWebPage{Webpage: &tg.WebPageEmpty{}}},
		&tg.MessageService{ID: 7, PeerID: &tg.PeerChat{ChatID: 4}, Action: &tg.MessageActionChatAddUser{Users: []int64{1, -2}}},
		&tg.MessageService{ID: 8, PeerID: peer, Action: &tg.MessageActionPinMessage{}},
		&tg.MessageEmpty{ID: 9},
	}
	for _, m := range seeds {
		var b tl.Buffer
		if err := m.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Buf)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := tg.DecodeMessageClass(&tl.Buffer{Buf: data})
		if err != nil {
			return
		}
		msg := types.NewMessage(nil, m, types.NewEntities(nil, nil))
		if msg == nil {
			return
		}
		_ = msg.Markdown()
		_ = msg.HTML()
		_ = msg.MediaKind()
		_ = msg.Service()
		_ = msg.NewMembers()
		_ = msg.RawMedia()
		if msg.ReplyMarkup != nil {
			_, _ = msg.ReplyMarkup.ToTL()
		}
		if _, err := json.Marshal(msg); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}
