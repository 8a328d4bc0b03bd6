package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerEmoji adds the reaction catalogue and the custom emoji documents (world/emoji.go).
func (d *Dispatcher) registerEmoji() {
	w := d.w
	d.handlers[tg.MessagesGetAvailableReactionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetAvailableReactionsRequest) (tl.Encoder, error) {
		return answer(w.AvailableReactions(c.AuthKeyID, r.Hash))
	})
	d.handlers[tg.MessagesGetCustomEmojiDocumentsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetCustomEmojiDocumentsRequest) (tl.Encoder, error) {
		docs, err := w.CustomEmojiDocuments(c.AuthKeyID, r.DocumentID)
		if err != nil {
			return nil, err
		}
		return &tg.DocumentClassVector{Elems: docs}, nil
	})
}
