package mtgo

import (
	"errors"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/session"
)

// HealthStatus is the client's health at one moment (Health).
type HealthStatus struct {
	// Connected is true while the home connection is up: Connect succeeded, and the
	// connection is not lost and waiting to be dialed again, nor given up by the session.
	Connected bool
	// Authorized is true once an account is logged in.
	Authorized bool
	// DC is the home data center.
	DC int
	// RTT is the smoothed round trip of the home connection's keepalive pings, 0 before the
	// first pong; LastPong is when that pong arrived.
	RTT      time.Duration
	LastPong time.Time
	// Reconnects counts the times the home connection was dialed again after it broke (or
	// after NotifyNetworkChange) since the client was created.
	Reconnects int64
	// LastError is why the home connection last broke, nil if it never did; once the session
	// gave up on it, what the session ended with (a *ReconnectError when its attempts ran
	// out).
	LastError error
	// DCs is the state of every running connection, the home one first.
	DCs []DCHealth
}

// DCHealth is the state of one connection (HealthStatus.DCs).
type DCHealth struct {
	DC         int
	Home       bool
	Media, CDN bool
	// State is where the connection's run loop is: connecting, connected, waiting (between
	// attempts after a break) or closed.
	State session.ConnState
	// RTT is the connection's ping round trip, 0 before the first pong.
	RTT time.Duration
	// LastError is why the connection last broke, nil if it never did.
	LastError error
}

// Health returns the client's health: whether it is connected and logged in, the home
// connection's round trip and reconnects, and the state of each connection. It reads
// counters the connections keep, without network calls, so it may be polled often.
func (c *Client) Health() HealthStatus {
	h := HealthStatus{
		Authorized: c.authorized(),
		DC:         c.eng.HomeDC(),
	}
	c.link.mu.Lock()
	h.Reconnects = c.link.reconnects
	c.link.mu.Unlock()
	conns := c.eng.Conns(nil)
	for _, ci := range conns {
		d := DCHealth{DC: ci.DC, Home: ci.Home, Media: ci.Media, CDN: ci.CDN, State: session.StateConnected}
		if ci.HasStats {
			d.State, d.RTT, d.LastError = ci.Stats.State, ci.Stats.RTT, ci.Stats.LastError
		}
		if ci.Home {
			d.State, d.LastError = c.homeLink(d.State, d.LastError)
			h.RTT, h.LastPong, h.LastError = ci.Stats.RTT, ci.Stats.LastPong, d.LastError
			h.Connected = d.State == session.StateConnected
		}
		h.DCs = append(h.DCs, d)
	}
	return h
}

// homeLink corrects the home connection's state and last error with what the client knows:
// a loss reaches the client (and its OnDisconnect hooks) before the session's own counters.
func (c *Client) homeLink(st session.ConnState, lastErr error) (session.ConnState, error) {
	l := &c.link
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.ended: // the session's counters show the last failed dial, not that it gave up
		return session.StateClosed, l.lastErr
	case l.down && st == session.StateConnected:
		st = session.StateConnecting
	}
	if lastErr == nil {
		lastErr = l.lastErr
	}
	return st, lastErr
}

// NotifyNetworkChange tells the client that the network changed (another Wi-Fi, a VPN, a
// mobile network): every connection drops its socket, which may otherwise hang for minutes,
// and dials again at once. Calls in flight are sent again on the new connections (those
// not safe to repeat and older than the server's deduplication window fail with
// session.ErrNotRepeated); updates missed meanwhile are fetched. It does nothing while the
// client is not connected.
//
// The drop is reported like a lost connection: the OnDisconnect hooks run with a Reason
// matching ErrNetworkChanged, and the OnConnect hooks once the connection is back.
func (c *Client) NotifyNetworkChange() {
	if _, ok := c.eng.Home(); !ok {
		return
	}
	c.Log.Info("network change: redialing")
	// Reported before the redial, so the redial's OnConnect follows it.
	c.linkChanged(ErrNetworkChanged)
	if err := c.eng.Redial(); err != nil {
		c.linkChanged(nil) // disconnected meanwhile: nothing to wait for
	}
}

// ErrNetworkChanged is the Reason of the OnDisconnect hooks run by NotifyNetworkChange.
var ErrNetworkChanged = errors.New("mtgo: network changed")

// RandomID returns a random non-zero int64 for the random_id of a request (messages.sendMessage
// and the like), which lets the server drop a request sent twice.
func (c *Client) RandomID() int64 { return randomID() }

// Close ends the client for good, like Stop (pending calls fail with ErrClientClosed, the
// storage is saved and closed, no goroutine is left), and reports what failed on the way:
// saving or closing the storage and the layers. Unlike Disconnect the client cannot connect
// again. Calling it again returns nil. Like Stop, called on a goroutine the client started (a
// handler or hook) it cannot wait for the shutdown: it starts it and returns nil, and what
// fails on the way is logged.
func (c *Client) Close() error {
	if c.stopFromInside() {
		return nil
	}
	first := false
	c.stopOnce.Do(func() {
		first = true
		c.stopErr = c.shutdown()
	})
	if !first {
		<-c.stopped
		return nil
	}
	if c.stopErr != nil {
		return fmt.Errorf("mtgo: close: %w", c.stopErr)
	}
	return nil
}
