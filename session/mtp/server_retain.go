package mtp

import (
	"log/slog"
	"time"
)

// Default bounds of what a server engine keeps of its sent content messages (see
// Config.RetainMessages and Config.RetainBytes).
const (
	DefaultRetainMessages = 1024
	DefaultRetainBytes    = 4 << 20
)

// retainEntry is one message in the order of the retained store: msgID is the id the message
// was stamped with when it entered, so an entry whose message has since been stamped again
// under a new id, acknowledged or dropped is recognised as stale.
type retainEntry struct {
	id int64
	m  *outMsg
}

// retainStore is what a server engine keeps of the content messages it sent (rpc_result and
// pushed updates) until the client acknowledges them, as Telegram does: they are sent again,
// under their msg_ids, on the session's next connection and on msg_resend_req. It is bounded
// in messages and bytes; past a bound the oldest messages are forgotten. Everything is
// O(1) per message amortised: order is a queue whose stale entries are skipped and compacted
// away.
type retainStore struct {
	byID  map[int64]*outMsg
	byReq map[int64]*outMsg // rpc_result by the request it answers
	order []retainEntry     // send order, oldest first, from head
	head  int
	bytes int // body bytes of the messages in byID
}

// live reports whether entry en still stands for a retained message.
func (r *retainStore) live(en retainEntry) bool {
	return en.m != nil && r.byID[en.id] == en.m && en.m.msgID == en.id
}

// retainSent keeps m, just stamped with its msg_id, evicting the oldest messages past the bounds.
// A message larger than the byte bound on its own is not kept.
func (e *Engine) retainSent(m *outMsg) {
	r := &e.kept
	maxN, maxB := e.cfg.RetainMessages, e.cfg.RetainBytes
	if maxN < 0 || maxB < 0 {
		return
	}
	if len(m.body) > maxB {
		e.log.Debug("mtp: sent message too large to keep for a resend",
			slog.Int64("msg_id", m.msgID), slog.Int("bytes", len(m.body)), slog.Int("limit", maxB))
		return
	}
	if r.byID == nil {
		r.byID = make(map[int64]*outMsg)
		r.byReq = make(map[int64]*outMsg)
	}
	r.byID[m.msgID] = m
	if m.req != 0 {
		r.byReq[m.req] = m
	}
	r.bytes += len(m.body)
	r.order = append(r.order, retainEntry{id: m.msgID, m: m})
	for len(r.byID) > maxN || r.bytes > maxB {
		en := r.order[r.head]
		r.order[r.head] = retainEntry{}
		r.head++
		if r.live(en) {
			r.forget(en.m)
			e.log.Debug("mtp: unacknowledged message dropped: the session keeps too many",
				slog.Int64("msg_id", en.id), slog.Int("limit_messages", maxN), slog.Int("limit_bytes", maxB))
		}
	}
	r.compact()
}

// forget stops keeping m (stamped with its current msg_id).
func (r *retainStore) forget(m *outMsg) {
	if r.byID[m.msgID] != m {
		return
	}
	delete(r.byID, m.msgID)
	if m.req != 0 && r.byReq[m.req] == m {
		delete(r.byReq, m.req)
	}
	r.bytes -= len(m.body)
}

// compact drops the stale head of the order queue and rewrites the queue once most of it is
// stale, so its length stays within a constant factor of the retained messages.
func (r *retainStore) compact() {
	for r.head < len(r.order) && !r.live(r.order[r.head]) {
		r.order[r.head] = retainEntry{}
		r.head++
	}
	if r.head == len(r.order) {
		r.order, r.head = r.order[:0], 0
		return
	}
	if n := len(r.order) - r.head; n > 64 && n > 2*len(r.byID) {
		kept := r.order[:0]
		for _, en := range r.order[r.head:] {
			if r.live(en) {
				kept = append(kept, en)
			}
		}
		clear(r.order[len(kept):])
		r.order, r.head = kept, 0
	}
}

// ackKept forgets the message id names, if it is kept: the client has it. A copy queued for
// a resend (the ack came in the first packet of a new connection) is not sent.
func (e *Engine) ackKept(id int64) {
	if m := e.kept.byID[id]; m != nil {
		e.unqueue(m)
		e.kept.forget(m)
		e.kept.compact()
	}
}

// forgetKept forgets every kept message, for a new session: those queued for a resend are
// taken out of the queue too, as they belong to the old session.
func (e *Engine) forgetKept() {
	for _, en := range e.kept.order[e.kept.head:] {
		if e.kept.live(en) {
			e.unqueue(en.m)
		}
	}
	e.kept.reset()
}

// reset forgets everything.
func (r *retainStore) reset() {
	clear(r.byID)
	clear(r.byReq)
	clear(r.order)
	r.order, r.head, r.bytes = r.order[:0], 0, 0
}

// Retained returns how many sent messages a server engine keeps until the client acknowledges
// them, and their size in bytes.
func (e *Engine) Retained() (messages, bytes int) { return len(e.kept.byID), e.kept.bytes }

// resendRetained queues every kept message that is not queued already, on a new connection:
// the client may not have received it. A message whose msg_id is younger than
// Config.ResendMaxAge keeps it, so a client that did receive it drops the copy (and
// acknowledges it again); an older one would fall outside the client's time window and is sent
// under a new msg_id.
func (e *Engine) resendRetained(now time.Time) {
	srv := e.serverTime(now)
	for _, en := range e.kept.order[e.kept.head:] {
		m := en.m
		if !e.kept.live(en) || m.queued {
			continue
		}
		m.keepID = srv.Sub(MsgIDTime(m.msgID)) < e.cfg.ResendMaxAge
		e.push(m)
	}
}

// resendAsked queues the kept message id again under its msg_id (msg_resend_req). It reports
// false if the engine does not keep id.
func (e *Engine) resendAsked(id int64) bool {
	m := e.kept.byID[id]
	if m == nil {
		return false
	}
	if !m.queued {
		m.keepID = true
		e.push(m)
	}
	return true
}

// dropKeptAnswer forgets the kept answer to request req (rpc_drop_answer after it was sent)
// and returns rpc_answer_dropped about it; ok is false when no answer to req is kept.
func (e *Engine) dropKeptAnswer(req int64) (answer []byte, ok bool) {
	m := e.kept.byReq[req]
	if m == nil {
		return nil, false
	}
	e.unqueue(m)
	e.kept.forget(m)
	e.kept.compact()
	out := le.AppendUint32(make([]byte, 0, 20), idRPCAnswerDropped)
	out = le.AppendUint64(out, uint64(m.msgID))
	out = le.AppendUint32(out, uint32(m.seqNo))
	return le.AppendUint32(out, uint32(len(m.body))), true
}
