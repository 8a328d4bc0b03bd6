package mtp

import (
	"context"
	"fmt"
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

	fail := false // the rejected messages fail instead of going again
	switch code {
	case 16, 17:
		// Our clock is off: the notice's own msg_id carries the server time. When the
		// correction is refused the clock stays, so a message sent again would be rejected
		// again.
		if !e.correctClock(now, msgID, "bad_msg_notification") {
			fail = true
			break
		}
		e.synced = true
		// Number from the corrected clock, which may be behind the ids handed out so far.
		e.reuseBelow = max(e.reuseBelow, e.ids.last)
		e.ids.last = 0
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
		fail = true
	}
	if fail {
		for _, m := range targets {
			e.failMsg(m, &BadMsgError{Code: code, MsgID: bad})
		}
		return
	}
	for _, m := range targets {
		switch {
		case (m.reused || code == 20) && m.mayHaveRun():
			e.resendNew(m, fmt.Sprintf("bad_msg_notification %d", code)) // fails it: ErrNotRepeated
		case m.sends >= e.cfg.MaxResends:
			e.failMsg(m, &BadMsgError{Code: code, MsgID: bad})
		case m.kind == kindPing:
			// A fresh ping replaces it.
			delete(e.sent, m.msgID)
			if m == e.ping {
				e.ping, e.pingDue, e.pongDue = nil, now, time.Time{}
			}
		case m.reused || code == 20:
			e.resendNew(m, fmt.Sprintf("bad_msg_notification %d", code))
		default:
			e.requeueNew(m)
		}
	}
}

// correctClock sets the clock offset (server clock minus local clock) from the time of the
// server msg_id srvID received at local time now. It refuses, logging why (a warning the
// first time) and reporting false, when the server time is not plausible (before
// minServerTime or from maxServerTime on: ids numbered from it would be nonsense or
// overflow), when the offset is beyond what a time.Duration holds (a local clock some 292
// years off), or when it is beyond Config.MaxClockOffset. The size of a plausible
// correction is no reason to refuse it: a host without a real-time clock starts in 1970.
func (e *Engine) correctClock(now time.Time, srvID int64, from string) bool {
	srv := MsgIDTime(srvID)
	off := srv.Sub(now) // saturates rather than overflows; checked below
	var why string
	switch limit := e.cfg.MaxClockOffset; {
	case srvID>>32 < minServerTime || srvID>>32 >= maxServerTime:
		why = "server time not plausible"
	case !now.Add(off).Equal(srv):
		why = "local clock too far off to hold the offset"
	case limit < 0 || limit > 0 && off.Abs() > limit:
		why = "offset beyond MaxClockOffset"
	default:
		e.offset = off
		return true
	}
	level := slog.LevelDebug
	if !e.clockWarned {
		e.clockWarned, level = true, slog.LevelWarn
	}
	e.log.Log(context.Background(), level, "mtp: server clock correction ignored; is the local clock right?",
		slog.String("reason", why), slog.String("from", from), slog.Time("server_time", srv),
		slog.Time("local_time", now), slog.Duration("limit", e.cfg.MaxClockOffset))
	return false
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
func (e *Engine) failMsg(m *outMsg, err error) {
	if m.kind == kindCall {
		e.failCall(m, err)
		return
	}
	delete(e.sent, m.msgID)
	if m == e.ping {
		e.ping, e.pongDue = nil, time.Time{}
	}
	if m == e.saltReq {
		e.saltReq = nil
	}
}
