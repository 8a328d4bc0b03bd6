package fileid

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var ref5 = []byte{1, 0, 0, 0, 5}

// kinds is a location of every kind this package writes.
var kinds = []struct {
	name   string
	loc    Location
	unique Unique
	input  tg.InputFileLocationClass
}{
	{"document", Location{Type: TypeDocument, DC: 2, FileReference: ref5, ID: 10, AccessHash: -11},
		Unique{Type: UniqueDocument, ID: 10},
		&tg.InputDocumentFileLocation{ID: 10, AccessHash: -11, FileReference: ref5}},
	{"sticker without reference", Location{Type: TypeSticker, DC: 4, ID: -1, AccessHash: 1},
		Unique{Type: UniqueDocument, ID: -1},
		&tg.InputDocumentFileLocation{ID: -1, AccessHash: 1, FileReference: []byte{}}},
	{"video note", Location{Type: TypeVideoNote, DC: 5, FileReference: []byte{}, ID: 1 << 62, AccessHash: 3},
		Unique{Type: UniqueDocument, ID: 1 << 62},
		&tg.InputDocumentFileLocation{ID: 1 << 62, AccessHash: 3, FileReference: []byte{}}},
	{"long reference", Location{Type: TypeVideo, DC: 1, FileReference: []byte(strings.Repeat("r", 300)), ID: 7, AccessHash: 8},
		Unique{Type: UniqueDocument, ID: 7},
		&tg.InputDocumentFileLocation{ID: 7, AccessHash: 8, FileReference: []byte(strings.Repeat("r", 300))}},
	{"photo size y", Location{Type: TypePhoto, DC: 2, FileReference: ref5, ID: 20, AccessHash: 21,
		Source: PhotoSource{Kind: SourceThumbnail, FileType: TypePhoto, ThumbSize: 'y'}},
		Unique{Type: UniquePhoto, ID: 20, SubType: 'y' + 5},
		&tg.InputPhotoFileLocation{ID: 20, AccessHash: 21, FileReference: ref5, ThumbSize: "y"}},
	{"photo size a", Location{Type: TypePhoto, DC: 2, FileReference: ref5, ID: 20, AccessHash: 21,
		Source: PhotoSource{Kind: SourceThumbnail, FileType: TypePhoto, ThumbSize: 'a'}},
		Unique{Type: UniquePhoto, ID: 20, SubType: 0},
		&tg.InputPhotoFileLocation{ID: 20, AccessHash: 21, FileReference: ref5, ThumbSize: "a"}},
	{"document thumbnail", Location{Type: TypeThumbnail, DC: 3, FileReference: ref5, ID: 30, AccessHash: 31,
		Source: PhotoSource{Kind: SourceThumbnail, FileType: TypeThumbnail, ThumbSize: 'm'}},
		Unique{Type: UniquePhoto, ID: 30, SubType: 'm' + 5},
		&tg.InputDocumentFileLocation{ID: 30, AccessHash: 31, FileReference: ref5, ThumbSize: "m"}},
	{"user photo small", Location{Type: TypeProfilePhoto, DC: 1, ID: 40,
		Source: PhotoSource{Kind: SourceChatPhotoSmall, ChatID: 123, ChatAccessHash: 9}},
		Unique{Type: UniquePhoto, ID: 40, SubType: 0},
		&tg.InputPeerPhotoFileLocation{Peer: &tg.InputPeerUser{UserID: 123, AccessHash: 9}, PhotoID: 40}},
	{"group photo big", Location{Type: TypeProfilePhoto, DC: 1, ID: 41,
		Source: PhotoSource{Kind: SourceChatPhotoBig, ChatID: -456}},
		Unique{Type: UniquePhoto, ID: 41, SubType: 1},
		&tg.InputPeerPhotoFileLocation{Big: true, Peer: &tg.InputPeerChat{ChatID: 456}, PhotoID: 41}},
	{"channel photo big", Location{Type: TypeProfilePhoto, DC: 1, ID: 42,
		Source: PhotoSource{Kind: SourceChatPhotoBig, ChatID: -1001234567890, ChatAccessHash: -5}},
		Unique{Type: UniquePhoto, ID: 42, SubType: 1},
		&tg.InputPeerPhotoFileLocation{Big: true, Peer: &tg.InputPeerChannel{ChannelID: 1234567890, AccessHash: -5}, PhotoID: 42}},
	{"sticker set thumbnail", Location{Type: TypeThumbnail, DC: 2,
		Source: PhotoSource{Kind: SourceStickerSetThumbVersion, StickerSetID: 50, StickerSetAccessHash: 51, StickerSetVersion: 7}},
		Unique{Type: UniquePhoto, Photo: UniqueByStickerSet, ID: 50, Version: 7},
		&tg.InputStickerSetThumb{Stickerset: &tg.InputStickerSetID{ID: 50, AccessHash: 51}, ThumbVersion: 7}},
	{"legacy photo", Location{Type: TypePhoto, DC: 2, FileReference: ref5, ID: 60, AccessHash: 61,
		Source: PhotoSource{Kind: SourceFullLegacy, VolumeID: 62, LocalID: 63, Secret: 64}},
		Unique{Type: UniquePhoto, Photo: UniqueByVolume, VolumeID: 62, LocalID: 63},
		&tg.InputPhotoLegacyFileLocation{ID: 60, AccessHash: 61, FileReference: ref5, VolumeID: 62, LocalID: 63, Secret: 64}},
	{"legacy chat photo", Location{Type: TypeProfilePhoto, DC: 2, ID: 70,
		Source: PhotoSource{Kind: SourceChatPhotoBigLegacy, ChatID: 5, ChatAccessHash: 6, VolumeID: 72, LocalID: 73}},
		Unique{Type: UniquePhoto, Photo: UniqueByVolume, VolumeID: 72, LocalID: 73},
		&tg.InputPeerPhotoFileLocation{Big: true, Peer: &tg.InputPeerUser{UserID: 5, AccessHash: 6}, PhotoID: 70}},
	{"legacy sticker set thumbnail", Location{Type: TypeThumbnail, DC: 2,
		Source: PhotoSource{Kind: SourceStickerSetThumbLegacy, StickerSetID: 80, StickerSetAccessHash: 81, VolumeID: 82, LocalID: 83}},
		Unique{Type: UniquePhoto, Photo: UniqueByVolume, VolumeID: 82, LocalID: 83},
		&tg.InputStickerSetThumb{Stickerset: &tg.InputStickerSetID{ID: 80, AccessHash: 81}}},
	{"encrypted", Location{Type: TypeEncrypted, DC: 2, ID: 90, AccessHash: 91},
		Unique{Type: UniqueEncrypted, ID: 90},
		&tg.InputEncryptedFileLocation{ID: 90, AccessHash: 91}},
	{"secure", Location{Type: TypeSecure, DC: 2, ID: 92, AccessHash: 93},
		Unique{Type: UniqueSecure, ID: 92},
		&tg.InputSecureFileLocation{ID: 92, AccessHash: 93}},
	{"web", Location{Type: TypeDocument, Web: true, URL: "https://example.org/some/file.pdf?x=1", AccessHash: 99},
		Unique{Type: UniqueWeb, URL: "https://example.org/some/file.pdf?x=1"}, nil},
}

