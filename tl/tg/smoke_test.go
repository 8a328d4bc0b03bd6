package tg

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
)

func TestSmoke(t *testing.T) {
	req := &MessagesSendMessageRequest{
		Peer:     &InputPeerUser{UserID: 1, AccessHash: 2},
		Message:  "hello",
		RandomID: 42,
		Entities: []MessageEntityClass{&MessageEntityBold{Offset: 0, Length: 5}},
		Silent:   true,
	}
	var b tl.Buffer
	if err := req.Encode(&b); err != nil {
		t.Fatal(err)
	}
	obj, err := DecodeObject(&b)
	if err != nil {
		t.Fatal(err)
	}
	got := obj.(*MessagesSendMessageRequest)
	if got.Message != "hello" || !got.Silent || got.Peer.(*InputPeerUser).AccessHash != 2 || len(got.Entities) != 1 {
		t.Fatalf("%+v", got)
	}
	p := &PingRequest{PingID: 5}
	b.Reset()
	_ = p.Encode(&b)
	o, err := DecodeObject(&b)
	if err != nil || o.(*PingRequest).PingID != 5 {
		t.Fatal(err)
	}
	t.Log(TypeName(PingRequestTypeID), len(b.Buf))
}

// The names other modules code against.
var (
	_ TLObject       = (*Updates)(nil)
	_ UpdatesClass   = (*UpdatesCombined)(nil)
	_ UpdatesClass   = (*UpdateShort)(nil)
	_ UpdateClass    = (*UpdateNewMessage)(nil)
	_ InputPeerClass = (*InputPeerEmpty)(nil)
	_ InputPeerClass = &InputPeerUser{UserID: 1, AccessHash: 2}
	_                = MessagesGetDialogsRequest{Limit: 1, OffsetPeer: &InputPeerEmpty{}}
	_ TLObject       = (*MessagesDialogs)(nil)
	_                = UpdatesClassBox{Updates: nil}
)
