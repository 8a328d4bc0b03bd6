package mtp

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
)

// Time limits on received messages once the clock is synced.
const (
	maxFuture = 30 * time.Second
	maxPast   = 300 * time.Second
)

// outOfWindow reports whether a message dated t is too far ahead of or behind est, the
// engine's estimate of the server's clock (the limits above).
func outOfWindow(t, est time.Time) (future, past bool) {
	return t.After(est.Add(maxFuture)), t.Before(est.Add(-maxPast))
}

// Receive decrypts packet in place and processes the messages it holds, returning what the
// loop must act on. An error means the connection must be dropped: the packet is not under this
// auth key (crypto.ErrAuthKeyID), fails authentication (crypto.ErrDecrypt), or completes
// clockRefusalLimit rounds of clock corrections refused in a row (ErrClockOffset). Messages
// that are merely unwanted (duplicates, other sessions, bad times, malformed service messages)
// are dropped silently, with a debug log record; of the session a clock correction left, the
// answers to its calls still waiting are read for a while (see renewSession).
func (e *Engine) Receive(now time.Time, packet []byte) ([]Event, error) {
	e.events = e.events[:0]
	plain, err := crypto.DecryptMessage(packet[:0], &e.cfg.AuthKey, e.side.Other(), packet)
	if err != nil {
		return nil, fmt.Errorf("mtp: receive: %w", err)
	}
	e.receivePlain(now, plain)
	if err := e.clockErr; err != nil {
		e.clockErr = nil
		return e.events, fmt.Errorf("mtp: receive: %w", err)
	}
	return e.events, nil
}

// receivePlain processes a decrypted message: salt, session_id, msg_id, seqno, length, body.
func (e *Engine) receivePlain(now time.Time, plain []byte) {
	e.unpacked = 0
	if len(plain) < innerHeaderSize {
		e.drop("short message", 0)
		return
	}
	salt := int64(le.Uint64(plain))
	sid := int64(le.Uint64(plain[8:]))
	msgID := int64(le.Uint64(plain[16:]))
	seqNo := int32(le.Uint32(plain[24:]))
	n := le.Uint32(plain[28:])
	body := plain[innerHeaderSize:]
	if uint64(n) > uint64(len(body)) || n%4 != 0 {
		e.drop("bad message length", msgID)
		return
	}
	body = body[:n]
	e.inSession = sid
	if e.side == crypto.Server {
		if sid != e.sessionID || e.sessionID == 0 {
			e.adoptSession(now, sid, firstID(msgID, body))
		}
		if !e.salts.valid(salt, e.serverTime(now)) {
			e.sendBadMsg(now, msgID, seqNo, 48)
			return
		}
	} else if sid != e.sessionID {
		if sid == e.prevSession && sid != 0 && len(e.prevSent) > 0 {
			e.fromPrevSession(now, msgID, body, false, false)
			return
		}
		e.drop("foreign session", msgID)
		return
	}
	e.handle(now, msgID, seqNo, body, false)
}

// firstID returns the lowest msg_id in a message: for a container, the lowest of its items,
// whose ids are below the container's own.
func firstID(msgID int64, body []byte) int64 {
	if peekID(body) != idMsgContainer || len(body) < 8 {
		return msgID
	}
	first := msgID
	rest := body[8:]
	for range le.Uint32(body[4:]) {
		if len(rest) < containerItemHeader {
			break
		}
		first = min(first, int64(le.Uint64(rest)))
		n := le.Uint32(rest[12:])
		rest = rest[containerItemHeader:]
		if uint64(n) > uint64(len(rest)) {
			break
		}
		rest = rest[n:]
	}
	return first
}

func (e *Engine) drop(why string, msgID int64) {
	e.log.Debug("mtp: message dropped", slog.String("reason", why), slog.Int64("msg_id", msgID))
}

// handle checks one message (top level or in a container) and dispatches its body.
func (e *Engine) handle(now time.Time, msgID int64, seqNo int32, body []byte, inContainer bool) {
	if len(body) < 4 {
		e.drop("empty message", msgID) // no constructor: no TL object
		return
	}
	if !e.accept(now, msgID, seqNo, body) {
		return
	}
	e.dispatch(now, msgID, body, inContainer, false)
}

