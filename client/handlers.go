package mtgo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Filter decides whether a handler takes an update. Filters are plain functions: package
// client/filters has the common ones and And/Or/Not to combine them, and any
// func(*mtgo.Context) bool is one. A filter may store what it parsed with ctx.Set for the
// handler (filters.CommandOf reads the parsed command).
type Filter func(*Context) bool

// Propagation control: a handler returns one of these to change which handlers run next.
var (
	// ErrContinuePropagation, returned by a handler, lets the next handler of the same group
	// whose kind and filters match run as well.
	ErrContinuePropagation = errors.New("mtgo: continue propagation")
	// ErrStopPropagation, returned by a handler, stops the update: no handler of a later
	// group runs.
	ErrStopPropagation = errors.New("mtgo: stop propagation")
)

// updateKind is the kind of update a handler takes.
type updateKind uint8

const (
	kindRaw updateKind = iota // every update
	kindMessage
	kindEditedMessage
	kindCallbackQuery
	kindInlineQuery
	kindDeletedMessages
	kindUserStatus
	kindChatJoinRequest
	kindChosenInlineResult
	kindMessageReaction
	kindPollAnswer
	kindChatMember
	kindMessageReactionCount
	kindPoll
	kindStory
	kindChatBoost
	kindPreCheckoutQuery
	kindShippingQuery
	kindBusinessConnection
	kindBusinessMessage
	kindEditedBusinessMessage
	kindDeletedBusinessMessages
	kindPurchasedPaidMedia
	kindGuestQuery
	kindManagedBot
	kindSecretChatRequest // secret chats (secret.go): not walked by raw handlers
	kindSecretChatReady
	kindSecretMessage
	kindSecretChatRead
	kindSecretChatTyping
	kindError // not an update: the error handlers
	// Lifecycle hooks, not updates either.
	kindStart
	kindStop
	kindConnect
	kindDisconnect
	kindReconnect
	kindSessionLoaded
	kindUpdateReceived
	numKinds
)

// HandlerFunc is a handler's callback as middleware sees it: the typed value is in the
// Context (Message, CallbackQuery, Update).
type HandlerFunc func(*Context) error

// Middleware wraps every handler: it gets the next step (the handler, or the next middleware)
// and returns the step to run instead, which may act before and after calling next, or not
// call it (a rate limiter). Middleware runs after the handler's filters passed; what it
// returns is what the handler returned (propagation errors included).
type Middleware func(next HandlerFunc) HandlerFunc

// UseMiddleware adds mw around every handler, present and future. The first middleware added
// is the outermost. Safe while the client runs.
func (c *Client) UseMiddleware(mw Middleware) {
	if mw != nil {
		c.msgs.reg.use(mw)
	}
}

// Handler is one registered callback with its filters. The On* methods register one in
// group 0 and return it; the New*Handler constructors build one for AddHandler. A Handler
// is in at most one group of one client at a time.
type Handler struct {
	kind    updateKind
	filters []Filter
	run     HandlerFunc
	onErr   func(*Context, error)
	onHook  func(*Context, *hookEvent)                   // lifecycle hooks (lifecycle.go, hooks.go)
	onBatch func(ctx context.Context, u tg.UpdatesClass) // OnUpdateReceived
	// accept: the extras (outgoing, service messages) a message handler takes as well.
	accept  atomic.Uint32
	timeout atomic.Int64 // per run, in nanoseconds; 0 for none
}

// AcceptOutgoing makes a message or edited-message handler also receive messages the
// account itself sent (here or from another device); by default they receive incoming
// messages only, so that an echo bot does not answer its own answers. Use filters.Outgoing
// and filters.Incoming to tell them apart. It returns h.
func (h *Handler) AcceptOutgoing() *Handler {
	h.accept.Or(extraOutgoing)
	return h
}

// AcceptService makes a message handler also receive service messages (users joined or
// left, a title changed, a message pinned, ...: types.Message.Service tells which); by
// default they reach raw handlers only, so that a text handler is not called with them. Use
// filters.Service and its kinds to pick them. It returns h.
func (h *Handler) AcceptService() *Handler {
	h.accept.Or(extraService)
	return h
}

// NewMessageHandler builds a handler of new messages for AddHandler.
func NewMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewEditedMessageHandler builds a handler of edited messages for AddHandler.
func NewEditedMessageHandler(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return handlerOf(kindEditedMessage, cb, func(ctx *Context) *types.Message { return ctx.Message }, fs)
}

