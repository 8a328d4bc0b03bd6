package mtp

import (
	"cmp"
	"log/slog"
	"slices"
	"time"
)

// Default bounds of what a server engine keeps of its sent content messages (see
// Config.RetainMessages and Config.RetainBytes).
const (
	DefaultRetainMessages = 1024
	DefaultRetainBytes    = 4 << 20
)

// retainEntry is one message in the retained store under the msg_id it was stamped with when
// it entered; m is nil once the message was acknowledged, dropped or stamped again under a
// new id (which enters it anew).
type retainEntry struct {
	id int64
	m  *outMsg
}

// retainStore is what a server engine keeps of the content messages it sent (rpc_result and
// pushed updates) until the client acknowledges them, as Telegram does: they are sent again,
// under their msg_ids, on the session's next connection and on msg_resend_req. It is bounded
// in messages and bytes; past a bound the oldest messages are forgotten.
//
// The store is one queue in send order, which is msg_id order (a message enters when it is
// stamped with a fresh id, and ids only grow), so a message is found by binary search; the
// entries of forgotten messages are skipped and compacted away, keeping the queue within a
// constant factor of what is kept. No map: an idle session's store is an empty slice, and a
// session at rest (every message acknowledged before the next) allocates nothing.
type retainStore struct {
	order []retainEntry // oldest first, from head
	head  int
	n     int // messages kept
	bytes int // their body bytes
}

// find returns the index in order of the kept message stamped id, -1 if none.
func (r *retainStore) find(id int64) int {
	q := r.order[r.head:]
	i, ok := slices.BinarySearchFunc(q, id, func(en retainEntry, id int64) int { return cmp.Compare(en.id, id) })
	if !ok || q[i].m == nil {
		return -1
	}
	return r.head + i
}

// get returns the kept message stamped id, nil if none.
func (r *retainStore) get(id int64) *outMsg {
	if i := r.find(id); i >= 0 {
		return r.order[i].m
	}
	return nil
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
	r.order = append(r.order, retainEntry{id: m.msgID, m: m})
	r.n++
	r.bytes += len(m.body)
	for r.n > maxN || r.bytes > maxB {
		en := r.order[r.head]
		r.order[r.head] = retainEntry{}
		r.head++
		if en.m != nil {
			r.n--
			r.bytes -= len(en.m.body)
			e.log.Debug("mtp: unacknowledged message dropped: the session keeps too many",
				slog.Int64("msg_id", en.id), slog.Int("limit_messages", maxN), slog.Int("limit_bytes", maxB))
		}
	}
	r.compact()
}

// forget stops keeping m (stamped with its current msg_id), if it is kept.
func (r *retainStore) forget(m *outMsg) {
	if i := r.find(m.msgID); i >= 0 && r.order[i].m == m {
		r.remove(i)
	}
}

// remove forgets the kept message at order[i].
func (r *retainStore) remove(i int) {
	r.n--
	r.bytes -= len(r.order[i].m.body)
	r.order[i].m = nil
	r.compact()
}

// maxIdleCap is the room the queue keeps once empty; a larger one (left by a burst) is freed.
const maxIdleCap = 64

// compact drops the forgotten head of the queue, rewrites the queue once most of it is
// forgotten and moves it to the front of its array once the dropped head is as long as the
// rest, so its length and its array stay within a constant factor of the kept messages
// (amortised O(1) per message) even for a client that never acknowledges anything.
func (r *retainStore) compact() {
	for r.head < len(r.order) && r.order[r.head].m == nil {
		r.order[r.head] = retainEntry{}
		r.head++
	}
	if r.head == len(r.order) {
		if cap(r.order) > maxIdleCap {
			r.order = nil
		}
		r.order, r.head = r.order[:0], 0
		return
	}
	rest := r.order[r.head:]
	switch {
	case len(rest) > maxIdleCap && len(rest) > 2*r.n:
		kept := r.order[:0]
		for _, en := range rest {
			if en.m != nil {
				kept = append(kept, en)
			}
		}
		clear(r.order[len(kept):])
		r.order, r.head = kept, 0
	case r.head > maxIdleCap && r.head >= len(rest):
		n := copy(r.order, rest)
		clear(r.order[n:])
		r.order, r.head = r.order[:n], 0
	}
}

// ackKept forgets the message id names, if it is kept: the client has it. A copy queued for
// a resend (the ack came in the first packet of a new connection) is not sent.
func (e *Engine) ackKept(id int64) {
	if i := e.kept.find(id); i >= 0 {
		e.unqueue(e.kept.order[i].m)
		e.kept.remove(i)
	}
}

// forgetKept forgets every kept message, for a new session: those queued for a resend are
// taken out of the queue too, as they belong to the old session.
func (e *Engine) forgetKept() {
	r := &e.kept
	for _, en := range r.order[r.head:] {
		if en.m != nil {
			e.unqueue(en.m)
		}
	}
	clear(r.order)
	r.order, r.head, r.n, r.bytes = r.order[:0], 0, 0, 0
}

// Retained returns how many sent messages a server engine keeps until the client acknowledges
// them, and their size in bytes.
func (e *Engine) Retained() (messages, bytes int) { return e.kept.n, e.kept.bytes }

// resendRetained queues every kept message that is not queued already, on a new connection:
// the client may not have received it.
func (e *Engine) resendRetained(now time.Time) {
	srv := e.serverTime(now)
	for _, en := range e.kept.order[e.kept.head:] {
		if en.m != nil {
			e.requeueKept(en.m, srv)
		}
	}
}

// resendAsked queues the kept message id again (msg_resend_req). It reports false if the
// engine does not keep id.
func (e *Engine) resendAsked(now time.Time, id int64) bool {
	m := e.kept.get(id)
	if m == nil {
		return false
	}
	e.requeueKept(m, e.serverTime(now))
	return true
}

// requeueKept queues the kept m again unless it is queued. A message whose msg_id is younger
// than Config.ResendMaxAge keeps it, so a client that did receive it drops the copy (and
// acknowledges it again); an older one would fall outside the client's time window and is
// sent under a new msg_id.
func (e *Engine) requeueKept(m *outMsg, srv time.Time) {
	if m.queued {
		return
	}
	m.keepID = srv.Sub(MsgIDTime(m.msgID)) < e.cfg.ResendMaxAge
	e.push(m)
}

// dropKeptAnswer forgets the kept answer to request req (rpc_drop_answer after it was sent)
// and returns rpc_answer_dropped about it; ok is false when no answer to req is kept. It
// scans the store (rpc_drop_answer is rare; the store is bounded).
func (e *Engine) dropKeptAnswer(req int64) (answer []byte, ok bool) {
	r := &e.kept
	i := slices.IndexFunc(r.order[r.head:], func(en retainEntry) bool { return en.m != nil && en.m.req == req })
	if i < 0 {
		return nil, false
	}
	m := r.order[r.head+i].m
	e.unqueue(m)
	r.remove(r.head + i)
	out := le.AppendUint32(make([]byte, 0, 20), idRPCAnswerDropped)
	out = le.AppendUint64(out, uint64(m.msgID))
	out = le.AppendUint32(out, uint32(m.seqNo))
	return le.AppendUint32(out, uint32(len(m.body))), true
}