// accept runs the checks every received message must pass and records it for acks and the
// replay window.
func (e *Engine) accept(now time.Time, msgID int64, seqNo int32, body []byte) bool {
	if e.side == crypto.Client && msgID&1 == 0 {
		e.drop("server msg_id is even", msgID)
		return false
	}
	if e.side == crypto.Server && msgID&3 != 0 {
		e.sendBadMsg(now, msgID, seqNo, 18)
		return false
	}
	switch e.replay.check(msgID) {
	case replayDuplicate:
		if seqNo&1 == 1 {
			e.ack(now, msgID) // our ack may have been lost
		}
		e.drop("duplicate msg_id", msgID)
		return false
	case replayTooOld:
		if e.side == crypto.Client && e.answersPending(body) {
			// An answer to a call still waiting cannot be a replay of anything handled (the
			// call would be complete): take it rather than leave the call hanging.
			break
		}
		if e.side == crypto.Client && seqNo&1 == 1 {
			// Anything else below the window cannot be told from a replay and is never
			// handled, so the server's kept copy is of no use: acknowledge it so the server
			// stops resending it. The window forgets the lowest ids first and the server
			// resends what it kept oldest first, ahead of anything newer, so what lands here
			// was handled long ago.
			e.ack(now, msgID)
		}
		e.drop("msg_id below the replay window", msgID)
		return false
	}
	if e.synced || e.side == crypto.Server {
		future, past := outOfWindow(MsgIDTime(msgID), e.serverTime(now))
		if (future || past) && e.answersPending(body) {
			// An answer to a request of ours: our clock is what is off. It is taken even
			// when the correction is refused.
			if e.correctClock(now, msgID, "answer") == nil {
				e.log.Debug("mtp: clock resynced from an answer", slog.Duration("offset", e.offset))
			}
		} else if future || past {
			if e.side == crypto.Server {
				code := 16
				if future {
					code = 17
				}
				e.sendBadMsg(now, msgID, seqNo, code)
				return false
			}
			e.drop("msg_id time out of range", msgID)
			return false
		}
	}
	if e.side == crypto.Server {
		content := contentRelated(body)
		if content && seqNo&1 == 0 && (e.cfg.StrictServiceSeqNo || !serviceQuery(body)) {
			e.sendBadMsg(now, msgID, seqNo, 34)
			return false
		}
		if !content && seqNo&1 == 1 {
			e.sendBadMsg(now, msgID, seqNo, 35)
			return false
		}
	}
	e.replay.add(msgID)
	if e.side == crypto.Client {
		e.seen(now, MsgIDTime(msgID))
	}
	if seqNo&1 == 1 && !(e.side == crypto.Server && isPing(body)) {
		e.ack(now, msgID) // a server answers a ping with its pong only, as Telegram does
	}
	return true
}

// serviceQuery reports whether body is ping, ping_delay_disconnect or get_future_salts: the
// queries a server accepts with either seqno parity unless Config.StrictServiceSeqNo.
func serviceQuery(body []byte) bool {
	return isPing(body) || peekID(body) == idGetFutureSalts
}

func isPing(body []byte) bool {
	id := peekID(body)
	return id == idPing || id == idPingDelayDisconnect
}

// answersPending reports whether body is, or is a container holding, a message about a
// request this client is waiting on: an rpc_result, a pong, a future_salts, a
// bad_msg_notification with a clock error, or a bad_server_salt. Such a message cannot be a
// replay (its request is new), so it is read even when its msg_id time is off, and it tells
// the client its clock is wrong. A server may check the salt first: a stored offset gone stale
// (the local clock was set since) together with an expired stored salt draws bad_server_salt,
// not 16 or 17.
func (e *Engine) answersPending(body []byte) bool {
	if e.side != crypto.Client {
		return false
	}
	if peekID(body) == idMsgContainer && len(body) >= 8 {
		rest := body[8:]
		for len(rest) >= containerItemHeader {
			n := le.Uint32(rest[12:])
			rest = rest[containerItemHeader:]
			if uint64(n) > uint64(len(rest)) {
				return false
			}
			if e.isAnswer(rest[:n]) {
				return true
			}
			rest = rest[n:]
		}
		return false
	}
	return e.isAnswer(body)
}

