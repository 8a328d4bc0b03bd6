package mtgobench

import (
	"fmt"
	"testing"

	"github.com/gotd/td/bin"
	gotd "github.com/gotd/td/tg"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The TL benchmarks build the same logical values with both libraries. Constructor ids of
// message, user and channel differ between gotd's layer and ours (228), so each side encodes
// its own wire bytes from the same values and decodes them; the sizes are reported.

const (
	benchMessages = 100
	benchUsers    = 100
	benchChannels = 10
)

func text(i int) string {
	return fmt.Sprintf("message number %d with some bold, italic and a link to example.com", i)
}

func mtgoEntities() []tg.MessageEntityClass {
	return []tg.MessageEntityClass{
		&tg.MessageEntityBold{Offset: 25, Length: 4},
		&tg.MessageEntityItalic{Offset: 31, Length: 6},
		&tg.MessageEntityTextURL{Offset: 54, Length: 11, URL: "https://example.com"},
	}
}

func gotdEntities() []gotd.MessageEntityClass {
	return []gotd.MessageEntityClass{
		&gotd.MessageEntityBold{Offset: 25, Length: 4},
		&gotd.MessageEntityItalic{Offset: 31, Length: 6},
		&gotd.MessageEntityTextURL{Offset: 54, Length: 11, URL: "https://example.com"},
	}
}

var thumb = func() []byte {
	p := make([]byte, 120)
	for i := range p {
		p[i] = byte(i * 7)
	}
	return p
}()

func mtgoUpdates() *tg.Updates {
	u := &tg.Updates{Date: 1700000000, Seq: 5}
	for i := range benchMessages {
		u.Updates = append(u.Updates, &tg.UpdateNewMessage{
			Message: &tg.Message{
				ID:       int32(1000 + i),
				FromID:   &tg.PeerUser{UserID: int64(i % benchUsers)},
				PeerID:   &tg.PeerUser{UserID: 1},
				Date:     1700000000 + int32(i),
				Message:  text(i),
				Entities: mtgoEntities(),
			},
			Pts: int32(2000 + i), PtsCount: 1,
		})
	}
	for i := range benchUsers {
		u.Users = append(u.Users, &tg.User{
			ID:         int64(i),
			AccessHash: tl.Some(int64(i) * 7919),
			FirstName:  tl.Some(fmt.Sprintf("First%d", i)),
			LastName:   tl.Some(fmt.Sprintf("Last%d", i)),
			Username:   tl.Some(fmt.Sprintf("user_%d", i)),
			Photo:      &tg.UserProfilePhoto{PhotoID: int64(i) << 20, StrippedThumb: tl.Some(thumb), DCID: 2},
			Status:     &tg.UserStatusOnline{Expires: 1700000300},
		})
	}
	for i := range benchChannels {
		u.Chats = append(u.Chats, &tg.Channel{
			Broadcast:         true,
			ID:                int64(5000 + i),
			AccessHash:        tl.Some(int64(i) * 104729),
			Title:             fmt.Sprintf("Channel %d", i),
			Username:          tl.Some(fmt.Sprintf("channel_%d", i)),
			Photo:             &tg.ChatPhoto{PhotoID: int64(i) << 21, DCID: 4},
			Date:              1600000000,
			ParticipantsCount: tl.Some[int32](12345),
		})
	}
	return u
}

func gotdUpdates() *gotd.Updates {
	u := &gotd.Updates{Date: 1700000000, Seq: 5}
	for i := range benchMessages {
		u.Updates = append(u.Updates, &gotd.UpdateNewMessage{
			Message: &gotd.Message{
				ID:       1000 + i,
				FromID:   &gotd.PeerUser{UserID: int64(i % benchUsers)},
				PeerID:   &gotd.PeerUser{UserID: 1},
				Date:     1700000000 + i,
				Message:  text(i),
				Entities: gotdEntities(),
			},
			Pts: 2000 + i, PtsCount: 1,
		})
	}
	for i := range benchUsers {
		u.Users = append(u.Users, &gotd.User{
			ID:         int64(i),
			AccessHash: int64(i) * 7919,
			FirstName:  fmt.Sprintf("First%d", i),
			LastName:   fmt.Sprintf("Last%d", i),
			Username:   fmt.Sprintf("user_%d", i),
			Photo:      &gotd.UserProfilePhoto{PhotoID: int64(i) << 20, StrippedThumb: thumb, DCID: 2},
			Status:     &gotd.UserStatusOnline{Expires: 1700000300},
		})
	}
	for i := range benchChannels {
		u.Chats = append(u.Chats, &gotd.Channel{
			Broadcast:         true,
			ID:                int64(5000 + i),
			AccessHash:        int64(i) * 104729,
			Title:             fmt.Sprintf("Channel %d", i),
			Username:          fmt.Sprintf("channel_%d", i),
			Photo:             &gotd.ChatPhoto{PhotoID: int64(i) << 21, DCID: 4},
			Date:              1600000000,
			ParticipantsCount: 12345,
		})
	}
	return u
}

func mtgoSendMessage() *tg.MessagesSendMessageRequest {
	return &tg.MessagesSendMessageRequest{
		Peer:     &tg.InputPeerUser{UserID: 12345, AccessHash: 67890},
		Message:  text(1),
		RandomID: 424242,
		Entities: mtgoEntities(),
	}
}

func gotdSendMessage() *gotd.MessagesSendMessageRequest {
	return &gotd.MessagesSendMessageRequest{
		Peer:     &gotd.InputPeerUser{UserID: 12345, AccessHash: 67890},
		Message:  text(1),
		RandomID: 424242,
		Entities: gotdEntities(),
	}
}

// TestTLSameValues checks that both sides decode what they encode, so the benchmarks compare
// equivalent work.
func TestTLSameValues(t *testing.T) {
	var b tl.Buffer
	if err := mtgoUpdates().Encode(&b); err != nil {
		t.Fatal(err)
	}
	var got tg.Updates
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if len(got.Updates) != benchMessages || len(got.Users) != benchUsers || len(got.Chats) != benchChannels {
		t.Fatalf("mtgo decoded %d/%d/%d", len(got.Updates), len(got.Users), len(got.Chats))
	}
	var gb bin.Buffer
	if err := gotdUpdates().Encode(&gb); err != nil {
		t.Fatal(err)
	}
	var gg gotd.Updates
	if err := gg.Decode(&gb); err != nil {
		t.Fatal(err)
	}
	if len(gg.Updates) != benchMessages || len(gg.Users) != benchUsers || len(gg.Chats) != benchChannels {
		t.Fatalf("gotd decoded %d/%d/%d", len(gg.Updates), len(gg.Users), len(gg.Chats))
	}
	m := got.Updates[7].(*tg.UpdateNewMessage).Message.(*tg.Message)
	gm := gg.Updates[7].(*gotd.UpdateNewMessage).Message.(*gotd.Message)
	if m.Message != gm.Message || len(m.Entities) != len(gm.Entities) {
		t.Fatal("decoded values differ between libraries")
	}
}

func BenchmarkTLEncodeSendMessage(b *testing.B) {
	b.Run("mtgo", func(b *testing.B) {
		req := mtgoSendMessage()
		var buf tl.Buffer
		_ = req.Encode(&buf)
		b.SetBytes(int64(len(buf.Buf)))
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := req.Encode(&buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gotd", func(b *testing.B) {
		req := gotdSendMessage()
		var buf bin.Buffer
		_ = req.Encode(&buf)
		b.SetBytes(int64(buf.Len()))
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := req.Encode(&buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// updatesDecoders returns one decode of the benchmark Updates by each library, with the
// encoded bytes' length.
func updatesDecoders(tb testing.TB) (mtgoDecode, gotdDecode func(), n int) {
	var mb tl.Buffer
	if err := mtgoUpdates().Encode(&mb); err != nil {
		tb.Fatal(err)
	}
	mwire := mb.Buf
	var gb bin.Buffer
	if err := gotdUpdates().Encode(&gb); err != nil {
		tb.Fatal(err)
	}
	gwire := append([]byte(nil), gb.Buf...)
	mtgoDecode = func() {
		mb.ResetTo(mwire)
		var u tg.Updates
		if err := u.Decode(&mb); err != nil {
			tb.Fatal(err)
		}
	}
	gotdDecode = func() {
		gb.ResetTo(gwire)
		var u gotd.Updates
		if err := u.Decode(&gb); err != nil {
			tb.Fatal(err)
		}
	}
	return mtgoDecode, gotdDecode, len(mwire)
}

func BenchmarkTLDecodeUpdates(b *testing.B) {
	mtgoDecode, gotdDecode, n := updatesDecoders(b)
	for _, c := range []struct {
		name   string
		decode func()
	}{{"mtgo", mtgoDecode}, {"gotd", gotdDecode}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				c.decode()
			}
		})
	}
}
