package mtgo

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestDescribeSecretMedia types every media kind a peer may send, the legacy ones
// included, and refuses descriptions whose numbers or thumbnail fail the checks.
func TestDescribeSecretMedia(t *testing.T) {
	key, iv := []byte("k"), []byte("i")
	thumb := []byte{0xff, 0xd8}
	tests := []struct {
		name    string
		md      e2e.DecryptedMessageMediaClass
		want    *types.SecretFile
		caption string
		err     bool
	}{
		{"not a file", &e2e.DecryptedMessageMediaGeoPoint{Lat: 1, Long: 2}, nil, "", false},
		{"photo", &e2e.DecryptedMessageMediaPhoto{Thumb: thumb, ThumbW: 90, ThumbH: 60, W: 1280, H: 853, Size: 5000, Key: key, Iv: iv, Caption: "c"},
			&types.SecretFile{Kind: types.KindPhoto, MimeType: "image/jpeg", Key: key, IV: iv, PlainSize: 5000, Width: 1280, Height: 853,
				Thumb: &types.SecretThumb{Data: thumb, Width: 90, Height: 60}}, "c", false},
		{"legacy video", &e2e.DecryptedMessageMediaVideo{Duration: 7, W: 640, H: 480, Size: 10, Key: key, Iv: iv, Caption: "v"},
			&types.SecretFile{Kind: types.KindVideo, MimeType: "video/mp4", Key: key, IV: iv, PlainSize: 10, Width: 640, Height: 480, Duration: 7 * time.Second}, "v", false},
		{"legacy audio", &e2e.DecryptedMessageMediaAudio{Duration: 3, MimeType: "audio/opus", Size: 10, Key: key, Iv: iv},
			&types.SecretFile{Kind: types.KindVoice, MimeType: "audio/opus", Key: key, IV: iv, PlainSize: 10, Duration: 3 * time.Second}, "", false},
		{"sticker", &e2e.DecryptedMessageMediaDocument{MimeType: "image/webp", Size: 9, Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeImageSize{W: 512, H: 512}, &e2e.DocumentAttributeSticker{Alt: "x", Stickerset: &e2e.InputStickerSetEmpty{}}}},
			&types.SecretFile{Kind: types.KindSticker, MimeType: "image/webp", PlainSize: 9, Width: 512, Height: 512}, "", false},
		{"gif document", &e2e.DecryptedMessageMediaDocument{MimeType: "image/gif", Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeAnimated{}}},
			&types.SecretFile{Kind: types.KindAnimation, MimeType: "image/gif"}, "", false},
		{"video note, image size ignored", &e2e.DecryptedMessageMediaDocument{MimeType: "video/mp4", Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeVideo{RoundMessage: true, Duration: 5, W: 240, H: 240}, &e2e.DocumentAttributeImageSize{W: 1, H: 1}}},
			&types.SecretFile{Kind: types.KindVideoNote, MimeType: "video/mp4", Width: 240, Height: 240, Duration: 5 * time.Second}, "", false},
		{"music", &e2e.DecryptedMessageMediaDocument{MimeType: "audio/mpeg", Caption: "m", Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeAudio{Duration: 100, Title: tl.Some("T"), Performer: tl.Some("P")}, &e2e.DocumentAttributeFilename{FileName: "a.mp3"}}},
			&types.SecretFile{Kind: types.KindAudio, MimeType: "audio/mpeg", FileName: "a.mp3", Duration: 100 * time.Second, Title: "T", Performer: "P"}, "m", false},
		{"voice", &e2e.DecryptedMessageMediaDocument{MimeType: "audio/ogg", Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeAudio{Voice: true, Duration: 2, Waveform: tl.Some([]byte{1, 2})}}},
			&types.SecretFile{Kind: types.KindVoice, MimeType: "audio/ogg", Duration: 2 * time.Second, Waveform: []byte{1, 2}}, "", false},
		{"negative size", &e2e.DecryptedMessageMediaPhoto{W: 1, H: 1, Size: -1, Caption: "c"}, nil, "c", true},
		{"negative document size", &e2e.DecryptedMessageMediaDocument{Size: -5}, nil, "", true},
		{"layer 46 document", &e2e.DecryptedMessageMediaDocument46{MimeType: "application/pdf", Size: 77, Key: key, Iv: iv, Caption: "d",
			Thumb: thumb, ThumbW: 90, ThumbH: 60, Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "a.pdf"}}},
			&types.SecretFile{Kind: types.KindDocument, MimeType: "application/pdf", Key: key, IV: iv, PlainSize: 77, FileName: "a.pdf",
				Thumb: &types.SecretThumb{Data: thumb, Width: 90, Height: 60}}, "d", false},
		{"layer 46 sticker", &e2e.DecryptedMessageMediaDocument46{MimeType: "image/webp", Size: 9, Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeImageSize{W: 512, H: 512}, &e2e.DocumentAttributeSticker{Alt: "x", Stickerset: &e2e.InputStickerSetEmpty{}}}},
			&types.SecretFile{Kind: types.KindSticker, MimeType: "image/webp", PlainSize: 9, Width: 512, Height: 512}, "", false},
		{"negative layer 46 document size", &e2e.DecryptedMessageMediaDocument46{Size: -5}, nil, "", true},
		{"negative width", &e2e.DecryptedMessageMediaPhoto{W: -1, H: 1}, nil, "", true},
		{"height too large", &e2e.DecryptedMessageMediaVideo{W: 1, H: maxSecretDimension + 1}, nil, "", true},
		{"negative duration", &e2e.DecryptedMessageMediaAudio{Duration: -1}, nil, "", true},
		{"negative video duration", &e2e.DecryptedMessageMediaDocument{Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeVideo{Duration: -3}}}, nil, "", true},
		{"thumbnail too large", &e2e.DecryptedMessageMediaPhoto{W: 1, H: 1, Thumb: make([]byte, MaxSecretThumbSize+1), ThumbW: 90, ThumbH: 90}, nil, "", true},
		{"thumbnail without a size", &e2e.DecryptedMessageMediaDocument{Thumb: thumb, ThumbW: 0, ThumbH: 90}, nil, "", true},
		{"thumbnail too wide", &e2e.DecryptedMessageMediaDocument{Thumb: thumb, ThumbW: maxSecretDimension + 1, ThumbH: 90}, nil, "", true},
		{"empty thumbnail, any size", &e2e.DecryptedMessageMediaDocument{Thumb: []byte{}, ThumbW: -7, ThumbH: 1 << 30},
			&types.SecretFile{Kind: types.KindDocument}, "", false},
		{"waveform too long", &e2e.DecryptedMessageMediaDocument{Attributes: []e2e.DocumentAttributeClass{
			&e2e.DocumentAttributeAudio{Voice: true, Waveform: tl.Some(make([]byte, maxSecretWaveform+1))}}}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, caption, err := describeSecretMedia(tt.md)
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrSecretMedia)) {
				t.Fatalf("err %v, want error %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || caption != tt.caption {
				t.Fatalf("file (-want +got):\n%s caption %q, want %q", diff, caption, tt.caption)
			}
		})
	}
}

