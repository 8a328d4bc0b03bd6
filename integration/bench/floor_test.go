package mtgobench

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sinkU keeps BenchmarkTLDecodeFloor's result reachable so the compiler cannot drop the work.
var sinkU *tg.Updates

// BenchmarkTLDecodeFloor is the floor under BenchmarkTLDecodeUpdates: it allocates and fills
// the values that decoding the benchmark Updates produces (same structs, strings copied, in
// about a hundred allocations), without reading a byte. The difference to the decode is the
// cost of parsing; the floor itself is allocation, zeroing and garbage collection.
func BenchmarkTLDecodeFloor(b *testing.B) {
	src := mtgoUpdates()
	b.ReportAllocs()
	for b.Loop() {
		u := &tg.Updates{Date: src.Date, Seq: src.Seq}
		msgs := make([]tg.Message, len(src.Updates))
		unm := make([]tg.UpdateNewMessage, len(src.Updates))
		peers := make([]tg.PeerUser, 2*len(src.Updates))
		ents := make([]tg.MessageEntityClass, 3*len(src.Updates))
		bold := make([]tg.MessageEntityBold, len(src.Updates))
		ital := make([]tg.MessageEntityItalic, len(src.Updates))
		urls := make([]tg.MessageEntityTextURL, len(src.Updates))
		text := make([]byte, 0, 12000)
		u.Updates = make([]tg.UpdateClass, len(src.Updates))
		for i, x := range src.Updates {
			m := x.(*tg.UpdateNewMessage).Message.(*tg.Message)
			start := len(text)
			text = append(text, m.Message...)
			msgs[i] = tg.Message{ID: m.ID, Date: m.Date, Message: string(text[start:])}
			peers[2*i] = *m.FromID.(*tg.PeerUser)
			peers[2*i+1] = *m.PeerID.(*tg.PeerUser)
			msgs[i].FromID, msgs[i].PeerID = &peers[2*i], &peers[2*i+1]
			bold[i], ital[i], urls[i] = tg.MessageEntityBold{Offset: 25, Length: 4}, tg.MessageEntityItalic{Offset: 31, Length: 6}, tg.MessageEntityTextURL{Offset: 54, Length: 11, URL: "https://example.com"}
			e := ents[3*i : 3*i+3 : 3*i+3]
			e[0], e[1], e[2] = &bold[i], &ital[i], &urls[i]
			msgs[i].Entities = e
			unm[i] = tg.UpdateNewMessage{Message: &msgs[i], Pts: 1, PtsCount: 1}
			u.Updates[i] = &unm[i]
		}
		users := make([]tg.User, len(src.Users))
		photos := make([]tg.UserProfilePhoto, len(src.Users))
		st := make([]tg.UserStatusOnline, len(src.Users))
		thumbs := make([]byte, 0, 120*len(src.Users))
		u.Users = make([]tg.UserClass, len(src.Users))
		for i, x := range src.Users {
			su := x.(*tg.User)
			users[i] = tg.User{ID: su.ID, AccessHash: su.AccessHash, FirstName: su.FirstName, LastName: su.LastName, Username: su.Username}
			start := len(thumbs)
			thumbs = append(thumbs, su.Photo.(*tg.UserProfilePhoto).StrippedThumb.Value...)
			photos[i] = *su.Photo.(*tg.UserProfilePhoto)
			photos[i].StrippedThumb.Value = thumbs[start:len(thumbs):len(thumbs)]
			st[i] = tg.UserStatusOnline{Expires: 1}
			users[i].Photo, users[i].Status = &photos[i], &st[i]
			u.Users[i] = &users[i]
		}
		chans := make([]tg.Channel, len(src.Chats))
		u.Chats = make([]tg.ChatClass, len(src.Chats))
		for i, x := range src.Chats {
			chans[i] = *x.(*tg.Channel)
			u.Chats[i] = &chans[i]
		}
		sinkU = u
	}
}
