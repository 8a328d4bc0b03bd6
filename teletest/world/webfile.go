package world

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"mime"
	"net/url"
	"strings"
	"sync"

	mtmedia "github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Web files: documents Telegram serves from the web (upload.getWebFile). The test world never
// reaches the internet; the content behind a URL is what a test registered with
// RegisterWebFile. Web documents the world hands out (the thumb and content of inline results
// sent by URL, WebDocument) carry a per-viewer access hash derived from the world's secret,
// as peers' access hashes are, so a client can only download what it was shown. Map previews
// of a geo point (inputWebFileGeoPointLocation) are generated: a deterministic PNG of the
// requested size, not a map.

// Limits of upload.getWebFile's map previews (inputWebFileGeoPointLocation), kept once in the
// media module with the client's check (media.MapLocation): width and height 16-1024 pixels
// before scale, zoom 13-20, scale 1-3.
const (
	MinMapSize  = mtmedia.MinMapSize
	MaxMapSize  = mtmedia.MaxMapSize
	MinMapZoom  = mtmedia.MinMapZoom
	MaxMapZoom  = mtmedia.MaxMapZoom
	MaxMapScale = mtmedia.MaxMapScale
)

// MaxWebFileSize bounds the content one RegisterWebFile call stores (the test server's own
// bound, to keep a long test's memory in check).
const MaxWebFileSize = 64 << 20

// maxMapCache is how many generated map images are kept for the next chunks of a download.
const maxMapCache = 8

// Errors of web files, as Telegram names them.
var (
	ErrWebDocumentURLInvalid  = rpcErr(400, "WEBDOCUMENT_URL_INVALID")
	ErrWebDocumentMimeInvalid = rpcErr(400, "WEBDOCUMENT_MIME_INVALID")
	ErrWebDocumentSizeTooBig  = rpcErr(400, "WEBDOCUMENT_SIZE_TOO_BIG")
)

// webFile is the registered content behind a URL.
type webFile struct {
	data  []byte
	mime  string
	mtime int32
}

// webFiles is the world's web file store (the web files family's fields of World).
type webFiles struct {
	byURL map[string]*webFile // created on first use
	maps  mapCache
}

// mapCache keeps the last generated map images; it has its own lock so that an image is
// drawn outside the world's.
type mapCache struct {
	mu   sync.Mutex
	keys []mapKey
	pngs map[mapKey][]byte
}

type mapKey struct {
	lat, long         float64
	w, h, zoom, scale int32
}

// RegisterWebFile stores data as the content of url with the given MIME type, replacing
// earlier content: upload.getWebFile then serves it to whoever was handed a web document of
// url. WEBDOCUMENT_URL_INVALID for a URL that is not http(s) with a host,
// WEBDOCUMENT_MIME_INVALID for a malformed type, WEBDOCUMENT_SIZE_TOO_BIG beyond
// MaxWebFileSize. The world keeps its own copy of data.
func (w *World) RegisterWebFile(rawURL string, data []byte, mimeType string) error {
	if !webURL(rawURL) {
		return ErrWebDocumentURLInvalid
	}
	if !validMime(mimeType) {
		return ErrWebDocumentMimeInvalid
	}
	if len(data) > MaxWebFileSize {
		return ErrWebDocumentSizeTooBig
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.web.byURL == nil {
		w.web.byURL = make(map[string]*webFile)
	}
	w.web.byURL[rawURL] = &webFile{data: bytes.Clone(data), mime: mimeType, mtime: w.now()}
	return nil
}

// WebDocument returns the web document of a registered url as user sees it (its access hash
// is user's own), as if a bot had shown it to user. LOCATION_INVALID for a URL without
// registered content.
func (w *World) WebDocument(user int64, rawURL string) (*tg.WebDocument, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.web.byURL[rawURL]
	if f == nil {
		return nil, ErrLocationInvalid
	}
	return &tg.WebDocument{
		URL: rawURL, AccessHash: w.webAccessHash(user, rawURL), Size: int32(len(f.data)),
		MimeType: f.mime, Attributes: []tg.DocumentAttributeClass{},
	}, nil
}

// webDocument turns a bot's input web document into the web document viewer sees (under
// w.mu): registered content gives the real size and type.
func (w *World) webDocument(viewer int64, in *tg.InputWebDocument) *tg.WebDocument {
	out := &tg.WebDocument{
		URL: in.URL, AccessHash: w.webAccessHash(viewer, in.URL), Size: in.Size, MimeType: in.MimeType,
		Attributes: in.Attributes,
	}
	if out.Attributes == nil {
		out.Attributes = []tg.DocumentAttributeClass{}
	}
	if f := w.web.byURL[in.URL]; f != nil {
		out.Size, out.MimeType = int32(len(f.data)), f.mime
	}
	return out
}

// attachWebDocuments checks the thumb and content of the results sent by URL
// (inputBotInlineResult) and gives them to the results as web documents user can download
// (under w.mu): WEBDOCUMENT_URL_INVALID, WEBDOCUMENT_MIME_INVALID. in and out are in the same
// order.
func (w *World) attachWebDocuments(user int64, in []tg.InputBotInlineResultClass, out []tg.BotInlineResultClass) error {
	for i, r := range in {
		src, ok := r.(*tg.InputBotInlineResult)
		if !ok || i >= len(out) {
			continue
		}
		dst, ok := out[i].(*tg.BotInlineResult)
		if !ok {
			continue
		}
		for _, d := range []*tg.InputWebDocument{src.Thumb, src.Content} {
			if err := checkInputWebDocument(d); err != nil {
				return err
			}
		}
		if src.Thumb != nil {
			dst.Thumb = w.webDocument(user, src.Thumb)
		}
		if src.Content != nil {
			dst.Content = w.webDocument(user, src.Content)
		}
	}
	return nil
}

// checkInputWebDocument applies Telegram's checks to a web document a bot gives (nil: none):
// an http(s) URL with a host, a MIME type, a size that is not negative.
func checkInputWebDocument(d *tg.InputWebDocument) error {
	switch {
	case d == nil:
		return nil
	case !webURL(d.URL):
		return ErrWebDocumentURLInvalid
	case !validMime(d.MimeType):
		return ErrWebDocumentMimeInvalid
	case d.Size < 0:
		return ErrWebDocumentSizeTooBig
	}
	return nil
}

func validMime(s string) bool {
	mt, _, err := mime.ParseMediaType(s)
	return err == nil && strings.Contains(mt, "/")
}

// invoiceTG renders an invoice as viewer sees it: its photo is a web document with viewer's
// access hash.
func (w *World) invoiceTG(viewer int64, in *invoice) *tg.MessageMediaInvoice {
	out := in.tg()
	if in.photo != nil {
		out.Photo = w.webDocument(viewer, in.photo)
	}
	return out
}

// webAccessHash is the access hash viewer has for the web file at url.
func (w *World) webAccessHash(viewer int64, rawURL string) int64 {
	h := sha256.New()
	h.Write(w.secret[:])
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(viewer))
	h.Write(b[:])
	h.Write([]byte("webfile:"))
	h.Write([]byte(rawURL))
	return int64(binary.LittleEndian.Uint64(h.Sum(nil)[:8]))
}

