package mtgo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/invoke"
)

// Invoke sends query and returns the server's answer. It sleeps through FLOOD_WAIT up to
// Config.SleepThreshold (longer waits fail with *FloodWaitError), follows PHONE_MIGRATE,
// USER_MIGRATE and NETWORK_MIGRATE by moving the home data center and FILE_MIGRATE and
// STATS_MIGRATE by using a per-DC session, and repeats the call up to retries times after
// transient failures (internal server errors, lost connections and per-attempt timeouts,
// the latter two only for requests that are safe to repeat). timeout bounds each attempt
// (0: Config.RequestTimeout).
//
// The answer is the tl/tg object of the result type; a vector comes as the tl/tg type of the
// method's result (*tg.UserClassVector for users.getUsers, *tg.IntVector, *tg.LongVector, ...).
// An rpc_error answer is a *rpcerr.Error. Users and chats in the answer are added to the peer
// cache and updates in it go to the update engine.
func (c *Client) Invoke(query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	return c.InvokeContext(context.Background(), query, retries, timeout)
}

// InvokeContext is Invoke with a context for cancellation.
func (c *Client) InvokeContext(ctx context.Context, query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	obj, err := c.invokeQuery(ctx, query, invoke.Options{Retries: retries, Timeout: timeout, Managed: true})
	if err != nil {
		return nil, err
	}
	c.absorb(obj)
	return obj, nil
}

// InvokeRaw sends query on the home connection without the flood-wait and migration
// handling of Invoke: RPC errors other than internal server errors come back as they are.
// It still repeats the call up to retries times after transient failures and bounds each
// attempt with timeout (0: Config.RequestTimeout). The answer is not fed to the peer cache or
// the update engine.
func (c *Client) InvokeRaw(query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	return c.InvokeRawContext(context.Background(), query, retries, timeout)
}

// InvokeRawContext is InvokeRaw with a context for cancellation.
func (c *Client) InvokeRawContext(ctx context.Context, query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	return c.invokeQuery(ctx, query, invoke.Options{Retries: retries, Timeout: timeout})
}

// errNilQuery fails a call without a query.
var errNilQuery = errors.New("mtgo: invoke: nil query")

// invokeQuery sends query from the home data center with o and returns the decoded answer.
func (c *Client) invokeQuery(ctx context.Context, query tg.TLObject, o invoke.Options) (tg.TLObject, error) {
	if query == nil {
		return nil, errNilQuery
	}
	d := tg.ResultDecoder(query)
	if err := c.callWith(ctx, query, d, o); err != nil {
		return nil, err
	}
	return tg.ResultObject(d), nil
}

// callWith sends in from the home data center with o, through the invoker middleware, after
// the automatic connect and inside the takeout session when configured.
func (c *Client) callWith(ctx context.Context, in tl.Encoder, out tl.Decoder, o invoke.Options) error {
	in, err := c.prepare(ctx, in)
	if err != nil {
		return err
	}
	if c.invokeMW.Load() == nil { // the direct path allocates no closure
		return c.eng.Call(ctx, in, out, o)
	}
	return c.through(ctx, in, out, func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
		return c.eng.Call(ctx, in, out, o)
	})
}

// call makes a managed call (flood waits, migrations) from the home data center without
// absorbing the answer: for callers that hand the answer on themselves.
func (c *Client) call(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	in, err := c.prepare(ctx, in)
	if err != nil {
		return err
	}
	if c.invokeMW.Load() == nil { // the direct path allocates no method value
		return c.eng.Invoke(ctx, in, out)
	}
	return c.through(ctx, in, out, c.eng.Invoke)
}

// callDC is call on data center dc (home when dc is 0 or home), through the middleware.
func (c *Client) callDC(ctx context.Context, dc int, in tl.Encoder, out tl.Decoder) error {
	if dc == 0 || dc == c.eng.HomeDC() {
		return c.call(ctx, in, out)
	}
	in, err := c.prepare(ctx, in)
	if err != nil {
		return err
	}
	return c.through(ctx, in, out, func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
		return c.eng.CallDC(ctx, dc, in, out)
	})
}

