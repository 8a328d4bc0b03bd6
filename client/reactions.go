package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/types"
)

// NewMessageReactionHandler builds a handler of message reactions for AddHandler.
func NewMessageReactionHandler(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReaction, cb, func(ctx *Context) *types.MessageReaction { return ctx.MessageReaction }, fs)
}

// OnMessageReaction registers cb in group 0 for changes of a user's reactions to a message
// (updateBotMessageReaction).
func (c *Client) OnMessageReaction(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionHandler(cb, fs...))
}

// NewMessageReactionCountHandler builds a handler of reaction counts for AddHandler.
func NewMessageReactionCountHandler(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReactionCount, cb, func(ctx *Context) *types.MessageReactionCount { return ctx.MessageReactionCount }, fs)
}

// OnMessageReactionCount registers cb in group 0 for new reaction counts of messages in chats
// with anonymous reactions (updateBotMessageReactions).
func (c *Client) OnMessageReactionCount(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionCountHandler(cb, fs...))
}
