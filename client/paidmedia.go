package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MaxPaidMediaStars is the highest price of paid media, in Stars.
const MaxPaidMediaStars = 10000

// ErrPaidMedia reports paid media Telegram would refuse: no items, more than MaxAlbumItems,
// or a price outside 1..MaxPaidMediaStars.
var ErrPaidMedia = errors.New("mtgo: invalid paid media")

// SendPaidMedia sends photos and videos (items, as for SendMediaGroup: uploaded first) that
// others see blurred until they pay stars Telegram Stars; WithCaption and the other
// SendOptions apply as for SendMedia. A channel's paid media pay the channel; a bot's pay the
// bot, which gets OnPurchasedPaidMedia with payload ("" for none) after each purchase.
func (c *Client) SendPaidMedia(ctx context.Context, chat any, stars int64, items []types.AlbumItem, payload string, opts ...SendOption) (*types.Message, error) {
	if len(items) == 0 || len(items) > MaxAlbumItems || stars < 1 || stars > MaxPaidMediaStars {
		return nil, fmt.Errorf("%w: %d items for %d Stars", ErrPaidMedia, len(items), stars)
	}
	p := option.CollectSend(opts)
	return c.sendMedia(ctx, chat, "paid media", p, func() (tg.InputMediaClass, error) {
		ip, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			return nil, err
		}
		in := &tg.InputMediaPaidMedia{StarsAmount: stars}
		if payload != "" {
			in.Payload.Set, in.Payload.Value = true, payload
		}
		for i, it := range items {
			single, err := c.albumItem(ctx, ip, it, p)
			if err != nil {
				return nil, fmt.Errorf("mtgo: paid media item %d: %w", i, err)
			}
			in.ExtendedMedia = append(in.ExtendedMedia, single.Media)
		}
		return in, nil
	})
}

// NewPurchasedPaidMediaHandler builds a handler of paid media purchases for AddHandler.
func NewPurchasedPaidMediaHandler(cb func(*Context, *types.PurchasedPaidMedia) error, fs ...Filter) *Handler {
	return handlerOf(kindPurchasedPaidMedia, cb, func(ctx *Context) *types.PurchasedPaidMedia { return ctx.PurchasedPaidMedia }, fs)
}

// OnPurchasedPaidMedia registers cb in group 0 for purchases of the bot's paid media
// (updateBotPurchasedPaidMedia).
func (c *Client) OnPurchasedPaidMedia(cb func(*Context, *types.PurchasedPaidMedia) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPurchasedPaidMediaHandler(cb, fs...))
}
