package mtgo

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestWebLocationOf(t *testing.T) {
	const url = "https://example.com/a.png"
	web := &tg.InputWebFileLocation{URL: url, AccessHash: 9}
	webID := fileid.MustEncode(fileid.FromWeb(fileid.TypePhoto, url, 9))
	docID := fileid.MustEncode(fileid.FromDocument(&tg.Document{ID: 1, AccessHash: 2, DCID: 2, FileReference: []byte{1}, MimeType: "text/plain"}, fileid.TypeDocument))
	geo := &tg.InputWebFileGeoPointLocation{GeoPoint: &tg.InputGeoPoint{Lat: 1, Long: 2}, W: 100, H: 100, Zoom: 15, Scale: 1}
	wf := &types.WebFile{File: types.NewFile(fileid.FromWeb(fileid.TypePhoto, url, 9), 70), URL: url}
	tests := []struct {
		name string
		in   any
		want media.Location
		web  bool
		err  error
	}{
		{"web document", &tg.WebDocument{URL: url, AccessHash: 9, Size: 70}, media.Location{Web: web, Size: 70}, true, nil},
		{"web document without proxy", &tg.WebDocumentNoProxy{URL: url}, media.Location{}, true, media.ErrNoDownloadableMedia},
		{"input web file location", geo, media.Location{Web: geo}, true, nil},
		{"typed web file", wf, media.Location{Web: web, Size: 70}, true, nil},
		{"nil typed web file", (*types.WebFile)(nil), media.Location{}, true, media.ErrMediaNil},
		{"web file id", webID, media.Location{Web: web}, true, nil},
		{"web file id as FileID", types.FileID(webID), media.Location{Web: web}, true, nil},
		{"document file id", docID, media.Location{}, false, nil},
		{"malformed file id", "!!", media.Location{}, false, nil},
		{"media location", media.Location{Web: web}, media.Location{Web: web}, true, nil},
		{"file location", media.Location{Input: &tg.InputDocumentFileLocation{ID: 1}}, media.Location{}, false, nil},
		{"message media", &tg.MessageMediaEmpty{}, media.Location{}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, web, err := webLocationOf(tt.in)
			if web != tt.web || !errors.Is(err, tt.err) {
				t.Fatalf("web %v, error %v; want %v, %v", web, err, tt.web, tt.err)
			}
			if !web || err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}