func (e *Engine) isAnswer(body []byte) bool {
	var about int64
	switch peekID(body) {
	case idRPCResult, idPong, idFutureSalts:
		if len(body) < 12 {
			return false
		}
		about = int64(le.Uint64(body[4:]))
	case idBadMsgNotification, idBadServerSalt:
		if len(body) < 20 {
			return false
		}
		code := int32(le.Uint32(body[16:]))
		if peekID(body) == idBadMsgNotification && code != 16 && code != 17 {
			return false
		}
		about = int64(le.Uint64(body[4:]))
		if _, ok := e.containers[about]; ok {
			return true
		}
	default:
		return false
	}
	m := e.sent[about]
	return m != nil && !m.queued
}

// ack queues an acknowledgement of msgID, unless msgID came in the session renewSession left,
// earlier in the packet being received: its ack would go in the new session.
func (e *Engine) ack(now time.Time, msgID int64) {
	if e.inLeftSession() {
		return
	}
	if len(e.acks) == 0 {
		e.ackDue = now.Add(e.cfg.AckDelay)
	}
	e.acks = append(e.acks, msgID)
}

// unwrap handles body when it is a msg_container or gzip_packed, passing what they hold on
// (to fromPrevSession when the message came in the session renewSession left, prev), and
// reports whether it was one of them.
func (e *Engine) unwrap(now time.Time, msgID int64, body []byte, inContainer, unpacked, prev bool) bool {
	switch peekID(body) {
	case idMsgContainer:
		if inContainer {
			e.drop("nested container", msgID)
			return true
		}
		e.onContainer(now, msgID, body, prev)
	case idGzipPacked:
		if unpacked {
			e.drop("gzip_packed inside gzip_packed", msgID)
			return true
		}
		inner, err := e.unpack(body)
		if err != nil {
			e.drop(err.Error(), msgID)
			return true
		}
		if prev {
			e.fromPrevSession(now, msgID, inner, inContainer, true)
		} else {
			e.dispatch(now, msgID, inner, inContainer, true)
		}
	default:
		return false
	}
	return true
}

// dispatch acts on the body of an accepted message.
func (e *Engine) dispatch(now time.Time, msgID int64, body []byte, inContainer, unpacked bool) {
	if e.unwrap(now, msgID, body, inContainer, unpacked, false) {
		return
	}
	if e.inLeftSession() && e.afterNotice(now, msgID, body) {
		return
	}
	switch peekID(body) {
	case idMsgsAck:
		e.onAck(body)
	case idMsgsStateReq:
		e.onStateReq(msgID, body)
	case idMsgResendReq:
		e.onResendReq(now, body)
	case idMsgsAllInfo, idMsgCopy, idHTTPWait:
		// Informational or unused by MTProto 2.0 clients.
	default:
		if e.side == crypto.Server {
			e.serverDispatch(now, msgID, body)
		} else {
			e.clientDispatch(now, msgID, body)
		}
	}
}

// onContainer processes the messages of a msg_container, one that came in the session
// renewSession left when prev is set.
func (e *Engine) onContainer(now time.Time, msgID int64, body []byte, prev bool) {
	if len(body) < 8 {
		e.drop("short container", msgID)
		return
	}
	count := int(le.Uint32(body[4:]))
	rest := body[8:]
	if count < 0 || count > len(rest)/containerItemHeader {
		e.drop("container count above its size", msgID)
		return
	}
	for range count {
		if len(rest) < containerItemHeader {
			e.drop("truncated container", msgID)
			return
		}
		id := int64(le.Uint64(rest))
		seq := int32(le.Uint32(rest[8:]))
		n := le.Uint32(rest[12:])
		rest = rest[containerItemHeader:]
		if uint64(n) > uint64(len(rest)) || n%4 != 0 {
			e.drop("container item length", msgID)
			return
		}
		if prev {
			e.fromPrevSession(now, id, rest[:n], true, false)
		} else {
			e.handle(now, id, seq, rest[:n], true)
		}
		rest = rest[n:]
	}
}

