package engine

import "github.com/mtgo-labs/mtgo/client/internal/conn"

// establisher is a Conn that can be told its owner's setup on it is done: from then on a
// Persistent reconnect policy redials a loss for ever (session.Conn.MarkEstablished). A Conn
// without the method (a replaced SessionFactory's) keeps its own policy.
type establisher interface{ MarkEstablished() }

// Established tells the home connection that the client's Connect has its answers on it: its
// session redials a loss for ever from then on under a Persistent policy (the default), while
// before, a link lost during Connect gives up after Options.Reconnect.MaxAttempts failures,
// so that a Connect without deadline ends with an error. A home connection a migration makes
// later is told once it is home. The next Connect starts bounded again.
func (e *Engine) Established() {
	e.mu.Lock()
	e.established = true
	home := e.home
	e.mu.Unlock()
	markEstablished(home)
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
