package tg

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
)

// encodeCases are objects whose generated encoders take the different paths of tlgen's runs of
// fixed-size fields, each with a reference encoding written field by field with tl.Buffer's Put
// methods, as the TL layout spells it.
func encodeCases() []struct {
	name string
	obj  tl.Encoder
	ref  func(b *tl.Buffer)
} {
	peer := func(b *tl.Buffer) {
		b.PutID(InputPeerUserTypeID)
		b.PutInt64(1)
		b.PutInt64(-2)
	}
	return []struct {
		name string
		obj  tl.Encoder
		ref  func(b *tl.Buffer)
	}{
		{"inputPeerUser", &InputPeerUser{UserID: 1, AccessHash: -2}, peer},
		{"inputPeerUser bare", bare{&InputPeerUser{UserID: 1, AccessHash: -2}}, func(b *tl.Buffer) {
			b.PutInt64(1)
			b.PutInt64(-2)
		}},
		{"sendMessage", func() tl.Encoder {
			m := sendMessage()
			m.Peer = &InputPeerUser{UserID: 1, AccessHash: -2}
			m.ReplyTo = &InputReplyToMessage{ReplyToMsgID: 7, TopMsgID: tl.Some[int32](8)}
			m.ScheduleDate = tl.Some[int32](1700)
			m.Effect = tl.Some[int64](-5)
			return m
		}(), func(b *tl.Buffer) {
			b.PutID(MessagesSendMessageRequestTypeID)
			b.PutUint32(1<<0 | 1<<3 | 1<<5 | 1<<10 | 1<<18)
			peer(b)
			b.PutID(InputReplyToMessageTypeID)
			b.PutUint32(1 << 0)
			b.PutInt32(7)
			b.PutInt32(8)
			b.PutString("hello, world")
			b.PutInt64(42)
			b.PutVectorHeader(2)
			b.PutID(MessageEntityBoldTypeID)
			b.PutInt32(0)
			b.PutInt32(5)
			b.PutID(MessageEntityTextURLTypeID)
			b.PutInt32(7)
			b.PutInt32(5)
			b.PutString("https://example.com")
			b.PutInt32(1700)
			b.PutInt64(-5)
		}},
		{"getHistory", &MessagesGetHistoryRequest{Peer: &InputPeerUser{UserID: 1, AccessHash: -2},
			OffsetID: 1, OffsetDate: 2, AddOffset: -3, Limit: 100, MaxID: 5, MinID: 6, Hash: 1 << 40},
			func(b *tl.Buffer) {
				b.PutID(MessagesGetHistoryRequestTypeID)
				peer(b)
				for _, v := range []int32{1, 2, -3, 100, 5, 6} {
					b.PutInt32(v)
				}
				b.PutInt64(1 << 40)
			}},
		{"getMessagesViews", &MessagesGetMessagesViewsRequest{Peer: &InputPeerUser{UserID: 1, AccessHash: -2},
			ID: []int32{3, -4, 5}, Increment: true}, func(b *tl.Buffer) {
			b.PutID(MessagesGetMessagesViewsRequestTypeID)
			peer(b)
			b.PutVectorHeader(3)
			b.PutInt32(3)
			b.PutInt32(-4)
			b.PutInt32(5)
			b.PutBool(true)
		}},
		{"deleteMessages empty", &ChannelsDeleteMessagesRequest{Channel: &InputChannelEmpty{}, ID: []int32{}},
			func(b *tl.Buffer) {
				b.PutID(ChannelsDeleteMessagesRequestTypeID)
				b.PutID(InputChannelEmptyTypeID)
				b.PutVectorHeader(0)
			}},
		{"setContactSignUpNotification", &AccountSetContactSignUpNotificationRequest{Silent: false},
			func(b *tl.Buffer) {
				b.PutID(AccountSetContactSignUpNotificationRequestTypeID)
				b.PutBool(false)
			}},
		{"inputGeoPoint", &InputGeoPoint{Lat: 1.5, Long: -2.25, AccuracyRadius: tl.Some[int32](9)},
			func(b *tl.Buffer) {
				b.PutID(InputGeoPointTypeID)
				b.PutUint32(1)
				b.PutDouble(1.5)
				b.PutDouble(-2.25)
				b.PutInt32(9)
			}},
		{"getUsers", &UsersGetUsersRequest{ID: []InputUserClass{&InputUserSelf{}, &InputUser{UserID: 3, AccessHash: 4}}},
			func(b *tl.Buffer) {
				b.PutID(UsersGetUsersRequestTypeID)
				b.PutVectorHeader(2)
				b.PutID(InputUserSelfTypeID)
				b.PutID(InputUserTypeID)
				b.PutInt64(3)
				b.PutInt64(4)
			}},
		{"inputPhoneContact", &InputPhoneContact{ClientID: 9, Phone: "", FirstName: strings.Repeat("f", 254), LastName: "abc"},
			func(b *tl.Buffer) {
				b.PutID(InputPhoneContactTypeID)
				b.PutUint32(0)
				b.PutInt64(9)
				b.PutString("")
				b.PutString(strings.Repeat("f", 254))
				b.PutString("abc")
			}},
		{"inputPhoneContact bare", bare{&InputPhoneContact{ClientID: 9, Phone: "+1", FirstName: "a", LastName: strings.Repeat("l", 300)}},
			func(b *tl.Buffer) {
				b.PutUint32(0)
				b.PutInt64(9)
				b.PutString("+1")
				b.PutString("a")
				b.PutString(strings.Repeat("l", 300))
			}},
		{"Vector<long>", &LongVector{Elems: []int64{1, -1, 1 << 62}}, func(b *tl.Buffer) {
			b.PutVectorHeader(3)
			b.PutInt64(1)
			b.PutInt64(-1)
			b.PutInt64(1 << 62)
		}},
		{"Vector<int> nil", &IntVector{}, func(b *tl.Buffer) { b.PutVectorHeader(0) }},
		{"Bool", &BoolBox{Bool: true}, func(b *tl.Buffer) { b.PutBool(true) }},
	}
}

// bare encodes the bare form of its value.
type bare struct{ v tl.BareEncoder }

func (x bare) Encode(b *tl.Buffer) error { return x.v.EncodeBare(b) }

// TestEncodeReference compares generated encoders with encodings written field by field, into
// an empty buffer, a buffer with room to spare and one that must grow in the middle.
func TestEncodeReference(t *testing.T) {
	for _, c := range encodeCases() {
		var want tl.Buffer
		c.ref(&want)
		for _, start := range []tl.Buffer{{}, {Buf: make([]byte, 3, 4096)}, {Buf: make([]byte, 3, 13)}} {
			b := start
			prefix := len(b.Buf)
			if err := c.obj.Encode(&b); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if diff := cmp.Diff(want.Buf, b.Buf[prefix:]); diff != "" {
				t.Errorf("%s (cap %d): encoding differs from the reference (-want +got):\n%s", c.name, cap(start.Buf), diff)
			}
		}
	}
}

// TestEncodeCasesAllocFree: none of the encoders above allocates into a buffer with room.
func TestEncodeCasesAllocFree(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are inflated under -race")
	}
	for _, c := range encodeCases() {
		var b tl.Buffer
		_ = c.obj.Encode(&b)
		allocs := testing.AllocsPerRun(100, func() {
			b.Reset()
			if err := c.obj.Encode(&b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: encode allocates %.1f times per run", c.name, allocs)
		}
	}
}
