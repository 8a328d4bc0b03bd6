package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Web files are files Telegram serves from the web on the client's behalf: the thumb and
// content of inline results sent by URL, invoice photos, map previews of geo points. They are
// downloaded with upload.getWebFile, which Telegram answers only on the data center named by
// config.webfile_dc_id (Options.WebFileDC), in windows with upload.getFile's rules (a power
// of two from 4 KiB to 1 MiB at an offset that is a multiple of it: ChunkPlan). Each answer
// carries the file's size and MIME type; the download checks every chunk against them.
// Location.Web names such a file; Download, DownloadToFile and Range take it like any other
// location, and DownloadWeb also returns what the server said about the file.

// Limits of map previews (inputWebFileGeoPointLocation), as Telegram documents them: width and
// height from 16 to 1024 pixels before scale, zoom from 13 to 20, scale from 1 to 3.
const (
	MinMapSize  = 16
	MaxMapSize  = 1024
	MinMapZoom  = 13
	MaxMapZoom  = 20
	MaxMapScale = 3
)

// Errors of web files; match them with errors.Is.
var (
	// ErrMapInvalid reports a map preview outside Telegram's size, zoom or scale ranges, or of
	// a point that is not on the globe.
	ErrMapInvalid = errors.New("media: invalid map preview")
	// ErrWebFileChanged reports answers of one download that disagree on the file's size or
	// MIME type: the file changed under the download.
	ErrWebFileChanged = errors.New("media: web file changed during the download")
)

// WebFile is what the server said about a web file it served.
type WebFile struct {
	// Written is the number of bytes written to the destination.
	Written int64
	// Size is the file size the server reported, 0 when it did not know it.
	Size int64
	// MimeType is the file's MIME type.
	MimeType string
	// Type is the storage type Telegram assigned (storageFileJpeg, storageFilePng, ...).
	Type tg.StorageFileTypeClass
	// Mtime is the modification time the server reported (zero when it reported none).
	Mtime time.Time
}

// WebLocation returns the location of the web document d (a webDocument, with the access
// hash the server handed out). A webDocumentNoProxy is fetched from its URL directly, not
// through Telegram: ErrNoDownloadableMedia.
func WebLocation(d tg.WebDocumentClass) (Location, error) {
	switch d := d.(type) {
	case *tg.WebDocument:
		if d == nil {
			return Location{}, ErrMediaNil
		}
		return Location{Web: &tg.InputWebFileLocation{URL: d.URL, AccessHash: d.AccessHash}, Size: int64(max(d.Size, 0))}, nil
	case *tg.WebDocumentNoProxy:
		return Location{}, fmt.Errorf("%w: a web document without a proxy is fetched from %q directly", ErrNoDownloadableMedia, d.URL)
	case nil:
		return Location{}, ErrMediaNil
	}
	return Location{}, fmt.Errorf("%w: %T", ErrNoDownloadableMedia, d)
}

// MapLocation returns the location of a map preview of the geo point p (with the access hash
// the message carried), w by h pixels before scale, at zoom and scale, checked against
// Telegram's ranges (ErrMapInvalid).
func MapLocation(p tg.GeoPointClass, w, h, zoom, scale int) (Location, error) {
	g, ok := p.(*tg.GeoPoint)
	switch {
	case !ok || g == nil:
		return Location{}, fmt.Errorf("%w: no geo point", ErrMapInvalid)
	case g.Lat < -90 || g.Lat > 90 || g.Long < -180 || g.Long > 180 || g.Lat != g.Lat || g.Long != g.Long:
		return Location{}, fmt.Errorf("%w: point (%v, %v) is not on the globe", ErrMapInvalid, g.Lat, g.Long)
	case w < MinMapSize || w > MaxMapSize || h < MinMapSize || h > MaxMapSize:
		return Location{}, fmt.Errorf("%w: %dx%d is not from 16 to 1024 pixels a side", ErrMapInvalid, w, h)
	case zoom < MinMapZoom || zoom > MaxMapZoom:
		return Location{}, fmt.Errorf("%w: zoom %d is not from 13 to 20", ErrMapInvalid, zoom)
	case scale < 1 || scale > MaxMapScale:
		return Location{}, fmt.Errorf("%w: scale %d is not from 1 to 3", ErrMapInvalid, scale)
	}
	in := &tg.InputWebFileGeoPointLocation{
		GeoPoint:   &tg.InputGeoPoint{Lat: g.Lat, Long: g.Long, AccuracyRadius: g.AccuracyRadius},
		AccessHash: g.AccessHash, W: int32(w), H: int32(h), Zoom: int32(zoom), Scale: int32(scale),
	}
	return Location{Web: in}, nil
}

