package types

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// CallbackQuery is a press of an inline button, received by the bot that sent the button.
type CallbackQuery struct {
	// ID identifies the query; the bot answers it with Answer.
	ID int64
	// From is the user who pressed the button (with its id only when the update did not
	// carry the user).
	From *User
	// Chat is the chat of the message with the button; nil for a button on an inline message.
	Chat *Chat
	// Message is the message with the button, nil for an inline message. The update names it
	// by id only: Message holds ID and Chat, not the text (fetch it for more). For a business
	// query the update carries the whole message, as the business account sees it, with
	// BusinessConnectionID set (and in ReplyTo.Message the message it replies to, when
	// carried), so Message.Edit, Reply, Delete and EditText go through the connection.
	Message *Message
	// BusinessConnectionID is the business connection the message with the button was sent
	// through (updateBusinessBotCallbackQuery); empty for other queries.
	BusinessConnectionID string
	// InlineMessageID identifies a message sent through inline mode (in the Bot API's form,
	// base64url of the TL value); empty for a chat message. Such a message can be edited
	// only by this id, never by a numeric message id.
	InlineMessageID string
	// InlineMessage is the same id as a TL value, nil for a chat message.
	InlineMessage tg.InputBotInlineMessageIDClass
	// Data is the button's data; empty for game buttons.
	Data []byte
	// ChatInstance identifies the chat the button was pressed in, the same for every user
	// of that chat; it lets games keep per-chat scores.
	ChatInstance int64
	// GameShortName is the game of a game button, empty otherwise.
	GameShortName string
	// Raw is the update the query was built from (*tg.UpdateBotCallbackQuery,
	// *tg.UpdateInlineBotCallbackQuery or *tg.UpdateBusinessBotCallbackQuery).
	Raw tg.UpdateClass

	api API
}

// NewCallbackQuery builds a CallbackQuery from updateBotCallbackQuery,
// updateInlineBotCallbackQuery or updateBusinessBotCallbackQuery with the users and chats in
// e, bound to api (nil for an unbound value). It returns nil for any other update.
func NewCallbackQuery(api API, u tg.UpdateClass, e Entities) *CallbackQuery {
	switch u := u.(type) {
	case *tg.UpdateBotCallbackQuery:
		if u == nil {
			return nil
		}
		q := &CallbackQuery{
			ID: u.QueryID, From: e.userOrID(u.UserID), Chat: e.Chat(u.Peer),
			Data: u.Data.Value, ChatInstance: u.ChatInstance, GameShortName: u.GameShortName.Value,
			Raw: u, api: api,
		}
		if q.Chat != nil {
			q.Message = &Message{ID: int(u.MsgID), Chat: q.Chat, Outgoing: true, api: api}
		}
		return q
	case *tg.UpdateInlineBotCallbackQuery:
		if u == nil {
			return nil
		}
		return &CallbackQuery{
			ID: u.QueryID, From: e.userOrID(u.UserID),
			InlineMessageID: InlineMessageID(u.MsgID), InlineMessage: u.MsgID,
			Data: u.Data.Value, ChatInstance: u.ChatInstance, GameShortName: u.GameShortName.Value,
			Raw: u, api: api,
		}
	case *tg.UpdateBusinessBotCallbackQuery:
		if u == nil {
			return nil
		}
		q := &CallbackQuery{
			ID: u.QueryID, From: e.userOrID(u.UserID), BusinessConnectionID: u.ConnectionID,
			Data: u.Data.Value, ChatInstance: u.ChatInstance, Raw: u, api: api,
		}
		if m := newBusinessMessage(api, u.ConnectionID, u.Message, u.ReplyToMessage, e); m != nil {
			q.Message, q.Chat = m, m.Chat
		}
		return q
	}
	return nil
}

// userOrID returns the user with id, or a User with the id alone.
func (e Entities) userOrID(id int64) *User {
	if u := e.User(id); u != nil {
		return u
	}
	return &User{ID: id}
}

// InlineMessageID returns the Bot API form of an inline message id: base64url (no padding) of
// its TL value without the constructor id. It returns "" for nil.
func InlineMessageID(id tg.InputBotInlineMessageIDClass) string {
	if id == nil {
		return ""
	}
	var b tl.Buffer
	var err error
	switch id := id.(type) {
	case *tg.InputBotInlineMessageID:
		err = id.EncodeBare(&b)
	case *tg.InputBotInlineMessageID64:
		err = id.EncodeBare(&b)
	default:
		return ""
	}
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b.Raw())
}

// Bound reports whether the query was created by a client, so that its bound methods work.
func (q *CallbackQuery) Bound() bool { return q != nil && q.api != nil }

// Answer answers the query: text is shown to the user as a toast (or an alert with
// mtgo.WithAlert); an empty text only stops the button's progress indicator. Every query
// should be answered, once.
func (q *CallbackQuery) Answer(ctx context.Context, text string, opts ...option.CallbackAnswer) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerCallback(ctx, q.ID, text, opts...)
}

// EditText replaces the text of the message with the button. A button on an inline message
// fails with ErrContextEditInline: such messages are edited by inline message id.
func (q *CallbackQuery) EditText(ctx context.Context, text string, opts ...option.Edit) (*Message, error) {
	if q == nil || q.api == nil {
		return nil, ErrContextNoClient
	}
	if q.InlineMessage != nil {
		return nil, ErrContextEditInline
	}
	if q.Message == nil {
		return nil, ErrContextNoMessage
	}
	return q.Message.Edit(ctx, text, opts...)
}

// EditInlineText replaces the text of the inline message with the button (InlineMessageID).
// A button on a chat message fails with ErrContextNoMessage: use EditText.
func (q *CallbackQuery) EditInlineText(ctx context.Context, text string, opts ...option.Edit) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	if q.InlineMessage == nil {
		return ErrContextNoMessage
	}
	return q.api.EditInline(ctx, q.InlineMessage, text, opts...)
}

// CallbackAnswer is what a bot answered to a button press, as the user who pressed it
// receives it (RequestCallbackAnswer).
type CallbackAnswer struct {
	// Message is the text to show, empty for none.
	Message string
	// Alert asks for the text as an alert rather than a toast.
	Alert bool
	// URL is a URL the app should open, empty for none.
	URL string
	// CacheTime is how long the app may reuse this answer for the same button.
	CacheTime time.Duration
	// Raw is the answer as received.
	Raw *tg.MessagesBotCallbackAnswer
}

// NewCallbackAnswer builds a CallbackAnswer; nil for nil input.
func NewCallbackAnswer(a *tg.MessagesBotCallbackAnswer) *CallbackAnswer {
	if a == nil {
		return nil
	}
	return &CallbackAnswer{
		Message: a.Message.Value, Alert: a.Alert, URL: a.URL.Value,
		CacheTime: time.Duration(a.CacheTime) * time.Second, Raw: a,
	}
}