// unpack returns the object inside a gzip_packed body, bounded by Config.MaxMessageSize and by
// what is left of the packet's budget (Config.MaxUnpackedPerPacket). The budget is charged with
// the inflated size, or with the whole allowance when inflating fails, since a stream that lies
// about its size may have cost that much.
func (e *Engine) unpack(body []byte) ([]byte, error) {
	left := e.cfg.MaxUnpackedPerPacket - e.unpacked
	if left <= 0 {
		return nil, fmt.Errorf("%w: the packet's decompression budget of %d bytes is spent", ErrUnpack, e.cfg.MaxUnpackedPerPacket)
	}
	var b tl.Buffer
	b.ResetTo(body[4:])
	b.Alias(1) // the compressed bytes are only read, by inflate: no copy
	data, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnpack, err)
	}
	allowed := min(e.cfg.MaxMessageSize, left)
	inner, err := inflate(nil, data, allowed)
	if err != nil {
		e.unpacked += allowed
		return nil, fmt.Errorf("%w: %d bytes allowed (packet budget %d): %w", ErrUnpack, allowed, e.cfg.MaxUnpackedPerPacket, err)
	}
	e.unpacked += len(inner)
	if len(inner) < 4 || len(inner)%4 != 0 {
		return nil, fmt.Errorf("%w: unpacked %d bytes", ErrUnpack, len(inner))
	}
	return inner, nil
}

// readIDs reads the vector<long> after body's constructor (msgs_ack, msgs_state_req,
// msg_resend_req) into the engine's scratch slice, valid until the next readIDs.
func (e *Engine) readIDs(body []byte) ([]int64, error) {
	var b tl.Buffer
	b.ResetTo(body[4:])
	ids, err := readLongVector(&b, e.scratch[:0])
	e.scratch = ids[:0]
	return ids, err
}

// onAck marks acknowledged messages; the engine's own one-way messages are then forgotten.
func (e *Engine) onAck(body []byte) {
	ids, err := e.readIDs(body)
	if err != nil {
		e.drop("malformed msgs_ack", 0)
		return
	}
	for _, id := range ids {
		if c := e.containers[id]; c != nil {
			for _, inner := range c.ids {
				e.markAcked(inner)
			}
			continue
		}
		e.markAcked(id)
	}
}

func (e *Engine) markAcked(id int64) {
	e.ackKept(id)
	m := e.sent[id]
	if m == nil {
		return
	}
	m.acked = true
	if m.kind == kindService {
		delete(e.sent, id)
	}
}

// onStateReq answers msgs_state_req with msgs_state_info: one status byte per asked msg_id.
func (e *Engine) onStateReq(msgID int64, body []byte) {
	ids, err := e.readIDs(body)
	if err != nil {
		e.drop("malformed msgs_state_req", msgID)
		return
	}
	info := make([]byte, len(ids))
	for i, id := range ids {
		info[i] = e.stateOf(id)
	}
	out := le.AppendUint32(nil, idMsgsStateInfo)
	out = le.AppendUint64(out, uint64(msgID))
	e.pushService(appendBytes(out, info), true)
}

// stateOf is the msgs_state_info status of a message the peer sent.
func (e *Engine) stateOf(id int64) byte {
	switch {
	case e.replay.has(id):
		return 4 // received (and this answer acknowledges it)
	case e.replay.full && id <= e.replay.floor:
		return 1 // too old to know
	case id > e.replay.max:
		return 3 // not received, id above anything seen
	}
	return 2 // not received
}

// resendReqGap is how often one message is sent again on msg_resend_req at most: a peer
// repeating its request in every packet must not have a large message sent in every packet.
const resendReqGap = time.Second

// onResendReq sends again the messages the peer asks for, with their original ids, each at
// most once per resendReqGap.
func (e *Engine) onResendReq(now time.Time, body []byte) {
	ids, err := e.readIDs(body)
	if err != nil {
		e.drop("malformed msg_resend_req", 0)
		return
	}
	for _, id := range ids {
		if e.resendAsked(now, id) {
			continue
		}
		if m := e.sent[id]; m != nil && !m.queued && (m.resentAt.IsZero() || now.Sub(m.resentAt) >= resendReqGap) {
			m.keepID, m.resentAt = true, now
			e.push(m)
		}
	}
}

// pushService queues a content-related message of the engine's own.
func (e *Engine) pushService(body []byte, answer bool) {
	e.push(&outMsg{kind: kindService, body: body, content: true, answer: answer})
}
