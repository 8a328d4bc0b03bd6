package mtgo

import (
	"context"
	"sync"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Context is what a handler receives with one update: a context.Context (cancelled when the
// client stops, or when the handler's timeout passes), the client, the raw update and the
// typed value of its kind, per-update data shared by the handlers of every group, and
// actions bound to the update (Reply, Answer, EditText, Delete, AnswerCallback).
//
// A Context is valid while its handlers run: a handler that hands it to a goroutine of its
// own must not use it after returning.
type Context struct {
	context.Context

	// Client is the client that received the update; nil only in Contexts built by hand.
	Client *Client
	// Update is the raw update.
	Update tg.UpdateClass
	// Message is the new or edited message, nil for other kinds.
	Message *types.Message
	// CallbackQuery is the button press, nil for other kinds.
	CallbackQuery *types.CallbackQuery
	// InlineQuery is the inline query, nil for other kinds.
	InlineQuery *types.InlineQuery
	// DeletedMessages names the deleted messages, nil for other kinds.
	DeletedMessages *types.DeletedMessages
	// UserStatus, ChatJoinRequest, ChosenInlineResult, MessageReaction and PollAnswer are the
	// values of those kinds, nil for the others.
	UserStatus         *types.UserStatus
	ChatJoinRequest    *types.ChatJoinRequest
	ChosenInlineResult *types.ChosenInlineResult
	MessageReaction    *types.MessageReaction
	PollAnswer         *types.PollAnswer
	// ChatMember, MessageReactionCount, Poll, Story, ChatBoost, PreCheckoutQuery and
	// ShippingQuery likewise.
	ChatMember           *types.ChatMemberUpdated
	MessageReactionCount *types.MessageReactionCount
	Poll                 *types.Poll
	Story                *types.Story
	ChatBoost            *types.ChatBoost
	PreCheckoutQuery     *types.PreCheckoutQuery
	ShippingQuery        *types.ShippingQuery
	// BusinessConnection and DeletedBusinessMessages likewise; business messages (new and
	// edited) are in Message, with Message.BusinessConnectionID set.
	BusinessConnection      *types.BusinessConnection
	DeletedBusinessMessages *types.DeletedBusinessMessages
	// PurchasedPaidMedia is a purchase of the bot's paid media, GuestQuery a message
	// addressed to the bot in a chat it is not in, ManagedBot a bot created to be managed by
	// it; nil for other kinds.
	PurchasedPaidMedia *types.PurchasedPaidMedia
	GuestQuery         *types.GuestQuery
	ManagedBot         *types.ManagedBot
	// Entities are the users and chats that came with the update.
	Entities types.Entities
	// Reason is why the connection ended, for OnDisconnect hooks: the error that broke the
	// home connection, nil after Disconnect.
	Reason error

	kind updateKind // set by the dispatcher; kindRaw in Contexts built by hand
	mu   sync.Mutex
	data map[string]any

	// What a conversation waiting inside the handler releases (see release); nil outside a
	// handler's run.
	disp     *messageDispatcher
	queue    *chatQueue
	batch    *batchWait
	released bool
}

// handlerKey is the context key under which a Context finds itself through contexts derived
// from it.
type handlerKey struct{}

// Value implements context.Context; it also answers handlerKey with c.
func (c *Context) Value(key any) any {
	if key == (handlerKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// release lets the update engine go on while this Context's handler waits in a conversation:
// the update counts as handled for the engine (its state is saved), and the chat's later
// updates are no longer waited for (see Conversation). Once per run; no-op outside one.
func (c *Context) release() {
	c.mu.Lock()
	d, cq, b := c.disp, c.queue, c.batch
	if d == nil || c.released {
		c.mu.Unlock()
		return
	}
	c.released = true
	c.mu.Unlock()
	d.detach(cq, b)
}

// finishRun ends the handlers' run: a later release does nothing. It reports whether the
// run was released.
func (c *Context) finishRun() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disp, c.queue, c.batch = nil, nil, nil
	return c.released
}

// NewContext returns a Context over ctx with no client and no update, for tests of handlers
// and filters; set the fields needed.
func NewContext(ctx context.Context) *Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Context{Context: ctx}
}

// Set stores v under key for the later handlers of the same update (in later groups, or
// after ErrContinuePropagation). Filters use it to hand what they parsed to the handler.
func (c *Context) Set(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data == nil {
		c.data = make(map[string]any, 2)
	}
	c.data[key] = v
}

// Get returns the value stored under key by Set.
func (c *Context) Get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.data[key]
	return v, ok
}

// Chat returns the chat of the update: the message's, the chat of the callback query's
// message, the channel of deleted messages, the chat of a join request or a reaction; nil
// when the update has none.
func (c *Context) Chat() *types.Chat {
	if m := c.message(); m != nil {
		return m.Chat
	}
	switch {
	case c.DeletedMessages != nil:
		return c.DeletedMessages.Chat
	case c.ChatJoinRequest != nil:
		return c.ChatJoinRequest.Chat
	case c.MessageReaction != nil:
		return c.MessageReaction.Chat
	case c.ChatMember != nil:
		return c.ChatMember.Chat
	case c.MessageReactionCount != nil:
		return c.MessageReactionCount.Chat
	case c.Poll != nil:
		return c.Poll.Chat
	case c.Story != nil:
		return c.Story.Chat
	case c.ChatBoost != nil:
		return c.ChatBoost.Chat
	case c.DeletedBusinessMessages != nil:
		return c.DeletedBusinessMessages.Chat
	case c.GuestQuery != nil && c.GuestQuery.Message != nil:
		return c.GuestQuery.Message.Chat
	}
	return nil
}

// From returns the user who caused the update: the message's sender, the user who pressed
// the button, typed the inline query, changed status, asked to join, chose an inline result,
// reacted or voted; nil when unknown (or a chat).
func (c *Context) From() *types.User {
	switch {
	case c.CallbackQuery != nil:
		return c.CallbackQuery.From
	case c.InlineQuery != nil:
		return c.InlineQuery.From
	case c.UserStatus != nil:
		return c.UserStatus.User
	case c.ChatJoinRequest != nil:
		return c.ChatJoinRequest.From
	case c.ChosenInlineResult != nil:
		return c.ChosenInlineResult.From
	case c.MessageReaction != nil:
		return c.MessageReaction.User
	case c.PollAnswer != nil:
		return c.PollAnswer.User
	case c.ChatMember != nil:
		return c.ChatMember.User
	case c.PreCheckoutQuery != nil:
		return c.PreCheckoutQuery.From
	case c.ShippingQuery != nil:
		return c.ShippingQuery.From
	case c.PurchasedPaidMedia != nil:
		return c.PurchasedPaidMedia.From
	case c.GuestQuery != nil && c.GuestQuery.Message != nil:
		return c.GuestQuery.Message.From
	case c.ManagedBot != nil:
		return c.ManagedBot.User
	case c.BusinessConnection != nil:
		return c.BusinessConnection.User
	case c.Message != nil:
		return c.Message.From
	}
	return nil
}

// message returns the message the update is about: the message itself, or the message with
// the pressed button.
func (c *Context) message() *types.Message {
	switch {
	case c.Message != nil:
		return c.Message
	case c.CallbackQuery != nil:
		return c.CallbackQuery.Message
	}
	return nil
}

// target returns the message the bound actions act on, or the sentinel for what is missing.
// change is set for the actions that change that message (edit, delete): a button on an
// inline message has only an inline message id, so they fail with ErrContextEditInline.
func (c *Context) target(change bool) (*types.Message, error) {
	if c.Client == nil {
		return nil, ErrContextNoClient
	}
	if q := c.CallbackQuery; change && q != nil && q.InlineMessage != nil && c.Message == nil {
		return nil, ErrContextEditInline
	}
	m := c.message()
	if m == nil {
		return nil, ErrContextNoMessage
	}
	if m.Chat == nil {
		return nil, ErrContextNoChat
	}
	return m, nil
}

// Reply sends text to the update's chat as a reply to its message (or to the message with
// the pressed button). It fails with ErrContextNoClient without a client, ErrContextNoMessage
// when the update has no message (a button on an inline message has none) and
// ErrContextNoChat when the message has no chat.
func (c *Context) Reply(text string, opts ...SendOption) (*types.Message, error) {
	m, err := c.target(false)
	if err != nil {
		return nil, err
	}
	return clientAPI{c: c.Client}.SendText(c, m.Chat.InputPeer(), text, m.ID, types.BusinessSendOptions(m.BusinessConnectionID, opts)...)
}

// Answer sends text to the update's chat without replying (for a business message, or a
// button on one, on the business account's behalf). It fails with ErrContextNoClient without
// a client and ErrContextNoChat when the update has no chat.
func (c *Context) Answer(text string, opts ...SendOption) (*types.Message, error) {
	if c.Client == nil {
		return nil, ErrContextNoClient
	}
	chat := c.Chat()
	if chat == nil {
		return nil, ErrContextNoChat
	}
	return clientAPI{c: c.Client}.SendText(c, chat.InputPeer(), text, 0, types.BusinessSendOptions(connectionOf(c.message()), opts)...)
}

// EditText replaces the text of the update's message (or of the message with the pressed
// button; a business message through its connection). Errors as for Reply, except that a
// button on an inline message is ErrContextEditInline: such a message cannot be edited by a
// numeric id.
func (c *Context) EditText(text string, opts ...EditOption) (*types.Message, error) {
	m, err := c.target(true)
	if err != nil {
		return nil, err
	}
	return clientAPI{c: c.Client}.EditText(c, m.Chat.InputPeer(), m.ID, text, types.BusinessEditOptions(m.BusinessConnectionID, opts)...)
}

// EditInlineText replaces the text of the inline message of the update: the message with the
// pressed button, or the chosen inline result's message. It fails with ErrContextNoClient
// without a client and ErrContextNoMessage when the update names no inline message.
func (c *Context) EditInlineText(text string, opts ...EditOption) error {
	id, err := c.inlineMessage()
	if err != nil {
		return err
	}
	return c.Client.editInline(c, id, text, opts)
}

// EditInlineReplyMarkup replaces the buttons of the update's inline message (nil removes
// them), leaving its text. Errors as for EditInlineText.
func (c *Context) EditInlineReplyMarkup(markup tg.ReplyMarkupClass) error {
	id, err := c.inlineMessage()
	if err != nil {
		return err
	}
	return c.Client.sendInlineEdit(c, &tg.MessagesEditInlineBotMessageRequest{ID: id, ReplyMarkup: markup})
}

// inlineMessage is the inline message the update names: the message with the pressed button,
// or the chosen inline result's message.
func (c *Context) inlineMessage() (tg.InputBotInlineMessageIDClass, error) {
	if c.Client == nil {
		return nil, ErrContextNoClient
	}
	var id tg.InputBotInlineMessageIDClass
	switch {
	case c.CallbackQuery != nil:
		id = c.CallbackQuery.InlineMessage
	case c.ChosenInlineResult != nil:
		id = c.ChosenInlineResult.InlineMessage
	}
	if id == nil {
		return nil, ErrContextNoMessage
	}
	return id, nil
}

// Delete deletes the update's message (or the message with the pressed button) for everyone;
// a business message through its connection (DeleteBusinessMessages). Errors as for
// EditText.
func (c *Context) Delete() error {
	m, err := c.target(true)
	if err != nil {
		return err
	}
	return m.DeleteThrough(c, clientAPI{c: c.Client})
}

// AnswerCallback answers the update's callback query (WithAlert, WithURL, WithCacheTime).
// It fails with ErrContextNoClient without a client and ErrContextNoCallback when the update
// is not a callback query.
func (c *Context) AnswerCallback(text string, opts ...CallbackAnswerOption) error {
	if c.Client == nil {
		return ErrContextNoClient
	}
	if c.CallbackQuery == nil {
		return ErrContextNoCallback
	}
	return c.Client.AnswerCallbackQuery(c, c.CallbackQuery.ID, text, opts...)
}

// CallbackAnswerOption configures the answer to a callback query (AnswerCallbackQuery,
// Context.AnswerCallback, types.CallbackQuery.Answer).
type CallbackAnswerOption = option.CallbackAnswer

// setValue builds the typed value of an update of kind (m: the message of new and edited
// messages) and reports whether there is one.
func (c *Context) setValue(api clientAPI, kind updateKind, m tg.MessageClass) bool {
	c.kind = kind
	up, e := c.Update, c.Entities
	switch kind {
	case kindMessage, kindEditedMessage:
		c.Message = types.NewMessage(api, m, e)
		return c.Message != nil && c.Message.Chat != nil
	case kindCallbackQuery:
		return set(&c.CallbackQuery, types.NewCallbackQuery(api, up, e))
	case kindInlineQuery:
		return set(&c.InlineQuery, types.NewInlineQuery(api, up, e))
	case kindDeletedMessages:
		return set(&c.DeletedMessages, types.NewDeletedMessages(up, e))
	case kindUserStatus:
		return set(&c.UserStatus, types.NewUserStatus(up, e))
	case kindChatJoinRequest:
		return set(&c.ChatJoinRequest, types.NewChatJoinRequest(api, up, e))
	case kindChosenInlineResult:
		return set(&c.ChosenInlineResult, types.NewChosenInlineResult(up, e))
	case kindMessageReaction:
		return set(&c.MessageReaction, types.NewMessageReaction(up, e))
	case kindPollAnswer:
		return set(&c.PollAnswer, types.NewPollAnswer(up, e))
	case kindChatMember:
		return set(&c.ChatMember, types.NewChatMemberUpdated(up, e))
	case kindMessageReactionCount:
		return set(&c.MessageReactionCount, types.NewMessageReactionCount(up, e))
	case kindPoll:
		return set(&c.Poll, types.NewPoll(up, e))
	case kindStory:
		return set(&c.Story, types.NewStory(up, e))
	case kindChatBoost:
		return set(&c.ChatBoost, types.NewChatBoost(up, e))
	case kindPreCheckoutQuery:
		return set(&c.PreCheckoutQuery, types.NewPreCheckoutQuery(api, up, e))
	case kindShippingQuery:
		return set(&c.ShippingQuery, types.NewShippingQuery(api, up, e))
	case kindBusinessConnection:
		return set(&c.BusinessConnection, types.NewBusinessConnection(up, e))
	case kindBusinessMessage, kindEditedBusinessMessage:
		c.Message = types.NewBusinessMessage(api, up, e)
		return c.Message != nil && c.Message.Chat != nil
	case kindDeletedBusinessMessages:
		return set(&c.DeletedBusinessMessages, types.NewDeletedBusinessMessages(up, e))
	case kindPurchasedPaidMedia:
		return set(&c.PurchasedPaidMedia, types.NewPurchasedPaidMedia(up, e))
	case kindGuestQuery:
		return set(&c.GuestQuery, types.NewGuestQuery(api, up, e))
	case kindManagedBot:
		return set(&c.ManagedBot, types.NewManagedBot(up, e))
	}
	return true // raw: the update itself
}

// set stores v in *dst and reports whether it is not nil.
func set[T any](dst **T, v *T) bool {
	*dst = v
	return v != nil
}

// queueKey returns the queue the update waits in: its chat, else its user (a button on an
// inline message, an inline query, a status), else 0 (deletions outside channels, raw
// updates), so the updates of one chat or user are handled in order.
func (c *Context) queueKey() int64 {
	if chat := c.Chat(); chat != nil {
		return chat.ID
	}
	if u := c.From(); u != nil {
		return u.ID
	}
	return 0
}