// TestSecretMediaReceived: a described file carries where the server keeps it; without a
// file, or with a description that fails the checks, the message still comes (its caption,
// its raw media), without File, and the failure is logged.
func TestSecretMediaReceived(t *testing.T) {
	photo := &e2e.DecryptedMessageMediaPhoto{W: 2, H: 3, Size: 4, Caption: "c"}
	f := &tg.EncryptedFile{ID: 1, AccessHash: 2, Size: 16, DCID: 3, KeyFingerprint: 4}
	got, caption, err := secretFileOf(photo, f)
	want := &types.SecretFile{ID: 1, AccessHash: 2, Size: 16, DCID: 3, KeyFingerprint: 4, Kind: types.KindPhoto, MimeType: "image/jpeg", PlainSize: 4, Width: 2, Height: 3}
	if diff := cmp.Diff(want, got); diff != "" || caption != "c" || err != nil {
		t.Fatalf("file (-want +got):\n%s caption %q err %v", diff, caption, err)
	}
	if got, caption, err := secretFileOf(photo, &tg.EncryptedFileEmpty{}); got != nil || caption != "c" || err != nil {
		t.Fatalf("without a file: %v %q %v", got, caption, err)
	}

	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	bad := &e2e.DecryptedMessageMediaPhoto{W: -1, H: 1, Caption: "bad photo"}
	in := &tg.InputEncryptedFileUploaded{ID: 1, Parts: 1}
	if _, err := a.m.send(ctx, id, 5, &e2e.DecryptedMessage{RandomID: 5, Media: bad}, in); err != nil {
		t.Fatal(err)
	}
	evs := b.events()
	m := evs[len(evs)-1].(*types.SecretMessage)
	if m.File != nil || m.Text != "bad photo" || m.Media == nil {
		t.Fatalf("message %v", m)
	}
	if !strings.Contains(b.log.String(), "secret media not described") {
		t.Fatalf("log %q", b.log.String())
	}
}

