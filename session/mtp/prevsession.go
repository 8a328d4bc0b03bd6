package mtp

import (
	"fmt"
	"time"
)

// prevSessionWait is how long after renewSession the engine reads answers that come in the
// session it left, for the calls sent there. The answers the server had written when the
// client changed sessions arrive within a round trip; a call the server was still running
// may finish later, and whether its answer comes on this connection is up to the server.
// The engine cannot ask about such a call (a msgs_state_req would have to go in the old
// session, numbered above msg_ids the server found too high), so it gives up after the time
// it otherwise lets a sent call go without news before asking (Config.StateReqAfter's
// default).
const prevSessionWait = 30 * time.Second

// fromPrevSession reads a message that came in the session renewSession left. MTProto never
// moves a message from one session into another, so an answer the server had written before
// it saw the new session_id comes, if at all, in the old one. Only news of the calls sent in
// that session and still waiting is read, in a container or gzip_packed or not (prevNews): an
// answer to one, or an msgs_ack or msg_detailed_info saying the server has one
// (prevHas); anything else is dropped. An answer cannot be a replay (its call would be
// complete) and news that the server has a call holds whenever it comes, so the replay window
// and the time checks are skipped. Nothing is acknowledged: an ack would have to go in the old
// session, above msg_ids the server found too high; the server forgets what it kept with the
// session. An answer does not count as the new session's first: calls go on wrapped in the
// init prefix until one is answered there. The notice that started the new session may come
// in a container with other messages: those after it are read as afterNotice says, and
// nothing after it is acknowledged (ack).
func (e *Engine) fromPrevSession(now time.Time, msgID int64, body []byte, inContainer, unpacked bool) {
	if msgID&1 == 0 {
		e.drop("server msg_id is even", msgID)
		return
	}
	if e.unwrap(now, msgID, body, inContainer, unpacked, true) {
		return
	}
	if !e.prevNews(now, msgID, body) {
		e.drop("old session: only answers to its calls and news of them are read", msgID)
	}
}

// prevNews reads body if it is news, in the session renewSession left, of the calls sent
// there: an answer (an rpc_result, or the pong or future_salts of a ping or get_future_salts
// sent as a call), an msgs_ack or a msg_detailed_info. It reports whether body was one.
func (e *Engine) prevNews(now time.Time, msgID int64, body []byte) bool {
	switch peekID(body) {
	case idRPCResult:
		if len(body) < 16 {
			e.drop("short rpc_result", msgID)
			break
		}
		e.prevResult(now, int64(le.Uint64(body[4:])), body[12:])
	case idPong, idFutureSalts:
		// pong#347773c5 msg_id:long ping_id:long and future_salts#ae500895 req_msg_id:long ...
		// answer a ping or get_future_salts sent as a call on their own, without rpc_result.
		if len(body) < 12 || e.prevSent[int64(le.Uint64(body[4:]))] == nil {
			return false // not a call's: the engine's own ping or salt request
		}
		e.prevResult(now, int64(le.Uint64(body[4:])), body)
	case idMsgsAck:
		ids, err := e.readIDs(body)
		if err != nil {
			e.drop("malformed msgs_ack", msgID)
			break
		}
		for _, id := range ids {
			e.prevHas(id)
		}
	case idMsgDetailedInfo:
		// msg_detailed_info#276d3ec6 msg_id:long answer_msg_id:long bytes:int status:int: the
		// answer is not asked for, a msg_resend_req would go in the new session.
		if len(body) < 28 {
			e.drop("short msg_detailed_info", msgID)
			break
		}
		e.prevHas(int64(le.Uint64(body[4:])))
	default:
		return false
	}
	return true
}

// prevHas acts on news that the server has req, a call sent in the session renewSession left
// (acknowledged there, or answered): it may have run. One not sent in the new session yet is
// marked acknowledged, and, not repeatable, parked as renewSession parks one acknowledged
// before: sent again, it could run twice. One sent again already is left as it is.
func (e *Engine) prevHas(req int64) {
	m := e.prevSent[req]
	if m == nil || m.parked {
		return
	}
	if !m.oldSession {
		e.drop("old session: the server has a call sent again", req)
		return
	}
	m.acked = true
	if m.mayHaveRun() {
		e.park(m)
	}
}

// park keeps m, a call sent in the session renewSession left that may have run, from going
// again: it waits for its answer there only, keeping the msg_id it had there (MsgID).
func (e *Engine) park(m *outMsg) {
	e.untrack(m)
	e.unqueue(m)
	m.parked = true
}

// afterNotice reads body, a message that came after the bad_msg_notification that started a new
// session earlier in the packet, in the session it left, reporting whether it handled body.
// News of the calls sent there is read as in a later packet of that session (prevNews). A
// request of the server's about that session (msgs_state_req, msg_resend_req, or an answer it
// announces with msg_new_detailed_info) is dropped: the reply would go in the new session,
// about msg_ids of the old one. The rest is read as usual: updates; new_session_created and
// bad_server_salt, whose salts hold for the key; the pong and future_salts of the engine's own
// ping and salt request, msgs_state_info and other bad_msg_notifications, which name messages
// of the old session that the new one no longer tracks, so they change nothing.
func (e *Engine) afterNotice(now time.Time, msgID int64, body []byte) bool {
	switch peekID(body) {
	case idMsgsStateReq, idMsgResendReq, idMsgNewDetailedInfo:
		e.drop("old session: no reply goes in the new one", msgID)
		return true
	}
	return e.prevNews(now, msgID, body)
}

// prevResult takes res, an rpc_result's result that came in the old session, for the call
// sent there as req, if it still waits.
func (e *Engine) prevResult(now time.Time, req int64, res []byte) {
	m := e.prevSent[req]
	if m == nil {
		e.drop("rpc_result of the old session nobody waits for", req)
		return
	}
	e.log.Debug("mtp: answer taken from the old session", "req_msg_id", req)
	init := e.initDone
	e.result(now, m, req, res)
	e.initDone = init
}

// inLeftSession reports whether the packet being received came in the session renewSession
// left: one fromPrevSession reads, or one in which a notice started the new session.
func (e *Engine) inLeftSession() bool {
	return e.prevSession != 0 && e.inSession == e.prevSession && e.inSession != e.sessionID
}

// forgetPrev stops waiting for m's answer in the old session.
func (e *Engine) forgetPrev(m *outMsg) {
	if m.prevID == 0 {
		return
	}
	if e.prevSent[m.prevID] == m {
		delete(e.prevSent, m.prevID)
	}
	m.prevID, m.parked = 0, false
}

// dropPrev stops reading the old session: the calls parked there fail with ErrNotRepeated (they
// may have run), the others wait for their answers in the new one.
func (e *Engine) dropPrev(why string) {
	for _, m := range e.prevSent {
		parked := m.parked
		e.forgetPrev(m)
		if parked {
			e.failCall(m, fmt.Errorf("mtp: new session: no answer in the old one (%s): %w", why, ErrNotRepeated))
		}
	}
	e.prevSession, e.prevUntil = 0, time.Time{}
}
