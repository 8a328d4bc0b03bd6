package world

import (
	"bytes"
	"errors"
	"image/png"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

const webURLA = "https://example.com/a.bin"

func TestGetWebFile(t *testing.T) {
	s := newSendWorld(t)
	w := s.w
	data := bytes.Repeat([]byte("0123456789abcdef"), 600) // 9600 bytes: 3 windows of 4 KiB
	if err := w.RegisterWebFile(webURLA, data, "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
	doc, err := w.WebDocument(s.a.ID, webURLA)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Size != int32(len(data)) || doc.MimeType != "application/octet-stream" || doc.URL != webURLA {
		t.Fatalf("web document %+v", doc)
	}
	other, _ := w.WebDocument(s.b.ID, webURLA)
	if other.AccessHash == doc.AccessHash {
		t.Fatal("two viewers got the same access hash")
	}
	bot, err := w.CreateBot(BotSpec{FirstName: "B", Username: "web_bot"})
	if err != nil {
		t.Fatal(err)
	}
	kbot := KeyID{9}
	if err := w.Authorize(kbot, bot.ID); err != nil {
		t.Fatal(err)
	}
	at := func(hash int64) *tg.InputWebFileLocation {
		return &tg.InputWebFileLocation{URL: webURLA, AccessHash: hash}
	}
	geo := &tg.InputGeoPoint{Lat: 52.37, Long: 4.89}
	geoHash := GeoAccessHash(geo.Lat, geo.Long)
	mapAt := func(w, h, zoom, scale int32) *tg.InputWebFileGeoPointLocation {
		return &tg.InputWebFileGeoPointLocation{GeoPoint: geo, AccessHash: geoHash, W: w, H: h, Zoom: zoom, Scale: scale}
	}
	tests := []struct {
		name          string
		key           KeyID
		loc           tg.InputWebFileLocationClass
		offset, limit int32
		want          []byte // nil: only the error matters
		err           string
	}{
		{"first window", s.ka, at(doc.AccessHash), 0, 4096, data[:4096], ""},
		{"last window", s.ka, at(doc.AccessHash), 8192, 4096, data[8192:], ""},
		{"past the end", s.ka, at(doc.AccessHash), 16384, 4096, []byte{}, ""},
		{"whole file", s.ka, at(doc.AccessHash), 0, 1 << 20, data, ""},
		{"another viewer's hash", s.ka, at(other.AccessHash), 0, 4096, nil, "LOCATION_INVALID"},
		{"unknown URL", s.ka, &tg.InputWebFileLocation{URL: "https://example.com/none", AccessHash: doc.AccessHash}, 0, 4096, nil, "LOCATION_INVALID"},
		{"offset not aligned", s.ka, at(doc.AccessHash), 1024, 4096, nil, "OFFSET_INVALID"},
		{"limit not a power of two", s.ka, at(doc.AccessHash), 0, 5000, nil, "LIMIT_INVALID"},
		{"limit over 1 MiB", s.ka, at(doc.AccessHash), 0, 2 << 20, nil, "LIMIT_INVALID"},
		{"bot", kbot, at(doc.AccessHash), 0, 4096, nil, "BOT_METHOD_INVALID"},
		{"album cover", s.ka, &tg.InputWebFileAudioAlbumThumbLocation{}, 0, 4096, nil, "LOCATION_INVALID"},
		{"map", s.ka, mapAt(100, 60, 15, 2), 0, 1 << 20, mustMap(t, geo.Lat, geo.Long, 100, 60, 15, 2), ""},
		{"map with a wrong hash", s.ka, &tg.InputWebFileGeoPointLocation{GeoPoint: geo, AccessHash: geoHash + 1, W: 100, H: 100, Zoom: 15, Scale: 1}, 0, 4096, nil, "LOCATION_INVALID"},
		{"map too small", s.ka, mapAt(15, 100, 15, 1), 0, 4096, nil, "LOCATION_INVALID"},
		{"map too wide", s.ka, mapAt(1025, 100, 15, 1), 0, 4096, nil, "LOCATION_INVALID"},
		{"map zoom 12", s.ka, mapAt(100, 100, 12, 1), 0, 4096, nil, "LOCATION_INVALID"},
		{"map zoom 21", s.ka, mapAt(100, 100, 21, 1), 0, 4096, nil, "LOCATION_INVALID"},
		{"map scale 4", s.ka, mapAt(100, 100, 15, 4), 0, 4096, nil, "LOCATION_INVALID"},
		{"map off the globe", s.ka, &tg.InputWebFileGeoPointLocation{GeoPoint: &tg.InputGeoPoint{Lat: 91}, AccessHash: GeoAccessHash(91, 0), W: 100, H: 100, Zoom: 15, Scale: 1}, 0, 4096, nil, "LOCATION_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.GetWebFile(tt.key, tt.loc, tt.offset, tt.limit)
			if !wantRPC(t, err, tt.err) {
				return
			}
			if diff := cmp.Diff(tt.want, got.Bytes); diff != "" {
				t.Fatalf("bytes (-want +got):\n%s", diff)
			}
			if got.Size <= 0 || got.MimeType == "" {
				t.Fatalf("size %d, mime %q", got.Size, got.MimeType)
			}
		})
	}
}

// wantRPC fails the test unless err is the rpc_error msg ("": no error); it reports whether
// the call succeeded.
func wantRPC(t *testing.T, err error, msg string) bool {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatal(err)
		}
		return true
	}
	var re *RPCError
	if !errors.As(err, &re) || re.Message != msg {
		t.Fatalf("error %v, want %s", err, msg)
	}
	return false
}

