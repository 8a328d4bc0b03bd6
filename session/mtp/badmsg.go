package mtp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// onBadMsg handles bad_msg_notification#a7eff811 bad_msg_id:long bad_msg_seqno:int
// error_code:int and bad_server_salt#edab447b (the same fields and new_server_salt:long): the
// cause is corrected and the rejected messages are sent again with new ids. The server did not
// process a rejected message, so sending it again is safe, unless it was itself a copy re-sent
// under its old id after a reconnect: then the first copy may have run.
func (e *Engine) onBadMsg(now time.Time, msgID int64, body []byte) {
	salt := peekID(body) == idBadServerSalt
	if len(body) < 20 || salt && len(body) < 28 {
		e.drop("short bad_msg_notification", msgID)
		return
	}
	bad := int64(le.Uint64(body[4:]))
	code := int(int32(le.Uint32(body[16:])))
	if salt {
		// The salt is valid whoever the notice is about.
		e.salts.set(int64(le.Uint64(body[20:])))
		e.salts.future = e.salts.future[:0]
		e.saltFetchDue = now
	}

	targets := e.badTargets(bad)
	if len(targets) == 0 {
		e.drop("bad_msg_notification about no pending message", bad)
		return
	}
	e.log.Debug("mtp: message rejected", "msg_id", bad, "code", code, "reason", BadMsgText(code))

	var fail error // the rejected messages fail with it instead of going again
	switch code {
	case 16, 17:
		// Our clock is off: the notice's own msg_id carries the server time. When the
		// correction is refused the clock stays, so a message sent again would be rejected
		// again.
		if err := e.correctClock(now, msgID, "bad_msg_notification"); err != nil {
			if bad > e.refusedUpTo {
				// Notices about messages sent before the last refusal counted came in the
				// same round (one container, packets read together): they count once.
				e.refusedUpTo = e.ids.last
				e.clockRefusals++
			}
			fail = fmt.Errorf("%w: %w", err, &BadMsgError{Code: code, MsgID: bad})
			if e.clockRefusals >= clockRefusalLimit {
				e.clockErr = fmt.Errorf("mtp: %d clock corrections refused in a row: %w", e.clockRefusals, err)
			}
			break
		}
		e.synced = true
		if code == 17 && msgIDAt(e.serverTime(now)) <= e.ids.last {
			// The server finds our ids too high and the clock went back: ids numbered from
			// it would not stay above those this session has sent, as MTProto asks, and
			// ids above those would be too high again. Go on in a new session. After 16
			// the ids go on above the last one: a 16 about an old id (a message that waited
			// too long) with the clock right moves it back by half a round trip at most,
			// and the ids above stay well within what the server takes; one that finds
			// them too high says so with 17.
			if err := e.renewSession(now, bad); err != nil {
				fail = err
			}
		}
	case 32:
		e.seq.content += 64 // the server has seen higher seqnos
	case 33:
		e.seq.content = max(e.seq.content-16, 0)
	case 48, 19, 20:
		// Salt replaced above; 19 and 20 need only a new msg_id.
	case 64:
		for _, m := range targets {
			m.alone = true
		}
	default:
		fail = &BadMsgError{Code: code, MsgID: bad}
	}
	if fail != nil {
		for _, m := range targets {
			e.failMsg(now, m, fail)
		}
		return
	}
	for _, m := range targets {
		switch {
		case (m.reused || code == 20) && m.mayHaveRun():
			e.resendNew(m, fmt.Sprintf("bad_msg_notification %d", code)) // fails it: ErrNotRepeated
		case m.sends >= e.cfg.MaxResends:
			e.failMsg(now, m, &BadMsgError{Code: code, MsgID: bad})
		case m.kind == kindPing:
			e.untrack(m)
			if m == e.ping {
				e.replacePing(now)
			}
		case m.reused || code == 20:
			e.resendNew(m, fmt.Sprintf("bad_msg_notification %d", code))
		default:
			e.requeueNew(m)
		}
	}
}

// clockRefusalLimit is how many clock corrections asked by bad_msg_notification 16 or 17 the
// engine may refuse in a row (no correction taken and no call answered in between) before
// Receive fails the connection with ErrClockOffset. The refusals of one round count as one: a
// server rejecting every message may answer each with its own notice, and four calls sent
// together must not end the connection in one round trip. Each refusal fails the calls the notice
// rejected; a caller that tries them again would go on at the pace of round trips for as long
// as the server's clock or the local one stays wrong.
const clockRefusalLimit = 4

