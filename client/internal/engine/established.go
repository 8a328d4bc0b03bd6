package engine

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// establisher is a Conn that can be told its owner's setup on it is done: from then on a
// Persistent reconnect policy redials a loss for ever (session.Conn.MarkEstablished). A Conn
// without the method (a replaced SessionFactory's) keeps its own policy.
type establisher interface{ MarkEstablished() }

// Established tells the home connection of the Connect that returned gen that the client's
// Connect has its answers on it: its session redials a loss for ever from then on under a
// Persistent policy (the default), while before, a link lost during Connect gives up after
// Options.Reconnect.MaxAttempts failures, so that a Connect without deadline ends with an
// error. A home connection a migration makes later is told once it is home. The next Connect
// starts bounded again. It reports false, telling nothing, when that connection is no longer
// home (a Disconnect came, maybe a newer Connect, whose connection stays bounded until its
// own Established).
func (e *Engine) Established(gen Gen) bool {
	e.mu.Lock()
	if gen != e.gen || e.home == nil {
		e.mu.Unlock()
		return false
	}
	e.established = true
	home := e.home
	e.mu.Unlock()
	markEstablished(home)
	return true
}

// markEstablished passes Established on to lc's Conn, if lc is set and its Conn can be told.
func markEstablished(lc *conn.Live) {
	if lc == nil {
		return
	}
	if m, ok := lc.Conn.(establisher); ok {
		m.MarkEstablished()
	}
}

// warnUnmarkable logs, once per engine, that the home connection lc cannot be told
// Established while the policy is Persistent: its session keeps the bound it had during
// Connect, so that after a later outage of that many failed dials the client receives
// nothing and calls fail, with no redial.
func (e *Engine) warnUnmarkable(lc *conn.Live) {
	bound := e.o.Reconnect.MaxAttempts
	if !e.o.Reconnect.Persistent || bound < 0 { // a negative bound never gives up anyway
		return
	}
	if bound == 0 {
		bound = 8 // session.ReconnectPolicy's default
	}
	if _, ok := lc.Conn.(establisher); ok {
		return
	}
	e.mu.Lock()
	warned := e.warnedMark
	e.warnedMark = true
	e.mu.Unlock()
	if warned {
		return
	}
	e.log.Warn("home connection cannot be told Connect is done: its Conn has no MarkEstablished method, "+
		"so it never redials for ever and gives up after max_attempts failed dials in a later outage; "+
		"embed *session.Conn in the SessionFactory's Conn or implement MarkEstablished()",
		"conn", fmt.Sprintf("%T", lc.Conn), "max_attempts", bound)
}
