package fileid

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecode feeds arbitrary strings to Decode: it never panics, and what it accepts encodes
// to an id that decodes to the same location.
func FuzzDecode(f *testing.F) {
	for _, k := range kinds {
		f.Add(MustEncode(k.loc))
	}
	for _, c := range loadFixtures(f) {
		f.Add(c.FileID)
	}
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, id string) {
		l, err := Decode(id)
		if err != nil {
			return
		}
		again, err := Encode(l)
		if err != nil {
			t.Fatalf("Encode of decoded %+v: %v", l, err)
		}
		l2, err := Decode(again)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))): %v", id, err)
		}
		if d := cmp.Diff(l, l2); d != "" {
			t.Fatalf("not stable (-first +second):\n%s", d)
		}
		_, _ = UniqueID(l)
		_, _ = l.InputFileLocation()
		_, _ = l.InputMedia()
	})
}

// FuzzDecodeUnique feeds arbitrary strings to DecodeUnique: it never panics.
func FuzzDecodeUnique(f *testing.F) {
	for _, k := range kinds {
		if s, err := UniqueID(k.loc); err == nil {
			f.Add(s)
		}
	}
	for _, c := range loadFixtures(f) {
		f.Add(c.UniqueID)
	}
	f.Fuzz(func(t *testing.T, id string) {
		_, _ = DecodeUnique(id)
	})
}
