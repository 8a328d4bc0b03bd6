package mtgo

import (
	"fmt"
	"runtime/debug"
)

// Lifecycle hooks: not updates, the client's own events.
const (
	hookStart      = iota // Start logged in
	hookStop              // Stop begins
	hookConnect           // Connect succeeded
	hookDisconnect        // Disconnect closed the connections
	numHooks
)

// hookKinds maps the hooks to handler kinds.
var hookKinds = [numHooks]updateKind{kindStart, kindStop, kindConnect, kindDisconnect}

func newHook(kind updateKind, cb func(*Context)) *Handler {
	return &Handler{kind: kind, onHook: cb}
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
// succeeded, on that call's goroutine. Reconnects after a lost connection do not run it.
func (c *Client) OnConnect(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindConnect, cb))
}

// OnDisconnect registers cb to run when Disconnect has closed the connections, on its
// goroutine. A connection lost and reconnected by the session does not run it.
func (c *Client) OnDisconnect(cb func(*Context)) *Handler {
	return c.register(cb != nil, newHook(kindDisconnect, cb))
}

// runHooks runs the hooks of one kind in registration order; a panic is logged and the next
// hook runs.
func (c *Client) runHooks(hook int) {
	t := c.msgs.reg.load()
	if len(t.hooks[hook]) == 0 {
		return
	}
	ctx := &Context{Context: c.life, Client: c}
	for _, h := range t.hooks[hook] {
		func() {
			defer func() {
				if r := recover(); r != nil {
					c.Log.Error("lifecycle hook panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				}
			}()
			h.onHook(ctx)
		}()
	}
}
