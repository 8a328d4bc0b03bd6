package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// DownloadFile downloads the file at location (an upload.getFile location: a document, a
// photo size, a chat photo, ...) into memory. fileSize is its size when known, 0 (or less)
// when not: the download then ends at the first short chunk. The file is asked of the home
// data center, and FILE_MIGRATE_X moves the transfer where the file is. opts are the
// download options DownloadBytes takes (progress, workers, part size).
func (c *Client) DownloadFile(ctx context.Context, location tg.InputFileLocationClass, fileSize int64, opts ...media.Option) ([]byte, error) {
	if location == nil {
		return nil, media.ErrMediaNil
	}
	return c.DownloadBytes(ctx, media.Location{Input: location, Size: max(fileSize, 0)}, opts...)
}
