package mtgo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxMigrations bounds the data center moves one call may cause.
const maxMigrations = 5

// invokeOpts are the knobs of one call.
type invokeOpts struct {
	retries int
	timeout time.Duration
	// managed enables flood-wait sleeping and migration (Invoke); InvokeRaw clears it.
	managed bool
}

// route says where a call goes: the home connection, or a per-DC session.
type route struct {
	dc    int // 0: home
	media bool
}

// Invoke sends query and returns the server's answer. It sleeps through FLOOD_WAIT up to
// Config.SleepThreshold (longer waits fail with *FloodWaitError), follows PHONE_MIGRATE,
// USER_MIGRATE and NETWORK_MIGRATE by moving the home data center and FILE_MIGRATE and
// STATS_MIGRATE by using a per-DC session, and repeats the call up to retries times after
// transient failures (internal server errors, lost connections and per-attempt timeouts,
// the latter two only for requests that are safe to repeat). timeout bounds each attempt
// (0: Config.RequestTimeout).
//
// The answer is the tl/tg object of the result type: vectors come as *Vector, *IntVector or
// *LongVector. An rpc_error answer is a *session.RPCError. Users and chats in the answer are
// added to the peer cache and updates in it go to the update engine.
func (c *Client) Invoke(query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	return c.InvokeContext(context.Background(), query, retries, timeout)
}

// InvokeContext is Invoke with a context for cancellation.
func (c *Client) InvokeContext(ctx context.Context, query tg.TLObject, retries int, timeout time.Duration) (tg.TLObject, error) {
	obj, err := c.invokeQuery(ctx, query, invokeOpts{retries: retries, timeout: timeout, managed: true})
	if err != nil {
		return nil, err
	}
	c.absorb(ctx, obj)
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
	return c.invokeQuery(ctx, query, invokeOpts{retries: retries, timeout: timeout})
}

// invokeQuery sends query from the home data center with o and returns the decoded answer.
func (c *Client) invokeQuery(ctx context.Context, query tg.TLObject, o invokeOpts) (tg.TLObject, error) {
	if query == nil {
		return nil, fmt.Errorf("mtgo: invoke: nil query")
	}
	r := resultFor(query)
	if err := c.invoke(ctx, route{}, query, r, o); err != nil {
		return nil, err
	}
	return r.obj, nil
}

// invoker returns the client as a tg.Invoker (managed calls, no extra retries), for the
// typed helpers of tg.Client.
func (c *Client) invoker() tg.Invoker { return clientInvoker{c: c} }

type clientInvoker struct{ c *Client }

func (i clientInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if err := i.c.invoke(ctx, route{}, in, out, invokeOpts{managed: true}); err != nil {
		return err
	}
	if obj := unbox(out); obj != nil {
		i.c.absorb(ctx, obj)
	}
	return nil
}

// unbox returns the object a typed helper's result holder carries, for absorb.
func unbox(out tl.Decoder) tl.Object {
	switch o := out.(type) {
	case *tg.UpdatesClassBox:
		return o.Updates
	case *tg.MessagesMessagesClassBox:
		return o.MessagesMessages
	case *tg.MessagesDialogsClassBox:
		return o.MessagesDialogs
	case *tg.MessagesChatsClassBox:
		return o.MessagesChats
	case *tg.UpdatesDifferenceClassBox:
		return o.UpdatesDifference
	case *tg.UpdatesChannelDifferenceClassBox:
		return o.UpdatesChannelDifference
	case *tg.AuthAuthorizationClassBox:
		return o.AuthAuthorization
	case *tg.UserClassVector:
		v := &Vector{Elems: make([]tg.TLObject, 0, len(o.Elems))}
		for _, u := range o.Elems {
			v.Elems = append(v.Elems, u)
		}
		return v
	case tl.Object:
		return o
	}
	return nil
}

// invoke runs the retry, flood-wait and migration policy around single attempts.
func (c *Client) invoke(ctx context.Context, rt route, in tl.Encoder, out tl.Decoder, o invokeOpts) error {
	retries := max(o.retries, 0)
	migrations := 0
	reauthorized := false
	for {
		err := c.attempt(ctx, rt, in, out, o.timeout)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || errors.Is(err, ErrClientClosed) || errors.Is(err, ErrNotConnected) {
			return err
		}
		method := methodName(in)
		var mig *migratedError
		if errors.As(err, &mig) {
			if !safeToRepeat(in) {
				return &UnsafeMigrationError{TargetDC: mig.dc, Method: method}
			}
			c.Log.Debug("repeating call after migration", "method", method, "dc", mig.dc)
			continue
		}
		rpc, isRPC := session.AsRPCError(err)
		if !isRPC {
			if retries > 0 && safeToRepeat(in) {
				retries--
				c.Log.Debug("repeating call after failure", "method", method, "err", err)
				continue
			}
			return err
		}
		if wait, ok := rpc.FloodWait(); ok && o.managed {
			th := c.cfg.SleepThreshold
			if th < 0 || wait > th {
				return &FloodWaitError{Wait: wait, Method: method, Err: err}
			}
			c.Log.Info("flood wait", "method", method, "wait", wait)
			if err := c.sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		if dc, ok := rpc.MigrateDC(); ok && o.managed {
			if migrations++; migrations > maxMigrations {
				return &MigrationError{TargetDC: dc, Err: err}
			}
			switch rpc.Type {
			case "FILE_MIGRATE", "STATS_MIGRATE":
				rt = route{dc: dc, media: rpc.Type == "FILE_MIGRATE"}
			default: // PHONE_MIGRATE, USER_MIGRATE, NETWORK_MIGRATE
				if err := c.migrateHome(ctx, dc); err != nil {
					return &MigrationError{TargetDC: dc, Err: err}
				}
				rt = route{}
			}
			c.Log.Info("migrated call", "method", method, "type", rpc.Type, "dc", dc)
			continue
		}
		if rpc.Code == 401 && rt.dc != 0 && o.managed && !reauthorized {
			// The per-DC session lost its imported authorization: import it again once.
			reauthorized = true
			c.pool.forget(rt.dc, rt.media)
			continue
		}
		if rpc.Temporary() && retries > 0 {
			retries--
			continue
		}
		return err
	}
}

// attempt makes one try on the route's connection, bounded by the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, rt route, in tl.Encoder, out tl.Decoder, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = c.cfg.RequestTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lc, err := c.connFor(actx, rt)
	if err != nil {
		return err
	}
	err = c.invokeConn(actx, lc, in, out)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return fmt.Errorf("mtgo: %s: attempt timed out after %s: %w", methodName(in), timeout, err)
	}
	return err
}