// NewCallbackQueryHandler builds a handler of callback queries for AddHandler.
func NewCallbackQueryHandler(cb func(*Context, *types.CallbackQuery) error, fs ...Filter) *Handler {
	return handlerOf(kindCallbackQuery, cb, func(ctx *Context) *types.CallbackQuery { return ctx.CallbackQuery }, fs)
}

// NewDeletedMessagesHandler builds a handler of deleted messages for AddHandler.
func NewDeletedMessagesHandler(cb func(*Context, *types.DeletedMessages) error, fs ...Filter) *Handler {
	return handlerOf(kindDeletedMessages, cb, func(ctx *Context) *types.DeletedMessages { return ctx.DeletedMessages }, fs)
}

// NewRawUpdateHandler builds a handler of every update, as the raw tg value, for AddHandler.
func NewRawUpdateHandler(cb func(*Context, tg.UpdateClass) error, fs ...Filter) *Handler {
	return &Handler{kind: kindRaw, filters: fs, run: func(ctx *Context) error { return cb(ctx, ctx.Update) }}
}

// NewErrorHandler builds an error handler for AddHandler (its group does not matter).
func NewErrorHandler(cb func(*Context, error)) *Handler {
	return &Handler{kind: kindError, onErr: cb}
}

// OnMessage registers cb in group 0 for new incoming messages (private chats, groups,
// channels) that pass every filter in fs. See the README's handler model: groups, the first
// matching handler of each group, propagation, ordering per chat.
func (c *Client) OnMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageHandler(cb, fs...))
}

// OnEditedMessage registers cb in group 0 for edited incoming messages
// (updateEditMessage, updateEditChannelMessage) that pass every filter in fs.
func (c *Client) OnEditedMessage(cb func(*Context, *types.Message) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewEditedMessageHandler(cb, fs...))
}

// OnCallbackQuery registers cb in group 0 for presses of the bot's inline buttons, in chats,
// on inline messages and on messages sent through a business connection
// (updateBusinessBotCallbackQuery: CallbackQuery.BusinessConnectionID set, and the
// message's edits go through the connection), that pass every filter in fs.
func (c *Client) OnCallbackQuery(cb func(*Context, *types.CallbackQuery) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewCallbackQueryHandler(cb, fs...))
}

// OnDeletedMessages registers cb in group 0 for deleted messages (updateDeleteMessages,
// updateDeleteChannelMessages) that pass every filter in fs.
func (c *Client) OnDeletedMessages(cb func(*Context, *types.DeletedMessages) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewDeletedMessagesHandler(cb, fs...))
}

// OnRawUpdate registers cb in group 0 for every update that passes every filter in fs. A raw
// handler competes with the typed handlers of its group: the first that matches runs.
func (c *Client) OnRawUpdate(cb func(*Context, tg.UpdateClass) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewRawUpdateHandler(cb, fs...))
}

// OnError registers cb for what handlers return (other than the propagation errors) and for
// their recovered panics (*PanicError). Every error handler runs, in registration order; the
// error is logged as well.
func (c *Client) OnError(cb func(*Context, error)) *Handler {
	return c.register(cb != nil, NewErrorHandler(cb))
}

func (c *Client) register(ok bool, h *Handler) *Handler {
	if ok {
		c.msgs.reg.add(h, 0)
	}
	return h
}

// AddHandler adds h to group, or moves it there if it is already registered. Groups run in
// ascending order; within a group handlers keep the order they were added in. Safe while the
// client runs: an update being dispatched keeps the list it started with.
func (c *Client) AddHandler(h *Handler, group int) {
	if h == nil || (h.run == nil && h.onErr == nil && h.onHook == nil && h.onBatch == nil) {
		return
	}
	c.msgs.reg.add(h, group)
}

// RemoveHandler removes h from whatever group it is in. Safe while the client runs.
func (c *Client) RemoveHandler(h *Handler) {
	if h != nil {
		c.msgs.reg.remove(h)
	}
}

// handlerGroup is one group's handlers in order, with runs[i] the run of handlers[i] inside
// the middleware.
type handlerGroup struct {
	id       int
	handlers []*Handler
	runs     []HandlerFunc
}

// handlerTable is an immutable snapshot of the registered handlers; the registry replaces it
// on every change, so dispatch reads it with one atomic load and takes no lock.
type handlerTable struct {
	groups     []handlerGroup // by ascending id
	errs       []*Handler
	hooks      [numHooks][]*Handler // lifecycle hooks by hookStart, hookStop, ...
	middleware []Middleware         // outermost first
	kinds      [numKinds]int        // handlers per kind
}

