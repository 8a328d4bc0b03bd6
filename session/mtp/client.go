package mtp

import (
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
)

// clientDispatch handles the messages only a server sends.
func (e *Engine) clientDispatch(now time.Time, msgID int64, body []byte) {
	switch peekID(body) {
	case idRPCResult:
		e.onRPCResult(now, msgID, body)
	case idBadMsgNotification, idBadServerSalt:
		e.onBadMsg(now, msgID, body)
	case idNewSessionCreated:
		e.onNewSession(now, msgID, body)
	case idPong:
		e.onPong(now, body)
	case idFutureSalts:
		if len(body) < 12 {
			e.drop("short future_salts", msgID)
			return
		}
		e.onFutureSalts(now, e.sent[int64(le.Uint64(body[4:]))], body)
	case idMsgsStateInfo:
		e.onStateInfo(now, msgID, body)
	case idMsgDetailedInfo, idMsgNewDetailedInfo:
		e.onDetailedInfo(now, body)
	case idDestroySessionOk, idDestroySessionNone:
		// Answers to destroy_session arrive as plain messages; nothing waits on them.
	default:
		e.events = append(e.events, Event{Kind: EventUpdate, MsgID: msgID, Body: body})
	}
}

// onRPCResult routes an rpc_result to the message it answers.
func (e *Engine) onRPCResult(now time.Time, msgID int64, body []byte) {
	if len(body) < 16 {
		e.drop("short rpc_result", msgID)
		return
	}
	req := int64(le.Uint64(body[4:]))
	m := e.sent[req]
	if m == nil {
		e.drop("rpc_result nobody waits for", req)
		return
	}
	e.result(now, m, req, body[12:])
}

// result acts on res, the result of the message m sent as req.
func (e *Engine) result(now time.Time, m *outMsg, req int64, res []byte) {
	if peekID(res) == idGzipPacked {
		inner, err := e.unpack(res)
		if err != nil {
			e.failCall(m, fmt.Errorf("mtp: result of %#x: %w", req, err))
			e.complete(m)
			return
		}
		res = inner
	}
	switch m.kind {
	case kindCall:
		e.initDone = true
		e.clockRefusals = 0
		e.answered(now)
		if peekID(res) == idRPCError {
			code, msg, err := parseRPCError(res)
			if err != nil {
				e.failCall(m, fmt.Errorf("mtp: result of %#x: %w", req, err))
				return
			}
			e.events = append(e.events, Event{Kind: EventRPCError, Call: m.call, MsgID: req, ErrorCode: code, ErrorMessage: msg})
		} else {
			e.events = append(e.events, Event{Kind: EventResult, Call: m.call, MsgID: req, Body: res})
		}
		e.complete(m)
	case kindGetSalts:
		e.onFutureSalts(now, m, res)
	case kindPing:
		e.onPong(now, res)
	default:
		e.complete(m)
	}
}

// parseRPCError reads rpc_error#2144ca19 error_code:int error_message:string.
func parseRPCError(body []byte) (int, string, error) {
	var b tl.Buffer
	b.ResetTo(body[4:])
	code, err := b.Int32()
	if err != nil {
		return 0, "", fmt.Errorf("%w: rpc_error code: %w", ErrMalformed, err)
	}
	msg, err := b.String()
	if err != nil {
		return 0, "", fmt.Errorf("%w: rpc_error message: %w", ErrMalformed, err)
	}
	return int(code), msg, nil
}

// onNewSession handles new_session_created: the server (re)created our session, so messages
// sent before first_msg_id were lost with the old one.
func (e *Engine) onNewSession(now time.Time, msgID int64, body []byte) {
	if len(body) < 28 {
		e.drop("short new_session_created", msgID)
		return
	}
	first := int64(le.Uint64(body[4:]))
	e.salts.set(int64(le.Uint64(body[20:])))
	for id, m := range e.sent {
		if id >= first || m.container >= first || m.kind != kindCall || m.queued {
			continue
		}
		if !m.mayHaveRun() && !e.underResendLimit(m, "new session") {
			continue // a server announcing new sessions without end must not have calls sent without end
		}
		e.resendNew(m, "new session")
	}
	e.events = append(e.events, Event{Kind: EventNewSession, MsgID: first})
}

// underResendLimit reports whether m may be sent again under a new msg_id, failing it with
// ErrResendLimit once it was sent Config.MaxResends times: what the server says about lost
// messages (new_session_created, msgs_state_info) must not have one sent without end.
func (e *Engine) underResendLimit(m *outMsg, why string) bool {
	if m.sends < e.cfg.MaxResends {
		return true
	}
	e.failCall(m, fmt.Errorf("mtp: %s: %w (%d sends)", why, ErrResendLimit, m.sends+1))
	return false
}

// onPong matches a pong to the engine's ping (measuring the RTT) or to a caller's ping call.
func (e *Engine) onPong(now time.Time, body []byte) {
	if len(body) < 20 {
		e.drop("short pong", 0)
		return
	}
	m := e.sent[int64(le.Uint64(body[4:]))]
	if m == nil {
		return
	}
	switch m.kind {
	case kindPing:
		if m == e.ping {
			e.observeRTT(now.Sub(m.sentAt))
			e.lastPong = now
			e.ping, e.pongDue, e.pingRefusals = nil, time.Time{}, 0
			e.pingDue = now.Add(e.cfg.PingInterval)
		}
		e.complete(m)
	case kindCall:
		e.answered(now)
		e.events = append(e.events, Event{Kind: EventResult, Call: m.call, MsgID: m.msgID, Body: body})
		e.complete(m)
	}
}