// GeoAccessHash is the access hash of the geo point (lat, long) in the test world: rendered
// geoPoint values carry it, and a map preview of the point is served only with it.
func GeoAccessHash(lat, long float64) int64 {
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], math.Float64bits(lat))
	binary.LittleEndian.PutUint64(b[8:], math.Float64bits(long))
	h.Write([]byte("geo:"))
	h.Write(b[:])
	return int64(h.Sum64() >> 1)
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// GetWebFile answers upload.getWebFile: a window of a registered web file named by URL and
// the access hash the caller was handed, or of a generated map preview of a geo point. The
// window follows upload.getFile's rules (CheckWindow: limit a power of two from 4 KiB to
// 1 MiB, offset a multiple of it): LIMIT_INVALID, OFFSET_INVALID. LOCATION_INVALID for an
// unknown URL, a wrong access hash, a map size, zoom or scale out of range, and for album
// covers (inputWebFileAudioAlbumThumbLocation: the test world has none); BOT_METHOD_INVALID
// for bots, which Telegram does not let call it. The answer's bytes share the stored content.
func (w *World) GetWebFile(key KeyID, loc tg.InputWebFileLocationClass, offset, limit int32) (*tg.UploadWebFile, error) {
	f, now, err := w.webFileFor(key, loc)
	if err != nil {
		return nil, err
	}
	switch l := loc.(type) {
	case *tg.InputWebFileLocation:
		if f == nil {
			return nil, ErrLocationInvalid
		}
	case *tg.InputWebFileGeoPointLocation:
		k, ok := mapRequest(l)
		if !ok {
			return nil, ErrLocationInvalid
		}
		data, err := w.web.maps.image(k)
		if err != nil {
			return nil, ErrLocationInvalid
		}
		f = &webFile{data: data, mime: "image/png", mtime: now}
	default:
		return nil, ErrLocationInvalid
	}
	if err := CheckWindow(int64(offset), limit, false); err != nil {
		return nil, err
	}
	var chunk []byte
	if int(offset) < len(f.data) {
		end := min(len(f.data), int(offset)+int(limit))
		chunk = f.data[offset:end:end]
	} else {
		chunk = []byte{}
	}
	return &tg.UploadWebFile{
		Size: int32(len(f.data)), MimeType: f.mime, FileType: storageType(f.mime), Mtime: f.mtime, Bytes: chunk,
	}, nil
}

