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

// NewChatJoinRequestHandler builds a handler of chat join requests for AddHandler.
func NewChatJoinRequestHandler(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return handlerOf(kindChatJoinRequest, cb, func(ctx *Context) *types.ChatJoinRequest { return ctx.ChatJoinRequest }, fs)
}

// OnChatJoinRequest registers cb in group 0 for requests to join a chat the bot administers
// (updateBotChatInviteRequester); the value's Approve and Decline answer them.
func (c *Client) OnChatJoinRequest(cb func(*Context, *types.ChatJoinRequest) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatJoinRequestHandler(cb, fs...))
}

// NewChatMemberHandler builds a handler of chat member changes for AddHandler.
func NewChatMemberHandler(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return handlerOf(kindChatMember, cb, func(ctx *Context) *types.ChatMemberUpdated { return ctx.ChatMember }, fs)
}

// OnChatMember registers cb in group 0 for changes of a member's standing (joins, leaves,
// bans, promotions: updateChatParticipant, updateChannelParticipant).
func (c *Client) OnChatMember(cb func(*Context, *types.ChatMemberUpdated) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewChatMemberHandler(cb, fs...))
}
