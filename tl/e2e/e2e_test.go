package e2e

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tltest"
)

// sampleLayer is a decryptedMessageLayer carrying a text message with entities and a document.
func sampleLayer() *DecryptedMessageLayer {
	return &DecryptedMessageLayer{
		RandomBytes: []byte("fifteen bytes!!"),
		Layer:       144,
		InSeqNo:     4,
		OutSeqNo:    7,
		Message: &DecryptedMessage{
			Silent:   true,
			RandomID: -42,
			TTL:      30,
			Message:  "hello *bold* world",
			Media: &DecryptedMessageMediaDocument{
				Thumb:    []byte{1, 2, 3},
				ThumbW:   90,
				ThumbH:   60,
				MimeType: "image/png",
				Size:     1 << 33,
				Key:      make([]byte, 32),
				Iv:       make([]byte, 32),
				Attributes: []DocumentAttributeClass{
					&DocumentAttributeImageSize{W: 640, H: 480},
					&DocumentAttributeFilename{FileName: "a.png"},
				},
				Caption: "a picture",
			},
			Entities: []MessageEntityClass{
				&MessageEntityBold{Offset: 6, Length: 6},
				&MessageEntityTextURL{Offset: 13, Length: 5, URL: "https://example.com"},
				&MessageEntityCustomEmoji{Offset: 0, Length: 2, DocumentID: 5368},
			},
			ReplyToRandomID: tl.Some(int64(99)),
		},
	}
}

func TestLayerRoundTrip(t *testing.T) {
	in := sampleLayer()
	var b tl.Buffer
	if err := in.Encode(&b); err != nil {
		t.Fatalf("encode: %v", err)
	}
	if len(b.Buf)%4 != 0 {
		t.Fatalf("encoded length %d is not a multiple of 4", len(b.Buf))
	}
	obj, err := DecodeObject(&tl.Buffer{Buf: b.Buf})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if diff := cmp.Diff(in, obj); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// unhex decodes hex with spaces and line breaks, as the vectors below are written.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	p, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDecodeHandWritten decodes bytes written by hand from the schema and the TL serialization
// rules (little-endian ids and ints, strings with a length byte padded to 4).
func TestDecodeHandWritten(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want tl.Object
	}{
		{
			name: "layer with service noop",
			hex: `89 17 e3 1b  03 61 62 63  90 00 00 00  01 00 00 00  02 00 00 00
			      60 41 16 73  08 07 06 05 04 03 02 01  63 dd 2f a8`,
			want: &DecryptedMessageLayer{
				RandomBytes: []byte("abc"), Layer: 144, InSeqNo: 1, OutSeqNo: 2,
				Message: &DecryptedMessageService{
					RandomID: 0x0102030405060708,
					Action:   &DecryptedMessageActionNoop{},
				},
			},
		},
		{
			name: "message with one bold entity",
			hex: `74 46 cc 91  80 00 00 00  01 00 00 00 00 00 00 00  00 00 00 00
			      02 68 69 00  15 c4 b5 1c  01 00 00 00  c9 0b 61 bd  00 00 00 00  02 00 00 00`,
			want: &DecryptedMessage{
				RandomID: 1, Message: "hi",
				Entities: []MessageEntityClass{&MessageEntityBold{Offset: 0, Length: 2}},
			},
		},
		{
			name: "resend action",
			hex:  `b0 10 11 51  0a 00 00 00  14 00 00 00`,
			want: &DecryptedMessageActionResend{StartSeqNo: 10, EndSeqNo: 20},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := unhex(t, tt.hex)
			got, err := DecodeObject(&tl.Buffer{Buf: data})
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decode (-want +got):\n%s", diff)
			}
			var b tl.Buffer
			if err := got.Encode(&b); err != nil {
				t.Fatalf("encode: %v", err)
			}
			if diff := cmp.Diff(data, b.Buf); diff != "" {
				t.Errorf("re-encode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTruncated(t *testing.T) {
	var b tl.Buffer
	if err := sampleLayer().Encode(&b); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b.Buf); n++ {
		if _, err := DecodeObject(&tl.Buffer{Buf: b.Buf[:n]}); err == nil {
			t.Fatalf("decode of %d of %d bytes succeeded", n, len(b.Buf))
		}
	}
}

// FuzzDecodeObject feeds arbitrary bytes to the generic object decoder: it must return an
// object or an error, never panic, and what it returns must re-encode to a decodable form.
func FuzzDecodeObject(f *testing.F) {
	f.Add([]byte{})
	var b tl.Buffer
	if err := sampleLayer().Encode(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Buf)
	f.Fuzz(func(t *testing.T, data []byte) {
		tltest.CheckDecode(t, data, testRegistry)
	})
}