// webFileFor returns the registered web file loc names for the account on key, nil for
// another location or a wrong access hash, and the time; the map images are drawn outside
// the lock.
func (w *World) webFileFor(key KeyID, loc tg.InputWebFileLocationClass) (*webFile, int32, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, 0, err
	}
	var f *webFile
	if l, ok := loc.(*tg.InputWebFileLocation); ok {
		f = w.web.byURL[l.URL]
		if f == nil || l.AccessHash != w.webAccessHash(a.id, l.URL) {
			f = nil
		}
	}
	return f, w.now(), nil
}

// mapRequest checks a map preview request: a point on the globe with its access hash, and
// size, zoom and scale in Telegram's ranges.
func mapRequest(l *tg.InputWebFileGeoPointLocation) (mapKey, bool) {
	p, ok := geoPoint(l.GeoPoint)
	switch {
	case !ok, l.AccessHash != GeoAccessHash(p.lat, p.long),
		l.W < MinMapSize || l.W > MaxMapSize, l.H < MinMapSize || l.H > MaxMapSize,
		l.Zoom < MinMapZoom || l.Zoom > MaxMapZoom, l.Scale < 1 || l.Scale > MaxMapScale:
		return mapKey{}, false
	}
	return mapKey{lat: p.lat, long: p.long, w: l.W, h: l.H, zoom: l.Zoom, scale: l.Scale}, true
}

// cached returns the PNG drawn for k, if it is kept.
func (c *mapCache) cached(k mapKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pngs[k]
	return p, ok
}

// image returns the PNG for k, drawing it on first use (without the lock: drawing is slow).
func (c *mapCache) image(k mapKey) ([]byte, error) {
	if p, ok := c.cached(k); ok {
		return p, nil
	}
	p, err := MapImage(k.lat, k.long, int(k.w), int(k.h), int(k.zoom), int(k.scale))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pngs == nil {
		c.pngs = make(map[mapKey][]byte)
	}
	if _, ok := c.pngs[k]; !ok {
		c.pngs[k] = p
		c.keys = append(c.keys, k)
		if len(c.keys) > maxMapCache {
			delete(c.pngs, c.keys[0])
			c.keys = append(c.keys[:0:0], c.keys[1:]...)
		}
	}
	return p, nil
}

// MapImage is the map preview the test world serves for a geo point: a PNG of w*scale by
// h*scale pixels whose background colour comes from the point and the zoom, with a grid of
// 32*scale pixels and a marker in the middle. The same arguments always give the same bytes,
// so tests compare downloads with it. Sizes outside Telegram's ranges fail.
func MapImage(lat, long float64, w, h, zoom, scale int) ([]byte, error) {
	if w < MinMapSize || w > MaxMapSize || h < MinMapSize || h > MaxMapSize || scale < 1 || scale > MaxMapScale {
		return nil, fmt.Errorf("world: map image: %dx%d at scale %d is out of range", w, h, scale)
	}
	seed := uint64(GeoAccessHash(lat, long)) ^ uint64(zoom)*0x9e3779b97f4a7c15
	bg := color.RGBA{R: uint8(seed), G: uint8(seed >> 8), B: uint8(seed >> 16), A: 255}
	pal := color.Palette{bg, color.RGBA{R: 200, G: 200, B: 200, A: 255}, color.RGBA{R: 220, A: 255}}
	iw, ih := w*scale, h*scale
	img := image.NewPaletted(image.Rect(0, 0, iw, ih), pal)
	grid := 32 * scale
	for y := range ih {
		row := img.Pix[y*img.Stride : y*img.Stride+iw]
		for x := range row {
			if x%grid == 0 || y%grid == 0 {
				row[x] = 1
			}
		}
	}
	r := 4 * scale
	for y := ih/2 - r; y <= ih/2+r; y++ {
		for x := iw/2 - r; x <= iw/2+r; x++ {
			img.SetColorIndex(x, y, 2)
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("world: map image: %w", err)
	}
	return out.Bytes(), nil
}

// storageType is the storage.FileType Telegram reports for a MIME type.
func storageType(mimeType string) tg.StorageFileTypeClass {
	mt, _, _ := mime.ParseMediaType(mimeType)
	switch mt {
	case "image/jpeg":
		return &tg.StorageFileJpeg{}
	case "image/png":
		return &tg.StorageFilePng{}
	case "image/gif":
		return &tg.StorageFileGif{}
	case "image/webp":
		return &tg.StorageFileWebp{}
	case "application/pdf":
		return &tg.StorageFilePdf{}
	case "audio/mpeg":
		return &tg.StorageFileMp3{}
	case "video/quicktime":
		return &tg.StorageFileMov{}
	case "video/mp4":
		return &tg.StorageFileMp4{}
	}
	return &tg.StorageFileUnknown{}
}

// DefaultDC returns the home data center of accounts created without one (Config.DefaultDC),
// which also serves web files (upload.getWebFile).
func (w *World) DefaultDC() int { return w.cfg.DefaultDC }
