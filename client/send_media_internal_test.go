package mtgo

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestUploadedMediaKinds(t *testing.T) {
	file := &tg.InputFile{ID: 1, Parts: 1, Name: "f"}
	name := func(n string) *tg.DocumentAttributeFilename { return &tg.DocumentAttributeFilename{FileName: n} }
	doc := func(mime string, attrs ...tg.DocumentAttributeClass) *tg.InputMediaUploadedDocument {
		return &tg.InputMediaUploadedDocument{File: file, MimeType: mime, Attributes: attrs}
	}
	plain := doc("application/pdf", name("a.pdf"))
	plain.ForceFile = true
	unknown := doc("application/octet-stream", name("blob"))
	unknown.ForceFile = true
	gif := doc("video/mp4", &tg.DocumentAttributeAnimated{}, &tg.DocumentAttributeVideo{}, name("clip"))
	gif.NosoundVideo = true
	tests := []struct {
		kind types.MediaKind
		name string
		want tg.InputMediaClass
	}{
		{types.KindPhoto, "p", &tg.InputMediaUploadedPhoto{File: file}},
		{types.KindDocument, "a.pdf", plain},
		{types.KindDocument, "blob", unknown},
		{types.KindVideo, "clip", doc("video/mp4", &tg.DocumentAttributeVideo{SupportsStreaming: true}, name("clip"))},
		{types.KindAnimation, "clip", gif},
		{types.KindAudio, "song", doc("audio/mpeg", &tg.DocumentAttributeAudio{}, name("song"))},
		{types.KindVoice, "note", doc("audio/ogg", &tg.DocumentAttributeAudio{Voice: true}, name("note"))},
		{types.KindSticker, "a.webp", doc("image/webp", &tg.DocumentAttributeSticker{Stickerset: &tg.InputStickerSetEmpty{}}, name("a.webp"))},
		{types.KindVideoNote, "clip", doc("video/mp4", &tg.DocumentAttributeVideo{RoundMessage: true}, name("clip"))},
		{types.KindVoice, "", doc("audio/ogg", &tg.DocumentAttributeAudio{Voice: true})},
		// A known extension names the MIME type, whatever the kind.
		{types.KindAudio, "a.webp", doc("image/webp", &tg.DocumentAttributeAudio{}, name("a.webp"))},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.name, func(t *testing.T) {
			got, err := uploadedMedia(tt.kind, file, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("input media (-want +got):\n%s", diff)
			}
			// The kind a receiver reads back from the document is the kind sent.
			if d, ok := got.(*tg.InputMediaUploadedDocument); ok {
				msg := &types.Message{Media: types.NewMedia(&tg.MessageMediaDocument{Document: &tg.Document{Attributes: d.Attributes}}, nil, 0, types.Entities{})}
				if k := msg.MediaKind(); k != tt.kind {
					t.Fatalf("received as %v, want %v", k, tt.kind)
				}
			}
		})
	}
	if len(mediaSpecs) != 8 {
		t.Fatalf("%d uploadable kinds, the table above tests 8", len(mediaSpecs))
	}
}

func TestSendMediaRejects(t *testing.T) {
	c := &Client{}
	ctx := context.Background()
	tests := []struct {
		name string
		err  func() error
		want error
	}{
		{"kind without upload", func() error {
			_, err := uploadedMedia(types.KindPoll, &tg.InputFile{}, "")
			return err
		}, ErrMediaKind},
		{"kind checked before upload", func() error {
			_, err := c.inputMedia(ctx, types.KindContact, types.InputFile{Name: "x"})
			return err
		}, ErrMediaKind},
		{"argument type", func() error { _, err := c.inputMedia(ctx, types.KindPhoto, 42); return err }, ErrMediaArgument},
		{"nil InputFile", func() error { _, err := c.inputMedia(ctx, types.KindPhoto, (*types.InputFile)(nil)); return err }, ErrMediaArgument},
		{"no reader", func() error { _, err := c.inputMedia(ctx, types.KindPhoto, types.InputFile{Name: "x"}); return err }, ErrMediaArgument},
		{"message without media", func() error { _, err := c.inputMedia(ctx, types.KindPhoto, &types.Message{}); return err }, ErrContextNoMedia},
		{"caption on a sticker", func() error {
			_, err := c.SendSticker(ctx, "@x", "a.webp", WithCaption("no"))
			return err
		}, ErrMediaNoCaption},
		{"caption on a video note", func() error {
			_, err := c.SendVideoNote(ctx, "@x", "clip", WithCaption(""))
			return err
		}, ErrMediaNoCaption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestInputMediaByReference(t *testing.T) {
	c := &Client{}
	photo := &tg.MessageMediaPhoto{Photo: &tg.Photo{ID: 7, AccessHash: 8, FileReference: []byte{9}}}
	want := &tg.InputMediaPhoto{ID: &tg.InputPhoto{ID: 7, AccessHash: 8, FileReference: []byte{9}}}
	uploaded := &tg.InputFile{ID: 3, Parts: 1, Name: "n.ogg"}
	for _, arg := range []any{photo, types.NewMessage(nil, &tg.Message{Media: photo}, types.Entities{}), want, types.MediaFile{Kind: types.KindVoice, File: photo}} {
		got, err := c.inputMedia(context.Background(), types.KindDocument, arg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tg.InputMediaClass(want), got); diff != "" {
			t.Fatalf("%T (-want +got):\n%s", arg, diff)
		}
	}
	got, err := c.inputMedia(context.Background(), types.KindDocument, types.MediaFile{Kind: types.KindVoice, File: uploaded})
	if err != nil {
		t.Fatal(err)
	}
	wantVoice := &tg.InputMediaUploadedDocument{File: uploaded, MimeType: "audio/ogg", Attributes: []tg.DocumentAttributeClass{
		&tg.DocumentAttributeAudio{Voice: true}, &tg.DocumentAttributeFilename{FileName: "n.ogg"},
	}}
	if diff := cmp.Diff(tg.InputMediaClass(wantVoice), got); diff != "" {
		t.Fatalf("uploaded file as voice (-want +got):\n%s", diff)
	}
}

func TestContextMediaWithoutClient(t *testing.T) {
	ctx := NewContext(context.Background())
	if _, err := ctx.ReplyMedia(types.KindPhoto, "p.jpg"); !errors.Is(err, ErrContextNoClient) {
		t.Fatalf("ReplyMedia: %v, want ErrContextNoClient", err)
	}
	if _, err := ctx.EditMedia("p.jpg"); !errors.Is(err, ErrContextNoClient) {
		t.Fatalf("EditMedia: %v, want ErrContextNoClient", err)
	}
}