func mustMap(t *testing.T, lat, long float64, w, h, zoom, scale int) []byte {
	t.Helper()
	p, err := MapImage(lat, long, w, h, zoom, scale)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMapImageDeterministic(t *testing.T) {
	a := mustMap(t, 1, 2, 64, 32, 13, 3)
	if b := mustMap(t, 1, 2, 64, 32, 13, 3); !bytes.Equal(a, b) {
		t.Fatal("same arguments, different images")
	}
	if c := mustMap(t, 1, 2, 64, 32, 14, 3); bytes.Equal(a, c) {
		t.Fatal("another zoom, same image")
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 192 || b.Dy() != 96 {
		t.Fatalf("image %v, want 192x96", b)
	}
	if _, err := MapImage(1, 2, 0, 32, 13, 1); err == nil {
		t.Fatal("a zero width was drawn")
	}
}

func TestRegisterWebFileChecks(t *testing.T) {
	w := newWorld(t, Config{})
	tests := []struct {
		name, url, mime string
		size            int
		err             string
	}{
		{"ok", "http://example.com/x.png", "image/png", 10, ""},
		{"ftp", "ftp://example.com/x", "image/png", 10, "WEBDOCUMENT_URL_INVALID"},
		{"no host", "https:///x", "image/png", 10, "WEBDOCUMENT_URL_INVALID"},
		{"bad mime", "https://example.com/x", "png", 10, "WEBDOCUMENT_MIME_INVALID"},
		{"too big", "https://example.com/x", "image/png", MaxWebFileSize + 1, "WEBDOCUMENT_SIZE_TOO_BIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRPC(t, w.RegisterWebFile(tt.url, make([]byte, tt.size), tt.mime), tt.err)
		})
	}
}

// TestInlineResultsCarryWebDocuments: results sent by URL show their thumb and content as web
// documents whose access hash is the asking person's.
func TestInlineResultsCarryWebDocuments(t *testing.T) {
	s := newSendWorld(t)
	w := s.w
	if err := w.RegisterWebFile("https://example.com/t.jpg", []byte("thumb"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	out := []tg.BotInlineResultClass{&tg.BotInlineResult{ID: "1"}}
	in := []tg.InputBotInlineResultClass{&tg.InputBotInlineResult{
		ID: "1", Type: "photo",
		Thumb:   &tg.InputWebDocument{URL: "https://example.com/t.jpg", Size: 99, MimeType: "image/png"},
		Content: &tg.InputWebDocument{URL: "https://example.com/c.jpg", Size: 7, MimeType: "image/jpeg"},
	}}
	w.mu.Lock()
	w.attachWebDocuments(s.a.ID, in, out)
	w.mu.Unlock()
	r := out[0].(*tg.BotInlineResult)
	thumb, _ := r.Thumb.(*tg.WebDocument)
	content, _ := r.Content.(*tg.WebDocument)
	if thumb == nil || thumb.Size != 5 || thumb.MimeType != "image/jpeg" || thumb.AccessHash != w.webAccessHash(s.a.ID, thumb.URL) {
		t.Fatalf("thumb %+v", r.Thumb)
	}
	if content == nil || content.Size != 7 || content.MimeType != "image/jpeg" {
		t.Fatalf("content %+v", r.Content)
	}
	f, err := w.GetWebFile(s.ka, &tg.InputWebFileLocation{URL: thumb.URL, AccessHash: thumb.AccessHash}, 0, 4096)
	if err != nil || string(f.Bytes) != "thumb" {
		t.Fatalf("download: %v, %q", err, f)
	}
	if _, err := w.GetWebFile(s.ka, &tg.InputWebFileLocation{URL: content.URL, AccessHash: content.AccessHash}, 0, 4096); !errors.Is(err, ErrLocationInvalid) {
		t.Fatalf("content without registered bytes: %v", err)
	}
}

func TestCheckInputWebDocument(t *testing.T) {
	tests := []struct {
		name string
		in   *tg.InputWebDocument
		err  string
	}{
		{"none", nil, ""},
		{"ok", &tg.InputWebDocument{URL: "https://example.com/a.jpg", MimeType: "image/jpeg"}, ""},
		{"another scheme", &tg.InputWebDocument{URL: "file:///a.jpg", MimeType: "image/jpeg"}, "WEBDOCUMENT_URL_INVALID"},
		{"no type", &tg.InputWebDocument{URL: "https://example.com/a.jpg"}, "WEBDOCUMENT_MIME_INVALID"},
		{"negative size", &tg.InputWebDocument{URL: "https://example.com/a.jpg", MimeType: "image/jpeg", Size: -1}, "WEBDOCUMENT_SIZE_TOO_BIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRPC(t, checkInputWebDocument(tt.in), tt.err) })
	}
}

// An invoice's photo is a web document with each viewer's own access hash.
func TestInvoicePhotoPerViewer(t *testing.T) {
	s := newSendWorld(t)
	in := &invoice{title: "T", photo: &tg.InputWebDocument{URL: "https://example.com/p.jpg", Size: 3, MimeType: "image/jpeg"}}
	s.w.mu.Lock()
	a, b := s.w.invoiceTG(s.a.ID, in), s.w.invoiceTG(s.b.ID, in)
	s.w.mu.Unlock()
	pa, _ := a.Photo.(*tg.WebDocument)
	pb, _ := b.Photo.(*tg.WebDocument)
	if pa == nil || pb == nil || pa.AccessHash == pb.AccessHash || pa.AccessHash != s.w.webAccessHash(s.a.ID, pa.URL) {
		t.Fatalf("photos %+v, %+v", a.Photo, b.Photo)
	}
	if none := s.w.invoiceTG(s.a.ID, &invoice{title: "T"}); none.Photo != nil {
		t.Fatalf("photo of an invoice without one: %+v", none.Photo)
	}
}
