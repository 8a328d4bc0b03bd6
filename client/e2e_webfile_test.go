package mtgo_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EWebFiles: an inline bot's results sent by URL carry web documents; the user (on DC 3,
// while web files are served by the DC its config named) downloads the content, by the web
// document, as a typed web file, by its file id and to a file, and a map preview of a location
// it sent. Unknown URLs, another hash, unaligned windows and bots are refused as Telegram does.
func TestE2EWebFiles(t *testing.T) {
	cl := cluster(t)
	const docURL, thumbURL = "https://example.com/manual.pdf", "https://example.com/thumb.jpg"
	doc := make([]byte, 2<<20+12345) // three 1 MiB windows
	for i := range doc {
		doc[i] = byte(i*31 + i>>10)
	}
	thumb := []byte("a small jpeg")
	for url, data := range map[string][]byte{docURL: doc, thumbURL: thumb} {
		mime := "application/pdf"
		if url == thumbURL {
			mime = "image/jpeg"
		}
		if err := cl.World().RegisterWebFile(url, data, mime); err != nil {
			t.Fatal(err)
		}
	}
	botUser, err := cl.World().CreateBot(world.BotSpec{FirstName: "Docs", Username: "e2e_web_bot", Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = botUser.Token })
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		r := types.NewInlineDocument("doc", docURL, "application/pdf", "Manual")
		r.ThumbURL = thumbURL
		return q.AnswerResults(ctx, []*types.InlineResult{r})
	})
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Phone: "15551290", DC: 3})
	got := make(chan *types.Message, 4)
	u.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if dc := u.Media().Options().WebFileDC; dc != 2 {
		t.Fatalf("the client learned web file DC %d, want the cluster's DC 2 (not its home DC 3)", dc)
	}

	res, err := u.GetInlineBotResults(ctxT(t), "@e2e_web_bot", "@e2e_web_bot", "", "")
	if err != nil {
		t.Fatal(err)
	}
	r, ok := res.Results[0].(*tg.BotInlineResult)
	if !ok {
		t.Fatalf("result %T", res.Results[0])
	}
	content, _ := r.Content.(*tg.WebDocument)
	thumbDoc, _ := r.Thumb.(*tg.WebDocument)
	if content == nil || thumbDoc == nil || content.Size != int32(len(doc)) || content.MimeType != "application/pdf" {
		t.Fatalf("content %+v, thumb %+v", r.Content, r.Thumb)
	}

	t.Run("by web document", func(t *testing.T) {
		var buf bytes.Buffer
		n, err := u.DownloadMedia(ctxT(t), content, &buf)
		if err != nil || n != int64(len(doc)) || !bytes.Equal(buf.Bytes(), doc) {
			t.Fatalf("DownloadMedia: %d, %v; equal %v", n, err, bytes.Equal(buf.Bytes(), doc))
		}
		got, err := u.DownloadBytes(ctxT(t), thumbDoc)
		if err != nil || !bytes.Equal(got, thumb) {
			t.Fatalf("DownloadBytes of the thumb: %q, %v", got, err)
		}
	})

	var wf *types.WebFile
	t.Run("as a typed web file", func(t *testing.T) {
		var buf bytes.Buffer
		wf, err = u.DownloadWebFile(ctxT(t), content, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), doc) || wf.URL != docURL || wf.MimeType != "application/pdf" || wf.FileSize != int64(len(doc)) || wf.FileID() == "" {
			t.Fatalf("web file %+v (id %q), %d bytes", wf, wf.FileID(), buf.Len())
		}
	})
	if wf == nil {
		t.FailNow()
	}

	t.Run("by file id", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := u.DownloadByFileID(ctxT(t), wf.FileID(), &buf); err != nil || !bytes.Equal(buf.Bytes(), doc) {
			t.Fatalf("DownloadByFileID: %v, %d bytes", err, buf.Len())
		}
		path := filepath.Join(t.TempDir(), "manual.pdf")
		if _, err := u.DownloadByFileIDToFile(ctxT(t), wf.FileID(), path); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("file: %v, %d bytes", err, len(got))
		}
		var part []byte
		for p, err := range u.StreamMediaRange(ctxT(t), wf, 1<<20-10, 1<<20+10) {
			if err != nil {
				t.Fatal(err)
			}
			part = append(part, p...)
		}
		if !bytes.Equal(part, doc[1<<20-10:1<<20+10]) {
			t.Fatalf("range: %d bytes", len(part))
		}
	})

	t.Run("map preview", func(t *testing.T) {
		m, err := u.SendLocation(ctxT(t), "@e2e_web_bot", 52.37, 4.89)
		if err != nil {
			t.Fatal(err)
		}
		geo, ok := m.RawMedia().(*tg.MessageMediaGeo)
		if !ok {
			t.Fatalf("media %T", m.RawMedia())
		}
		loc, err := media.MapLocation(geo.Geo, 300, 200, 15, 2)
		if err != nil {
			t.Fatal(err)
		}
		want, err := world.MapImage(52.37, 4.89, 300, 200, 15, 2)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		got, err := u.DownloadWebFile(ctxT(t), loc.Web, &buf)
		if err != nil || !bytes.Equal(buf.Bytes(), want) || got.MimeType != "image/png" || got.FileSize != int64(len(want)) || got.URL != "" {
			t.Fatalf("map: %+v, %v; %d bytes, want %d", got, err, buf.Len(), len(want))
		}
	})

	t.Run("invoice photo", func(t *testing.T) { // after map preview: the bot knows the user
		inv := &tg.InputMediaInvoice{
			Title: "Manual", Description: "Printed", Payload: []byte("m-1"), ProviderData: tg.DataJSON{Data: "{}"},
			Photo:   &tg.InputWebDocument{URL: thumbURL, Size: 1, MimeType: "image/jpeg", Attributes: []tg.DocumentAttributeClass{}},
			Invoice: tg.Invoice{Currency: types.StarsCurrency, Prices: []tg.LabeledPrice{{Label: "copy", Amount: 5}}},
		}
		if _, err := b.SendInvoice(ctxT(t), user.ID, inv); err != nil {
			t.Fatal(err)
		}
		m := recv(t, got, "invoice")
		invoice, ok := m.Media.(*types.Invoice)
		if !ok {
			t.Fatalf("media %T", m.Media)
		}
		photo := invoice.Photo
		if photo == nil || photo.FileSize != int64(len(thumb)) || photo.MimeType != "image/jpeg" {
			t.Fatalf("invoice photo %+v", photo)
		}
		data, err := u.DownloadBytes(ctxT(t), photo)
		if err != nil || !bytes.Equal(data, thumb) {
			t.Fatalf("invoice photo: %q, %v", data, err)
		}
		inv.Photo = &tg.InputWebDocument{URL: "file:///etc/passwd", MimeType: "image/jpeg"}
		if _, err := b.SendInvoice(ctxT(t), user.ID, inv); !rpcerr.IsType(err, "WEBDOCUMENT_URL_INVALID") {
			t.Fatalf("invoice photo of another scheme: %v", err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name string
			c    *testClient
			m    any
			rpc  string
			is   error
		}{
			{"unknown URL", u, &tg.WebDocument{URL: "https://example.com/none", AccessHash: content.AccessHash}, "LOCATION_INVALID", nil},
			{"bad access hash", u, &tg.WebDocument{URL: docURL, AccessHash: content.AccessHash + 1}, "LOCATION_INVALID", nil},
			{"a bot", b, content, "BOT_METHOD_INVALID", nil},
			{"map out of range", u, &tg.InputWebFileGeoPointLocation{GeoPoint: &tg.InputGeoPoint{Lat: 1, Long: 2}, AccessHash: world.GeoAccessHash(1, 2), W: 2000, H: 100, Zoom: 15, Scale: 1}, "LOCATION_INVALID", nil},
			{"not a web file", u, &tg.WebDocumentNoProxy{URL: docURL}, "", media.ErrNoDownloadableMedia},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.c.DownloadBytes(ctxT(t), tt.m)
				if tt.rpc != "" && !rpcerr.IsType(err, tt.rpc) {
					t.Fatalf("error %v, want %s", err, tt.rpc)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Fatalf("error %v, want %v", err, tt.is)
				}
			})
		}
		if _, err := u.DownloadWebFile(ctxT(t), "not a file id", &bytes.Buffer{}); !errors.Is(err, mtgo.ErrNotWebFile) {
			t.Fatalf("DownloadWebFile of no web file: %v", err)
		}
		// The windows follow upload.getFile's rules.
		in := &tg.InputWebFileLocation{URL: docURL, AccessHash: content.AccessHash}
		for _, w := range []struct {
			offset, limit int32
			rpc           string
		}{{1000, 4096, "OFFSET_INVALID"}, {0, 5000, "LIMIT_INVALID"}} {
			_, err := u.InvokeContext(ctxT(t), &tg.UploadGetWebFileRequest{Location: in, Offset: w.offset, Limit: w.limit}, 0, 0)
			if !rpcerr.IsType(err, w.rpc) {
				t.Fatalf("window %d+%d: %v, want %s", w.offset, w.limit, err, w.rpc)
			}
		}
	})
}
