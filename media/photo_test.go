package media

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func testPhoto() *tg.Photo {
	return &tg.Photo{
		ID: 1, AccessHash: 2, FileReference: []byte{3}, DCID: 4,
		Sizes: []tg.PhotoSizeClass{
			&tg.PhotoStrippedSize{Type: "i", Bytes: []byte{1, 2}},
			&tg.PhotoSize{Type: "s", W: 90, H: 90, Size: 1000},
			&tg.PhotoSizeProgressive{Type: "y", W: 1280, H: 960, Sizes: []int32{10, 2000, 90000}},
			&tg.PhotoSize{Type: "x", W: 800, H: 600, Size: 50000},
			&tg.PhotoPathSize{Type: "j", Bytes: []byte{1}},
		},
	}
}

func testDocument() *tg.Document {
	return &tg.Document{
		ID: 10, AccessHash: 20, FileReference: []byte{30}, DCID: 5, Size: 123456, MimeType: "video/mp4",
		Thumbs: []tg.PhotoSizeClass{
			&tg.PhotoCachedSize{Type: "c", W: 40, H: 40, Bytes: []byte{0xff, 0xd8}},
			&tg.PhotoSize{Type: "m", W: 320, H: 180, Size: 4000},
		},
	}
}

func TestBestPhotoSize(t *testing.T) {
	tests := []struct {
		name  string
		sizes []tg.PhotoSizeClass
		want  string
		ok    bool
	}{
		{name: "largest area wins", sizes: testPhoto().Sizes, want: "y", ok: true},
		{name: "ties broken by bytes", sizes: []tg.PhotoSizeClass{
			&tg.PhotoSize{Type: "a", W: 10, H: 10, Size: 5}, &tg.PhotoSize{Type: "b", W: 10, H: 10, Size: 9},
		}, want: "b", ok: true},
		{name: "cached only", sizes: []tg.PhotoSizeClass{&tg.PhotoCachedSize{Type: "c", W: 5, H: 5, Bytes: []byte{1}}}, want: "c", ok: true},
		{name: "nothing downloadable", sizes: []tg.PhotoSizeClass{
			&tg.PhotoSizeEmpty{Type: "s"}, &tg.PhotoStrippedSize{Type: "i"}, &tg.PhotoPathSize{Type: "j"},
		}},
		{name: "none"},
	}
	for _, tt := range tests {
		got, ok := BestPhotoSize(tt.sizes)
		if ok != tt.ok || (ok && sizeTypeOf(got) != tt.want) {
			t.Errorf("%s: got %v %v", tt.name, got, ok)
		}
	}
}

func TestMediaLocation(t *testing.T) {
	photoLoc := Location{DC: 4, Size: 90000, Input: &tg.InputPhotoFileLocation{ID: 1, AccessHash: 2, FileReference: []byte{3}, ThumbSize: "y"}}
	docLoc := Location{DC: 5, Size: 123456, Input: &tg.InputDocumentFileLocation{ID: 10, AccessHash: 20, FileReference: []byte{30}}}
	tests := []struct {
		name  string
		media tg.MessageMediaClass
		want  Location
		err   error
	}{
		{name: "nil", media: nil, err: ErrMediaNil},
		{name: "photo", media: &tg.MessageMediaPhoto{Photo: testPhoto()}, want: photoLoc},
		{name: "photo without data", media: &tg.MessageMediaPhoto{}, err: ErrPhotoNoData},
		{name: "photo empty", media: &tg.MessageMediaPhoto{Photo: &tg.PhotoEmpty{ID: 1}}, err: ErrPhotoNoData},
		{name: "photo without sizes", media: &tg.MessageMediaPhoto{Photo: &tg.Photo{ID: 1, Sizes: []tg.PhotoSizeClass{&tg.PhotoStrippedSize{}}}}, err: ErrPhotoNoSizes},
		{name: "document", media: &tg.MessageMediaDocument{Document: testDocument()}, want: docLoc},
		{name: "document empty", media: &tg.MessageMediaDocument{Document: &tg.DocumentEmpty{ID: 1}}, err: ErrNoDownloadableMedia},
		{name: "document missing", media: &tg.MessageMediaDocument{}, err: ErrNoDownloadableMedia},
		{name: "web page document", media: &tg.MessageMediaWebPage{Webpage: &tg.WebPage{Document: testDocument(), Photo: testPhoto()}}, want: docLoc},
		{name: "web page photo", media: &tg.MessageMediaWebPage{Webpage: &tg.WebPage{Photo: testPhoto()}}, want: photoLoc},
		{name: "web page empty", media: &tg.MessageMediaWebPage{Webpage: &tg.WebPageEmpty{}}, err: ErrNoDownloadableMedia},
		{name: "game", media: &tg.MessageMediaGame{Game: tg.Game{Photo: testPhoto()}}, want: photoLoc},
		{name: "paid media", media: &tg.MessageMediaInvoice{ExtendedMedia: &tg.MessageExtendedMedia{Media: &tg.MessageMediaDocument{Document: testDocument()}}}, want: docLoc},
		{name: "contact", media: &tg.MessageMediaContact{PhoneNumber: "1"}, err: ErrNoDownloadableMedia},
		{name: "empty", media: &tg.MessageMediaEmpty{}, err: ErrNoDownloadableMedia},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MediaLocation(tt.media)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Fatal(d)
			}
		})
	}
}

