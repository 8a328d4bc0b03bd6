package types

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// PreCheckoutQuery is the last step of a payment: the bot confirms (or refuses) the order
// before the user is charged, within 10 seconds.
type PreCheckoutQuery struct {
	ID               int64
	From             *User
	Currency         string
	TotalAmount      int64 // in the currency's smallest units
	Payload          []byte
	ShippingOptionID string
	Info             *tg.PaymentRequestedInfo
	Raw              *tg.UpdateBotPrecheckoutQuery

	api API
}

// NewPreCheckoutQuery builds a PreCheckoutQuery from updateBotPrecheckoutQuery, bound to api
// (nil for an unbound value); nil for any other update.
func NewPreCheckoutQuery(api API, u tg.UpdateClass, e Entities) *PreCheckoutQuery {
	q, ok := u.(*tg.UpdateBotPrecheckoutQuery)
	if !ok || q == nil {
		return nil
	}
	return &PreCheckoutQuery{
		ID: q.QueryID, From: e.userOrID(q.UserID), Currency: q.Currency, TotalAmount: q.TotalAmount,
		Payload: q.Payload, ShippingOptionID: q.ShippingOptionID.Value, Info: q.Info, Raw: q, api: api,
	}
}

// Answer confirms the order when errMessage is empty, else refuses it with errMessage shown
// to the user.
func (q *PreCheckoutQuery) Answer(ctx context.Context, errMessage string) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerPreCheckout(ctx, q.ID, errMessage)
}

// ShippingQuery asks a bot for the shipping options to an address, for invoices with
// flexible prices.
type ShippingQuery struct {
	ID      int64
	From    *User
	Payload []byte
	Address tg.PostAddress
	Raw     *tg.UpdateBotShippingQuery

	api API
}

// NewShippingQuery builds a ShippingQuery from updateBotShippingQuery, bound to api (nil for
// an unbound value); nil for any other update.
func NewShippingQuery(api API, u tg.UpdateClass, e Entities) *ShippingQuery {
	q, ok := u.(*tg.UpdateBotShippingQuery)
	if !ok || q == nil {
		return nil
	}
	return &ShippingQuery{ID: q.QueryID, From: e.userOrID(q.UserID), Payload: q.Payload, Address: q.ShippingAddress, Raw: q, api: api}
}

// Answer offers options when errMessage is empty, else refuses delivery with errMessage.
func (q *ShippingQuery) Answer(ctx context.Context, options []tg.ShippingOption, errMessage string) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerShipping(ctx, q.ID, options, errMessage)
}
