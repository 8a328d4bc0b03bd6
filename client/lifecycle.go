package mtgo

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Lifecycle hooks: not updates, the client's own events. Every hook is a Handler in the
// handler table (so RemoveHandler removes it), listed by event in handlerTable.hooks.
const (
	hookStart          = iota // Start logged in
	hookStop                  // Stop begins
	hookConnect               // Connect succeeded, or the lost home connection is back
	hookDisconnect            // Disconnect closed the connections, or the home connection broke
	hookReconnect             // the lost home connection is back (after hookConnect)
	hookSessionLoaded         // Connect found the stored session (hooks.go)
	hookUpdateReceived        // a batch of updates, before dispatch (hooks.go)
	numHooks
)

// hookKinds maps the hooks to handler kinds.
var hookKinds = [numHooks]updateKind{kindStart, kindStop, kindConnect, kindDisconnect, kindReconnect, kindSessionLoaded, kindUpdateReceived}

// hookEvent is what a lifecycle hook is told besides its Context: the field of its event.
type hookEvent struct {
	conn      ConnectionInfo
	reconnect ReconnectInfo
	session   SessionInfo
}

// newHook returns the hook of kind running cb, which needs no event.
func newHook(kind updateKind, cb func(*Context)) *Handler {
	return &Handler{kind: kind, onHook: func(ctx *Context, _ *hookEvent) { cb(ctx) }}
}

// OnStart registers cb to run when Start (or StartContext) has connected and logged in, before
// it blocks. cb runs on Start's goroutine: the client is usable (set the bot's commands, say
// hello). It returns the hook, which RemoveHandler removes.
func (c *Client) OnStart(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindStart, cb))
}

// OnStop registers cb to run when Stop begins, while the client still works (its calls
// succeed), on Stop's goroutine.
func (c *Client) OnStop(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindStop, cb))
}

// OnConnect registers cb to run when Connect (or ConnectContext, or Start's connect)
// succeeded, on that call's goroutine, and again each time the session has dialed the home
// connection anew after losing it (after the OnDisconnect that reported the loss), on the
// engine's goroutine: keep cb short, as the reconnection's updates wait for it. A hook run by
// the engine must not call Disconnect itself (it waits for the engine, which waits for the
// hook): start a goroutine for that. Stop may be called (it returns at once there).
//
// OnConnect is OnConnected for hooks that need no ConnectionInfo: the same event, the same
// list of hooks.
func (c *Client) OnConnect(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindConnect, cb))
}

// OnDisconnect registers cb to run when Disconnect has closed the connections, on its
// goroutine (Context.Reason is nil), and when the home connection breaks (Context.Reason is
// the error that ended it; the session redials, and OnConnect runs once it is back), on the
// engine's goroutine. A connection the client closes itself (a migration to another data
// center, a key renewal) runs neither hook. As for OnConnect, a hook run by the engine must
// not call Disconnect itself: start a goroutine for that.
//
// With the default Config.ReconnectAttempts (0) a home connection whose Connect returned is
// redialed for ever after a loss, about every 30 s once the backoff is at its cap: an outage
// of any length runs one OnDisconnect, then OnConnect and OnReconnect once the network is
// back, and no ErrReconnectFailed. Calls made meanwhile fail at their attempt's timeout
// (Config.RequestTimeout) or with their ctx, their error naming the connection's last
// failure.
//
// When the session gives up on the home connection (a positive Config.ReconnectAttempts
// connections in a row failed, or a failure no redial mends: the proxy refusing the
// credentials, an address that is no host, the server forgetting the auth key, a server clock
// the session will not follow (session.ErrClockOffset), or refusing a temporary key's binding
// twice in a row after accepting one), a final OnDisconnect runs,
// also after the one of the loss the redials were for: its Reason matches
// ErrReconnectFailed when the attempts ran out (and after refused bindings) and wraps the
// session's last error. Calls fail from then on, Health shows
// the connection down for that reason, and no OnConnect runs until Connect, which may be
// called again (from a goroutine of the hook's own) to connect anew. With Config.AutoConnect
// the next call does so, the update engine's included: its next getDifference (a gap, or its
// 15-minute idle check) connects a bot that only answers updates. It does so after a refused
// server clock too (a dial and a few round trips each time, paced by the calls): the
// local clock may have been set since, or the server's mended.
//
// The hooks of losses start with Connect's OnConnect: a loss Connect got over before it (the
// session redialed during help.getConfig or the account check) runs none, and a loss not
// over yet runs OnDisconnect right after Connect's OnConnect hooks, on Connect's goroutine.
//
// Disconnect's OnDisconnect is the last hook of the connection: hooks of a change already
// running when Disconnect is called (a reconnection's OnConnect and OnReconnect) end first,
// and later changes of the closed connection run none. It may follow the OnDisconnect of a
// loss the session had not got over yet, with no OnConnect in between.
func (c *Client) OnDisconnect(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindDisconnect, cb))
}

