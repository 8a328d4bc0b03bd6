package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/types"
)

// NewChosenInlineResultHandler builds a handler of chosen inline results for AddHandler.
func NewChosenInlineResultHandler(cb func(*Context, *types.ChosenInlineResult) error, fs ...Filter) *Handler {
	return handlerOf(kindChosenInlineResult, cb, func(ctx *Context) *types.ChosenInlineResult { return ctx.ChosenInlineResult }, fs)
}

// OnChosenInlineResult registers cb in group 0 for inline results users sent
// (updateBotInlineSend; bots with inline feedback on).
func (c *Client) OnChosenInlineResult(cb func(*Context, *types.ChosenInlineResult) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChosenInlineResultHandler(cb, fs...))
}