// wants reports whether some handler may take an update of kind k with extras.
func (t *handlerTable) wants(k updateKind, extras uint32) bool {
	if t.kinds[kindRaw] > 0 {
		return true
	}
	if t.kinds[k] == 0 || extras == 0 {
		return t.kinds[k] > 0
	}
	for _, g := range t.groups {
		for _, h := range g.handlers {
			if h.kind == k && extras&^h.accept.Load() == 0 {
				return true
			}
		}
	}
	return false
}

// registry holds the handler table, copied on write.
type registry struct {
	mu  sync.Mutex // serializes writers
	cur atomic.Pointer[handlerTable]
}

func newRegistry() *registry {
	r := &registry{}
	r.cur.Store(&handlerTable{})
	return r
}

func (r *registry) load() *handlerTable { return r.cur.Load() }

// update replaces the table with a copy changed by change.
func (r *registry) update(change func(*handlerTable)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.load().clone()
	change(n)
	n.finish()
	r.cur.Store(n)
}

func (r *registry) add(h *Handler, group int) {
	r.update(func(n *handlerTable) {
		n.drop(h)
		if h.kind == kindError {
			n.errs = append(n.errs, h)
			return
		}
		if i := slices.Index(hookKinds[:], h.kind); i >= 0 {
			n.hooks[i] = append(n.hooks[i], h)
			return
		}
		i, found := slices.BinarySearchFunc(n.groups, group, func(g handlerGroup, id int) int { return cmp.Compare(g.id, id) })
		if !found {
			n.groups = slices.Insert(n.groups, i, handlerGroup{id: group})
		}
		n.groups[i].handlers = append(n.groups[i].handlers, h)
	})
}

func (r *registry) remove(h *Handler) { r.update(func(n *handlerTable) { n.drop(h) }) }

func (r *registry) use(mw Middleware) {
	r.update(func(n *handlerTable) { n.middleware = append(n.middleware, mw) })
}

// clone copies t deeply enough that changing the copy leaves t as it was.
func (t *handlerTable) clone() *handlerTable {
	n := &handlerTable{errs: slices.Clone(t.errs), middleware: slices.Clone(t.middleware)}
	for i := range t.hooks {
		n.hooks[i] = slices.Clone(t.hooks[i])
	}
	for _, g := range t.groups {
		n.groups = append(n.groups, handlerGroup{id: g.id, handlers: slices.Clone(g.handlers)})
	}
	return n
}

// drop removes h from every group (and empty groups) and from the error handlers.
func (t *handlerTable) drop(h *Handler) {
	is := func(x *Handler) bool { return x == h }
	for i := range t.groups {
		t.groups[i].handlers = slices.DeleteFunc(t.groups[i].handlers, is)
	}
	t.groups = slices.DeleteFunc(t.groups, func(g handlerGroup) bool { return len(g.handlers) == 0 })
	t.errs = slices.DeleteFunc(t.errs, is)
	for i := range t.hooks {
		t.hooks[i] = slices.DeleteFunc(t.hooks[i], is)
	}
}

// finish counts the handlers per kind and wraps every handler's run in the middleware, once
// per change, so that dispatch composes nothing.
func (t *handlerTable) finish() {
	t.kinds = [numKinds]int{}
	for i := range t.groups {
		g := &t.groups[i]
		g.runs = make([]HandlerFunc, len(g.handlers))
		for j, h := range g.handlers {
			t.kinds[h.kind]++
			run := h.run
			for k := len(t.middleware) - 1; k >= 0; k-- {
				run = t.middleware[k](run)
			}
			g.runs[j] = run
		}
	}
	t.kinds[kindError] = len(t.errs)
}

// empty reports whether no update handler is registered.
func (t *handlerTable) empty() bool { return len(t.groups) == 0 }

// WithTimeout bounds each run of h: its Context is cancelled after d (zero: no bound but
// the client's life). A handler that ignores its context is not stopped. It returns h.
func (h *Handler) WithTimeout(d time.Duration) *Handler {
	h.timeout.Store(int64(max(d, 0)))
	return h
}

// PanicError is a panic recovered from a handler or a filter, as the error handlers receive
// it; the stack is logged, not part of Error.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack where the panic was recovered.
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprintf("mtgo: handler panicked: %v", e.Value) }

// handlerOf builds the handler of kind for a callback on the typed value value returns.
func handlerOf[T any](kind updateKind, cb func(*Context, *T) error, value func(*Context) *T, fs []Filter) *Handler {
	return &Handler{kind: kind, filters: fs, run: func(ctx *Context) error { return cb(ctx, value(ctx)) }}
}
