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

// NewChatMemberHandler builds a handler of chat member changes for AddHandler.
func NewChatMemberHandler(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return handlerOf(kindChatMember, cb, func(ctx *Context) *types.ChatMemberUpdated { return ctx.ChatMember }, fs)
}

// NewMessageReactionCountHandler builds a handler of reaction counts for AddHandler.
func NewMessageReactionCountHandler(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReactionCount, cb, func(ctx *Context) *types.MessageReactionCount { return ctx.MessageReactionCount }, fs)
}

// NewPollHandler builds a handler of poll states for AddHandler.
func NewPollHandler(cb func(*Context, *types.Poll) error, fs ...Filter) *Handler {
	return handlerOf(kindPoll, cb, func(ctx *Context) *types.Poll { return ctx.Poll }, fs)
}

// NewStoryHandler builds a handler of stories for AddHandler.
func NewStoryHandler(cb func(*Context, *types.Story) error, fs ...Filter) *Handler {
	return handlerOf(kindStory, cb, func(ctx *Context) *types.Story { return ctx.Story }, fs)
}

// NewChatBoostHandler builds a handler of chat boosts for AddHandler.
func NewChatBoostHandler(cb func(*Context, *types.ChatBoost) error, fs ...Filter) *Handler {
	return handlerOf(kindChatBoost, cb, func(ctx *Context) *types.ChatBoost { return ctx.ChatBoost }, fs)
}

// NewPreCheckoutQueryHandler builds a handler of pre-checkout queries for AddHandler.
func NewPreCheckoutQueryHandler(cb func(*Context, *types.PreCheckoutQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindPreCheckoutQuery, cb, func(ctx *Context) *types.PreCheckoutQuery { return ctx.PreCheckoutQuery }, fs)
}

// NewShippingQueryHandler builds a handler of shipping queries for AddHandler.
func NewShippingQueryHandler(cb func(*Context, *types.ShippingQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindShippingQuery, cb, func(ctx *Context) *types.ShippingQuery { return ctx.ShippingQuery }, fs)
}

// OnChatMember registers cb in group 0 for changes of a member's standing (joins, leaves,
// bans, promotions: updateChatParticipant, updateChannelParticipant).
func (c *Client) OnChatMember(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatMemberHandler(cb, fs...))
}

// OnMessageReactionCount registers cb in group 0 for new reaction counts of messages in chats
// with anonymous reactions (updateBotMessageReactions).
func (c *Client) OnMessageReactionCount(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionCountHandler(cb, fs...))
}

// OnPoll registers cb in group 0 for new states of polls (updateMessagePoll).
func (c *Client) OnPoll(cb func(*Context, *types.Poll) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPollHandler(cb, fs...))
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
