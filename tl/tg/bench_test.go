package tg

import (
	"fmt"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
)

// benchUpdates is an updates object shaped like a busy account's: 100 new messages with
// entities, 100 users and 10 channels.
func benchUpdates() *Updates {
	u := &Updates{Date: 1700000000, Seq: 5}
	for i := range 100 {
		u.Updates = append(u.Updates, &UpdateNewMessage{
			Message: &Message{
				ID:      int32(1000 + i),
				FromID:  &PeerUser{UserID: int64(i)},
				PeerID:  &PeerUser{UserID: 1},
				Date:    1700000000 + int32(i),
				Message: fmt.Sprintf("message number %d with some bold, italic and a link", i),
				Entities: []MessageEntityClass{
					&MessageEntityBold{Offset: 25, Length: 4},
					&MessageEntityTextURL{Offset: 40, Length: 4, URL: "https://example.com"},
				},
			},
			Pts: int32(2000 + i), PtsCount: 1,
		})
		u.Users = append(u.Users, &User{
			ID:         int64(i),
			AccessHash: tl.Some(int64(i) * 7919),
			FirstName:  tl.Some(fmt.Sprintf("First%d", i)),
			Username:   tl.Some(fmt.Sprintf("user_%d", i)),
			Photo:      &UserProfilePhoto{PhotoID: int64(i) << 20, StrippedThumb: tl.Some(make([]byte, 120)), DCID: 2},
			Status:     &UserStatusOnline{Expires: 1700000300},
		})
	}
	for i := range 10 {
		u.Chats = append(u.Chats, &Channel{
			Broadcast: true, ID: int64(5000 + i), AccessHash: tl.Some(int64(i)), Title: fmt.Sprintf("Channel %d", i),
			Photo: &ChatPhoto{PhotoID: int64(i) << 21, DCID: 4}, Date: 1600000000,
		})
	}
	return u
}

// benchDecode measures decoding the encoding of v into fresh values of its type.
func benchDecode(b *testing.B, v tl.Object) {
	var buf tl.Buffer
	if err := v.Encode(&buf); err != nil {
		b.Fatal(err)
	}
	wire := buf.Buf
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		buf.ResetTo(wire)
		if err := NewObject(v.TypeID()).Decode(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	ids := &MessagesAffectedFoundMessages{}
	for i := range 1000 {
		ids.Messages = append(ids.Messages, int32(i))
	}
	dialogs := &MessagesPeerDialogs{}
	for i := range 100 {
		dialogs.Users = append(dialogs.Users, &User{ID: int64(i), FirstName: tl.Some("First")})
		dialogs.Dialogs = append(dialogs.Dialogs, &Dialog{Peer: &PeerUser{UserID: int64(i)}, TopMessage: int32(i),
			NotifySettings: PeerNotifySettings{}})
	}
	sponsored := &MessagesSponsoredMessages{}
	for i := range 50 {
		sponsored.Messages = append(sponsored.Messages, SponsoredMessage{RandomID: []byte{byte(i)}, URL: "https://t.me/x",
			Title: "title", Message: "some sponsored text", ButtonText: "open"})
	}
	// More value structs than the bytes would hold at their Go size: decoded through
	// MakeSliceUpTo and one GrowSlice.
	many := &MessagesSponsoredMessages{}
	for i := range 200 {
		many.Messages = append(many.Messages, SponsoredMessage{RandomID: []byte{byte(i)}, URL: "u", Title: "t", Message: "m", ButtonText: "b"})
	}
	b.Run("updates", func(b *testing.B) { benchDecode(b, benchUpdates()) })
	b.Run("ints", func(b *testing.B) { benchDecode(b, ids) })
	b.Run("dialogs", func(b *testing.B) { benchDecode(b, dialogs) })
	b.Run("sponsored", func(b *testing.B) { benchDecode(b, sponsored) })
	b.Run("sponsored200", func(b *testing.B) { benchDecode(b, many) })
}
