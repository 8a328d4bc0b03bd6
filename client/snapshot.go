package mtgo

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// ConnectionSnapshot is the state of every running connection at one moment.
type ConnectionSnapshot struct {
	// At is when the snapshot was taken.
	At time.Time
	// Conns are the connections, the home one first.
	Conns []ConnSnapshot
}

// ConnSnapshot is one connection in a ConnectionSnapshot.
type ConnSnapshot struct {
	// DC is the data center; Kind says what the connection is for: "home", "main" (another
	// data center's calls), "media" (file transfers, Lane numbering their connections) or
	// "cdn".
	DC   int
	Kind string
	Lane int
	// State is where the connection's run loop is.
	State session.ConnState
	// Addr is the address dialed and Transport the framing ("intermediate", "abridged",
	// "padded", "full", or "mtproxy"), with "+obfuscated" and "+websocket" as configured.
	Addr      string
	Transport string
	// SessionID is the MTProto session's id.
	SessionID int64
	// SaltValidUntil is the server time until which announced salts cover the session (zero
	// when only the current salt is known; the next ones are fetched before it runs out).
	SaltValidUntil time.Time
	// RTT is the smoothed ping round trip, 0 before the first pong.
	RTT time.Duration
	// InFlight counts calls waiting for their answer; Queued the messages waiting to be
	// written.
	InFlight int
	Queued   int
	// Dials counts the connections opened for this session (1 + reconnects).
	Dials int64
	// LastError is why the connection last broke (LastErrorAt when), nil if it never did.
	LastError   error
	LastErrorAt time.Time
}

// LoadSnapshot is the client's load at one moment.
type LoadSnapshot struct {
	// At is when the snapshot was taken.
	At time.Time
	// Calls counts the calls made since the client was created; CallsPerSecond is their rate
	// since the previous LoadSnapshot (since the client was created, for the first).
	Calls          int64
	CallsPerSecond float64
	// FloodWaits counts the FLOOD_WAIT answers received, slept through or returned.
	FloodWaits int64
	// UpdateLag is how long the last batch of updates took from the update engine's input
	// (a push or a call's result) until the handlers were done with it, 0 before the first.
	UpdateLag time.Duration
	// HandlerQueue counts the updates queued for the handlers.
	HandlerQueue int
}

// ConnectionSnapshot returns the state of every running connection. It reads counters the
// connections keep and waits for none of them: cheap enough to poll every second.
func (c *Client) ConnectionSnapshot() ConnectionSnapshot {
	var buf [4]ConnSnapshot
	snap := ConnectionSnapshot{At: time.Now(), Conns: buf[:0]}
	tr := c.transportName()
	for _, ci := range c.eng.Conns(nil) {
		kind := "main"
		switch {
		case ci.Home:
			kind = "home"
		case ci.CDN:
			kind = "cdn"
		case ci.Media:
			kind = "media"
		}
		st := ci.Stats
		if !ci.HasStats {
			st.State = session.StateConnected
		}
		if ci.Home {
			st.State, st.LastError = c.homeLink(st.State, st.LastError)
		}
		snap.Conns = append(snap.Conns, ConnSnapshot{
			DC: ci.DC, Kind: kind, Lane: ci.Lane, State: st.State, Addr: st.Addr, Transport: tr,
			SessionID: st.SessionID, SaltValidUntil: st.SaltValidUntil, RTT: st.RTT,
			InFlight: max(st.InFlight, ci.InFlight), Queued: st.Queued, Dials: st.Dials,
			LastError: st.LastError, LastErrorAt: st.LastErrorAt,
		})
	}
	return snap
}

// transportName names the configured transport for snapshots.
func (c *Client) transportName() string {
	if c.cfg.MTProxy != "" {
		return "mtproxy"
	}
	t := c.cfg.Transport
	name := string(t.codec())
	if !c.cfg.NoObfuscation && !t.NoObfuscation {
		name += "+obfuscated"
	}
	if t.WebSocket {
		name += "+websocket"
		if t.WebSocketTLS {
			name += "+tls"
		}
	}
	return name
}

// LoadSnapshot returns the client's load: calls and their rate, flood waits, the update
// engine's lag and the handlers' queue. It reads counters only.
func (c *Client) LoadSnapshot() LoadSnapshot {
	now := time.Now()
	calls := c.counters.Calls.Load()
	s := LoadSnapshot{
		At:         now,
		Calls:      calls,
		FloodWaits: c.counters.FloodWaits.Load(),
		UpdateLag:  time.Duration(c.load.lag.Load()),
	}
	prev := c.load.prev.Swap(&loadPoint{at: now, calls: calls})
	since, base := c.load.created, int64(0)
	if prev != nil {
		since, base = prev.at, prev.calls
	}
	if d := now.Sub(since); d > 0 {
		s.CallsPerSecond = float64(calls-base) / d.Seconds()
	}
	if c.msgs != nil {
		c.msgs.mu.Lock()
		s.HandlerQueue = c.msgs.queued
		c.msgs.mu.Unlock()
	}
	return s
}

// loadMeter keeps what LoadSnapshot reports beyond the policy's counters.
type loadMeter struct {
	created time.Time
	prev    atomic.Pointer[loadPoint] // the previous LoadSnapshot's count
	waiting atomic.Int64              // unix nanoseconds of the first input since the last delivery, 0 if none
	lag     atomic.Int64              // the last measured input-to-delivery time
}

type loadPoint struct {
	at    time.Time
	calls int64
}

// input records an input to the update engine.
func (m *loadMeter) input() { m.waiting.CompareAndSwap(0, time.Now().UnixNano()) }

// delivered records a batch handed to the handlers.
func (m *loadMeter) delivered() {
	if t := m.waiting.Swap(0); t != 0 {
		m.lag.Store(time.Now().UnixNano() - t)
	}
}

// meteredUpdates is the update manager with the load meter around its input and output.
type meteredUpdates struct {
	UpdateManager
	m *loadMeter
}

func (u *meteredUpdates) HandleUpdates(ctx context.Context, up tg.UpdatesClass) error {
	u.m.input()
	return u.UpdateManager.HandleUpdates(ctx, up)
}

func (u *meteredUpdates) HandleSent(ctx context.Context, s updates.Sent, up tg.UpdatesClass) error {
	u.m.input()
	return u.UpdateManager.HandleSent(ctx, s, up)
}

func (u *meteredUpdates) Start(ctx context.Context, deliver func(ctx context.Context, u tg.UpdatesClass) error, stopped func(error)) error {
	return u.UpdateManager.Start(ctx, func(ctx context.Context, up tg.UpdatesClass) error {
		err := deliver(ctx, up)
		u.m.delivered()
		return err
	}, stopped)
}
