package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerStickerSets adds messages.getStickerSet over the sets tests add with
// World.AddStickerSet (world/stickersets.go).
func (d *Dispatcher) registerStickerSets() {
	w := d.w
	d.handlers[tg.MessagesGetStickerSetRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetStickerSetRequest) (tl.Encoder, error) {
		return answer(w.StickerSet(c.AuthKeyID, r.Stickerset, r.Hash))
	})
}
