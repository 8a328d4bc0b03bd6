package mtgo

import (
	"context"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Mini Apps (web apps) of a bot: the app's page answers through the bot (AnswerWebAppQuery
// with the query_id of its init data, checked with package client/webapp), and a bot prepares
// messages a Mini App lets the user share (SavePreparedInlineMessage).

// AnswerWebAppQuery sends result on behalf of the user of the Mini App session queryID (the
// init data's query_id) to the chat the app was opened from, and returns the inline message
// id of the sent message ("" when Telegram names none). Bots only.
func (c *Client) AnswerWebAppQuery(ctx context.Context, queryID string, result *types.InlineResult) (string, error) {
	in, err := result.TL()
	if err != nil {
		return "", err
	}
	var res tg.WebViewMessageSent
	if err := c.call(ctx, &tg.MessagesSendWebViewResultMessageRequest{BotQueryID: queryID, Result: in}, &res); err != nil {
		return "", fmt.Errorf("mtgo: answer web app query: %w", err)
	}
	return types.InlineMessageID(res.MsgID), nil
}

// AnswerGuestQuery answers a guest query queryID (a bot asked in a chat it is not a member
// of) with result, and returns the inline message id of the sent message. Bots only.
func (c *Client) AnswerGuestQuery(ctx context.Context, queryID int64, result *types.InlineResult) (string, error) {
	in, err := result.TL()
	if err != nil {
		return "", err
	}
	var res tg.InputBotInlineMessageIDClassBox
	if err := c.call(ctx, &tg.MessagesSetBotGuestChatResultRequest{QueryID: queryID, Result: in}, &res); err != nil {
		return "", fmt.Errorf("mtgo: answer guest query: %w", err)
	}
	return types.InlineMessageID(res.InputBotInlineMessageID), nil
}

// PreparedInlineMessage is a message a bot prepared for a Mini App to share
// (Telegram.WebApp.shareMessage with ID).
type PreparedInlineMessage struct {
	ID     string
	Expire time.Time
}

// SavePreparedInlineMessage stores result for user (anything ResolvePeer accepts) to send
// from the bot's Mini App into a chat of one of peerTypes (all kinds when none). Bots only.
func (c *Client) SavePreparedInlineMessage(ctx context.Context, user any, result *types.InlineResult, peerTypes ...tg.InlineQueryPeerTypeClass) (*PreparedInlineMessage, error) {
	in, err := result.TL()
	if err != nil {
		return nil, err
	}
	iu, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	var res tg.MessagesBotPreparedInlineMessage
	if err := c.call(ctx, &tg.MessagesSavePreparedInlineMessageRequest{Result: in, UserID: iu, PeerTypes: peerTypes}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: save prepared inline message: %w", err)
	}
	return &PreparedInlineMessage{ID: res.ID, Expire: time.Unix(int64(res.ExpireDate), 0)}, nil
}

// NewGuestQueryHandler builds a handler of guest queries for AddHandler.
func NewGuestQueryHandler(cb func(*Context, *types.GuestQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindGuestQuery, cb, func(ctx *Context) *types.GuestQuery { return ctx.GuestQuery }, fs)
}

// OnGuestMessage registers cb in group 0 for messages addressed to the bot in chats it is
// not a member of (updateBotGuestChatQuery); answer each with AnswerGuestQuery.
func (c *Client) OnGuestMessage(cb func(*Context, *types.GuestQuery) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewGuestQueryHandler(cb, fs...))
}

// NewManagedBotHandler builds a handler of managed bots for AddHandler.
func NewManagedBotHandler(cb func(*Context, *types.ManagedBot) error, fs ...Filter) *Handler {
	return handlerOf(kindManagedBot, cb, func(ctx *Context) *types.ManagedBot { return ctx.ManagedBot }, fs)
}

// OnManagedBot registers cb in group 0 for bots users created to be managed by this bot
// (updateManagedBot).
func (c *Client) OnManagedBot(cb func(*Context, *types.ManagedBot) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewManagedBotHandler(cb, fs...))
}
