package mtgo

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mtgo-labs/mtgo/client/types"
)

// Conversation waits for the next updates of one chat, from one user or from anyone: "ask the
// name, then the age" inside one handler.
//
//	conv, err := ctx.Conversation()
//	name, err := conv.Ask(ctx, "Your name?")
//	age, err := conv.Ask(ctx, "Your age?")
//
// An update a conversation takes goes to it and to no handler. A handler waiting in a
// conversation holds its worker goroutine (one of Config.Workers) and its chat: the chat's
// other updates wait behind it, in order. Waiting costs no goroutine of its own; a waiting
// conversation is one small record. Bound waits with ctx (context.WithTimeout); they also end
// when the client stops (ErrClientClosed).
//
// The update that started the handler counts as handled for the update engine as soon as the
// handler waits (its state is saved then), and so do the chat's updates that arrive while it
// waits: a crash meanwhile does not deliver them again. Stop ends the wait as it begins, and
// lets the chat's updates queued behind the handler run, with a live context, within the
// few seconds it gives handlers.
type Conversation struct {
	c    *Client
	chat *types.Chat
	user int64
	// business is the business connection of the chat ("" for the account's own chats): a
	// business chat has the Bot API id of the bot's own chat with the same person.
	business string
	// origin is the handler Context the conversation was started from, released when it
	// waits whatever context the wait is given.
	origin *Context
}

// Conversation returns the conversation with the update's chat and sender (the sender only
// when known). A business update's conversation takes only the updates of its business
// connection, any other only the account's own: a business chat shares its Bot API id with
// the bot's own chat with the same person. It fails with ErrContextNoClient without a client
// and ErrContextNoChat when the update has no chat.
func (c *Context) Conversation() (*Conversation, error) {
	if c.Client == nil {
		return nil, ErrContextNoClient
	}
	chat := c.Chat()
	if chat == nil {
		return nil, ErrContextNoChat
	}
	var user int64
	if u := c.From(); u != nil {
		user = u.ID
	}
	cv := c.Client.Conversation(chat, user)
	cv.origin = c
	cv.business = c.businessID()
	return cv, nil
}

// Conversation returns a conversation with chat, with the messages of user only when user is
// not zero.
func (c *Client) Conversation(chat *types.Chat, user int64) *Conversation {
	return &Conversation{c: c, chat: chat, user: user}
}

// BusinessConversation returns a conversation with chat, a private chat of the business
// account connected to the bot through connectionID (with the messages of user only when user
// is not zero): Ask sends through the connection, and the conversation takes the chat's
// business updates of that connection only. An empty connectionID is Conversation.
func (c *Client) BusinessConversation(connectionID string, chat *types.Chat, user int64) *Conversation {
	return &Conversation{c: c, chat: chat, user: user, business: connectionID}
}

// Chat returns the conversation's chat.
func (cv *Conversation) Chat() *types.Chat { return cv.chat }

// BusinessConnectionID returns the business connection of the conversation's chat, "" for a
// chat of the account's own.
func (cv *Conversation) BusinessConnectionID() string { return cv.business }

// Wait returns the Context of the conversation's next update (message, edit, button press,
// ...) that passes every filter in fs. Outgoing messages are never taken.
func (cv *Conversation) Wait(ctx context.Context, fs ...Filter) (*Context, error) {
	w := cv.listen(ctx, kindRaw, fs)
	return cv.await(ctx, w)
}

// WaitMessage returns the conversation's next new message that passes every filter in fs (in
// a business chat, the next business message of its connection).
func (cv *Conversation) WaitMessage(ctx context.Context, fs ...Filter) (*types.Message, error) {
	got, err := cv.await(ctx, cv.listen(ctx, kindMessage, fs))
	if err != nil {
		return nil, err
	}
	return got.Message, nil
}

// Ask sends text to the chat (opts as for SendMessage; in a business chat through its
// connection, on the business account's behalf) and returns the next new message of the
// conversation. It listens before sending, so a quick answer is not missed.
func (cv *Conversation) Ask(ctx context.Context, text string, opts ...SendOption) (*types.Message, error) {
	w := cv.listen(ctx, kindMessage, nil)
	if _, err := cv.c.SendMessage(ctx, cv.chat.InputPeer(), text, types.BusinessSendOptions(cv.business, opts)...); err != nil {
		cv.c.msgs.waits.remove(w)
		return nil, err
	}
	got, err := cv.await(ctx, w)
	if err != nil {
		return nil, err
	}
	return got.Message, nil
}

