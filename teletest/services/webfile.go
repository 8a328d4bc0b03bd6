package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerWebFiles answers upload.getWebFile from the world's web file store (world/webfile.go):
// registered content by URL and access hash, generated map previews of geo points.
func (d *Dispatcher) registerWebFiles() {
	w := d.w
	d.handlers[tg.UploadGetWebFileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UploadGetWebFileRequest) (tl.Encoder, error) {
		return answer(w.GetWebFile(c.AuthKeyID, r.Location, r.Offset, r.Limit))
	})
}
