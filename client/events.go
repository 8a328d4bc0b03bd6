package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ApproveChatJoinRequest lets user (anything ResolvePeer accepts) into chat, whose invite link
// asked for an administrator's approval.
func (c *Client) ApproveChatJoinRequest(ctx context.Context, chat, user any) error {
	return c.hideJoinRequest(ctx, chat, user, true)
}

// DeclineChatJoinRequest refuses the request of user to join chat.
func (c *Client) DeclineChatJoinRequest(ctx context.Context, chat, user any) error {
	return c.hideJoinRequest(ctx, chat, user, false)
}

func (c *Client) hideJoinRequest(ctx context.Context, chat, user any, approve bool) error {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	up, err := c.ResolvePeer(ctx, user)
	if err != nil {
		return err
	}
	u, ok := up.(*tg.InputPeerUser)
	if !ok {
		return fmt.Errorf("mtgo: chat join request: %v is not a user", user)
	}
	return clientAPI{c: c}.HideJoinRequest(ctx, peer, &tg.InputUser{UserID: u.UserID, AccessHash: u.AccessHash}, approve)
}

// HideJoinRequest implements types.API.
func (a clientAPI) HideJoinRequest(ctx context.Context, peer tg.InputPeerClass, user tg.InputUserClass, approve bool) error {
	var res tg.UpdatesClassBox
	err := a.c.invoker().Invoke(ctx, &tg.MessagesHideChatJoinRequestRequest{Approved: approve, Peer: peer, UserID: user}, &res)
	if err != nil {
		return fmt.Errorf("mtgo: hide chat join request: %w", err)
	}
	return nil
}

// handlerOf builds the handler of kind for a callback on the typed value value returns.
func handlerOf[T any](kind updateKind, cb func(*Context, *T) error, value func(*Context) *T, fs []Filter) *Handler {
	return &Handler{kind: kind, filters: fs, run: func(ctx *Context) error { return cb(ctx, value(ctx)) }}
}

// NewUserStatusHandler builds a handler of user statuses for AddHandler.
func NewUserStatusHandler(cb func(*Context, *types.UserStatus) error, fs ...Filter) *Handler {
	return handlerOf(kindUserStatus, cb, func(ctx *Context) *types.UserStatus { return ctx.UserStatus }, fs)
}

// NewChatJoinRequestHandler builds a handler of chat join requests for AddHandler.
func NewChatJoinRequestHandler(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return handlerOf(kindChatJoinRequest, cb, func(ctx *Context) *types.ChatJoinRequest { return ctx.ChatJoinRequest }, fs)
}

// NewChosenInlineResultHandler builds a handler of chosen inline results for AddHandler.
func NewChosenInlineResultHandler(cb func(*Context, *types.ChosenInlineResult) error, fs ...Filter) *Handler {
	return handlerOf(kindChosenInlineResult, cb, func(ctx *Context) *types.ChosenInlineResult { return ctx.ChosenInlineResult }, fs)
}

// NewMessageReactionHandler builds a handler of message reactions for AddHandler.
func NewMessageReactionHandler(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReaction, cb, func(ctx *Context) *types.MessageReaction { return ctx.MessageReaction }, fs)
}

// NewPollAnswerHandler builds a handler of poll answers for AddHandler.
func NewPollAnswerHandler(cb func(*Context, *types.PollAnswer) error, fs ...Filter) *Handler {
	return handlerOf(kindPollAnswer, cb, func(ctx *Context) *types.PollAnswer { return ctx.PollAnswer }, fs)
}

// OnUserStatus registers cb in group 0 for users going online or offline (updateUserStatus).
func (c *Client) OnUserStatus(cb func(*Context, *types.UserStatus) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewUserStatusHandler(cb, fs...))
}

// OnChatJoinRequest registers cb in group 0 for requests to join a chat the bot administers
// (updateBotChatInviteRequester); the value's Approve and Decline answer them.
func (c *Client) OnChatJoinRequest(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatJoinRequestHandler(cb, fs...))
}

// OnChosenInlineResult registers cb in group 0 for inline results users sent
// (updateBotInlineSend; bots with inline feedback on).
func (c *Client) OnChosenInlineResult(cb func(*Context, *types.ChosenInlineResult) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChosenInlineResultHandler(cb, fs...))
}

// OnMessageReaction registers cb in group 0 for changes of a user's reactions to a message
// (updateBotMessageReaction).
func (c *Client) OnMessageReaction(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionHandler(cb, fs...))
}

// OnPollAnswer registers cb in group 0 for votes in the bot's non-anonymous polls
// (updateMessagePollVote).
func (c *Client) OnPollAnswer(cb func(*Context, *types.PollAnswer) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewPollAnswerHandler(cb, fs...))
}
