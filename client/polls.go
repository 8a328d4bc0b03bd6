package mtgo

import (
	"github.com/mtgo-labs/mtgo/client/types"
)

// NewPollAnswerHandler builds a handler of poll answers for AddHandler.
func NewPollAnswerHandler(cb func(*Context, *types.PollAnswer) error, fs ...Filter) *Handler {
	return handlerOf(kindPollAnswer, cb, func(ctx *Context) *types.PollAnswer { return ctx.PollAnswer }, fs)
}

// OnPollAnswer registers cb in group 0 for votes in the bot's non-anonymous polls
// (updateMessagePollVote).
func (c *Client) OnPollAnswer(cb func(*Context, *types.PollAnswer) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPollAnswerHandler(cb, fs...))
}

// NewPollHandler builds a handler of poll states for AddHandler.
func NewPollHandler(cb func(*Context, *types.Poll) error, fs ...Filter) *Handler {
	return handlerOf(kindPoll, cb, func(ctx *Context) *types.Poll { return ctx.Poll }, fs)
}

// OnPoll registers cb in group 0 for new states of polls (updateMessagePoll).
func (c *Client) OnPoll(cb func(*Context, *types.Poll) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPollHandler(cb, fs...))
}
