package mtgo

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The lifecycle hooks that are told what happened: OnConnected, OnReconnect, OnSessionLoaded
// and OnUpdateReceived. They are Handlers in the same table as OnStart, OnStop, OnConnect and
// OnDisconnect (lifecycle.go): registered in order, run in order, removed by RemoveHandler, a
// panic logged and the next hook run.

// ConnectionInfo tells an OnConnected hook about the home connection that is up.
type ConnectionInfo struct {
	// DC is the home data center.
	DC int
	// Authorized is true when the client is logged in.
	Authorized bool
	// Reconnected is true when the connection came back after a loss (OnDisconnect ran),
	// false after Connect.
	Reconnected bool
}

// ReconnectInfo tells an OnReconnect hook about a reconnection of the home connection.
type ReconnectInfo struct {
	// DC is the home data center.
	DC int
	// Count is how many times the home connection has come back after a loss (or a
	// NotifyNetworkChange) since the client was built, 1 for the first, as Health's
	// Reconnects. A connection the session replaces by itself (a temporary key's renewal:
	// it closes the old connection once its calls are answered and dials the next at once)
	// is no reconnection. When the renewal's new connection breaks before it is served, the
	// client has none until a redial is: that is a loss, and its comeback counts.
	Count int64
	// Downtime is the time from the loss being noticed to the connection being back. The
	// failed dials in between are the session's and are not counted.
	Downtime time.Duration
	// Reason is the error that ended the lost connection (the Reason OnDisconnect had).
	Reason error
}

// SessionInfo tells an OnSessionLoaded hook about the session Connect uses.
type SessionInfo struct {
	// DC is the home data center the session belongs to.
	DC int
	// Stored is true when the storage held an authorization key for it (false: a new key was
	// exchanged).
	Stored bool
	// Authorized is true when the stored identity names a logged-in account, with its id and
	// whether it is a bot. Connect checks it next (users.getUsers): a revoked session is
	// then logged out.
	Authorized bool
	UserID     int64
	Bot        bool
}

// ConnectedHook runs when the home connection is up; see OnConnected.
type ConnectedHook func(ctx *Context, info ConnectionInfo)

// ReconnectHook runs when the lost home connection is back; see OnReconnect.
type ReconnectHook func(ctx *Context, info ReconnectInfo)

// SessionLoadedHook runs when Connect has loaded the stored session; see OnSessionLoaded.
type SessionLoadedHook func(ctx *Context, info SessionInfo)

// UpdateReceivedHook sees every batch of updates before the dispatcher; see
// OnUpdateReceived. ctx ends when the client stops.
type UpdateReceivedHook func(ctx context.Context, u tg.UpdatesClass)

// OnConnected registers hook to run when Connect (or ConnectContext, or Start's connect)
// succeeded, on that call's goroutine, and each time the session has dialed the home
// connection anew after losing it (info.Reconnected), on the engine's goroutine: keep it
// short, and do not call Disconnect or Stop from it (start a goroutine for that). OnConnect
// registers the same event for hooks that need no info. It returns the hook, which
// RemoveHandler removes.
func (c *Client) OnConnected(hook ConnectedHook) *Handler {
	if hook == nil {
		return c.register(false, nil)
	}
	return c.register(true, &Handler{kind: kindConnect, onHook: func(ctx *Context, ev *hookEvent) { hook(ctx, ev.conn) }})
}

// OnReconnect registers hook to run when the lost home connection is back (after the
// OnDisconnect that reported the loss and the OnConnected hooks of the reconnection), on the
// engine's goroutine, with the reconnection's count, the downtime and the loss's reason. A
// NotifyNetworkChange runs it too. As for OnConnected, keep it short and do not call
// Disconnect or Stop from it.
func (c *Client) OnReconnect(hook ReconnectHook) *Handler {
	if hook == nil {
		return c.register(false, nil)
	}
	return c.register(true, &Handler{kind: kindReconnect, onHook: func(ctx *Context, ev *hookEvent) { hook(ctx, ev.reconnect) }})
}

// OnSessionLoaded registers hook to run at each Connect once the stored session (the home
// data center's authorization key and the account it names) is loaded and the connection
// works, before the account is checked, the update engine starts and the OnConnected hooks
// run, on Connect's goroutine.
func (c *Client) OnSessionLoaded(hook SessionLoadedHook) *Handler {
	if hook == nil {
		return c.register(false, nil)
	}
	return c.register(true, &Handler{kind: kindSessionLoaded, onHook: func(ctx *Context, ev *hookEvent) { hook(ctx, ev.session) }})
}

// OnUpdateReceived registers hook to see every batch of updates before the dispatcher does:
// the ordered batches the update engine hands over (pushed ones, the answers' updates and
// what getDifference recovered), or with NoUpdates what HandleUpdates and HandleUpdatesWait
// get. It runs on the update engine's goroutine, before the handlers of the batch: it must
// not block, nor change u. It may call Stop or Close (which then return at once, see Stop),
// and Disconnect, then Connect, as a handler may: Disconnect returns without waiting for the
// update engine, which stops once the hook returns, with the batch counted as handled (its
// handlers run, the next Connect does not deliver it again; a CommitDispatcher's
// DispatchCommit gets the ended context instead, and an error from it, as the fanout
// Gateway's, leaves the batch to be delivered again, to the hook too); the update engine of
// a Connect from the hook starts then. Without such hooks the update path pays one atomic
// load.
func (c *Client) OnUpdateReceived(hook UpdateReceivedHook) *Handler {
	if hook == nil {
		return c.register(false, nil)
	}
	return c.register(true, &Handler{kind: kindUpdateReceived, onBatch: hook})
}

// updateReceived runs the OnUpdateReceived hooks on u; it allocates nothing.
func (c *Client) updateReceived(ctx context.Context, u tg.UpdatesClass) {
	for _, h := range c.hooksOf(hookUpdateReceived) {
		func() {
			defer c.recoverHook()
			h.onBatch(ctx, u)
		}()
	}
}

// connectionInfo describes the home connection for the OnConnected hooks.
func (c *Client) connectionInfo(reconnected bool) ConnectionInfo {
	return ConnectionInfo{DC: c.eng.HomeDC(), Authorized: c.authorized(), Reconnected: reconnected}
}

// storedSession reports, before Connect dials, whether the storage holds a key for the home
// data center; it reads the storage only when OnSessionLoaded hooks are registered.
func (c *Client) storedSession(ctx context.Context) bool {
	if !c.hasHooks(hookSessionLoaded) {
		return false
	}
	s, err := c.store.LoadSession(ctx, c.eng.HomeDC())
	return err == nil && s.HasKey()
}

// sessionLoaded runs the OnSessionLoaded hooks once Connect has connected.
func (c *Client) sessionLoaded(stored bool) {
	if !c.hasHooks(hookSessionLoaded) {
		return
	}
	uid, bot := c.eng.Account()
	c.runHooks(hookSessionLoaded, nil, &hookEvent{session: SessionInfo{
		DC: c.eng.HomeDC(), Stored: stored, Authorized: uid != 0, UserID: uid, Bot: bot,
	}})
}