// DownloadWeb writes the web file at loc (loc.Web set) to w like Download, and returns what
// the server said about it with the bytes written. A download of a location without Web
// fails with ErrMediaNil.
func (c *Client) DownloadWeb(ctx context.Context, loc Location, w io.Writer, opts ...Option) (WebFile, error) {
	if loc.Web == nil {
		return WebFile{}, fmt.Errorf("media: download web file: %w: no web location", ErrMediaNil)
	}
	d, err := c.newDownload(loc, 0, -1, opts)
	if err != nil {
		return WebFile{}, err
	}
	n, err := d.run(ctx, writeSink(w, "download web file"))
	info := d.web.info()
	info.Written = n
	return info, err
}

// webSource is what the answers of one web file download said about the file; the first
// answer sets it, later ones must agree.
type webSource struct {
	loc  tg.InputWebFileLocationClass
	size int64 // the Location's size, 0 when unknown

	mu   sync.Mutex
	seen bool
	file WebFile
}

// webSource returns the shared state of a web file download, nil for other locations.
func (c *Client) webSource(loc Location) *webSource {
	if loc.Web == nil {
		return nil
	}
	return &webSource{loc: loc.Web, size: loc.Size}
}

func (s *webSource) info() WebFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file
}

// check records the answer's description of the file and checks the chunk of n bytes at
// offset against it: the same size and type as earlier answers and as the location said,
// and exactly the bytes a file of that size has there.
func (s *webSource) check(a *webAnswer, offset int64, limit int32, n int) error {
	size := int64(a.size)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.seen:
		if s.size > 0 && size > 0 && size != s.size {
			return fmt.Errorf("%w: the server has %d bytes, the document said %d", ErrSizeMismatch, size, s.size)
		}
		s.seen = true
		s.file = WebFile{Size: size, MimeType: a.mime, Type: a.typ}
		if a.mtime != 0 {
			s.file.Mtime = time.Unix(int64(a.mtime), 0)
		}
	case size != s.file.Size || a.mime != s.file.MimeType:
		return fmt.Errorf("%w: %d bytes of %q, earlier %d bytes of %q", ErrWebFileChanged, size, a.mime, s.file.Size, s.file.MimeType)
	}
	if size > 0 {
		if want := min(int64(limit), max(size-offset, 0)); int64(n) != want {
			return fmt.Errorf("%w: %d bytes at offset %d of a %d-byte web file, expected %d", ErrSizeMismatch, n, offset, size, want)
		}
	}
	return nil
}

// fetchWeb asks the web file data center for a chunk.
func (f *fetcher) fetchWeb(ctx context.Context, src source, ch Chunk) ([]byte, error) {
	d := f.d
	dc := src.dc
	if dc == 0 {
		dc = d.c.opt.WebFileDC
	}
	inv, err := d.c.pool.DC(ctx, dc, KindMedia)
	if err != nil {
		return nil, fmt.Errorf("media: connection to dc %d: %w", dc, err)
	}
	if ch.Offset > 1<<31-1 {
		return nil, fatal(fmt.Errorf("%w: offset %d does not fit upload.getWebFile", ErrBadRange, ch.Offset))
	}
	f.web = webAnswer{buf: f.buf, limit: d.bufSize}
	req := &tg.UploadGetWebFileRequest{Location: d.web.loc, Offset: int32(ch.Offset), Limit: ch.Limit}
	err = inv.Invoke(ctx, req, &f.web)
	f.buf = f.web.buf
	if err != nil {
		return nil, err
	}
	if err := d.web.check(&f.web, ch.Offset, ch.Limit, len(f.web.data)); err != nil {
		return nil, fatal(err)
	}
	return f.web.data, nil
}

// webAnswer decodes an upload.webFile answer like fileAnswer: the chunk stays in an answer
// the session decoded aliased and is copied into the reusable buffer otherwise.
type webAnswer struct {
	buf   []byte // destination of a copied chunk, allocated on first use
	limit int    // the most bytes the answer may carry (0: cap(buf))
	size  int32
	mime  string
	typ   tg.StorageFileTypeClass
	mtime int32
	data  []byte
}

// Decode implements tl.Decoder.
func (a *webAnswer) Decode(b *tl.Buffer) error {
	a.data = nil
	id, err := b.ID()
	if err != nil {
		return b.DecodeErr("upload.WebFile", "", err)
	}
	if id != tg.UploadWebFileTypeID {
		return b.UnexpectedID("upload.WebFile", id)
	}
	if a.size, err = b.Int32(); err != nil {
		return b.DecodeErr("upload.webFile", "size", err)
	}
	if a.size < 0 {
		return b.DecodeErr("upload.webFile", "size", tl.ErrInvalid)
	}
	if a.mime, err = b.String(); err != nil {
		return b.DecodeErr("upload.webFile", "mime_type", err)
	}
	if a.typ, err = tg.DecodeStorageFileTypeClass(b); err != nil {
		return b.DecodeErr("upload.webFile", "file_type", err)
	}
	if a.mtime, err = b.Int32(); err != nil {
		return b.DecodeErr("upload.webFile", "mtime", err)
	}
	if a.data, err = readChunk(b, &a.buf, a.limit, true); err != nil {
		return b.DecodeErr("upload.webFile", "bytes", err)
	}
	return nil
}
