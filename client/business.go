package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Business: a business account connects the bot, which then receives the account's
// private chats (OnBusinessMessage, OnEditedBusinessMessage, OnDeletedBusinessMessages) and
// answers on its behalf (WithBusinessConnection; Context.Reply on a business message).

// NewBusinessConnectionHandler builds a handler of business connections for AddHandler.
func NewBusinessConnectionHandler(cb func(*Context, *types.BusinessConnection) error, fs ...Filter) *Handler {
	return handlerOf(kindBusinessConnection, cb, func(ctx *Context) *types.BusinessConnection { return ctx.BusinessConnection }, fs)
}

// NewBusinessMessageHandler builds a handler of new business messages for AddHandler.
func NewBusinessMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindBusinessMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewEditedBusinessMessageHandler builds a handler of edited business messages for
// AddHandler.
func NewEditedBusinessMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindEditedBusinessMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewDeletedBusinessMessagesHandler builds a handler of deleted business messages for
// AddHandler.
func NewDeletedBusinessMessagesHandler(cb func(*Context, *types.DeletedBusinessMessages) error, fs ...Filter) *Handler {
	return handlerOf(kindDeletedBusinessMessages, cb, func(ctx *Context) *types.DeletedBusinessMessages { return ctx.DeletedBusinessMessages }, fs)
}

// OnBusinessConnection registers cb in group 0 for business accounts connecting the bot,
// changing its rights or disconnecting it (updateBotBusinessConnect).
func (c *Client) OnBusinessConnection(cb func(*Context, *types.BusinessConnection) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewBusinessConnectionHandler(cb, fs...))
}

// OnBusinessMessage registers cb in group 0 for new messages in the private chats of the
// business accounts connected to the bot (updateBotNewBusinessMessage). Message.Outgoing
// marks those the business account sent; like OnMessage, the handler takes them only after
// AcceptOutgoing. Context.Reply answers on the business account's behalf.
func (c *Client) OnBusinessMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewBusinessMessageHandler(cb, fs...))
}

// OnEditedBusinessMessage registers cb in group 0 for edits of business messages
// (updateBotEditBusinessMessage).
func (c *Client) OnEditedBusinessMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewEditedBusinessMessageHandler(cb, fs...))
}

// OnDeletedBusinessMessages registers cb in group 0 for deletions of business messages
// (updateBotDeleteBusinessMessage).
func (c *Client) OnDeletedBusinessMessages(cb func(*Context, *types.DeletedBusinessMessages) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewDeletedBusinessMessagesHandler(cb, fs...))
}

// isBusiness reports the kinds that carry a business account's message.
func isBusiness(k updateKind) bool {
	return k == kindBusinessMessage || k == kindEditedBusinessMessage
}

// businessSend returns opts sending through m's business connection when m is a business
// message (the connection first, so an explicit WithBusinessConnection in opts wins).
func businessSend(m *types.Message, opts []SendOption) []SendOption {
	if m == nil || m.BusinessConnectionID == "" {
		return opts
	}
	return append([]SendOption{WithBusinessConnection(m.BusinessConnectionID)}, opts...)
}

// wrap returns req inside invokeWithBusinessConnection when the send goes through a business
// connection, else req itself.
func (o *outgoing) wrap(req tl.Encoder) tl.Encoder {
	if o.business == "" {
		return req
	}
	return &tg.InvokeWithBusinessConnectionRequest{ConnectionID: o.business, Query: req}
}

// GetBusinessConnection returns the bot's business connection connectionID
// (account.getBotBusinessConnection). Bots only; CONNECTION_ID_INVALID for a connection that
// is unknown, ended or another bot's.
func (c *Client) GetBusinessConnection(ctx context.Context, connectionID string) (*types.BusinessConnection, error) {
	var res tg.UpdatesClassBox
	if err := c.call(ctx, &tg.AccountGetBotBusinessConnectionRequest{ConnectionID: connectionID}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get business connection: %w", err)
	}
	list, users, chats, _ := updatesParts(res.Updates)
	for _, u := range list {
		if bc := types.NewBusinessConnection(u, types.NewEntities(users, chats)); bc != nil {
			return bc, nil
		}
	}
	return nil, errNoBusinessConnection
}

// errNoBusinessConnection reports an answer to account.getBotBusinessConnection without the
// connection.
var errNoBusinessConnection = errors.New("mtgo: get business connection: no updateBotBusinessConnect in the answer")
