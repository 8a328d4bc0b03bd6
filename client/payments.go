package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// AnswerPreCheckoutQuery confirms the pre-checkout query queryID when errMessage is empty,
// else refuses it with errMessage shown to the user. Telegram waits 10 seconds for it.
func (c *Client) AnswerPreCheckoutQuery(ctx context.Context, queryID int64, errMessage string) error {
	return clientAPI{c: c}.AnswerPreCheckout(ctx, queryID, errMessage)
}

// AnswerShippingQuery offers options for the shipping query queryID when errMessage is empty,
// else refuses delivery with errMessage.
func (c *Client) AnswerShippingQuery(ctx context.Context, queryID int64, options []tg.ShippingOption, errMessage string) error {
	return clientAPI{c: c}.AnswerShipping(ctx, queryID, options, errMessage)
}

// AnswerPreCheckout implements types.API.
func (a clientAPI) AnswerPreCheckout(ctx context.Context, queryID int64, errMessage string) error {
	req := &tg.MessagesSetBotPrecheckoutResultsRequest{QueryID: queryID, Success: errMessage == ""}
	if errMessage != "" {
		req.Error = tl.Some(errMessage)
	}
	var res tg.BoolBox
	if err := a.c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: answer pre-checkout query: %w", err)
	}
	return nil
}

// AnswerShipping implements types.API.
func (a clientAPI) AnswerShipping(ctx context.Context, queryID int64, options []tg.ShippingOption, errMessage string) error {
	req := &tg.MessagesSetBotShippingResultsRequest{QueryID: queryID}
	if errMessage != "" {
		req.Error = tl.Some(errMessage)
	} else {
		req.ShippingOptions = options
		if req.ShippingOptions == nil {
			req.ShippingOptions = []tg.ShippingOption{}
		}
	}
	var res tg.BoolBox
	if err := a.c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: answer shipping query: %w", err)
	}
	return nil
}

// NewPreCheckoutQueryHandler builds a handler of pre-checkout queries for AddHandler.
func NewPreCheckoutQueryHandler(cb func(*Context, *types.PreCheckoutQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindPreCheckoutQuery, cb, func(ctx *Context) *types.PreCheckoutQuery { return ctx.PreCheckoutQuery }, fs)
}

// NewShippingQueryHandler builds a handler of shipping queries for AddHandler.
func NewShippingQueryHandler(cb func(*Context, *types.ShippingQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindShippingQuery, cb, func(ctx *Context) *types.ShippingQuery { return ctx.ShippingQuery }, fs)
}

// OnPreCheckoutQuery registers cb in group 0 for pre-checkout queries of the bot's invoices
// (updateBotPrecheckoutQuery); answer them with their Answer within 10 seconds.
func (c *Client) OnPreCheckoutQuery(cb func(*Context, *types.PreCheckoutQuery) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPreCheckoutQueryHandler(cb, fs...))
}

// OnShippingQuery registers cb in group 0 for shipping queries of the bot's flexible invoices
// (updateBotShippingQuery).
func (c *Client) OnShippingQuery(cb func(*Context, *types.ShippingQuery) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewShippingQueryHandler(cb, fs...))
}
