package mtgo

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretExternalSeeds are documents of the kinds SendSecretSticker sends: a sticker of a
// set, an animation, a video note, a plain document.
func secretExternalSeeds() []*tg.Document {
	return []*tg.Document{
		{ID: 1, AccessHash: 2, FileReference: []byte{9}, Date: 100, MimeType: "image/webp", Size: 3000, DCID: 2, Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeImageSize{W: 512, H: 512},
			&tg.DocumentAttributeSticker{Alt: "🙂", Stickerset: &tg.InputStickerSetShortName{ShortName: "pack"}},
			&tg.DocumentAttributeFilename{FileName: "sticker.webp"}}},
		{ID: 3, AccessHash: 4, Date: 101, MimeType: "video/mp4", Size: 40000, DCID: 4, Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeVideo{Duration: 2.4, W: 320, H: 240, SupportsStreaming: true},
			&tg.DocumentAttributeAnimated{}, &tg.DocumentAttributeFilename{FileName: "cat.mp4"}}},
		{ID: 5, AccessHash: 6, Date: 102, MimeType: "video/mp4", Size: 500, DCID: 1, Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeVideo{RoundMessage: true, Duration: 3, W: 240, H: 240}}},
		{ID: 7, AccessHash: 8, Date: 103, MimeType: "application/pdf", Size: 10, DCID: 5, Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeFilename{FileName: "a.pdf"}}},
	}
}

// TestSecretExternal: a document sent by reference comes back, on the peer's side, as the
// same typed media (kind, emoji, set name, size, duration, file name, file id but for the file
// reference the layer does not carry); attributes the layer lacks are left out.
func TestSecretExternal(t *testing.T) {
	for _, d := range secretExternalSeeds() {
		sent := types.NewDocumentMedia(d)
		t.Run(sent.Kind().String(), func(t *testing.T) {
			md, err := secretExternal(sent)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := md.Thumb.(*e2e.PhotoSizeEmpty); !ok || md.ID != d.ID || md.AccessHash != d.AccessHash || md.DCID != d.DCID {
				t.Fatalf("described %+v", md)
			}
			back, err := plainDocument(md)
			if err != nil {
				t.Fatal(err)
			}
			got := types.NewDocumentMedia(back)
			want := d
			want.FileReference = nil
			if v, ok := want.Attributes[0].(*tg.DocumentAttributeVideo); ok {
				v.Duration, v.SupportsStreaming = math.Round(v.Duration), false
			}
			ignore := cmpopts.IgnoreUnexported(types.File{})
			if diff := cmp.Diff(types.NewDocumentMedia(want), got, ignore); diff != "" {
				t.Fatalf("media (-want +got):\n%s", diff)
			}
			if types.DocumentOf(got).FileID() == "" {
				t.Fatal("no file id")
			}
		})
	}

	// A document built by hand (no Raw) goes by its file location and fields.
	hand := &types.Document{File: types.NewFile(fileid.Location{Type: fileid.TypeDocument, DC: 2, ID: 11, AccessHash: 12}, 99),
		FileName: "x.bin", MimeType: "application/octet-stream", Date: time.Unix(500, 0)}
	md, err := secretExternal(hand)
	if err != nil {
		t.Fatal(err)
	}
	want := &e2e.DecryptedMessageMediaExternalDocument{ID: 11, AccessHash: 12, Date: 500, MimeType: "application/octet-stream", Size: 99,
		Thumb: &e2e.PhotoSizeEmpty{Type: "t"}, DCID: 2, Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "x.bin"}}}
	if diff := cmp.Diff(want, md); diff != "" {
		t.Fatalf("by hand (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		name string
		doc  types.Media
		says string
	}{
		{"nil", nil, "no media"},
		{"a photo", &types.Photo{}, "a *types.Photo is not a document"},
		{"a location", &types.Location{}, "a *types.Location is not a document"},
		{"no file", &types.Document{MimeType: "x"}, "no file"},
		{"over 2 GiB", &types.Document{Raw: &tg.Document{ID: 1, DCID: 1, Size: 1 << 31}}, "32 bits"},
		{"no data center", &types.Document{Raw: &tg.Document{ID: 1}}, "data center"},
	} {
		if _, err := secretExternal(tt.doc); !errors.Is(err, ErrSecretMedia) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want ErrSecretMedia saying %q", tt.name, err, tt.says)
		}
	}
}

