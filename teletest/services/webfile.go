package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerWebFiles answers upload.getWebFile from the world's web file store (world/webfile.go):
// registered content by URL and access hash, generated map previews of geo points. Only the
// data center help.getConfig names in webfile_dc_id answers; the others answer
// FILE_MIGRATE_X with it (Telegram documents only that the call must go there; the test
// server says where, as it does for upload.getFile).
func (d *Dispatcher) registerWebFiles() {
	w := d.w
	d.handlers[tg.UploadGetWebFileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UploadGetWebFileRequest) (tl.Encoder, error) {
		if dc := d.webfileDC(c); dc != d.callerDC(c) {
			return nil, world.Migrate("FILE", dc)
		}
		return answer(w.GetWebFile(c.AuthKeyID, r.Location, r.Offset, r.Limit))
	})
}
