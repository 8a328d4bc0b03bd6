package secretchat

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/e2e"
)

func TestSendLayer(t *testing.T) {
	for _, tt := range []struct{ ours, peer, want int32 }{
		{Layer, 0, MinLayer}, {Layer, -5, MinLayer}, {Layer, 46, 46}, {Layer, 101, 101}, {Layer, Layer, Layer},
		{Layer, Layer + 50, Layer}, {101, Layer, 101}, {101, 0, MinLayer},
	} {
		if got := SendLayer(tt.ours, tt.peer); got != tt.want {
			t.Errorf("SendLayer(%d, %d) = %d, want %d", tt.ours, tt.peer, got, tt.want)
		}
	}
}

// TestFit: a message written in an older layer loses the entities that layer lacks, a
// document goes as that layer's constructor (size:int, when it fits), and media it lacks is
// ErrLayer; services pass; a layer before MinLayer carries nothing.
func TestFit(t *testing.T) {
	ents := func() []e2e.MessageEntityClass {
		return []e2e.MessageEntityClass{
			&e2e.MessageEntityBold{Length: 1}, &e2e.MessageEntityUnderline{Length: 2},
			&e2e.MessageEntitySpoiler{Length: 3}, nil, &e2e.MessageEntityCustomEmoji{Length: 4, DocumentID: 5},
		}
	}
	tests := []struct {
		name  string
		msg   e2e.DecryptedMessageClass
		layer int32
		want  e2e.DecryptedMessageClass
		err   bool
	}{
		{"current layer keeps all", &e2e.DecryptedMessage{Entities: ents()[:3]}, Layer,
			&e2e.DecryptedMessage{Entities: ents()[:3]}, false},
		{"layer 101 drops spoiler and custom emoji", &e2e.DecryptedMessage{Entities: ents()}, 101,
			&e2e.DecryptedMessage{Entities: ents()[:2]}, false},
		{"layer 73 keeps bold only", &e2e.DecryptedMessage{Entities: ents()}, MinLayer,
			&e2e.DecryptedMessage{Entities: ents()[:1]}, false},
		{"document at 143", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{}}, 143,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{}}, false},
		{"document at 142 goes as layer 46's", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{
			MimeType: "text/plain", Size: math.MaxInt32, Caption: "c", Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "a"}}}}, 142,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument46{
				MimeType: "text/plain", Size: math.MaxInt32, Caption: "c", Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "a"}}}}, false},
		{"document at 73", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{Size: 5}}, MinLayer,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument46{Size: 5}}, false},
		{"document past int32 at 142", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{Size: math.MaxInt32 + 1}}, 142, nil, true},
		{"negative document size past int32 at 142", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument{Size: math.MinInt32 - 1}}, 142, nil, true},
		{"layer 46's document at 144", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument46{Size: 5}}, Layer,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaDocument46{Size: 5}}, false},
		{"photo at 73", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaPhoto{}}, MinLayer,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaPhoto{}}, false},
		{"external document at 73", &e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaExternalDocument{}}, MinLayer,
			&e2e.DecryptedMessage{Media: &e2e.DecryptedMessageMediaExternalDocument{}}, false},
		{"service", &e2e.DecryptedMessageService{Action: &e2e.DecryptedMessageActionNoop{}}, MinLayer,
			&e2e.DecryptedMessageService{Action: &e2e.DecryptedMessageActionNoop{}}, false},
		{"layer 46", &e2e.DecryptedMessage{Message: "hi"}, 46, nil, true},
		// Not in the published end-to-end schema at any layer (core.telegram.org/type/MessageEntity
		// lists layers 45, 101 and 144): a peer reading that schema cannot decode the message.
		{"kinds outside the published schema", &e2e.DecryptedMessage{Entities: []e2e.MessageEntityClass{
			&e2e.MessageEntityMentionName{Length: 1, UserID: 5}, &e2e.MessageEntityPhone{Length: 1},
			&e2e.MessageEntityItalic{Length: 1}, &e2e.MessageEntityCashtag{Length: 1}, &e2e.MessageEntityBankCard{Length: 1},
		}}, Layer, &e2e.DecryptedMessage{Entities: []e2e.MessageEntityClass{&e2e.MessageEntityItalic{Length: 1}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Fit(tt.msg, tt.layer)
			if tt.err {
				if !errors.Is(err, ErrLayer) {
					t.Fatalf("err %v, want ErrLayer", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.msg); diff != "" {
				t.Fatalf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSince(t *testing.T) {
	for _, tt := range []struct {
		id   uint32
		want int32
	}{
		{e2e.MessageEntityBoldTypeID, MinLayer}, {e2e.MessageEntityStrikeTypeID, 101},
		{e2e.DecryptedMessageMediaDocumentTypeID, 143}, {e2e.MessageEntitySpoilerTypeID, 144},
		{e2e.DecryptedMessageMediaDocument46TypeID, MinLayer},
		{e2e.MessageEntityBlockquoteTypeID, 101}, {e2e.MessageEntityCustomEmojiTypeID, 144},
		{e2e.MessageEntityMentionNameTypeID, math.MaxInt32}, {e2e.MessageEntityBankCardTypeID, math.MaxInt32},
	} {
		if got := Since(tt.id); got != tt.want {
			t.Errorf("Since(%#x) = %d, want %d", tt.id, got, tt.want)
		}
	}
}

// TestDocumentFrom46: a document of layers before 143 reads as the current constructor, and
// Fit writes it back unchanged.
func TestDocumentFrom46(t *testing.T) {
	old := &e2e.DecryptedMessageMediaDocument46{Thumb: []byte{1}, ThumbW: 2, ThumbH: 3, MimeType: "m", Size: 4, Key: []byte{5}, Iv: []byte{6},
		Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeAnimated{}}, Caption: "c"}
	d := DocumentFrom46(old)
	want := &e2e.DecryptedMessageMediaDocument{Thumb: []byte{1}, ThumbW: 2, ThumbH: 3, MimeType: "m", Size: 4, Key: []byte{5}, Iv: []byte{6},
		Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeAnimated{}}, Caption: "c"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	msg := &e2e.DecryptedMessage{Media: d}
	if err := Fit(msg, 142); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(old, msg.Media); diff != "" {
		t.Fatalf("back (-want +got):\n%s", diff)
	}
}

// TestDecodeLayerRandomBytes: core.telegram.org/constructor/decryptedMessageLayer requires at
// least 15 random bytes in each message and has messages with fewer ignored, so DecodeLayer
// refuses them with ErrRandomBytes.
func TestDecodeLayerRandomBytes(t *testing.T) {
	for _, tt := range []struct {
		n  int
		ok bool
	}{{0, false}, {1, false}, {MinRandomBytes - 1, false}, {MinRandomBytes, true}, {16, true}, {300, true}} {
		data, err := EncodeLayer(nil, &e2e.DecryptedMessageLayer{
			RandomBytes: make([]byte, tt.n), Layer: Layer, InSeqNo: 0, OutSeqNo: 1,
			Message: &e2e.DecryptedMessage{RandomID: 1, Message: "hi"},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = DecodeLayer(data)
		switch {
		case tt.ok && err != nil:
			t.Errorf("%d random bytes: %v", tt.n, err)
		case !tt.ok && !errors.Is(err, ErrRandomBytes):
			t.Errorf("%d random bytes: got %v, want ErrRandomBytes", tt.n, err)
		}
	}
}
