package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// WithAlert shows a callback answer's text as an alert the user dismisses, not a toast.
func WithAlert() CallbackAnswerOption {
	return option.CallbackAnswerFunc(func(p *option.CallbackAnswerParams) { p.Alert = true })
}

// WithURL has the user's app open u (a game's URL, or a t.me/<bot>?start= link).
func WithURL(u string) CallbackAnswerOption {
	return option.CallbackAnswerFunc(func(p *option.CallbackAnswerParams) { p.URL = u })
}

// AnswerCallbackQuery answers the callback query queryID (a press of one of the bot's inline
// buttons) with text, shown as a toast, or as an alert with WithAlert; WithURL and
// WithCacheTime apply. An empty text only ends the button's progress indicator.
func (c *Client) AnswerCallbackQuery(ctx context.Context, queryID int64, text string, opts ...CallbackAnswerOption) error {
	p := option.CollectCallbackAnswer(opts)
	secs, err := cacheSeconds(p.CacheTime)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetBotCallbackAnswerRequest{QueryID: queryID, Alert: p.Alert, CacheTime: secs}
	if text != "" {
		req.Message = tl.Some(text)
	}
	if p.URL != "" {
		req.URL = tl.Some(p.URL)
	}
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: answer callback query: %w", err)
	}
	return nil
}

// RequestCallbackAnswer presses the inline button with data under message messageID in chat
// (anything ResolvePeer accepts) as the logged-in user, and returns the bot's answer.
// Buttons that ask for the 2FA password (types.InlineCallback.RequiresPassword) need
// RequestCallbackAnswerWithPassword.
func (c *Client) RequestCallbackAnswer(ctx context.Context, chat any, messageID int, data []byte) (*types.CallbackAnswer, error) {
	id, err := callbackMessageID(messageID)
	if err != nil {
		return nil, err
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.requestCallback(ctx, &tg.MessagesGetBotCallbackAnswerRequest{Peer: ip, MsgID: id, Data: tl.Some(data)})
}

// RequestCallbackAnswerWithPassword presses a button that asks for the account's two-step
// verification password (a bot's sensitive action, such as transferring a bot's ownership):
// the password is proved with SRP and never leaves the process.
func (c *Client) RequestCallbackAnswerWithPassword(ctx context.Context, chat any, messageID int, data []byte, password string) (*types.CallbackAnswer, error) {
	id, err := callbackMessageID(messageID)
	if err != nil {
		return nil, err
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	check, err := c.passwordSRP(ctx, password)
	if err != nil {
		return nil, err
	}
	return c.requestCallback(ctx, &tg.MessagesGetBotCallbackAnswerRequest{
		Peer: ip, MsgID: id, Data: tl.Some(data), Password: check,
	})
}

// RequestGameCallbackAnswer presses the Play button of the game message messageID in chat as
// the logged-in user; the bot's answer carries the game's URL.
func (c *Client) RequestGameCallbackAnswer(ctx context.Context, chat any, messageID int) (*types.CallbackAnswer, error) {
	id, err := callbackMessageID(messageID)
	if err != nil {
		return nil, err
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.requestCallback(ctx, &tg.MessagesGetBotCallbackAnswerRequest{Peer: ip, MsgID: id, Game: true})
}

// callbackMessageID converts the id of the message whose button is pressed.
func callbackMessageID(messageID int) (int32, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return 0, fmt.Errorf("mtgo: request callback answer: %w", err)
	}
	return id, nil
}

func (c *Client) requestCallback(ctx context.Context, req *tg.MessagesGetBotCallbackAnswerRequest) (*types.CallbackAnswer, error) {
	var res tg.MessagesBotCallbackAnswer
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: request callback answer: %w", err)
	}
	return types.NewCallbackAnswer(&res), nil
}

// DeleteMessages deletes messages ids in chat (anything ResolvePeer accepts) for everyone and
// returns how many were deleted.
func (c *Client) DeleteMessages(ctx context.Context, chat any, ids ...int) (int, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	return c.deleteMessages(ctx, ip, ids)
}

func (c *Client) deleteMessages(ctx context.Context, peer tg.InputPeerClass, ids []int) (int, error) {
	return c.deleteMessagesAs(ctx, peer, ids, true)
}

// AnswerCallback implements types.API.
func (a clientAPI) AnswerCallback(ctx context.Context, queryID int64, text string, opts ...option.CallbackAnswer) error {
	return a.c.AnswerCallbackQuery(ctx, queryID, text, opts...)
}