// TestSecretExternalReceived: a peer's external document and web page come typed; one
// whose numbers fail the checks comes untyped (logged), the message with it.
func TestSecretExternalReceived(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	ext := func(f func(*e2e.DecryptedMessageMediaExternalDocument)) *e2e.DecryptedMessageMediaExternalDocument {
		d := &e2e.DecryptedMessageMediaExternalDocument{ID: 1, AccessHash: 2, MimeType: "image/webp", Size: 10, DCID: 2,
			Thumb:      &e2e.PhotoCachedSize{Type: "s", Location: &e2e.FileLocationUnavailable{}, W: 9, H: 9, Bytes: []byte{1}},
			Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeSticker{Alt: "x", Stickerset: &e2e.InputStickerSetEmpty{}}}}
		if f != nil {
			f(d)
		}
		return d
	}
	tests := []struct {
		name string
		md   e2e.DecryptedMessageMediaClass
		ok   func(*types.SecretMessage) bool
		log  bool
	}{
		{"sticker", ext(nil), func(m *types.SecretMessage) bool {
			s, ok := m.External.(*types.Sticker)
			return ok && s.Emoji == "x" && s.ID == 1 && len(s.Raw.Thumbs) == 1
		}, false},
		{"web page", &e2e.DecryptedMessageMediaWebPage{URL: "https://t.me"}, func(m *types.SecretMessage) bool {
			return m.WebPage != nil && m.WebPage.URL == "https://t.me" && m.External == nil
		}, false},
		{"negative size", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) { d.Size = -1 }), nil, true},
		{"no data center", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) { d.DCID = 0 }), nil, true},
		{"thumbnail too large", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Thumb = &e2e.PhotoCachedSize{Type: "s", Location: &e2e.FileLocationUnavailable{}, W: 9, H: 9, Bytes: make([]byte, MaxSecretThumbSize+1)}
		}), nil, true},
		{"negative video duration", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Attributes = []e2e.DocumentAttributeClass{&e2e.DocumentAttributeVideo{Duration: -1}}
		}), nil, true},
		// The typed media reads each attribute kind's last one, whatever came after it: a
		// voice note's duration behind a video attribute is checked all the same.
		{"negative voice duration before a video", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Attributes = []e2e.DocumentAttributeClass{&e2e.DocumentAttributeAudio{Voice: true, Duration: -100}, &e2e.DocumentAttributeVideo{}}
		}), nil, true},
		{"negative image size after a video", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Attributes = []e2e.DocumentAttributeClass{&e2e.DocumentAttributeVideo{W: 1, H: 1}, &e2e.DocumentAttributeImageSize{W: -5, H: math.MinInt32}}
		}), nil, true},
		{"negative thumbnail", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Thumb = &e2e.PhotoSize{Type: "m", Location: &e2e.FileLocationUnavailable{}, W: -1, H: math.MinInt32, Size: 5}
		}), nil, true},
		{"thumbnail of a negative size", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Thumb = &e2e.PhotoSize{Type: "m", Location: &e2e.FileLocationUnavailable{}, W: 90, H: 90, Size: -5}
		}), nil, true},
		{"thumbnail by reference", ext(func(d *e2e.DecryptedMessageMediaExternalDocument) {
			d.Thumb = &e2e.PhotoSize{Type: "m", Location: &e2e.FileLocationUnavailable{}, W: 90, H: 90, Size: 5}
		}), func(m *types.SecretMessage) bool {
			s, ok := m.External.(*types.Sticker)
			return ok && len(s.Thumbs) == 1 && s.Thumbs[0].Width == 90
		}, false},
	}
	for i, tt := range tests {
		b.log.Reset()
		rid := int64(100 + i)
		if _, err := a.m.send(ctx, id, rid, &e2e.DecryptedMessage{RandomID: rid, Message: tt.name, Media: tt.md}, nil); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m := b.lastSecret(t)
		logged := strings.Contains(b.log.String(), "secret media not described")
		switch {
		case m.RandomID != rid || m.Media == nil || logged != tt.log:
			t.Errorf("%s: message %v, logged %v", tt.name, m, logged)
		case tt.ok != nil && !tt.ok(m):
			t.Errorf("%s: %v", tt.name, m)
		case tt.ok == nil && (m.External != nil || m.WebPage != nil):
			t.Errorf("%s: typed %v", tt.name, m)
		}
	}
}
