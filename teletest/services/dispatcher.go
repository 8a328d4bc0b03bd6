package services

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Handler answers one decoded request: a result to encode into rpc_result, or an error
// (an *RPCError, possibly wrapped; see AsRPCError).
type Handler func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error)

// Middleware wraps the routing of every request, including the inner query of wrappers such
// as invokeWithLayer, so it sees the real method.
type Middleware func(next Handler) Handler

// DCOption is one address of a data center, listed by help.getConfig.
type DCOption struct {
	ID    int
	Addr  netip.AddrPort
	Media bool // media-only address
	TCPO  bool // obfuscated-only address
}

// Options configure a Dispatcher.
type Options struct {
	// World is the Telegram the handlers act on. Required.
	World *world.World
	// Log receives handler failures that are not Telegram errors. Nil discards them.
	Log *slog.Logger
	// DCs are the cluster's addresses for help.getConfig; SetDCs replaces them later (the
	// network layer knows its ports only after listening).
	DCs []DCOption
	// ThisDC is used for help.getNearestDc/getConfig when a Caller has DC 0. Default 2.
	ThisDC int
	// BotTimeout is how long messages.getBotCallbackAnswer and messages.getInlineBotResults
	// wait for the bot's answer before BOT_RESPONSE_TIMEOUT. Default 15 s (about Telegram's).
	BotTimeout time.Duration
}

// Dispatcher routes requests by constructor id to the per-method handlers of this package.
// It is safe for concurrent use by every connection of every DC.
type Dispatcher struct {
	w      *world.World
	log    *slog.Logger
	thisDC int

	botTimeout time.Duration

	handlers map[uint32]Handler

	mu     sync.RWMutex
	mws    []Middleware
	dcs    []DCOption
	chain  Handler // route wrapped in mws
	faults methodFaults
}

// New returns a Dispatcher with every implemented method registered.
func New(opts Options) (*Dispatcher, error) {
	if opts.World == nil {
		return nil, errors.New("services: Options.World is required")
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.ThisDC == 0 {
		opts.ThisDC = 2
	}
	if opts.BotTimeout <= 0 {
		opts.BotTimeout = DefaultBotTimeout
	}
	d := &Dispatcher{
		w:          opts.World,
		log:        opts.Log,
		thisDC:     opts.ThisDC,
		botTimeout: opts.BotTimeout,
		handlers:   make(map[uint32]Handler),
		dcs:        slices.Clone(opts.DCs),
	}
	d.registerAll()
	d.rebuild()
	return d, nil
}

// World returns the world the dispatcher acts on.
func (d *Dispatcher) World() *world.World { return d.w }

// Register installs (or replaces) the handler for the function with constructor id.
// Call it before serving.
func (d *Dispatcher) Register(id uint32, h Handler) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handlers[id] = h
}

// Methods returns the constructor ids that have a handler, sorted.
func (d *Dispatcher) Methods() []uint32 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	ids := make([]uint32, 0, len(d.handlers))
	for id := range d.handlers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Use appends a middleware; the first added is the outermost.
func (d *Dispatcher) Use(mw Middleware) {
	d.mu.Lock()
	d.mws = append(d.mws, mw)
	d.mu.Unlock()
	d.rebuild()
}

func (d *Dispatcher) rebuild() {
	d.mu.Lock()
	defer d.mu.Unlock()
	h := Handler(d.route)
	h = d.faults.middleware(h)
	for i := len(d.mws) - 1; i >= 0; i-- {
		h = d.mws[i](h)
	}
	d.chain = h
}

// SetDCs replaces the addresses listed by help.getConfig.
func (d *Dispatcher) SetDCs(dcs []DCOption) {
	d.mu.Lock()
	d.dcs = slices.Clone(dcs)
	d.mu.Unlock()
}

// DCs returns the addresses listed by help.getConfig.
func (d *Dispatcher) DCs() []DCOption {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return slices.Clone(d.dcs)
}