// listen registers what the conversation waits for and releases the update of the handler
// it runs in (see Conversation): the Context it was started from, or the handler Context ctx
// is (derived from).
func (cv *Conversation) listen(ctx context.Context, kind updateKind, fs []Filter) *waiter {
	w := &waiter{chat: cv.chat.ID, business: cv.business, user: cv.user, kind: kind, filters: fs, got: make(chan *Context, 1)}
	cv.c.msgs.waits.add(w)
	if cv.origin != nil {
		cv.origin.release()
	}
	if hc, ok := ctx.Value(handlerKey{}).(*Context); ok {
		hc.release()
	}
	return w
}

// await waits for w's update, ctx or the client's stop. The wait ends as the stop begins,
// before the client's context ends: the chat's updates queued behind the handler then run
// with a live one (Stop waits for them, see messageDispatcher.detach).
func (cv *Conversation) await(ctx context.Context, w *waiter) (*Context, error) {
	select {
	case got := <-w.got:
		return got, nil
	case <-ctx.Done():
	case <-cv.c.life.Done():
	case <-cv.c.convEnd.done().Done():
	}
	cv.c.msgs.waits.remove(w)
	select {
	case got := <-w.got: // taken just before the removal
		return got, nil
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, ErrClientClosed
}

// waiter is one conversation waiting for an update.
type waiter struct {
	chat     int64  // Bot API id
	business string // the chat's business connection, "" for none
	user     int64  // 0: anyone
	kind     updateKind
	filters  []Filter
	got      chan *Context // buffered: offer never blocks
}

// waitList holds the waiting conversations by chat.
type waitList struct {
	n  atomic.Int64 // waiters, read without the lock on every update
	mu sync.Mutex
	by map[int64][]*waiter
}

func (l *waitList) any() bool { return l.n.Load() > 0 }

func (l *waitList) add(w *waiter) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.by == nil {
		l.by = map[int64][]*waiter{}
	}
	l.by[w.chat] = append(l.by[w.chat], w)
	l.n.Add(1)
}

func (l *waitList) remove(w *waiter) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drop(w.chat, slices.Index(l.by[w.chat], w))
}

// drop removes the i-th waiter of chat (none when i < 0). Called with mu held.
func (l *waitList) drop(chat int64, i int) {
	if i < 0 {
		return
	}
	list := slices.Delete(l.by[chat], i, i+1)
	if len(list) == 0 {
		delete(l.by, chat)
	} else {
		l.by[chat] = list
	}
	l.n.Add(-1)
}

// offer hands the update of ctx, in chat, to the first waiter that takes it, in the order
// they started waiting, and reports whether one did.
func (l *waitList) offer(chat int64, ctx *Context) bool {
	if chat == 0 || (ctx.Message != nil && ctx.Message.Outgoing) {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, w := range l.by[chat] {
		if w.takes(ctx) {
			l.drop(chat, i)
			w.got <- ctx
			return true
		}
	}
	return false
}

// takes reports whether w waits for the update of ctx. A panicking filter does not take it.
func (w *waiter) takes(ctx *Context) (ok bool) {
	if (w.kind != kindRaw && w.kind != plainKind(ctx.kind)) || w.business != ctx.businessID() {
		return false
	}
	if w.user != 0 {
		if u := ctx.From(); u == nil || u.ID != w.user {
			return false
		}
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	for _, f := range w.filters {
		if f != nil && !f(ctx) {
			return false
		}
	}
	return true
}

// plainKind returns the kind of the account's own update a business one stands for (a new or
// edited message); k itself for any other. Waiters wait by the plain kinds and tell business
// chats apart by their connection.
func plainKind(k updateKind) updateKind {
	switch k {
	case kindBusinessMessage:
		return kindMessage
	case kindEditedBusinessMessage:
		return kindEditedMessage
	}
	return k
}

// businessID returns the business connection the update came through, "" for the
// account's own updates.
func (c *Context) businessID() string {
	switch {
	case c.CallbackQuery != nil:
		return c.CallbackQuery.BusinessConnectionID
	case c.Message != nil:
		return c.Message.BusinessConnectionID
	case c.DeletedBusinessMessages != nil:
		return c.DeletedBusinessMessages.ConnectionID
	case c.BusinessConnection != nil:
		return c.BusinessConnection.ID
	}
	return ""
}