func TestRoundTrip(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			id, err := Encode(k.loc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(id)
			if err != nil {
				t.Fatalf("Decode(%q): %v", id, err)
			}
			if d := cmp.Diff(k.loc, got); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
			uid, err := UniqueID(k.loc)
			if err != nil {
				t.Fatal(err)
			}
			u, err := DecodeUnique(uid)
			if err != nil {
				t.Fatalf("DecodeUnique(%q): %v", uid, err)
			}
			if d := cmp.Diff(k.unique, u); d != "" {
				t.Errorf("unique (-want +got):\n%s", d)
			}
			in, err := k.loc.InputFileLocation()
			if k.input == nil {
				if !errors.Is(err, ErrConvert) {
					t.Errorf("InputFileLocation: %v, want ErrConvert", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(k.input, in); d != "" {
				t.Errorf("InputFileLocation (-want +got):\n%s", d)
			}
			ml, err := k.loc.MediaLocation()
			if err != nil || ml.DC != k.loc.DC {
				t.Errorf("MediaLocation = %+v, %v", ml, err)
			}
		})
	}
}

// old builds an id the way older writers did: body, then the version trailer.
func old(body func(w *writer), trailer ...byte) string {
	var w writer
	body(&w)
	return rawString(append(rleEncode(nil, w.b), trailer...))
}

func TestOldLayouts(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want Location
	}{
		{"version 2 photo", old(func(w *writer) {
			w.int32(int32(TypePhoto) | referenceFlag)
			w.int32(2)
			w.bytes(ref5)
			w.int64(1)
			w.int64(2)
			w.int64(3) // volume
			w.int64(4) // secret
			w.int32(5) // local
		}, versionOld), Location{Type: TypePhoto, DC: 2, FileReference: ref5, ID: 1, AccessHash: 2,
			Source: PhotoSource{Kind: SourceFullLegacy, VolumeID: 3, Secret: 4, LocalID: 5}}},
		{"version 2 document", old(func(w *writer) {
			w.int32(int32(TypeVoice))
			w.int32(1)
			w.int64(-1)
			w.int64(-2)
		}, versionOld), Location{Type: TypeVoice, DC: 1, ID: -1, AccessHash: -2}},
		{"sub-version 22 thumbnail", old(func(w *writer) {
			w.int32(int32(TypePhoto) | referenceFlag)
			w.int32(2)
			w.bytes(ref5)
			w.int64(1)
			w.int64(2)
			w.int64(3) // volume
			w.int32(int32(SourceThumbnail))
			w.int32(int32(TypePhoto))
			w.int32('x')
			w.int32(5) // local
		}, 22, Version), Location{Type: TypePhoto, DC: 2, FileReference: ref5, ID: 1, AccessHash: 2,
			Source: PhotoSource{Kind: SourceThumbnail, FileType: TypePhoto, ThumbSize: 'x'}}},
		{"sub-version 30 chat photo", old(func(w *writer) {
			w.int32(int32(TypeProfilePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(0)
			w.int64(3) // volume
			w.int32(int32(SourceChatPhotoBig))
			w.int64(-1001)
			w.int64(9)
			w.int32(5) // local
		}, 30, Version), Location{Type: TypeProfilePhoto, DC: 2, ID: 1,
			Source: PhotoSource{Kind: SourceChatPhotoBigLegacy, ChatID: -1001, ChatAccessHash: 9, VolumeID: 3, LocalID: 5}}},
		{"sub-version 24 legacy source", old(func(w *writer) {
			w.int32(int32(TypePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(2)
			w.int64(3) // volume
			w.int32(int32(SourceLegacy))
			w.int64(8) // secret
			w.int32(5) // local
		}, 24, Version), Location{Type: TypePhoto, DC: 2, ID: 1, AccessHash: 2,
			Source: PhotoSource{Kind: SourceFullLegacy, VolumeID: 3, Secret: 8, LocalID: 5}}},
		{"invalid reference mark", old(func(w *writer) {
			w.int32(int32(TypeDocument) | referenceFlag)
			w.int32(2)
			w.bytes([]byte("#"))
			w.int64(1)
			w.int64(2)
		}, SubVersion, Version), Location{Type: TypeDocument, DC: 2, ID: 1, AccessHash: 2}},
		{"padded base64", old(func(w *writer) {
			w.int32(int32(TypeAudio))
			w.int32(3)
			w.int64(1)
			w.int64(2)
		}, SubVersion, Version) + "==", Location{Type: TypeAudio, DC: 3, ID: 1, AccessHash: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	doc := func(w *writer) {
		w.int32(int32(TypeDocument))
		w.int32(2)
		w.int64(1)
		w.int64(2)
	}
	tests := []struct {
		name string
		id   string
		want error
	}{
		{"empty", "", ErrInvalid},
		{"bad base64", "a*b", ErrInvalid},
		{"too long", strings.Repeat("A", MaxLen+1), ErrInvalid},
		{"version 3", old(doc, SubVersion, 3), ErrUnsupported},
		{"future sub-version", old(doc, SubVersion+1, Version), ErrUnsupported},
		{"truncated", old(func(w *writer) { w.int32(int32(TypeDocument)); w.int32(2); w.int64(1) }, SubVersion, Version), ErrInvalid},
		{"trailing bytes", old(func(w *writer) { doc(w); w.byte(1) }, SubVersion, Version), ErrInvalid},
		{"zero run without length", rawString([]byte{5, 0, SubVersion, Version}), ErrInvalid},
		{"expands too far", rawString(append([]byte(strings.Repeat("\x00\xff", 3000)), SubVersion, Version)), ErrInvalid},
		{"unknown type", old(func(w *writer) { w.int32(99); w.int32(2); w.int64(1); w.int64(2) }, SubVersion, Version), ErrUnsupported},
		{"temp file", old(func(w *writer) { w.int32(int32(TypeTemp)); w.int32(2); w.int64(1); w.int64(2) }, SubVersion, Version), ErrUnsupported},
		{"unknown source", old(func(w *writer) {
			w.int32(int32(TypePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(2)
			w.int32(42)
		}, SubVersion, Version), ErrUnsupported},
		{"thumbnail of another type", old(func(w *writer) {
			w.int32(int32(TypePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(2)
			w.int32(int32(SourceThumbnail))
			w.int32(int32(TypeThumbnail))
			w.int32('m')
		}, SubVersion, Version), ErrInvalid},
		{"thumbnail size out of range", old(func(w *writer) {
			w.int32(int32(TypePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(2)
			w.int32(int32(SourceThumbnail))
			w.int32(int32(TypePhoto))
			w.int32(300)
		}, SubVersion, Version), ErrInvalid},
		{"chat photo in a photo id", old(func(w *writer) {
			w.int32(int32(TypePhoto))
			w.int32(2)
			w.int64(1)
			w.int64(2)
			w.int32(int32(SourceChatPhotoBig))
			w.int64(1)
			w.int64(2)
		}, SubVersion, Version), ErrInvalid},
		{"byte string marker 255", old(func(w *writer) { w.int32(int32(TypeDocument) | referenceFlag); w.int32(2); w.byte(255) }, SubVersion, Version), ErrInvalid},
		{"byte string past the end", old(func(w *writer) { w.int32(int32(TypeDocument) | referenceFlag); w.int32(2); w.byte(200) }, SubVersion, Version), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, err := Decode(tt.id); !errors.Is(err, tt.want) {
				t.Errorf("Decode = %+v, %v; want %v", l, err, tt.want)
			}
		})
	}
}

func TestDecodeUniqueErrors(t *testing.T) {
	for _, id := range []string{
		"", "!!", rawString(rleEncode(nil, []byte{9, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8})),
		rawString(rleEncode(nil, []byte{1, 0, 0, 0, 1, 2, 3})),
		rawString(rleEncode(nil, []byte{1, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4})),
		rawString(rleEncode(nil, []byte{2, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})),
	} {
		if u, err := DecodeUnique(id); err == nil {
			t.Errorf("DecodeUnique(%q) = %+v, want an error", id, u)
		}
	}
}

func TestConversions(t *testing.T) {
	photo := &tg.Photo{ID: 1, AccessHash: 2, FileReference: ref5, DCID: 4}
	doc := &tg.Document{ID: 3, AccessHash: 4, FileReference: ref5, DCID: 2}
	p := FromPhoto(photo, "x")
	if in, err := p.InputPhoto(); err != nil || in.ID != 1 || in.AccessHash != 2 {
		t.Errorf("InputPhoto = %+v, %v", in, err)
	}
	if m, err := p.InputMedia(); err != nil {
		t.Error(err)
	} else if _, ok := m.(*tg.InputMediaPhoto); !ok {
		t.Errorf("InputMedia of a photo = %T", m)
	}
	if _, err := p.InputDocument(); !errors.Is(err, ErrConvert) {
		t.Errorf("InputDocument of a photo: %v", err)
	}
	d := FromDocument(doc, TypeVideo)
	if m, err := d.InputMedia(); err != nil {
		t.Error(err)
	} else if md, ok := m.(*tg.InputMediaDocument); !ok || md.ID.(*tg.InputDocument).ID != 3 {
		t.Errorf("InputMedia of a document = %#v", m)
	}
	if _, err := d.InputPhoto(); !errors.Is(err, ErrConvert) {
		t.Errorf("InputPhoto of a document: %v", err)
	}
	th := FromDocumentThumb(doc, "m")
	if _, err := th.InputPhoto(); !errors.Is(err, ErrConvert) {
		t.Errorf("InputPhoto of a thumbnail: %v", err)
	}
	w := FromWeb(TypePhoto, "https://x.org/a.jpg", 5)
	if in, err := w.InputWebFileLocation(); err != nil || in.URL != "https://x.org/a.jpg" {
		t.Errorf("InputWebFileLocation = %+v, %v", in, err)
	}
	if m, err := w.InputMedia(); err != nil {
		t.Error(err)
	} else if _, ok := m.(*tg.InputMediaPhotoExternal); !ok {
		t.Errorf("InputMedia of a web photo = %T", m)
	}
	if _, err := d.InputWebFileLocation(); !errors.Is(err, ErrConvert) {
		t.Errorf("InputWebFileLocation of a document: %v", err)
	}
	if _, err := (Location{Type: TypePhoto, Source: PhotoSource{Kind: SourceLegacy}}).InputFileLocation(); !errors.Is(err, ErrConvert) {
		t.Errorf("legacy photo: %v", err)
	}
	if _, err := UniqueID(Location{Type: TypePhoto, Source: PhotoSource{Kind: SourceLegacy}}); !errors.Is(err, ErrConvert) {
		t.Errorf("unique id of a legacy photo: %v", err)
	}
	// math.MinInt64 has no negation: it names no basic group (nor a channel).
	for _, id := range []int64{0, -1_000_000_000_000, -2_000_000_000_001, math.MinInt64, math.MinInt64 + 1} {
		if _, err := InputPeer(id, 0); !errors.Is(err, ErrConvert) {
			t.Errorf("InputPeer(%d): %v", id, err)
		}
	}
	cp := FromChatPhoto(-1001234567890, 7, 8, 1, true)
	if _, err := cp.MediaLocation(); err != nil {
		t.Error(err)
	}
	set := FromStickerSetThumb(&tg.StickerSet{ID: 5, AccessHash: 6}, 3, 2)
	if s := set.String(); s == "" || strings.HasPrefix(s, "fileid(") {
		t.Errorf("String = %q", s)
	}
	if s := (Location{Type: 99}).String(); !strings.HasPrefix(s, "fileid(") {
		t.Errorf("String of an invalid location = %q", s)
	}
	var _ media.Location
}

func TestTypeString(t *testing.T) {
	if TypeVideoNote.String() != "video note" || Type(99).String() != "type(99)" {
		t.Error(TypeVideoNote.String(), Type(99).String())
	}
}

// writer builds ids by hand in tests.
type writer struct{ b []byte }

func (w *writer) int32(v int32)  { w.b = putInt32(w.b, v) }
func (w *writer) int64(v int64)  { w.b = putInt64(w.b, v) }
func (w *writer) byte(v byte)    { w.b = append(w.b, v) }
func (w *writer) bytes(p []byte) { w.b = putBytes(w.b, p) }

// Ids at the length limit whose canonical form is longer (version 2 has no sub-version byte,
// the layout before sub-version 22 no size source kind): Decode reads an id only when the id
// Encode writes for its location can be read back, so decoding, encoding and decoding again
// always agree (the promise FuzzDecode checks).
func TestLengthLimitRoundTrip(t *testing.T) {
	// fill returns the longest id of at most MaxLen characters that body(n) builds, n being
	// the length of its variable field.
	fill := func(body func(w *writer, n int), trailer ...byte) string {
		best := ""
		for n := 6000; n < 6200; n++ {
			id := old(func(w *writer) { body(w, n) }, trailer...)
			if len(id) > MaxLen {
				break
			}
			best = id
		}
		return best
	}
	web := func(w *writer, n int) {
		w.int32(int32(TypeDocument) | webFlag)
		w.int32(0)
		w.bytes([]byte(strings.Repeat("u", n)))
		w.int64(-1)
	}
	legacyPhoto := func(w *writer, n int) {
		w.int32(int32(TypePhoto) | referenceFlag)
		w.int32(2)
		w.bytes([]byte(strings.Repeat("r", n)))
		w.int64(-1)
		w.int64(-2)
		w.int64(-3) // volume
		w.int64(-4) // secret
		w.int32(5)  // local id
	}
	for _, tt := range []struct{ name, id string }{
		{"web file, version 4", fill(web, SubVersion, Version)},
		{"web file, version 2", fill(web, versionOld)},
		{"legacy photo, sub-version 21", fill(legacyPhoto, 21, Version)},
		{"legacy photo, version 2", fill(legacyPhoto, versionOld)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.id) < MaxLen-4 {
				t.Fatalf("test id of %d characters, want about %d", len(tt.id), MaxLen)
			}
			l, err := Decode(tt.id)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Decode: %v, want a location or ErrInvalid", err)
				}
				return
			}
			again, err := Encode(l)
			if err != nil {
				t.Fatalf("Encode of a decoded location: %v", err)
			}
			l2, err := Decode(again)
			if err != nil {
				t.Fatalf("Decode(Encode(Decode(id))) of %d characters: %v", len(again), err)
			}
			if d := cmp.Diff(l, l2); d != "" {
				t.Fatal(d)
			}
		})
	}
	// Encode refuses what Decode could not read back.
	_, err := Encode(Location{Type: TypeDocument, Web: true, URL: strings.Repeat("u", MaxLen)})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Encode of a %d-byte URL: %v, want ErrInvalid", MaxLen, err)
	}
}

// rawString is the base64 form of b with no length limit, for ids built by hand.
func rawString(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
