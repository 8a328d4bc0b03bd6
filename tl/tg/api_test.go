package tg

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// The names other modules code against must exist with these shapes.
var (
	_ TLObject        = (*Updates)(nil)
	_ UpdatesClass    = (*UpdatesCombined)(nil)
	_ UpdatesClass    = (*UpdateShort)(nil)
	_ UpdateClass     = (*UpdateNewMessage)(nil)
	_ InputPeerClass  = (*InputPeerEmpty)(nil)
	_ InputPeerClass  = &InputPeerUser{UserID: 1, AccessHash: 2}
	_                 = MessagesGetDialogsRequest{Limit: 1, OffsetPeer: &InputPeerEmpty{}}
	_ TLObject        = (*MessagesDialogs)(nil)
	_ tl.Decoder      = (*UpdatesClassBox)(nil)
	_ tl.Encoder      = (*UpdatesClassBox)(nil)
	_ TLObject        = &PingRequest{PingID: 1}
	_ *mt.PingRequest = (*PingRequest)(nil) // an alias, not a copy
)

func sendMessage() *MessagesSendMessageRequest {
	return &MessagesSendMessageRequest{
		Peer:     &InputPeerUser{UserID: 1, AccessHash: 2},
		Message:  "hello, world",
		RandomID: 42,
		Silent:   true,
		Entities: []MessageEntityClass{
			&MessageEntityBold{Offset: 0, Length: 5},
			&MessageEntityTextURL{Offset: 7, Length: 5, URL: "https://example.com"},
		},
	}
}