// connFor returns the connection a route names.
func (c *Client) connFor(ctx context.Context, rt route) (*liveConn, error) {
	c.mu.Lock()
	closed, home, homeDC := c.closed, c.home, c.homeDC
	c.mu.Unlock()
	if closed {
		return nil, ErrClientClosed
	}
	if rt.dc == 0 || (rt.dc == homeDC && !rt.media) {
		if home == nil {
			return nil, ErrNotConnected
		}
		return home, nil
	}
	if home == nil {
		return nil, ErrNotConnected
	}
	return c.pool.get(ctx, rt.dc, rt.media, false)
}

// sleep waits d, returning early with an error when ctx ends or the client stops.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.life.Done():
		return ErrClientClosed
	}
}

// migrateHome moves the home connection to dc: a connection there (with its own auth key),
// initConnection, the authorization exported from the old data center when logged in, then
// the switch. Calls still running on the old connection fail; those safe to repeat are
// repeated on the new one, the others get *UnsafeMigrationError.
func (c *Client) migrateHome(ctx context.Context, dc int) error {
	c.migrateMu.Lock()
	defer c.migrateMu.Unlock()
	c.mu.Lock()
	old, oldDC, known, authorized := c.home, c.homeDC, c.dcs.known(dc), c.userID != 0
	c.mu.Unlock()
	if old == nil {
		return ErrNotConnected
	}
	if oldDC == dc {
		return nil // another call moved it already
	}
	if !known {
		return fmt.Errorf("%w: dc %d", ErrMigrationUnknown, dc)
	}
	lc, err := c.dial(ctx, dc, false, false)
	if err != nil {
		return err
	}
	if authorized {
		if err := c.importAuth(ctx, old, lc, dc); err != nil {
			lc.close()
			return err
		}
	} else if err := c.fetchConfig(ctx, lc); err != nil {
		lc.close()
		return err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		lc.close()
		return ErrClientClosed
	}
	c.home, c.homeDC = lc, dc
	c.mu.Unlock()
	if err := c.store.SetHomeDC(ctx, dc); err != nil {
		c.Log.Warn("save home dc", "err", err)
	}
	if authorized {
		c.recordDCAuth(ctx, dc)
	}
	c.Log.Info("home data center moved", "from", oldDC, "to", dc)
	old.closeMigrated(dc)
	return nil
}

// importAuth authorizes the connection to dc with an authorization exported on from.
func (c *Client) importAuth(ctx context.Context, from, to *liveConn, dc int) error {
	var exp tg.AuthExportedAuthorization
	if err := c.invokeConn(ctx, from, &tg.AuthExportAuthorizationRequest{DCID: int32(dc)}, &exp); err != nil {
		return fmt.Errorf("export authorization for dc %d: %w", dc, err)
	}
	var res tg.AuthAuthorizationClassBox
	if err := c.invokeConn(ctx, to, &tg.AuthImportAuthorizationRequest{ID: exp.ID, Bytes: exp.Bytes}, &res); err != nil {
		return fmt.Errorf("import authorization in dc %d: %w", dc, err)
	}
	return nil
}

// recordDCAuth marks the stored session of dc as authorized for the logged-in account, so
// later runs do not import the authorization again.
func (c *Client) recordDCAuth(ctx context.Context, dc int) {
	c.mu.Lock()
	userID, bot := c.userID, c.bot
	c.mu.Unlock()
	s, err := c.store.LoadSession(ctx, dc)
	if err != nil {
		return
	}
	s.UserID, s.Bot = userID, bot
	if err := c.store.SaveSession(ctx, s); err != nil {
		c.Log.Warn("record authorization", "dc", dc, "err", err)
	}
}

// safeToRepeat reports whether a request may run twice without harm: reads, by the verb of
// its TL method name (get, check, resolve, search, export, fetch, ping).
func safeToRepeat(in tl.Encoder) bool {
	for {
		switch q := in.(type) {
		case *tg.InvokeWithLayerRequest:
			in = q.Query
			continue
		case *tg.InitConnectionRequest:
			in = q.Query
			continue
		case *tg.InvokeWithoutUpdatesRequest:
			in = q.Query
			continue
		}
		break
	}
	name := methodName(in)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	for _, p := range [...]string{"get", "check", "resolve", "search", "export", "fetch", "ping"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
