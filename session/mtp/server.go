package mtp

import (
	"fmt"
	"io"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

// serverDispatch handles what a client sends: service functions are answered here, everything
// else becomes an EventRequest.
func (e *Engine) serverDispatch(now time.Time, msgID int64, body []byte) {
	switch peekID(body) {
	case idPing, idPingDelayDisconnect:
		if len(body) < 12 {
			e.drop("short ping", msgID)
			return
		}
		if peekID(body) == idPingDelayDisconnect {
			if len(body) < 16 {
				e.drop("short ping_delay_disconnect", msgID)
				return
			}
			delay := time.Duration(int32(le.Uint32(body[12:]))) * time.Second
			e.disconnectAt = now.Add(max(delay, 0))
		}
		out := le.AppendUint32(make([]byte, 0, 20), idPong)
		out = le.AppendUint64(out, uint64(msgID))
		out = append(out, body[4:12]...) // ping_id
		e.pushService(out, true)
	case idGetFutureSalts:
		e.answerFutureSalts(now, msgID, body)
	case idRPCDropAnswer:
		if len(body) < 12 {
			e.drop("short rpc_drop_answer", msgID)
			return
		}
		req := int64(le.Uint64(body[4:]))
		var out []byte
		if _, ok := e.running[req]; ok {
			delete(e.running, req)
			out = le.AppendUint32(nil, idRPCAnswerDroppedRunning)
		} else if dropped, ok := e.dropKeptAnswer(req); ok {
			out = dropped
		} else {
			out = le.AppendUint32(nil, idRPCAnswerUnknown)
		}
		e.pushService(rpcResult(msgID, out), true)
	case idDestroySession:
		if len(body) < 12 {
			e.drop("short destroy_session", msgID)
			return
		}
		sid := int64(le.Uint64(body[4:]))
		if sid == e.sessionID {
			// MTProto leaves destroying the session that asks undefined: it goes on.
			e.AnswerDestroySession(sid, false)
			return
		}
		e.events = append(e.events, Event{Kind: EventDestroySession, MsgID: msgID, SessionID: sid})
	case idRPCResult, idBadMsgNotification, idBadServerSalt, idNewSessionCreated, idPong,
		idFutureSalts, idMsgsStateInfo, idMsgDetailedInfo, idMsgNewDetailedInfo, idRPCError:
		e.drop("server-only message from a client", msgID)
	default:
		e.running[msgID] = struct{}{}
		e.events = append(e.events, Event{Kind: EventRequest, MsgID: msgID, Body: body})
	}
}

// AnswerDestroySession answers a client's destroy_session about session sid
// (EventDestroySession): destroy_session_ok when the server knew the session and forgot it
// (destroyed), destroy_session_none when it knew none.
func (e *Engine) AnswerDestroySession(sid int64, destroyed bool) {
	id := uint32(idDestroySessionNone)
	if destroyed {
		id = idDestroySessionOk
	}
	out := le.AppendUint32(make([]byte, 0, 12), id)
	e.pushService(le.AppendUint64(out, uint64(sid)), true)
}

// answerFutureSalts answers get_future_salts#b921bd04 num:int with the salts the engine knows.
func (e *Engine) answerFutureSalts(now time.Time, msgID int64, body []byte) {
	if len(body) < 8 {
		e.drop("short get_future_salts", msgID)
		return
	}
	num := int(int32(le.Uint32(body[4:])))
	srv := e.serverTime(now)
	salts := e.salts.future
	if len(salts) == 0 {
		salts = []Salt{{ValidSince: srv.Add(-time.Minute), ValidUntil: srv.Add(time.Hour), Salt: e.salts.current}}
	}
	salts = salts[:min(max(num, 0), len(salts), 64)]
	out := le.AppendUint32(nil, idFutureSalts)
	out = le.AppendUint64(out, uint64(msgID))
	out = le.AppendUint32(out, uint32(srv.Unix()))
	out = le.AppendUint32(out, uint32(len(salts)))
	for _, s := range salts {
		out = le.AppendUint32(out, uint32(s.ValidSince.Unix()))
		out = le.AppendUint32(out, uint32(s.ValidUntil.Unix()))
		out = le.AppendUint64(out, uint64(s.Salt))
	}
	e.pushService(out, true)
}

// adoptSession makes the client's session id the engine's and announces it with
// new_session_created, as a server does for every session it has not seen. What is queued for
// the session it leaves goes in that session (flushLeft).
func (e *Engine) adoptSession(now time.Time, sid, firstMsgID int64) {
	if e.sessionID != 0 {
		e.flushLeft(now)
	}
	e.sessionID = sid
	e.replay.reset()
	e.seq = seqGen{}
	clear(e.running)
	e.forgetKept() // what the old session did not acknowledge is not this session's
	var unique [8]byte
	if _, err := io.ReadFull(e.cfg.Rand, unique[:]); err != nil {
		e.log.Warn("mtp: new session: read random unique_id", "err", err)
	}
	out := le.AppendUint32(nil, idNewSessionCreated)
	out = le.AppendUint64(out, uint64(firstMsgID))
	out = append(out, unique[:]...)
	out = le.AppendUint64(out, uint64(e.saltAt(now)))
	e.pushService(out, false)
}

// flushLeft seals, in the session the engine is leaving, the queued messages that belong to
// it, for Flush to send before anything of the new session: answers to its messages (rpc_result,
// pong, bad_msg_notification...), messages already sent in it and queued again, its
// new_session_created, and the acknowledgements of its messages. Sent in the new session they
// would name msg_ids of the old one, which the client may have handed out again there (a new
// session after a clock correction numbers from the clock again), so one call could take
// another's answer. They go in their own session, as Telegram sends them, rather than being
// dropped: the client reads that session for a while for the answers of calls sent there
// (Engine.fromPrevSession), and a call that may have run is not sent again, so its answer
// comes only there. Updates and other messages not sent yet stay queued for the new session.
func (e *Engine) flushLeft(now time.Time) {
	var stay []*outMsg
	staying := 0
	left := e.queue[:0]
	for _, m := range e.queue {
		if m.cancelled || m.answer || m.msgID != 0 || peekID(m.body) == idNewSessionCreated {
			left = append(left, m)
			continue
		}
		stay = append(stay, m)
		staying++
	}
	e.queue, e.live = left, e.live-staying
	if len(e.acks) > 0 {
		e.ackDue = time.Time{} // due now, in this session
	}
	prior := e.left
	e.left = nil // Flush builds packets from the queue while none waits
	for e.HasPending(now) {
		pkt, _, err := e.Flush(now, nil)
		if err != nil {
			e.log.Warn("mtp: new session: seal the old session's messages", "err", err)
		}
		if len(pkt) == 0 {
			break
		}
		prior = append(prior, pkt)
	}
	e.left = prior
	e.queue, e.live = append(e.queue, stay...), e.live+staying
}

// sendBadMsg rejects a client message with bad_msg_notification, or bad_server_salt for code
// 48.
func (e *Engine) sendBadMsg(now time.Time, msgID int64, seqNo int32, code int) {
	id := uint32(idBadMsgNotification)
	if code == 48 {
		id = idBadServerSalt
	}
	out := le.AppendUint32(make([]byte, 0, 28), id)
	out = le.AppendUint64(out, uint64(msgID))
	out = le.AppendUint32(out, uint32(seqNo))
	out = le.AppendUint32(out, uint32(code))
	if code == 48 {
		out = le.AppendUint64(out, uint64(e.saltAt(now)))
	}
	e.pushService(out, true)
}

// rpcResult wraps result as rpc_result for the request req.
func rpcResult(req int64, result []byte) []byte {
	out := le.AppendUint32(make([]byte, 0, 12+len(result)), idRPCResult)
	out = le.AppendUint64(out, uint64(req))
	return append(out, result...)
}

// Reply queues the answer to the client request req (a server engine's EventRequest): result
// is the encoded result object. It reports false, queueing nothing, when the request is not
// waiting for an answer (answered already, or dropped by the client with rpc_drop_answer).
func (e *Engine) Reply(req int64, result []byte) bool {
	if _, ok := e.running[req]; !ok {
		return false
	}
	delete(e.running, req)
	e.push(&outMsg{kind: kindService, body: rpcResult(req, e.pack(result)), content: true, answer: true,
		retain: true, req: req})
	return true
}

// ReplyError answers the client request req with rpc_error; see Reply.
func (e *Engine) ReplyError(req int64, code int, message string) bool {
	body := le.AppendUint32(nil, idRPCError)
	body = le.AppendUint32(body, uint32(int32(code)))
	return e.Reply(req, appendBytes(body, []byte(message)))
}

// Push queues a message the server sends on its own, such as updates. A client engine may use
// it for service messages that expect no answer. The engine keeps body, on a server until the
// client acknowledges the message (it may be sent again): the caller must not modify it.
func (e *Engine) Push(body []byte) error {
	if len(body) < 4 || len(body)%4 != 0 {
		return fmt.Errorf("mtp: push: %w: body of %d bytes", ErrBadCall, len(body))
	}
	content := contentRelated(body)
	e.push(&outMsg{kind: kindService, body: e.pack(body), content: content,
		retain: content && e.side == crypto.Server})
	return nil
}