// Handle answers one decoded request. It never blocks on anything but the world's lock.
func (d *Dispatcher) Handle(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
	if req == nil {
		return nil, ErrInputMethodInvalid
	}
	d.mu.RLock()
	h := d.chain
	d.mu.RUnlock()
	return h(ctx, c, req)
}

// HandleBytes decodes a request body (the bytes of an MTProto message) and answers it. An
// unknown method answers ErrMethodNotImplemented; undecodable input answers
// INPUT_FETCH_ERROR. It never panics on any input.
func (d *Dispatcher) HandleBytes(ctx context.Context, c *Caller, body []byte) (tl.Encoder, error) {
	req, err := DecodeRequest(body)
	if err != nil {
		return nil, err
	}
	return d.Handle(ctx, c, req)
}

// ErrInputFetch answers a request body that does not decode.
var ErrInputFetch = &RPCError{Code: 400, Message: "INPUT_FETCH_ERROR"}

// DecodeRequest decodes a request body. Its errors are *RPCError values ready to send:
// ErrMethodNotImplemented when a function id (at the top or as a wrapper's query) is unknown,
// ErrInputFetch for anything else malformed, including trailing bytes.
func DecodeRequest(body []byte) (tl.Object, error) {
	var b tl.Buffer
	return DecodeRequestWith(&b, body)
}

// DecodeRequestWith is DecodeRequest decoding through b, which a connection keeps and reuses
// for every request: the tl runtime then batches the allocations of decoded strings and
// structs across requests (a fresh Buffer costs an 8 KiB string chunk per request). Decoded
// values stay valid after b moves on; b must not be used concurrently.
func DecodeRequestWith(b *tl.Buffer, body []byte) (tl.Object, error) {
	b.ResetTo(body)
	req, err := tg.DecodeObject(b)
	if err != nil {
		var de *tl.DecodeError
		if errors.As(err, &de) && de.Type == "Object" && errors.Is(err, tl.ErrUnexpectedID) {
			return nil, ErrMethodNotImplemented
		}
		return nil, fmt.Errorf("%w: %w", ErrInputFetch, err)
	}
	if b.Len() != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes after %s", ErrInputFetch, b.Len(), req.TypeName())
	}
	return req, nil
}

// route finds the handler for req. A handler that panics is answered ErrHandlerPanic and
// logged, so one bug fails one call, not the test binary serving it.
func (d *Dispatcher) route(ctx context.Context, c *Caller, req tl.Object) (res tl.Encoder, err error) {
	d.mu.RLock()
	h := d.handlers[req.TypeID()]
	d.mu.RUnlock()
	if h == nil {
		return nil, ErrMethodNotImplemented
	}
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("test server handler panicked",
				slog.String("method", req.TypeName()),
				slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())))
			res, err = nil, ErrHandlerPanic
		}
	}()
	res, err = h(ctx, c, req)
	if err == nil && res == nil {
		// A handler bug; never hand the network layer a nil result to encode.
		return nil, fmt.Errorf("services: %s handler returned neither result nor error", req.TypeName())
	}
	return res, err
}

// inner dispatches the query of a wrapper through the whole chain (so middlewares and faults
// see the real method).
func (d *Dispatcher) inner(ctx context.Context, c *Caller, q tl.Encoder) (tl.Encoder, error) {
	obj, ok := q.(tl.Object)
	if !ok || obj == nil {
		return nil, ErrInputMethodInvalid
	}
	return d.Handle(ctx, c, obj)
}

type msgIDKey struct{}

// WithMsgID returns ctx carrying the msg_id of the request being handled; ping uses it to
// fill pong.msg_id. The network layer sets it.
func WithMsgID(ctx context.Context, msgID int64) context.Context {
	return context.WithValue(ctx, msgIDKey{}, msgID)
}

// MsgID returns the msg_id stored by WithMsgID, or 0.
func MsgID(ctx context.Context) int64 {
	id, _ := ctx.Value(msgIDKey{}).(int64)
	return id
}