// linkState is what the client knows of the home connection's link and what its hooks were
// told. Changes reach it in order (from the engine, and from NotifyNetworkChange); hooks run
// only once Connect has run its OnConnect (open), by one goroutine at a time (syncing), which
// tells them the state until they agree with it: OnDisconnect and OnConnect alternate however
// the changes are timed, and a loss Connect got over before its OnConnect tells them nothing.
type linkState struct {
	mu         sync.Mutex
	open       bool          // Connect ran its OnConnect: changes run hooks
	syncing    bool          // a goroutine runs the hooks of the changes
	synced     chan struct{} // closed when that goroutine is done; made when it starts
	down       bool          // lost, not back yet
	lossNew    bool          // lost after being up, since the hooks were last told a loss
	lostErr    error         // what took the link down last
	lostAt     time.Time     // when it did
	lastErr    error         // the latest loss (Health)
	ended      bool          // the session gave up on the connection (lastErr is what it returned)
	toldEnd    bool          // the hooks were told it did
	told       bool          // the hooks were told the link is down: OnDisconnect ran, no OnConnect since
	toldErr    error         // the loss the hooks were told
	toldAt     time.Time     // when it happened
	reconnects int64         // reconnections the hooks were told (Health, ReconnectInfo.Count)
	gen        uint64        // resets so far: the Connect whose connection the state is of
}

// reset starts the state of a new home connection: nothing lost, nothing told, changes held
// until Connect announces it. It returns the state's new generation (never 0), which the new
// connection's events carry (homePushes): those of an older one are dropped from then on.
func (l *linkState) reset() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open, l.down, l.lossNew, l.told, l.ended, l.toldEnd = false, false, false, false, false, false
	l.gen++
	return l.gen
}

// staleLocked reports whether an event of the connection of generation gen is to be dropped:
// a newer Connect reset the state since (gen 0 is the current connection, whichever it is).
// l.mu is held.
func (l *linkState) staleLocked(gen uint64) bool { return gen != 0 && gen != l.gen }

// hold stops changes from running hooks (Disconnect: the closed connection's are none of
// them). The hooks of a change already running may still be; settle waits for them.
func (l *linkState) hold() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open = false
}

// settle waits, after hold, until no goroutine runs the hooks of the link's changes, so that
// a hook run after it (Disconnect's OnDisconnect) is the last one: a reconnection's OnConnect
// and OnReconnect running meanwhile end first. Called from such a hook (which must not call
// Disconnect, but may), it cannot wait for itself and returns at once.
func (l *linkState) settle() {
	l.mu.Lock()
	done := l.synced
	if !l.syncing {
		done = nil
	}
	l.mu.Unlock()
	if done != nil && onStack(syncLinkFunc) == "" {
		<-done
	}
}

// syncLinkFunc names Client.syncLink in a stack.
var syncLinkFunc = clientModule + ".(*Client).syncLink"

// claimLocked reports whether the caller is to run the hooks of the changes; l.mu is held.
func (l *linkState) claimLocked() bool {
	if !l.open || l.syncing {
		return false
	}
	l.syncing = true
	l.synced = make(chan struct{})
	return true
}

// linkChanged records a change of the current home connection, lost (the reason) or back
// (nil): NotifyNetworkChange's. See linkChangedOf.
func (c *Client) linkChanged(lost error) { c.linkChangedOf(0, lost) }

// linkChangedOf records a change of the home connection of generation gen (0: the current
// one), lost (the reason) or back (nil), and runs the hooks it calls for: OnDisconnect once
// per loss, then OnConnect (and OnConnected) and OnReconnect once it is back. A change of a
// connection a newer Connect replaced is dropped.
func (c *Client) linkChangedOf(gen uint64, lost error) {
	l := &c.link
	l.mu.Lock()
	if l.ended || l.staleLocked(gen) { // the connection is gone: Connect makes the next one
		l.mu.Unlock()
		return
	}
	newLoss := lost != nil && !l.down
	if lost != nil {
		l.lastErr = lost // before the hooks: Health in OnDisconnect shows it
		if newLoss {
			l.down, l.lossNew, l.lostErr, l.lostAt = true, true, lost, time.Now()
		}
	} else {
		l.down = false
	}
	run := l.claimLocked()
	l.mu.Unlock()
	if newLoss {
		dc, _ := c.eng.Home()
		c.Log.Info("home connection lost", "dc", dc, "err", lost)
	}
	if run {
		c.syncLink()
	}
}