// TestSecretFileOptionsMedia: every kind SendSecretFile sends decodes back, through the
// wire's bytes, to the same description.
func TestSecretFileOptionsMedia(t *testing.T) {
	thumb := &types.SecretThumb{Data: []byte{1, 2, 3}, Width: 9, Height: 6}
	for _, o := range secretOptionSeeds(thumb) {
		md, err := o.media("f.bin", 100, bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32))
		if err != nil {
			t.Fatalf("%v: %v", o.Kind, err)
		}
		var b tl.Buffer
		if err := md.Encode(&b); err != nil {
			t.Fatal(err)
		}
		back, err := e2e.DecodeDecryptedMessageMediaClass(&tl.Buffer{Buf: b.Raw()})
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := describeSecretMedia(md)
		got, _, err := describeSecretMedia(back)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%v (-sent +decoded):\n%s", o.Kind, diff)
		}
		k := o.Kind
		if k == types.KindNone {
			k = types.KindDocument
		}
		if got.Kind != k {
			t.Fatalf("kind %v, want %v", got.Kind, k)
		}
	}
	if _, err := (&SecretFileOptions{Kind: types.KindVoice, Thumb: thumb}).media("v", 1, nil, nil); !errors.Is(err, ErrSecretMedia) {
		t.Fatalf("voice with a thumbnail: %v", err)
	}
	if strconv.IntSize == 64 { // a 32-bit int holds no width past int32
		past := int64(1) << 40
		if _, err := (&SecretFileOptions{Kind: types.KindVideo, Width: int(past), Height: 1}).media("v", 1, nil, nil); !errors.Is(err, ErrSecretMedia) {
			t.Fatalf("width past int32: %v", err)
		}
	}
}

// secretOptionSeeds are SendSecretFile options of every kind it sends.
func secretOptionSeeds(thumb *types.SecretThumb) []SecretFileOptions {
	return []SecretFileOptions{
		{Kind: types.KindPhoto, Width: 800, Height: 600, Thumb: thumb, Caption: "p"},
		{Kind: types.KindVideo, Width: 640, Height: 360, Duration: 9 * time.Second, Thumb: thumb},
		{Kind: types.KindVideoNote, Width: 240, Height: 240, Duration: time.Second},
		{Kind: types.KindAnimation, Width: 10, Height: 10},
		{Kind: types.KindAudio, Duration: time.Minute, Title: "t", Performer: "p"},
		{Kind: types.KindVoice, Duration: 2 * time.Second, Waveform: []byte{7, 7}},
		{MimeType: "image/png", Width: 5, Height: 5, Thumb: thumb},
	}
}

// FuzzSecretMedia: any media description a peer can send (files, places, external documents,
// web pages) is typed or refused with ErrSecretMedia, never a panic, and what is typed keeps
// the bounds.
func FuzzSecretMedia(f *testing.F) {
	thumb := &types.SecretThumb{Data: []byte{1, 2, 3}, Width: 9, Height: 6}
	for _, o := range secretOptionSeeds(thumb) {
		md, err := o.media("f.bin", 100, make([]byte, 32), make([]byte, 32))
		if err != nil {
			f.Fatal(err)
		}
		var b tl.Buffer
		if err := md.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Raw())
	}
	legacy := []e2e.DecryptedMessageMediaClass{
		&e2e.DecryptedMessageMediaGeoPoint{Lat: 1, Long: 2},
		&e2e.DecryptedMessageMediaVenue{Lat: 1, Long: 2, Title: "t"},
		&e2e.DecryptedMessageMediaContact{PhoneNumber: "1", UserID: -1},
		&e2e.DecryptedMessageMediaVideo{Thumb: []byte{1}, ThumbW: 1, ThumbH: 1, Duration: 3, W: 4, H: 5, Size: 6},
		&e2e.DecryptedMessageMediaAudio{Duration: 1, Size: 2},
		&e2e.DecryptedMessageMediaDocument46{Thumb: []byte{1}, ThumbW: 1, ThumbH: 1, MimeType: "video/mp4", Size: 6,
			Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeVideo{Duration: 3, W: 4, H: 5}, &e2e.DocumentAttributeFilename{FileName: "v.mp4"}}},
		&e2e.DecryptedMessageMediaWebPage{URL: "https://t.me"},
	}
	for _, d := range secretExternalSeeds() {
		md, err := secretExternal(&types.Document{Raw: d})
		if err != nil {
			f.Fatal(err)
		}
		legacy = append(legacy, md)
	}
	for _, md := range legacy {
		var b tl.Buffer
		if err := md.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Raw())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := e2e.DecodeDecryptedMessageMediaClass(&tl.Buffer{Buf: data})
		if err != nil {
			return
		}
		var sm types.SecretMessage
		if err := secretPlaceOf(&sm, md); err != nil && (!errors.Is(err, ErrLocation) || sm.Location != nil || sm.Venue != nil) {
			t.Fatalf("%v with %v", err, sm)
		}
		for _, l := range []*types.Location{sm.Location, venueLocation(sm.Venue)} {
			if l != nil && !(l.Latitude >= -90 && l.Latitude <= 90 && l.Longitude >= -180 && l.Longitude <= 180) {
				t.Fatalf("off the map: %v", l)
			}
		}
		if err := secretLinkedOf(&sm, md); err != nil && (!errors.Is(err, ErrSecretMedia) || sm.External != nil) {
			t.Fatalf("%v with %v", err, sm)
		}
		if d := types.DocumentOf(sm.External); sm.External != nil && (d == nil || d.FileSize < 0 || d.DC() < 1 || !externalInBounds(sm.External)) {
			t.Fatalf("external document out of bounds: %v", sm.External)
		}
		sf, _, err := secretFileOf(md, &tg.EncryptedFile{ID: 1, Size: 16})
		if err != nil {
			if !errors.Is(err, ErrSecretMedia) || sf != nil {
				t.Fatalf("%v with file %v", err, sf)
			}
			return
		}
		if sf == nil {
			return
		}
		switch {
		case sf.PlainSize < 0, sf.Duration < 0, sf.Width < 0 || sf.Width > maxSecretDimension, sf.Height < 0 || sf.Height > maxSecretDimension,
			len(sf.Waveform) > maxSecretWaveform, sf.Kind == types.KindNone:
			t.Fatalf("out of bounds: %v", sf)
		case sf.Thumb != nil && (len(sf.Thumb.Data) == 0 || len(sf.Thumb.Data) > MaxSecretThumbSize || sf.Thumb.Width < 1 || sf.Thumb.Height < 1):
			t.Fatalf("thumbnail out of bounds: %v", sf)
		}
	})
}

