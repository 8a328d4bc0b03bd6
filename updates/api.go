package updates

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// API is the part of the Telegram API the Manager calls. *tg.Client satisfies it.
type API interface {
	UpdatesGetState(ctx context.Context, req *tg.UpdatesGetStateRequest) (*tg.UpdatesState, error)
	UpdatesGetDifference(ctx context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error)
	UpdatesGetChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error)
}

var _ API = (*tg.Client)(nil)

// Handler receives the update batches in order. The Manager waits for it to return before it
// persists the state the batch reached; an error stops the Manager without persisting, so the
// batch's updates that carry a pts or qts are delivered again after a restart (the next
// getDifference brings them). Updates without one (a pushed callback query, an inline query)
// are not: the failed batch is not kept for Leftovers, only the batches after it.
type Handler interface {
	HandleUpdates(ctx context.Context, b Batch) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, b Batch) error

// HandleUpdates calls f.
func (f HandlerFunc) HandleUpdates(ctx context.Context, b Batch) error { return f(ctx, b) }

// AccessHashes gives the access hash of a channel, needed to ask for its difference. A peer
// cache implements it; the Manager falls back to the hashes that came with the channel's own
// updates.
type AccessHashes interface {
	ChannelAccessHash(channelID int64) (hash int64, ok bool)
}

// AccessHashesFunc adapts a function to AccessHashes.
type AccessHashesFunc func(channelID int64) (int64, bool)

// ChannelAccessHash calls f.
func (f AccessHashesFunc) ChannelAccessHash(channelID int64) (int64, bool) { return f(channelID) }
