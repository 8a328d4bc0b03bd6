package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrBoostSlot reports a boost slot no account has: slots are numbered from 1 to at most
// 2^31-1, and cut to the request's 32 bits a larger int would name another slot (1<<32+1
// would move slot 1's boost), so ApplyBoost refuses it before sending anything.
var ErrBoostSlot = errors.New("mtgo: boost slot out of range")

// ApplyBoost boosts chat (a channel or supergroup) with the premium account's boost slots
// (1-based, ErrBoostSlot otherwise; none: the first free slot, else the first) and returns
// all the account's slots.
func (c *Client) ApplyBoost(ctx context.Context, chat any, slots ...int) ([]*types.BoostSlot, error) {
	req := &tg.PremiumApplyBoostRequest{}
	if len(slots) > 0 {
		var err error
		if req.Slots, err = wireInt32s(slots, 1, ErrBoostSlot); err != nil {
			return nil, fmt.Errorf("mtgo: apply boost: %w", err)
		}
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	req.Peer = peer
	var res tg.PremiumMyBoosts
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: apply boost: %w", err)
	}
	return types.NewBoostSlots(&res), nil
}

// GetBoosts returns the account's boost slots and the channels they boost (none for an
// account without premium).
func (c *Client) GetBoosts(ctx context.Context) ([]*types.BoostSlot, error) {
	var res tg.PremiumMyBoosts
	if err := c.invoker().Invoke(ctx, &tg.PremiumGetMyBoostsRequest{}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get boosts: %w", err)
	}
	return types.NewBoostSlots(&res), nil
}

// GetBoostsStatus returns the boost level of chat (a channel or supergroup) and whether the
// account boosts it.
func (c *Client) GetBoostsStatus(ctx context.Context, chat any) (*types.BoostsStatus, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	var res tg.PremiumBoostsStatus
	if err := c.invoker().Invoke(ctx, &tg.PremiumGetBoostsStatusRequest{Peer: peer}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get boosts status: %w", err)
	}
	return types.NewBoostsStatus(&res), nil
}

// GetChatBoosts lists the boosts of chat (a channel or supergroup the account administers),
// newest first, up to 100 a request (premium.getBoostsList); gifts lists only the boosts that
// came with gifted premium. Breaking out of the loop stops the listing; an error is yielded
// once and ends it.
func (c *Client) GetChatBoosts(ctx context.Context, chat any, gifts bool) iter.Seq2[*types.Boost, error] {
	return func(yield func(*types.Boost, error) bool) {
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		req := &tg.PremiumGetBoostsListRequest{Peer: peer, Gifts: gifts, Limit: maxPage}
		for range maxStoryPages {
			var res tg.PremiumBoostsList
			if err := c.invoker().Invoke(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get chat boosts: %w", err))
				return
			}
			e := types.NewEntities(res.Users, nil)
			for _, b := range res.Boosts {
				if !yield(types.NewBoost(b, e), nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.Boosts) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}
