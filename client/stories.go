package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/types"
)

// NewStoryHandler builds a handler of stories for AddHandler.
func NewStoryHandler(cb func(*Context, *types.Story) error, fs ...Filter) *Handler {
	return handlerOf(kindStory, cb, func(ctx *Context) *types.Story { return ctx.Story }, fs)
}

// NewChatBoostHandler builds a handler of chat boosts for AddHandler.
func NewChatBoostHandler(cb func(*Context, *types.ChatBoost) error, fs ...Filter) *Handler {
	return handlerOf(kindChatBoost, cb, func(ctx *Context) *types.ChatBoost { return ctx.ChatBoost }, fs)
}

// OnStory registers cb in group 0 for stories posted or changed (updateStory).
func (c *Client) OnStory(cb func(*Context, *types.Story) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewStoryHandler(cb, fs...))
}

// OnChatBoost registers cb in group 0 for boosts of chats the bot administers
// (updateBotChatBoost).
func (c *Client) OnChatBoost(cb func(*Context, *types.ChatBoost) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatBoostHandler(cb, fs...))
}
