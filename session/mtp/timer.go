package mtp

import (
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

// staleAfter is how long the engine remembers containers and its own unanswered one-way
// messages: longer than the server's 300 s msg_id window, after which nothing can refer to them.
const staleAfter = 2 * maxPast

// NextDeadline returns the earliest time the engine needs OnTimer (or a Flush, for due
// acknowledgements), zero if it needs nothing.
func (e *Engine) NextDeadline() time.Time {
	var d time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	if len(e.acks) > 0 {
		earliest(e.ackDue)
	}
	if e.side == crypto.Server {
		earliest(e.disconnectAt)
		return d
	}
	if e.cfg.PingInterval > 0 {
		earliest(e.pongDue) // kept while a refused ping is replaced (sendPing)
		if e.ping == nil {
			earliest(e.pingDue)
		}
	}
	if e.cfg.FutureSalts > 0 {
		earliest(e.saltFetchDue)
	}
	earliest(e.stateDue)
	if len(e.prevSent) > 0 {
		earliest(e.prevUntil)
	}
	return d
}

// OnTimer does what is due at now: keepalive pings, future salt requests, msgs_state_req
// about calls without an ack, and EventFailed for calls past their CallOptions.Timeout. It fails with ErrHealthTimeout when a pong (client) or the next
// ping (server) is overdue; the loop must then drop the connection. Due acknowledgements go out
// with the next Flush.
func (e *Engine) OnTimer(now time.Time) ([]Event, error) {
	e.events = e.events[:0]
	if e.side == crypto.Server {
		if !e.disconnectAt.IsZero() && !now.Before(e.disconnectAt) {
			return e.events, ErrHealthTimeout
		}
		return e.events, nil
	}
	if !e.pongDue.IsZero() && !now.Before(e.pongDue) {
		return e.events, ErrHealthTimeout
	}
	if e.cfg.PingInterval > 0 && e.ping == nil && !e.pingDue.IsZero() && !now.Before(e.pingDue) {
		e.sendPing(now)
	}
	if e.cfg.FutureSalts > 0 && !e.saltFetchDue.IsZero() && !now.Before(e.saltFetchDue) {
		if old := e.saltReq; old != nil {
			// Unanswered for a minute (or the salt changed since): ask again.
			e.unqueue(old)
			e.untrack(old)
		}
		body := le.AppendUint32(make([]byte, 0, 8), idGetFutureSalts)
		body = le.AppendUint32(body, uint32(e.cfg.FutureSalts))
		e.saltReq = &outMsg{kind: kindGetSalts, body: body, content: true}
		e.push(e.saltReq)
		e.saltFetchDue = now.Add(time.Minute) // asked again if no answer comes
	}
	if !e.stateDue.IsZero() && !now.Before(e.stateDue) {
		e.checkStates(now)
	}
	if len(e.prevSent) > 0 && !now.Before(e.prevUntil) {
		e.dropPrev("none within " + prevSessionWait.String())
	}
	return e.events, nil
}

// PingNow queues a keepalive ping for the next Flush, unless one waits for its pong or
// keepalive is off (Config.PingInterval negative); the next ping is due PingInterval after its
// pong, and a missing pong fails the connection as usual. A client calls it after OnConnect
// so the server answers a new connection at once: the answer, the first packet under the key,
// tells the connection works before any call needs it.
func (e *Engine) PingNow(now time.Time) {
	if e.side == crypto.Server || e.cfg.PingInterval <= 0 || e.ping != nil {
		return
	}
	e.sendPing(now)
}

// sendPing queues ping_delay_disconnect: the server closes the connection if the next ping
// does not come within the delay, and the engine fails the connection if the pong does not
// come within pongTimeout. A ping sent in place of one the server refused (a
// bad_msg_notification or bad_server_salt about it) gets a pong timeout of its own for the
// first pingRefusalGrace refusals in a row, which mend their cause (a new salt, a corrected
// clock or seqno); later ones keep the deadline: only an answer (a pong, or one of the replies
// that move it, see answered) proves the server processes what it is sent, and a server
// refusing every ping must not keep the connection alive for ever.
func (e *Engine) sendPing(now time.Time) {
	e.nextPingID++
	// Whole seconds, rounded up: a zero delay would make the server hang up at once.
	delay := int32((e.cfg.PingInterval + e.cfg.MaxPongTimeout + time.Second - 1) / time.Second)
	body := le.AppendUint32(make([]byte, 0, 16), idPingDelayDisconnect)
	body = le.AppendUint64(body, uint64(e.nextPingID))
	body = le.AppendUint32(body, uint32(delay))
	e.ping = &outMsg{kind: kindPing, body: body, content: true, pingID: e.nextPingID}
	e.push(e.ping)
	if e.pingRefusals <= pingRefusalGrace {
		e.pongDue = maxTime(e.pongDue, now.Add(e.pongTimeout()))
	}
}

// pingRefusalGrace is how many refusals of the keepalive ping in a row are taken as mending
// their cause: the ping replacing one of them goes at once, with a pong timeout of its own. A
// fresh connection's first ping may be refused for an old salt and for a clock gone off while
// it was down; on a slow network the replacement's pong can come later than the first ping's
// deadline.
const pingRefusalGrace = 2

// replacePing drops the keepalive ping after the server refused it (or a new session left it
// behind). Up to pingRefusalGrace in a row, a fresh one goes at once with its own pong timeout
// (sendPing); after that the next one waits MinPongTimeout and keeps the deadline, so a server
// refusing every ping draws a few until the deadline, not one per round trip.
func (e *Engine) replacePing(now time.Time) {
	e.pingRefusals++
	e.pingDue = now
	if e.pingRefusals > pingRefusalGrace {
		e.pingDue = now.Add(e.cfg.MinPongTimeout)
	}
	e.ping = nil
}

// answered notes an answer to a message of ours other than the keepalive ping (an rpc_result,
// future_salts, msgs_state_info): the server processes what it is sent, so a pong still due
// gets its full timeout from now.
func (e *Engine) answered(now time.Time) {
	if !e.pongDue.IsZero() {
		e.pongDue = maxTime(e.pongDue, now.Add(e.pongTimeout()))
	}
}

// scheduleSaltFetch sets when to ask for future salts: SaltMargin before the last known salt
// expires, or now if none is known.
func (e *Engine) scheduleSaltFetch(now time.Time) {
	if e.side == crypto.Server || e.cfg.FutureSalts <= 0 {
		return
	}
	until := e.salts.coveredUntil()
	if until.IsZero() {
		e.saltFetchDue = now
		return
	}
	due := until.Add(-e.cfg.SaltMargin).Add(-e.offset) // server time to local time
	e.saltFetchDue = maxTime(due, now)
}

// checkStates asks the server about calls sent more than StateReqAfter ago and still neither
// acknowledged nor answered, fails the calls past their CallOptions.Timeout, and forgets stale
// bookkeeping: the engine's own one-way messages
// and containers older than staleAfter, which nothing can refer to any more. It sets stateDue
// to the next time either is due.
func (e *Engine) checkStates(now time.Time) {
	e.stateDue = time.Time{}
	var ask []int64
	for id, m := range e.sent {
		if oneWay(m.kind) {
			if stale := m.sentAt.Add(staleAfter); now.Before(stale) {
				e.dueState(stale)
				continue
			}
			delete(e.sent, id)
			for _, asked := range m.askedIDs {
				if t := e.sent[asked]; t != nil {
					t.stateAsk = false
				}
			}
			continue
		}
		if m.kind != kindCall || m.acked || m.queued || m.stateAsk || e.cfg.StateReqAfter <= 0 {
			continue
		}
		if due := m.sentAt.Add(e.cfg.StateReqAfter); now.Before(due) {
			e.dueState(due)
			continue
		}
		if len(ask) < maxAckIDs {
			ask = append(ask, id)
			m.stateAsk = true
		}
	}
	for _, m := range e.calls {
		if m.deadline.IsZero() {
			continue
		}
		if now.Before(m.deadline) {
			e.dueState(m.deadline)
			continue
		}
		msgID := m.msgID
		e.Cancel(m.call)
		e.events = append(e.events, Event{Kind: EventFailed, Call: m.call, MsgID: msgID,
			Err: fmt.Errorf("mtp: %w (%v)", ErrCallTimeout, m.timeout)})
	}
	for id, c := range e.containers {
		if stale := c.sentAt.Add(staleAfter); now.Before(stale) {
			e.dueState(stale)
		} else {
			delete(e.containers, id)
		}
	}
	if len(ask) > 0 {
		body := appendLongVector(le.AppendUint32(nil, idMsgsStateReq), ask)
		e.push(&outMsg{kind: kindStateReq, body: body, content: true, askedIDs: ask})
		e.dueState(now.Add(e.cfg.StateReqAfter))
	}
}

// oneWay reports whether messages of kind k are the engine's own that get no answer it waits
// for (or one it may never get): they are kept for acks, resends and msgs_state_req answers
// until staleAfter.
func oneWay(k msgKind) bool {
	return k == kindService || k == kindStateReq || k == kindDropAnswer
}

// dueState brings stateDue forward to t.
func (e *Engine) dueState(t time.Time) {
	if e.stateDue.IsZero() || t.Before(e.stateDue) {
		e.stateDue = t
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
