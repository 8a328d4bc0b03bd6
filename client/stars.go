package mtgo

import (
	"context"
	"fmt"
	"iter"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// starsPeer resolves the owner of a Stars balance: nil for the logged-in account, else a bot
// or channel the account manages (anything ResolvePeer accepts).
func (c *Client) starsPeer(ctx context.Context, peer any) (tg.InputPeerClass, error) {
	if peer == nil {
		return &tg.InputPeerSelf{}, nil
	}
	return c.ResolvePeer(ctx, peer)
}

// GetStarsBalance returns the Telegram Stars balance of peer: nil for the logged-in account
// (a bot's own balance included), or a bot or channel it owns (payments.getStarsStatus).
func (c *Client) GetStarsBalance(ctx context.Context, peer any) (int64, error) {
	ip, err := c.starsPeer(ctx, peer)
	if err != nil {
		return 0, err
	}
	var res tg.PaymentsStarsStatus
	if err := c.call(ctx, &tg.PaymentsGetStarsStatusRequest{Peer: ip}, &res); err != nil {
		return 0, fmt.Errorf("mtgo: get stars balance: %w", err)
	}
	amount, _ := types.StarsAmount(res.Balance)
	return amount, nil
}

// StarsDirection selects the transactions GetStarsTransactions lists.
type StarsDirection int

const (
	// StarsAll lists incoming and outgoing transactions.
	StarsAll StarsDirection = iota
	// StarsInbound lists the Stars received.
	StarsInbound
	// StarsOutbound lists the Stars spent.
	StarsOutbound
)

// maxStarsPages bounds a transactions listing (a server handing out offsets forever).
const maxStarsPages = 10000

// GetStarsTransactions lists the Stars transactions of peer (nil for the logged-in account),
// newest first, paging by the server's offset (payments.getStarsTransactions). Breaking out
// of the loop stops the listing; an error is yielded once and ends it.
func (c *Client) GetStarsTransactions(ctx context.Context, peer any, dir StarsDirection) iter.Seq2[*types.StarsTransaction, error] {
	return func(yield func(*types.StarsTransaction, error) bool) {
		ip, err := c.starsPeer(ctx, peer)
		if err != nil {
			yield(nil, err)
			return
		}
		req := &tg.PaymentsGetStarsTransactionsRequest{
			Peer: ip, Limit: maxPage, Inbound: dir == StarsInbound, Outbound: dir == StarsOutbound,
		}
		for range maxStarsPages {
			var res tg.PaymentsStarsStatus
			if err := c.call(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get stars transactions: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for i := range res.History {
				if !yield(types.NewStarsTransaction(&res.History[i], e), nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.History) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}

// RefundStarsCharge gives user (anything ResolvePeer accepts) back the Stars of the payment
// chargeID (the charge of its successful payment, types.ActionPayment's ChargeID, or the
// transaction id). Bots only.
func (c *Client) RefundStarsCharge(ctx context.Context, user any, chargeID string) error {
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	var res tg.UpdatesClassBox
	if err := c.call(ctx, &tg.PaymentsRefundStarsChargeRequest{UserID: iu, ChargeID: chargeID}, &res); err != nil {
		return fmt.Errorf("mtgo: refund stars charge: %w", err)
	}
	return nil
}

// GetStarsSubscriptions lists the logged-in account's Stars subscriptions (channels and bots
// it pays every period), paging by the server's offset (payments.getStarsSubscriptions).
func (c *Client) GetStarsSubscriptions(ctx context.Context) iter.Seq2[*types.StarsSubscription, error] {
	return func(yield func(*types.StarsSubscription, error) bool) {
		req := &tg.PaymentsGetStarsSubscriptionsRequest{Peer: &tg.InputPeerSelf{}}
		for range maxStarsPages {
			var res tg.PaymentsStarsStatus
			if err := c.call(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get stars subscriptions: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for i := range res.Subscriptions {
				if !yield(types.NewStarsSubscription(&res.Subscriptions[i], e), nil) {
					return
				}
			}
			next, ok := res.SubscriptionsNextOffset.Get()
			if !ok || next == "" || len(res.Subscriptions) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}

// CancelStarsSubscription cancels (or, with cancel false, renews) the logged-in account's
// subscription id (payments.changeStarsSubscription).
func (c *Client) CancelStarsSubscription(ctx context.Context, id string, cancel bool) error {
	req := &tg.PaymentsChangeStarsSubscriptionRequest{Peer: &tg.InputPeerSelf{}, SubscriptionID: id, Canceled: tl.Some(cancel)}
	var res tg.BoolBox
	if err := c.call(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: cancel stars subscription: %w", err)
	}
	return nil
}

// EditUserStarSubscription lets a bot cancel (or restore) user's subscription charge
// chargeID to one of its paid services (payments.botCancelStarsSubscription).
func (c *Client) EditUserStarSubscription(ctx context.Context, user any, chargeID string, cancel bool) error {
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return err
	}
	req := &tg.PaymentsBotCancelStarsSubscriptionRequest{UserID: iu, ChargeID: chargeID, Restore: !cancel}
	var res tg.BoolBox
	if err := c.call(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: edit user star subscription: %w", err)
	}
	return nil
}
