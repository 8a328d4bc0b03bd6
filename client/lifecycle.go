package mtgo

import (
	"fmt"
	"runtime/debug"
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
// the engine must not call Disconnect or Stop itself (they wait for the engine, which waits
// for the hook): start a goroutine for that.
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
// not call Disconnect or Stop itself: start a goroutine for that.
func (c *Client) OnDisconnect(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindDisconnect, cb))
}

// linkChanged runs the hooks of a change of the home connection: lost (the reason) or back
// (nil). Each loss runs OnDisconnect once and the reconnection after it OnConnect (and
// OnConnected) once, then OnReconnect.
func (c *Client) linkChanged(lost error) {
	if lost != nil {
		c.linkErr.Store(&lost) // before the hooks: Health in OnDisconnect shows it
		if c.linkDown.CompareAndSwap(false, true) {
			c.linkLostAt.Store(time.Now().UnixNano())
			dc, _ := c.eng.Home()
			c.Log.Info("home connection lost", "dc", dc, "err", lost)
			c.runHooks(hookDisconnect, fmt.Errorf("mtgo: connection to dc %d lost: %w", dc, lost), nil)
		}
		return
	}
	if c.linkDown.CompareAndSwap(true, false) {
		n := c.reconnects.Add(1)
		ev := &hookEvent{conn: c.connectionInfo(true)}
		ev.reconnect = ReconnectInfo{DC: ev.conn.DC, Count: n, Downtime: time.Since(time.Unix(0, c.linkLostAt.Load()))}
		if e := c.linkErr.Load(); e != nil {
			ev.reconnect.Reason = *e
		}
		c.runHooks(hookConnect, nil, ev)
		c.runHooks(hookReconnect, nil, ev)
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
