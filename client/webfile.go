package mtgo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Web files are files Telegram fetches from the web for the client: the thumb and content of
// inline results sent by URL (tg.WebDocument in messages.botResults), invoice photos
// (types.Invoice.Photo), map previews of geo points. They are downloaded with
// upload.getWebFile from the data center config.webfile_dc_id names (Client.Media passes it),
// by the same download methods as other files: DownloadMedia, DownloadBytes,
// DownloadMediaToFile, StreamMedia and DownloadByFileID take a *types.WebFile, a
// tg.WebDocumentClass, a tg.InputWebFileLocationClass (e.g. media.MapLocation's) or the Bot
// API file id of a web file. DownloadWebFile also returns what the server said about the file.

// ErrNotWebFile reports a DownloadWebFile argument that names no web file.
var ErrNotWebFile = errors.New("mtgo: not a web file")

// DownloadWebFile downloads the web file m names (as above) to w and returns it as served:
// URL (empty for a map preview), MIME type and size from the server's answers, and for a file
// named by URL its file id. A location that is not a web file fails with ErrNotWebFile; the
// server's refusals (LOCATION_INVALID for an unknown URL or an access hash that is not the
// account's, BOT_METHOD_INVALID for bots) come back as *rpcerr.Error inside a
// *media.PartError.
func (c *Client) DownloadWebFile(ctx context.Context, m any, w io.Writer, opts ...media.Option) (*types.WebFile, error) {
	loc, ok, err := webLocationOf(m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrNotWebFile, m)
	}
	info, err := c.Media().DownloadWeb(ctx, loc, w, opts...)
	if err != nil {
		return nil, err
	}
	out := &types.WebFile{MimeType: info.MimeType}
	size := info.Size
	if size == 0 {
		size = info.Written
	}
	if in, ok := loc.Web.(*tg.InputWebFileLocation); ok {
		out.URL = in.URL
		out.File = types.NewFile(fileid.FromWeb(webFileType(info.MimeType), in.URL, in.AccessHash), size)
	} else {
		out.FileSize = size
	}
	return out, nil
}

// webFileType is the file id type of a web file of a MIME type: photos for images, documents
// otherwise.
func webFileType(mimeType string) fileid.Type {
	if strings.HasPrefix(mimeType, "image/") {
		return fileid.TypePhoto
	}
	return fileid.TypeDocument
}

// webLocationOf returns the location of m when m names a web file (false otherwise): a web
// document, an input web file location, a *types.WebFile or a *types.File of a web file id.
func webLocationOf(m any) (media.Location, bool, error) {
	switch m := m.(type) {
	case tg.WebDocumentClass:
		loc, err := media.WebLocation(m)
		if err != nil {
			return media.Location{}, true, fmt.Errorf("mtgo: web document: %w", err)
		}
		return loc, true, nil
	case tg.InputWebFileLocationClass:
		if m == nil {
			return media.Location{}, true, media.ErrMediaNil
		}
		return media.Location{Web: m}, true, nil
	case media.Location:
		return m, m.Web != nil, nil
	case *types.WebFile:
		if m == nil {
			return media.Location{}, true, media.ErrMediaNil
		}
		return webLocationOf(&m.File)
	case *types.File:
		l, ok := m.FileLocation()
		if !ok || !l.Web {
			return media.Location{}, false, nil
		}
		loc, err := webFileIDLocation(l)
		loc.Size = m.FileSize
		return loc, true, err
	case types.FileID:
		return webLocationOf(string(m))
	case string:
		l, err := fileid.Decode(m)
		if err != nil || !l.Web {
			return media.Location{}, false, nil // DownloadMedia reports a malformed id
		}
		loc, err := webFileIDLocation(l)
		return loc, true, err
	}
	return media.Location{}, false, nil
}

// webFileIDLocation is the location of the decoded file id of a web file.
func webFileIDLocation(l fileid.Location) (media.Location, error) {
	in, err := l.InputWebFileLocation()
	if err != nil {
		return media.Location{}, fmt.Errorf("mtgo: file id: %w", err)
	}
	return media.Location{Web: in}, nil
}
