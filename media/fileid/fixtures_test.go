package fileid

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture is one case of testdata/file-ids.json: ids made by @mtcute/file-id from the
// location beside them (longs as decimal strings, bytes as hex).
type fixture struct {
	Name     string `json:"name"`
	FileID   string `json:"file_id"`
	UniqueID string `json:"file_unique_id"`
	Location struct {
		DC            int     `json:"dcId"`
		Type          int32   `json:"type"`
		FileReference *string `json:"fileReference"`
		Location      struct {
			Kind       string `json:"_"`
			ID         string `json:"id"`
			AccessHash string `json:"accessHash"`
			URL        string `json:"url"`
			Source     *struct {
				Kind       string      `json:"_"`
				FileType   int32       `json:"fileType"`
				Thumb      string      `json:"thumbnailType"`
				Big        bool        `json:"big"`
				ID         json.Number `json:"id"`
				AccessHash string      `json:"accessHash"`
			} `json:"source"`
		} `json:"location"`
	} `json:"location"`
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	data, err := os.ReadFile("testdata/file-ids.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []fixture `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no fixtures")
	}
	return f.Cases
}

func long(t *testing.T, s string) int64 {
	t.Helper()
	if s == "" {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("long %q: %v", s, err)
	}
	return v
}

// location is the Location a fixture describes.
func (f fixture) location(t *testing.T) Location {
	fl := f.Location
	l := Location{Type: Type(fl.Type), DC: fl.DC}
	if fl.FileReference != nil {
		b, err := hex.DecodeString(*fl.FileReference)
		if err != nil {
			t.Fatal(err)
		}
		l.FileReference = append([]byte{}, b...)
	}
	in := fl.Location
	l.ID, l.AccessHash = long(t, in.ID), long(t, in.AccessHash)
	switch in.Kind {
	case "web":
		l.Web, l.URL = true, in.URL
	case "common":
	case "photo":
		s := in.Source
		switch s.Kind {
		case "thumbnail":
			l.Source = PhotoSource{Kind: SourceThumbnail, FileType: Type(s.FileType), ThumbSize: s.Thumb[0]}
		case "dialogPhoto":
			l.Source = PhotoSource{Kind: SourceChatPhotoSmall, ChatID: long(t, s.ID.String()), ChatAccessHash: long(t, s.AccessHash)}
			if s.Big {
				l.Source.Kind = SourceChatPhotoBig
			}
		default:
			t.Fatalf("%s: source %q not in the test's reader", f.Name, s.Kind)
		}
	default:
		t.Fatalf("%s: location %q", f.Name, in.Kind)
	}
	return l
}

func TestFixtures(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.Name, func(t *testing.T) {
			want := f.location(t)
			got, err := Decode(f.FileID)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Decode (-want +got):\n%s", d)
			}
			id, err := Encode(want)
			if err != nil || id != f.FileID {
				t.Errorf("Encode = %q, %v; want %q", id, err, f.FileID)
			}
			uid, err := UniqueID(want)
			if err != nil || uid != f.UniqueID {
				t.Errorf("UniqueID = %q, %v; want %q", uid, err, f.UniqueID)
			}
			if _, err := DecodeUnique(f.UniqueID); err != nil {
				t.Errorf("DecodeUnique: %v", err)
			}
		})
	}
}
