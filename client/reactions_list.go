package mtgo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// GetAvailableReactions returns the reactions Telegram offers (messages.getAvailableReactions).
// The client keeps the last list and asks with its hash, so while the list has not changed
// the server answers "not modified" and the kept list is returned: callers share it and must
// not modify it.
func (c *Client) GetAvailableReactions(ctx context.Context) (*types.ReactionList, error) {
	prev := c.reactions.Load()
	var hash int32
	if prev != nil {
		hash = prev.Hash
	}
	var res tg.MessagesAvailableReactionsClassBox
	if err := c.invoker().Invoke(ctx, &tg.MessagesGetAvailableReactionsRequest{Hash: hash}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get available reactions: %w", err)
	}
	list := types.NewReactionList(res.MessagesAvailableReactions)
	if list == nil { // messages.availableReactionsNotModified
		if prev == nil {
			return nil, errors.New("mtgo: get available reactions: answered not modified, but no list is kept")
		}
		return prev, nil
	}
	c.reactions.Store(list)
	return list, nil
}

// maxCustomEmojiIDs is how many ids one messages.getCustomEmojiDocuments takes.
const maxCustomEmojiIDs = 200

// GetCustomEmojiStickers returns the custom emoji with the document ids (as
// messageEntityCustomEmoji and reactionCustomEmoji name them, and types.Sticker.CustomEmojiID
// gives them) in the order of ids, unknown ones left out, 200 ids a request
// (messages.getCustomEmojiDocuments). No ids is no request.
func (c *Client) GetCustomEmojiStickers(ctx context.Context, ids ...int64) ([]*types.Sticker, error) {
	byID := make(map[int64]*types.Sticker, len(ids))
	for chunk := range slices.Chunk(ids, maxCustomEmojiIDs) {
		var res tg.DocumentClassVector
		if err := c.invoker().Invoke(ctx, &tg.MessagesGetCustomEmojiDocumentsRequest{DocumentID: chunk}, &res); err != nil {
			return nil, fmt.Errorf("mtgo: get custom emoji stickers: %w", err)
		}
		for _, d := range res.Elems {
			if s := types.NewSticker(d); s != nil {
				byID[s.ID] = s
			}
		}
	}
	out := make([]*types.Sticker, 0, len(byID))
	for _, id := range ids {
		if s, ok := byID[id]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}