// externalInBounds reports whether the numbers of a typed external document (its
// dimensions, duration and thumbnails) are within describeSecretMedia's bounds.
func externalInBounds(m types.Media) bool {
	dim := func(v int) bool { return v >= 0 && v <= maxSecretDimension }
	var w, h int
	var d time.Duration
	switch m := m.(type) {
	case *types.Video:
		w, h, d = m.Width, m.Height, m.Duration
	case *types.Animation:
		w, h, d = m.Width, m.Height, m.Duration
	case *types.VideoNote:
		w, h, d = m.Length, m.Length, m.Duration
	case *types.Voice:
		d = m.Duration
		if len(m.Waveform) > maxSecretWaveform {
			return false
		}
	case *types.Audio:
		d = m.Duration
	}
	if !dim(w) || !dim(h) || d < 0 {
		return false
	}
	for _, th := range types.DocumentOf(m).Thumbs {
		if !dim(th.Width) || !dim(th.Height) || th.FileSize < 0 {
			return false
		}
	}
	return true
}

func venueLocation(v *types.Venue) *types.Location {
	if v == nil {
		return nil
	}
	return &v.Location
}

// TestSecretPlaceOf types the points, places and contacts a peer sends, and refuses
// coordinates off the map.
func TestSecretPlaceOf(t *testing.T) {
	tests := []struct {
		name string
		md   e2e.DecryptedMessageMediaClass
		want types.SecretMessage
		err  bool
	}{
		{"point", &e2e.DecryptedMessageMediaGeoPoint{Lat: -90, Long: 180}, types.SecretMessage{Location: &types.Location{Latitude: -90, Longitude: 180}}, false},
		{"venue", &e2e.DecryptedMessageMediaVenue{Lat: 1, Long: 2, Title: "t", Address: "a", Provider: "foursquare", VenueID: "v"},
			types.SecretMessage{Venue: &types.Venue{Location: types.Location{Latitude: 1, Longitude: 2}, Title: "t", Address: "a", Provider: "foursquare", ID: "v"}}, false},
		{"contact, negative user", &e2e.DecryptedMessageMediaContact{PhoneNumber: "1", FirstName: "f", UserID: -4},
			types.SecretMessage{Contact: &types.Contact{PhoneNumber: "1", FirstName: "f"}}, false},
		{"contact", &e2e.DecryptedMessageMediaContact{PhoneNumber: "1", FirstName: "f", UserID: 7},
			types.SecretMessage{Contact: &types.Contact{PhoneNumber: "1", FirstName: "f", UserID: 7}}, false},
		{"NaN", &e2e.DecryptedMessageMediaGeoPoint{Lat: math.NaN()}, types.SecretMessage{}, true},
		{"infinite", &e2e.DecryptedMessageMediaVenue{Long: math.Inf(-1)}, types.SecretMessage{}, true},
		{"latitude past the pole", &e2e.DecryptedMessageMediaGeoPoint{Lat: 90.5}, types.SecretMessage{}, true},
		{"a file", &e2e.DecryptedMessageMediaPhoto{}, types.SecretMessage{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got types.SecretMessage
			err := secretPlaceOf(&got, tt.md)
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrLocation)) {
				t.Fatalf("err %v, want error %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(types.SecretMessage{})); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