func TestEncodeAllocFree(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are inflated under -race")
	}
	req := sendMessage()
	var b tl.Buffer
	_ = req.Encode(&b)
	allocs := testing.AllocsPerRun(100, func() {
		b.Reset()
		if err := req.Encode(&b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("encode allocates %.1f times per run", allocs)
	}
}

// TestOptionalFields: flags come from presence and are recomputed on every encode.
func TestOptionalFields(t *testing.T) {
	req := sendMessage()
	req.ReplyTo = &InputReplyToMessage{ReplyToMsgID: 7}
	req.ScheduleDate = tl.Some[int32](0) // present zero differs from absent
	var b tl.Buffer
	if err := req.Encode(&b); err != nil {
		t.Fatal(err)
	}
	withAll := len(b.Buf)
	var got MessagesSendMessageRequest
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(req, &got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	req.ScheduleDate = tl.Opt[int32]{}
	req.ReplyTo = nil
	req.Entities = nil
	b.Reset()
	if err := req.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if len(b.Buf) >= withAll {
		t.Fatalf("clearing optional fields did not shrink the encoding (%d >= %d)", len(b.Buf), withAll)
	}
	got = MessagesSendMessageRequest{ScheduleDate: tl.Some[int32](9)} // stale values are cleared
	if err := got.Decode(&b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(req, &got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// A present empty vector stays distinguishable from an absent one.
	req.Entities = []MessageEntityClass{}
	b.Reset()
	_ = req.Encode(&b)
	got = MessagesSendMessageRequest{}
	if err := got.Decode(&b); err != nil || got.Entities == nil || len(got.Entities) != 0 {
		t.Fatalf("empty vector decoded as %#v (%v)", got.Entities, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	var b tl.Buffer
	err := (&MessagesSendMessageRequest{Message: "x"}).Encode(&b)
	var ee *tl.EncodeError
	if !errors.As(err, &ee) || ee.Type != "messages.sendMessage" || ee.Field != "peer" || !errors.Is(err, tl.ErrInvalid) {
		t.Fatalf("nil required interface: %v", err)
	}
	err = (&MessagesSendMessageRequest{Peer: &InputPeerSelf{}, Entities: []MessageEntityClass{nil}}).Encode(&b)
	if !errors.Is(err, tl.ErrInvalid) {
		t.Fatalf("nil vector element: %v", err)
	}
	// Typed nils: a nil pointer in an interface field, in a vector and in a pointer field, and a
	// nil request; each fails with ErrNilObject naming the innermost type and field.
	cases := []struct {
		name        string
		req         tl.Encoder
		typ, field  string
		wantMessage string
	}{
		{"typed nil field", &MessagesSendMessageRequest{Peer: (*InputPeerUser)(nil), Message: "x"},
			"messages.sendMessage", "peer", "tl: encode messages.sendMessage.peer: tl: invalid value: nil inputPeerUser"},
		{"typed nil element", &MessagesSendMessageRequest{Peer: &InputPeerSelf{}, Message: "x", Entities: []MessageEntityClass{&MessageEntityItalic{}, (*MessageEntityBold)(nil)}},
			"messages.sendMessage", "entities", "tl: encode messages.sendMessage.entities: tl: invalid value: nil messageEntityBold"},
		{"nil interface element", &MessagesSendMessageRequest{Peer: &InputPeerSelf{}, Message: "x", Entities: []MessageEntityClass{nil}},
			"messages.sendMessage", "entities", "tl: encode messages.sendMessage.entities: tl: invalid value: required field is nil"},
		{"nested typed nil", &MessagesSendMediaRequest{Peer: &InputPeerSelf{}, Media: &InputMediaUploadedPhoto{File: (*InputFile)(nil)}},
			"inputMediaUploadedPhoto", "file", "tl: encode inputMediaUploadedPhoto.file: tl: invalid value: nil inputFile"},
		{"nil request", (*MessagesSendMessageRequest)(nil),
			"", "", "tl: encode: tl: invalid value: nil messages.sendMessage"},
	}
	for _, c := range cases {
		b.Reset()
		err := c.req.Encode(&b)
		if !errors.Is(err, tl.ErrNilObject) || !errors.Is(err, tl.ErrInvalid) || !errors.As(err, &ee) {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ee.Type != c.typ || ee.Field != c.field || err.Error() != c.wantMessage {
			t.Errorf("%s: got %q (type %q, field %q)", c.name, err, ee.Type, ee.Field)
		}
	}
	// A string too long for TL in a nested value: the value holding it reports ErrTooLarge
	// (values without a string of their own do not look), and the request returns it.
	b.Reset()
	long := &MessageEntityTextURL{URL: strings.Repeat("a", tl.MaxStringLen+1)}
	err = (&MessagesSendMessageRequest{Peer: &InputPeerSelf{}, Entities: []MessageEntityClass{&MessageEntityBold{}, long, &MessageEntityItalic{}}}).Encode(&b)
	if !errors.Is(err, tl.ErrTooLarge) {
		t.Fatalf("long nested string: %v", err)
	}
	// live_photo shares flags.3 with video: set alone it would promise a field that is missing.
	err = (&InputMediaUploadedPhoto{File: &InputFile{}, LivePhoto: true}).Encode(&b)
	if !errors.As(err, &ee) || ee.Field != "live_photo" {
		t.Fatalf("flag group: %v", err)
	}
}

func TestDecodeErrorLocation(t *testing.T) {
	var b tl.Buffer
	_ = sendMessage().Encode(&b)
	wire := b.Buf
	// Corrupt the constructor id of the second entity.
	var e tl.Buffer
	_ = (&MessageEntityBold{Length: 5}).Encode(&e)
	off := len(wire) - 0
	for i := 0; i+4 <= len(wire); i++ {
		if string(wire[i:i+4]) == string(e.Buf[:4]) {
			off = i + len(e.Buf)
		}
	}
	wire[off] ^= 0xff
	b.ResetTo(wire)
	_, err := DecodeObject(&b)
	var de *tl.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, tl.ErrUnexpectedID) || de.Type != "MessageEntity" || de.Offset != off {
		t.Fatalf("got %v (%#v), want MessageEntity at %d", err, de, off)
	}
	b.ResetTo(wire[:off+2])
	_, err = DecodeObject(&b)
	// Cut inside the entities, the vector's count no longer fits the bytes left at the
	// smallest size of an entity: the count is rejected before anything is decoded.
	if !errors.As(err, &de) || de.Field != "entities" || !errors.Is(err, tl.ErrTooLarge) {
		t.Fatalf("truncated entities: %v", err)
	}
	b.ResetTo([]byte{1, 2, 3, 4})
	if _, err := DecodeObject(&b); !errors.Is(err, tl.ErrUnexpectedID) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	if TypeName(MessagesSendMessageRequestTypeID) != "messages.sendMessage" || TypeName(PingRequestTypeID) != "ping" || TypeName(1) != "" {
		t.Fatal("TypeName")
	}
	if _, ok := NewObject(mt.PongTypeID).(*mt.Pong); !ok {
		t.Fatal("tg registry lacks mt ids")
	}
	if NewObject(1) != nil {
		t.Fatal("unknown id produced an object")
	}
}

func TestUpdateClassifiers(t *testing.T) {
	chanMsg := &Message{ID: 1, PeerID: &PeerChannel{ChannelID: 77}, Message: "x"}
	tests := []struct {
		u               UpdateClass
		pts, count, qts int32
		hasPts, hasQts  bool
		channel         int64
		hasChannel      bool
	}{
		{u: &UpdateNewMessage{Message: &Message{PeerID: &PeerUser{UserID: 1}}, Pts: 10, PtsCount: 1}, pts: 10, count: 1, hasPts: true},
		{u: &UpdateNewChannelMessage{Message: chanMsg, Pts: 5, PtsCount: 1}, pts: 5, count: 1, hasPts: true, channel: 77, hasChannel: true},
		{u: &UpdateEditChannelMessage{Message: &MessageEmpty{}, Pts: 6, PtsCount: 1}, pts: 6, count: 1, hasPts: true},
		{u: &UpdateDeleteChannelMessages{ChannelID: 9, Pts: 3, PtsCount: 2}, pts: 3, count: 2, hasPts: true, channel: 9, hasChannel: true},
		{u: &UpdateChannelTooLong{ChannelID: 4}, channel: 4, hasChannel: true},
		{u: &UpdateBotStopped{Qts: 8}, qts: 8, hasQts: true},
		{u: &UpdateUserTyping{}},
	}
	for _, tt := range tests {
		pts, count, ok := UpdatePts(tt.u)
		if pts != tt.pts || count != tt.count || ok != tt.hasPts {
			t.Errorf("UpdatePts(%T) = %d, %d, %v", tt.u, pts, count, ok)
		}
		qts, ok := UpdateQts(tt.u)
		if qts != tt.qts || ok != tt.hasQts {
			t.Errorf("UpdateQts(%T) = %d, %v", tt.u, qts, ok)
		}
		ch, ok := UpdateChannelID(tt.u)
		if ch != tt.channel || ok != tt.hasChannel {
			t.Errorf("UpdateChannelID(%T) = %d, %v", tt.u, ch, ok)
		}
	}
}

// fakeInvoker answers every call with a fixed encoded result.
type fakeInvoker struct {
	result tl.Encoder
	sent   []uint32
	err    error
}

func (f *fakeInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var b tl.Buffer
	if err := in.Encode(&b); err != nil {
		return err
	}
	id, _ := b.PeekID()
	f.sent = append(f.sent, id)
	if f.err != nil {
		return f.err
	}
	b.Reset()
	if err := f.result.Encode(&b); err != nil {
		return err
	}
	return out.Decode(&b)
}

func TestClient(t *testing.T) {
	ctx := context.Background()
	inv := &fakeInvoker{result: &UpdateShort{Update: &UpdateUserTyping{UserID: 3, Action: &SendMessageTypingAction{}}, Date: 5}}
	c := NewClient(inv)
	res, err := c.MessagesSendMessage(ctx, sendMessage())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(inv.result, res); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	inv.result = &mt.Pong{MsgID: 1, PingID: 2}
	pong, err := c.Ping(ctx, &PingRequest{PingID: 2})
	if err != nil || pong.PingID != 2 {
		t.Fatalf("ping: %v %v", pong, err)
	}
	inv.result = &BoolBox{Bool: true}
	if ok, err := c.AuthLogOut(ctx, &AuthLogOutRequest{}); err == nil || ok != nil {
		// auth.logOut returns auth.LoggedOut, so a Bool answer must fail to decode.
		t.Fatalf("wrong result type accepted: %v %v", ok, err)
	}
	if ok, err := c.AccountUpdateStatus(ctx, &AccountUpdateStatusRequest{Offline: true}); err != nil || !ok {
		t.Fatalf("bool result: %v %v", ok, err)
	}
	inv.result = &LongVector{Elems: []int64{1, 2}}
	if ids, err := c.AccountGetSavedMusicIDs(ctx, &AccountGetSavedMusicIDsRequest{}); err == nil {
		_ = ids // account.getSavedMusicIds returns account.SavedMusicIds, not Vector<long>
		t.Fatal("vector accepted as account.SavedMusicIds")
	}
	// Generic queries decode into the caller's target.
	inv.result = &Config{}
	var cfg Config
	wrapped := &InvokeWithLayerRequest{Layer: 228, Query: &HelpGetConfigRequest{}}
	if err := c.InvokeWithLayer(ctx, wrapped, &cfg); err != nil {
		t.Fatal(err)
	}
	inv.err = errors.New("boom")
	if _, err := c.MessagesSendMessage(ctx, sendMessage()); err == nil {
		t.Fatal("invoker error lost")
	}
	want := []uint32{MessagesSendMessageRequestTypeID, PingRequestTypeID, AuthLogOutRequestTypeID,
		AccountUpdateStatusRequestTypeID, AccountGetSavedMusicIDsRequestTypeID, InvokeWithLayerRequestTypeID, MessagesSendMessageRequestTypeID}
	if diff := cmp.Diff(want, inv.sent); diff != "" {
		t.Fatalf("sent ids (-want +got):\n%s", diff)
	}
}

// TestGenericQueryDecodes: a server decodes a wrapped request back to the inner function.
func TestGenericQueryDecodes(t *testing.T) {
	in := &InvokeWithLayerRequest{Layer: 228, Query: &InitConnectionRequest{
		APIID: 1, DeviceModel: "d", SystemVersion: "s", AppVersion: "a", SystemLangCode: "en", LangPack: "", LangCode: "en",
		Query: &HelpGetConfigRequest{},
	}}
	var b tl.Buffer
	if err := in.Encode(&b); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeObject(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(TLObject(in), got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
