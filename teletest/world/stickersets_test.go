package world

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStickerSet: a set added by a test answers messages.getStickerSet by id (with its access
// hash) and by short name in any case, with its stickers (each naming the set by id, its file
// served with the answer's reference) and one pack per emoji; its hash answers
// stickerSetNotModified; unknown sets, wrong hashes and unmodelled kinds answer
// STICKERSET_INVALID.
func TestStickerSet(t *testing.T) {
	w := newWorld(t, Config{})
	u, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"})
	key := KeyID{1}
	if err := w.Authorize(key, u.ID); err != nil {
		t.Fatal(err)
	}
	in, ids, err := w.AddStickerSet(StickerSetSpec{ShortName: "Cats_1", Title: "Cats", Stickers: []StickerSpec{
		{Alt: "😺"}, {Alt: "😿", Data: []byte("\x1f\x8btgs cry"), MimeType: "application/x-tgsticker"}, {Alt: "😺"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 {
		t.Fatalf("document ids %v", ids)
	}
	if _, err := w.StickerSet(KeyID{9}, &in, 0); !errors.Is(err, ErrAuthKeyUnregistered) {
		t.Fatalf("unauthorized key: %v", err)
	}
	res, err := w.StickerSet(key, &tg.InputStickerSetShortName{ShortName: "cATS_1"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	set, ok := res.(*tg.MessagesStickerSet)
	if !ok {
		t.Fatalf("answer %T", res)
	}
	wantSet := tg.StickerSet{ID: in.ID, AccessHash: in.AccessHash, Title: "Cats", ShortName: "Cats_1", Count: 3, Hash: set.Set.Hash}
	if diff := cmp.Diff(wantSet, set.Set); diff != "" || set.Set.Hash == 0 {
		t.Fatalf("set (-want +got):\n%s", diff)
	}
	wantPacks := []tg.StickerPack{{Emoticon: "😺", Documents: []int64{ids[0], ids[2]}}, {Emoticon: "😿", Documents: []int64{ids[1]}}}
	if diff := cmp.Diff(wantPacks, set.Packs); diff != "" {
		t.Fatalf("packs (-want +got):\n%s", diff)
	}
	for i, dc := range set.Documents {
		d := dc.(*tg.Document)
		if d.ID != ids[i] || !strings.HasPrefix(d.MimeType, []string{"image/webp", "application/x-tgsticker", "image/webp"}[i]) {
			t.Fatalf("document %d: %+v", i, d)
		}
		var named *tg.InputStickerSetID
		for _, a := range d.Attributes {
			if s, ok := a.(*tg.DocumentAttributeSticker); ok {
				named, _ = s.Stickerset.(*tg.InputStickerSetID)
			}
		}
		if named == nil || *named != in {
			t.Fatalf("document %d names set %v, want %v", i, named, in)
		}
		loc := &tg.InputDocumentFileLocation{ID: d.ID, AccessHash: d.AccessHash, FileReference: d.FileReference}
		if got, err := w.GetFile(key, 0, loc, 0, 4096, false); err != nil || len(got.Bytes) != int(d.Size) {
			t.Fatalf("document %d: download %v, %v", i, got, err)
		}
	}
	byID, err := w.StickerSet(key, &in, 0)
	if diff := cmp.Diff(res, byID); err != nil || diff != "" {
		t.Fatalf("by id: %v (-by name +by id):\n%s", err, diff)
	}
	for _, tc := range []struct {
		name string
		in   tg.InputStickerSetClass
		hash int32
		want string
		err  error
	}{
		{"current hash", &in, set.Set.Hash, "messages.stickerSetNotModified", nil},
		{"other hash", &in, set.Set.Hash + 2, "messages.stickerSet", nil},
		{"unknown name", &tg.InputStickerSetShortName{ShortName: "dogs"}, 0, "", ErrStickersetInvalid},
		{"wrong access hash", &tg.InputStickerSetID{ID: in.ID, AccessHash: in.AccessHash + 1}, 0, "", ErrStickersetInvalid},
		{"unknown id", &tg.InputStickerSetID{ID: in.ID + 1, AccessHash: in.AccessHash}, 0, "", ErrStickersetInvalid},
		{"empty", &tg.InputStickerSetEmpty{}, 0, "", ErrStickersetInvalid},
		{"animated emoji", &tg.InputStickerSetAnimatedEmoji{}, 0, "", ErrStickersetInvalid},
	} {
		got, err := w.StickerSet(key, tc.in, tc.hash)
		switch {
		case tc.err != nil && !errors.Is(err, tc.err):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		case tc.err == nil && (err != nil || got.TypeName() != tc.want):
			t.Errorf("%s: %v, %v; want %s", tc.name, got, err, tc.want)
		}
	}

	bad := []struct {
		name string
		spec StickerSetSpec
	}{
		{"taken short name", StickerSetSpec{ShortName: "cats_1", Title: "T", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"no short name", StickerSetSpec{Title: "T", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"long short name", StickerSetSpec{ShortName: strings.Repeat("a", MaxStickerSetName+1), Title: "T", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"digit first", StickerSetSpec{ShortName: "1cats", Title: "T", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"space", StickerSetSpec{ShortName: "ca ts", Title: "T", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"no title", StickerSetSpec{ShortName: "dogs", Stickers: []StickerSpec{{Alt: "a"}}}},
		{"no stickers", StickerSetSpec{ShortName: "dogs", Title: "T"}},
		{"too many stickers", StickerSetSpec{ShortName: "dogs", Title: "T", Stickers: make([]StickerSpec, MaxStickerSetStickers+1)}},
	}
	for _, tc := range bad {
		if _, _, err := w.AddStickerSet(tc.spec); !errors.Is(err, errStickerSetSpec) {
			t.Errorf("%s: %v, want errStickerSetSpec", tc.name, err)
		}
	}
}