// observeRTT folds one round trip sample into the smoothed RTT and its variance (RFC 6298).
func (e *Engine) observeRTT(sample time.Duration) {
	if e.srtt == 0 {
		e.srtt, e.rttvar = sample, sample/2
		return
	}
	e.rttvar = (3*e.rttvar + (e.srtt - sample).Abs()) / 4
	e.srtt = (7*e.srtt + sample) / 8
}

// pongTimeout is how long to wait for a pong: the RTT plus four deviations, within the
// configured bounds.
func (e *Engine) pongTimeout() time.Duration {
	if e.srtt == 0 {
		return e.cfg.MaxPongTimeout
	}
	return min(max(e.srtt+4*e.rttvar, e.cfg.MinPongTimeout), e.cfg.MaxPongTimeout)
}

// onFutureSalts reads future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt>
// (a bare vector of bare future_salt: valid_since:int valid_until:int salt:long) answering m.
func (e *Engine) onFutureSalts(now time.Time, m *outMsg, body []byte) {
	if m == nil {
		return
	}
	salts, err := parseFutureSalts(body)
	if err != nil {
		e.drop(err.Error(), m.msgID)
		return
	}
	e.seen(now, time.Unix(int64(int32(le.Uint32(body[12:]))), 0)) // future_salts#ae500895 req_msg_id:long now:int ...
	e.answered(now)
	e.salts.add(salts)
	if m.kind == kindCall {
		e.events = append(e.events, Event{Kind: EventResult, Call: m.call, MsgID: m.msgID, Body: body})
	}
	if m == e.saltReq {
		e.saltReq = nil
		e.scheduleSaltFetch(now)
	}
	e.complete(m)
}

func parseFutureSalts(body []byte) ([]Salt, error) {
	if peekID(body) != idFutureSalts || len(body) < 20 {
		return nil, fmt.Errorf("%w: future_salts", ErrMalformed)
	}
	n := int(int32(le.Uint32(body[16:])))
	rest := body[20:]
	if n < 0 || n > len(rest)/16 {
		return nil, fmt.Errorf("%w: future_salts count %d", ErrMalformed, n)
	}
	salts := make([]Salt, n)
	for i := range salts {
		salts[i] = Salt{
			ValidSince: time.Unix(int64(int32(le.Uint32(rest))), 0),
			ValidUntil: time.Unix(int64(int32(le.Uint32(rest[4:]))), 0),
			Salt:       int64(le.Uint64(rest[8:])),
		}
		rest = rest[16:]
	}
	return salts, nil
}

// onStateInfo acts on the answer to our msgs_state_req: messages the server certainly does not
// have are sent again, messages it has count as acknowledged, and a call it knows nothing of
// (it may have run and been forgotten) is sent again only if repeatable.
func (e *Engine) onStateInfo(now time.Time, msgID int64, body []byte) {
	if len(body) < 12 {
		e.drop("short msgs_state_info", msgID)
		return
	}
	m := e.sent[int64(le.Uint64(body[4:]))]
	if m == nil || m.kind != kindStateReq {
		return
	}
	var b tl.Buffer
	b.ResetTo(body[12:])
	info, err := b.Bytes()
	if err != nil {
		e.drop("malformed msgs_state_info", msgID)
		return
	}
	e.answered(now)
	for i, id := range m.askedIDs {
		t := e.sent[id]
		if t == nil {
			continue
		}
		t.stateAsk = false
		if i >= len(info) {
			continue
		}
		switch info[i] & 7 {
		case 1: // nothing known (msg_id too low): it may have run and been forgotten
			if t.kind == kindCall && !t.repeatable {
				e.failCall(t, fmt.Errorf("mtp: msgs_state_info: the server forgot the message: %w", ErrNotRepeated))
				continue
			}
			if e.underResendLimit(t, "msgs_state_info") {
				e.requeueNew(t)
			}
		case 2, 3: // certainly not received: sending it again cannot run it twice
			if e.underResendLimit(t, "msgs_state_info") {
				e.requeueNew(t)
			}
		case 4:
			t.acked = true
		}
	}
	e.complete(m)
}

// onDetailedInfo handles msg_detailed_info and msg_new_detailed_info: the server announces an
// answer; acknowledge it if it arrived, ask for it again otherwise.
func (e *Engine) onDetailedInfo(now time.Time, body []byte) {
	var answer int64
	switch peekID(body) {
	case idMsgDetailedInfo:
		if len(body) < 28 {
			e.drop("short msg_detailed_info", 0)
			return
		}
		e.markAcked(int64(le.Uint64(body[4:])))
		answer = int64(le.Uint64(body[12:]))
	default:
		if len(body) < 20 {
			e.drop("short msg_new_detailed_info", 0)
			return
		}
		answer = int64(le.Uint64(body[4:]))
	}
	if e.replay.has(answer) {
		e.ack(now, answer)
		return
	}
	e.pushService(appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{answer}), false)
}