// ClockOffset returns the clock offset (server clock minus local clock) that the server time
// srv, read at local time now, implies. It fails with ErrClockOffset when srv is not plausible
// (before 1970-01-01 00:00:01 UTC or from 2037-12-20 03:14:08 UTC on: msg_ids numbered from it
// would be nonsense or overflow) or when the offset is beyond what a time.Duration holds (a
// local clock some 292 years off). The size of a plausible offset is no reason to refuse it: a
// host without a real-time clock starts in 1970. session/exchange checks the server_time of
// the key exchange with it.
func ClockOffset(now, srv time.Time) (time.Duration, error) {
	off, why := clockOffset(now, srv)
	if why != "" {
		return 0, clockError(why, now, srv)
	}
	return off, nil
}

// clockError is the ErrClockOffset refusing server time srv at local time now.
func clockError(why string, now, srv time.Time) error {
	return fmt.Errorf("%w: %s (server time %s, local time %s)", ErrClockOffset, why,
		srv.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}

// clockOffset is ClockOffset with the reason for a refusal as a string, empty when off is
// taken.
func clockOffset(now, srv time.Time) (off time.Duration, why string) {
	off = srv.Sub(now) // saturates rather than overflows; checked below
	switch sec := srv.Unix(); {
	case sec < minServerTime || sec >= maxServerTime:
		return 0, "server time not plausible"
	case !now.Add(off).Equal(srv):
		return 0, "local clock too far off to hold the offset"
	}
	return off, ""
}

// correctClock sets the clock offset (server clock minus local clock) from the time of the
// server msg_id srvID received at local time now. It refuses, logging why (a warning the
// first time) and returning an error that wraps ErrClockOffset, when ClockOffset refuses the
// server time or the offset is beyond Config.MaxClockOffset.
func (e *Engine) correctClock(now time.Time, srvID int64, from string) error {
	srv := MsgIDTime(srvID)
	off, why := clockOffset(now, srv)
	if limit := e.cfg.MaxClockOffset; why == "" && (limit < 0 || limit > 0 && off.Abs() > limit) {
		why = "offset beyond MaxClockOffset"
	}
	if why == "" {
		e.offset = off
		e.clockRefusals = 0
		if e.saltReq == nil {
			e.scheduleSaltFetch(now) // it was set from the old offset
		}
		return nil
	}
	level := slog.LevelDebug
	if !e.clockWarned {
		e.clockWarned, level = true, slog.LevelWarn
	}
	e.log.Log(context.Background(), level, "mtp: server clock correction ignored; is the local clock right?",
		slog.String("reason", why), slog.String("from", from), slog.Time("server_time", srv),
		slog.Time("local_time", now), slog.Duration("limit", e.cfg.MaxClockOffset))
	return clockError(why, now, srv)
}

// seen records srv, a time the server stated at local time now, as the latest server time
// seen: salts expired before srvSeen are dropped. A time the engine would not set its clock
// to is not taken: one implausible (ClockOffset) or, once the clock is synced, one out of the
// range accepted around the server time the offset gives, as when the correction an answer
// asked for was refused. Taken, one answer from a server with a broken clock would throw
// away every future salt.
func (e *Engine) seen(now, srv time.Time) {
	if _, why := clockOffset(now, srv); why != "" || !srv.After(e.srvSeen) {
		return
	}
	if future, past := outOfWindow(srv, e.serverTime(now)); e.synced && (future || past) {
		return
	}
	e.srvSeen = srv
}

// renewSession starts a new MTProto session on the connection, for msg_ids that must restart
// below those sent (bad_msg_notification 17 moved the clock back): a new random session_id,
// msg_ids from the corrected clock and seqnos from zero. The messages the old session sent are
// sent again in the new one under new msg_ids: calls sent MaxResends times fail with
// ErrResendLimit, the engine's own messages are issued afresh. A call the server may have run
// (acknowledged, not repeatable; see OnConnect) is not sent again: it is parked, waiting for
// its answer in the old session, and fails with ErrNotRepeated if none comes within
// prevSessionWait or before the connection ends (see fromPrevSession). A call queued under a
// msg_id reserved in the old session (CallOptions.MsgID) fails with ErrNotRepeated, sent or
// not: its body was built for the old session. The messages a bad_msg_notification about
// msg_id bad rejected are left to the caller; the server did not take them, so no answer to
// them can come in the old session. Messages of the engine's own not sent yet that name msg_ids
// of the old session (rpc_drop_answer, msgs_state_req, msgs_state_info, msg_resend_req) are
// dropped, and Cancel sends no rpc_drop_answer for a call until it is sent in the new session:
// the new session numbers its messages from the corrected clock, and may come round to those
// msg_ids (it skips those of the calls whose answers may still come in the old one).
func (e *Engine) renewSession(now time.Time, bad int64) error {
	e.dropPrev("another new session") // one old session is kept at most
	old := e.sessionID
	var b [8]byte
	for {
		if _, err := io.ReadFull(e.cfg.Rand, b[:]); err != nil {
			return fmt.Errorf("mtp: new session after a clock correction: %w", err)
		}
		if sid := int64(le.Uint64(b[:])); sid != 0 && sid != e.sessionID {
			e.sessionID = sid
			break
		}
	}
	e.log.Debug("mtp: new session: the corrected clock is behind the msg_ids sent")
	e.prevSession, e.prevUntil = old, now.Add(prevSessionWait)
	e.ids.last, e.refusedUpTo = 0, 0
	e.seq = seqGen{}
	e.acks = e.acks[:0] // about the old session's messages
	e.initDone = false
	clear(e.containers)
	for id, m := range e.sent {
		switch {
		case id == bad || m.container == bad:
			continue // a rejected message
		case m.kind == kindCall:
			// Its answer may still come in the old session.
			m.prevID = id
			e.prevSent[id] = m
			if m.mayHaveRun() {
				// Not under a new id, in a session the server has not seen, even one queued
				// to go again under its id: it may run twice.
				e.park(m)
				continue
			}
			// A server starting new sessions without end must not have calls sent without
			// end.
			if e.underResendLimit(m, "new session") {
				e.resendNew(m, "new session")
			}
		case m.queued && !oneWay(m.kind):
			m.keepID = false
		default:
			delete(e.sent, id) // the engine's own: issued afresh, or dropped below
			if m == e.ping {
				e.replacePing(now)
			}
			if m == e.saltReq {
				e.saltReq, e.saltFetchDue = nil, now
			}
		}
	}
	for _, m := range e.queue {
		if oneWay(m.kind) {
			// An rpc_drop_answer, msgs_state_req, msgs_state_info or msg_resend_req not sent
			// yet names msg_ids of the old session, which the new one may give its own
			// messages.
			e.unqueue(m)
		}
	}
	for _, m := range e.calls {
		m.stateAsk = false
		m.oldSession = m.msgID != 0
		if m.fixedID != 0 && m.msgID == 0 && m.queued && !m.cancelled {
			// Not sent yet, under a msg_id reserved in the old session that its body embeds,
			// with the old session_id too (auth.bindTempAuthKey): its caller builds it again.
			e.failCall(m, fmt.Errorf("mtp: new session: msg_id %#x reserved in the old one: %w", m.fixedID, ErrNotRepeated))
		}
	}
	return nil
}

// badTargets returns the pending messages a bad_msg_id names: one message or a container's.
func (e *Engine) badTargets(bad int64) []*outMsg {
	e.batch = e.batch[:0]
	if c := e.containers[bad]; c != nil {
		delete(e.containers, bad)
		for _, id := range c.ids {
			if m := e.sent[id]; m != nil && !m.queued {
				e.batch = append(e.batch, m)
			}
		}
		return e.batch
	}
	if m := e.sent[bad]; m != nil && !m.queued {
		e.batch = append(e.batch, m)
	}
	return e.batch
}

// failMsg fails a call, or drops an engine message, that cannot be delivered.
func (e *Engine) failMsg(now time.Time, m *outMsg, err error) {
	if m.kind == kindCall {
		e.failCall(m, err)
		return
	}
	e.untrack(m)
	if m == e.ping {
		e.replacePing(now)
	}
	if m == e.saltReq {
		e.saltReq = nil
	}
}