func TestThumbs(t *testing.T) {
	doc := testDocument()
	loc, err := ThumbLocation(doc, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Location{DC: 5, Size: 4000, Input: &tg.InputDocumentFileLocation{ID: 10, AccessHash: 20, FileReference: []byte{30}, ThumbSize: "m"}}
	if d := cmp.Diff(want, loc); d != "" {
		t.Fatal(d)
	}
	if _, err := ThumbLocation(doc, "zz"); !errors.Is(err, ErrNoThumb) {
		t.Fatalf("missing thumb: %v", err)
	}
	if _, err := ThumbLocation(&tg.Document{ID: 1}, ""); !errors.Is(err, ErrNoThumb) {
		t.Fatalf("no thumbs: %v", err)
	}
	if _, err := ThumbLocation(nil, ""); !errors.Is(err, ErrNoDownloadableMedia) {
		t.Fatalf("nil: %v", err)
	}
	if b, ok := InlineThumb(doc.Thumbs); !ok || len(b) != 2 {
		t.Fatalf("inline thumb %v %v", b, ok)
	}
	if _, ok := InlineThumb(testPhoto().Sizes); ok {
		t.Fatal("stripped size returned as inline thumb")
	}
	pl, err := PhotoLocation(testPhoto(), "s")
	if err != nil || pl.Size != 1000 || pl.Input.(*tg.InputPhotoFileLocation).ThumbSize != "s" {
		t.Fatalf("%+v %v", pl, err)
	}
	if _, err := PhotoLocation(testPhoto(), "i"); !errors.Is(err, ErrNoThumb) {
		t.Fatalf("stripped by name: %v", err)
	}
	if _, err := PhotoLocation(nil, ""); !errors.Is(err, ErrMediaNil) {
		t.Fatalf("nil photo: %v", err)
	}
}

func TestKindString(t *testing.T) {
	got := []string{KindMain.String(), KindMedia.String(), KindCDN.String(), Kind(7).String()}
	if d := cmp.Diff([]string{"main", "media", "cdn", "kind(7)"}, got); d != "" {
		t.Fatal(d)
	}
}

// Typed nil pointers anywhere in a media object (a nil *tg.MessageMediaPhoto in the interface,
// a nil size in a list) are refused with an error, never a panic.
func TestLocationsOfTypedNils(t *testing.T) {
	withSizes := func(s ...tg.PhotoSizeClass) *tg.Photo {
		return &tg.Photo{ID: 1, Sizes: append(s, &tg.PhotoSize{Type: "m", W: 1, H: 1, Size: 1})}
	}
	media := []tg.MessageMediaClass{
		(*tg.MessageMediaPhoto)(nil),
		(*tg.MessageMediaDocument)(nil),
		(*tg.MessageMediaWebPage)(nil),
		&tg.MessageMediaWebPage{Webpage: (*tg.WebPage)(nil)},
		(*tg.MessageMediaGame)(nil),
		(*tg.MessageMediaInvoice)(nil),
		&tg.MessageMediaInvoice{ExtendedMedia: (*tg.MessageExtendedMedia)(nil)},
		&tg.MessageMediaPhoto{Photo: (*tg.Photo)(nil)},
		&tg.MessageMediaDocument{Document: (*tg.Document)(nil)},
		&tg.MessageMediaPhoto{Photo: withSizes((*tg.PhotoSize)(nil), (*tg.PhotoSizeProgressive)(nil), (*tg.PhotoCachedSize)(nil))},
	}
	for i, m := range media {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%d: MediaLocation(%#v) panicked: %v", i, m, r)
				}
			}()
			_, _ = MediaLocation(m)
		}()
	}
	sizes := []tg.PhotoSizeClass{(*tg.PhotoSize)(nil), (*tg.PhotoSizeProgressive)(nil), (*tg.PhotoCachedSize)(nil),
		(*tg.PhotoStrippedSize)(nil), (*tg.PhotoPathSize)(nil), (*tg.PhotoSizeEmpty)(nil)}
	for _, s := range sizes {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("sizes with %T(nil) panicked: %v", s, r)
				}
			}()
			ss := []tg.PhotoSizeClass{s}
			if _, ok := BestPhotoSize(ss); ok {
				t.Errorf("BestPhotoSize picked %T(nil)", s)
			}
			_, _ = InlineThumb(ss)
			_, _ = ThumbLocation(&tg.Document{Thumbs: ss}, "m")
			_, _ = PhotoLocation(withSizes(s), "m")
		}()
	}
}
