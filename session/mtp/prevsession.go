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
// it saw the new session_id comes, if at all, in the old one. Only an rpc_result answering a
// call sent in that session and still waiting is taken, in a container or gzip_packed or not;
// anything else is dropped. Such an answer cannot be a replay (its call would be complete), so
// the replay window and the time checks are skipped, and it is not acknowledged: an ack would
// have to go in the old session, above msg_ids the server found too high. The server forgets
// it with the session. It does not count as the new session's first answer: calls go on
// wrapped in the init prefix until one is answered there. The notice that started the new
// session may come in a container with such answers: those after it are taken the same way
// (onRPCResult), and nothing after it is acknowledged (ack).
func (e *Engine) fromPrevSession(now time.Time, msgID int64, body []byte, inContainer, unpacked bool) {
	if msgID&1 == 0 {
		e.drop("server msg_id is even", msgID)
		return
	}
	if e.unwrap(now, msgID, body, inContainer, unpacked, true) {
		return
	}
	switch peekID(body) {
	case idRPCResult:
		if len(body) < 16 {
			e.drop("short rpc_result", msgID)
			return
		}
		e.prevResult(now, int64(le.Uint64(body[4:])), body[12:])
	default:
		e.drop("old session: only answers to its calls are read", msgID)
	}
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