// prepare connects first with Config.AutoConnect and wraps in in invokeWithTakeout with
// Config.Takeout. Without either it costs two field reads.
func (c *Client) prepare(ctx context.Context, in tl.Encoder) (tl.Encoder, error) {
	if c.cfg.AutoConnect {
		if err := c.autoConnect(ctx); err != nil {
			return nil, err
		}
	}
	if c.cfg.Takeout {
		id, err := c.takeout(ctx)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			return &tg.InvokeWithTakeoutRequest{TakeoutID: id, Query: in}, nil
		}
	}
	return in, nil
}

// autoConnect connects a client that is not connected (Config.AutoConnect), or whose home
// connection the session gave up on.
func (c *Client) autoConnect(ctx context.Context) error {
	if c.eng.Connected() {
		return nil
	}
	c.autoMu.Lock()
	defer c.autoMu.Unlock()
	if c.eng.Connected() {
		return nil
	}
	if err := c.ConnectContext(ctx); err != nil && !errors.Is(err, ErrAlreadyConnected) {
		return fmt.Errorf("mtgo: auto connect: %w", err)
	}
	return nil
}

// takeout returns the takeout session of Config.Takeout, opening it (account.initTakeoutSession
// with Config.TakeoutScope) on the first call after login; 0 before login.
func (c *Client) takeout(ctx context.Context) (int64, error) {
	if id := c.takeoutID.Load(); id != 0 || !c.authorized() {
		return id, nil
	}
	c.takeoutMu.Lock()
	defer c.takeoutMu.Unlock()
	if id := c.takeoutID.Load(); id != 0 {
		return id, nil
	}
	sc := c.cfg.TakeoutScope
	if sc == (TakeoutScope{}) {
		sc = TakeoutScope{Contacts: true, MessageUsers: true, MessageChats: true, MessageMegagroups: true, MessageChannels: true, Files: true}
	}
	req := takeoutRequest(sc)
	var res tg.AccountTakeout
	if err := c.eng.Invoke(ctx, req, &res); err != nil {
		return 0, fmt.Errorf("mtgo: init takeout session: %w", err)
	}
	c.takeoutID.Store(res.ID)
	return res.ID, nil
}

// InvokerFunc is a tg.Invoker made of a function.
type InvokerFunc func(ctx context.Context, in tl.Encoder, out tl.Decoder) error

// Invoke implements tg.Invoker.
func (f InvokerFunc) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	return f(ctx, in, out)
}

// InvokerMiddleware wraps the calls of the client's methods (Invoke, InvokeRaw and every
// typed method): it gets the next step (the call, or the next middleware) and returns the
// step to run instead: tracing, metrics, a per-chat flood control. in is the request (a
// tg.TLObject, whose TypeName names the method), out receives the answer.
type InvokerMiddleware func(next tg.Invoker) tg.Invoker

// UseInvokerMiddleware adds mw around the calls of the client's methods, the first added
// outermost. It does not wrap what the layers call on their own (the update engine's
// getDifference, the peer cache's lookups) nor file transfers. Safe while the client runs.
func (c *Client) UseInvokerMiddleware(mw InvokerMiddleware) {
	if mw == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var chain []InvokerMiddleware
	if cur := c.invokeMW.Load(); cur != nil {
		chain = slices.Clone(*cur)
	}
	chain = append(chain, mw)
	c.invokeMW.Store(&chain)
}

// through runs call inside the invoker middleware.
func (c *Client) through(ctx context.Context, in tl.Encoder, out tl.Decoder, call InvokerFunc) error {
	chain := c.invokeMW.Load()
	if chain == nil {
		return call(ctx, in, out)
	}
	var next tg.Invoker = call
	for i := len(*chain) - 1; i >= 0; i-- {
		next = (*chain)[i](next)
	}
	return next.Invoke(ctx, in, out)
}

// invoker returns the client as a tg.Invoker for the typed helpers of tg.Client: managed
// calls whose answers feed the peer cache and the update engine.
func (c *Client) invoker() tg.Invoker { return clientInvoker{c: c} }

type clientInvoker struct{ c *Client }

func (i clientInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if err := i.c.call(ctx, in, out); err != nil {
		return err
	}
	if b, ok := out.(*tg.UpdatesClassBox); ok {
		i.c.absorb(b.Updates)
	} else {
		i.c.absorb(out)
	}
	return nil
}