// linkEnded records that the session gave up on the home connection of generation gen (0: the
// current one) with err, and runs the final OnDisconnect: its Reason wraps err (a
// *ReconnectError when the redials failed), even after the OnDisconnect of the loss the
// redials were for. No OnConnect follows until Connect. The end of a connection a newer
// Connect replaced is dropped: it would end the new one's hooks.
func (c *Client) linkEnded(gen uint64, err error) {
	l := &c.link
	l.mu.Lock()
	if l.staleLocked(gen) {
		l.mu.Unlock()
		return
	}
	l.lastErr, l.ended = err, true
	if !l.down {
		l.down, l.lostErr, l.lostAt = true, err, time.Now()
	}
	run := l.claimLocked()
	l.mu.Unlock()
	if errors.Is(err, ErrAuthKeyUnknown) { // the engine dropped the key; the hooks see it
		c.setAuthorized(context.Background(), nil)
	}
	if run {
		c.syncLink()
	}
}

// announce runs Connect's OnConnect hooks, once every change of the link reported so far is
// known, then opens the link's hooks: a loss the connection is back from is Connect's business
// and tells nothing, one still down runs OnDisconnect after them.
func (c *Client) announce(ctx context.Context) {
	if err := c.eng.FlushLink(ctx); err != nil {
		c.Log.Debug("link changes still on their way at Connect", "err", err)
	}
	l := &c.link
	l.mu.Lock()
	l.lossNew = l.lossNew && l.down
	l.told = false
	l.mu.Unlock()
	c.runHooks(hookConnect, nil, &hookEvent{conn: c.connectionInfo(false)})
	l.mu.Lock()
	l.open = true
	run := l.claimLocked()
	l.mu.Unlock()
	if run {
		c.syncLink()
	}
}

// syncLink tells the hooks the link's changes until they agree with its state, or the hooks
// are held again. One goroutine at a time runs it (linkState.syncing).
func (c *Client) syncLink() {
	l := &c.link
	for {
		dc, _ := c.eng.Home()
		l.mu.Lock()
		switch {
		case !l.open || l.toldEnd:
		case l.ended:
			l.told, l.toldEnd, l.lossNew = true, true, false
			reason := fmt.Errorf("mtgo: connection to dc %d ended: %w", dc, l.lastErr)
			l.mu.Unlock()
			c.runHooks(hookDisconnect, reason, nil)
			continue
		case !l.told && (l.down || l.lossNew):
			l.told, l.lossNew, l.toldErr, l.toldAt = true, false, l.lostErr, l.lostAt
			reason := fmt.Errorf("mtgo: connection to dc %d lost: %w", dc, l.lostErr)
			l.mu.Unlock()
			c.runHooks(hookDisconnect, reason, nil)
			continue
		case l.told && (!l.down || l.lossNew): // back (and maybe lost again since)
			l.told = false
			l.reconnects++
			ev := &hookEvent{reconnect: ReconnectInfo{DC: dc, Count: l.reconnects, Downtime: time.Since(l.toldAt), Reason: l.toldErr}}
			l.mu.Unlock()
			ev.conn = c.connectionInfo(true)
			c.runHooks(hookConnect, nil, ev)
			c.runHooks(hookReconnect, nil, ev)
			continue
		}
		l.syncing = false
		close(l.synced)
		l.mu.Unlock()
		return
	}
}

// hooksOf returns the hooks of the event registered now.
func (c *Client) hooksOf(hook int) []*Handler {
	if c.msgs == nil {
		return nil
	}
	return c.msgs.reg.load().hooks[hook]
}

// hasHooks reports whether a hook of the event is registered.
func (c *Client) hasHooks(hook int) bool { return len(c.hooksOf(hook)) > 0 }

// runHooks runs the hooks of one event in registration order, with the Context's Reason
// set to reason and ev (nil: nothing to tell) handed to each; a panic is logged and the next
// hook runs.
func (c *Client) runHooks(hook int, reason error, ev *hookEvent) {
	hooks := c.hooksOf(hook)
	if len(hooks) == 0 {
		return
	}
	if ev == nil {
		ev = &hookEvent{}
	}
	ctx := &Context{Context: c.life, Client: c, Reason: reason}
	for _, h := range hooks {
		func() {
			defer c.recoverHook()
			h.onHook(ctx, ev)
		}()
	}
}

// recoverHook logs a hook's panic; deferred around each hook.
func (c *Client) recoverHook() {
	if r := recover(); r != nil {
		c.Log.Error("lifecycle hook panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}
