package mtp

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl"
)

// maxPadding is the most padding crypto.EncryptMessage adds for MTProto 2.0 (12..27 bytes).
const maxPadding = 27

// holeMin is the shortest borrowed byte string (CallOptions.Borrowed) Flush leaves where it is:
// the packet keeps a hole of its length and the cipher reads it from the caller's memory
// (crypto.EncryptMessageSegments). Shorter ones are cheaper to copy than to join.
const holeMin = 4 << 10

// pieces is the plaintext of the packet Flush is building when it has holes: the bytes
// written in the packet buffer between them and the borrowed strings that fill them.
type pieces struct {
	segs [][]byte
	at   int // where the piece being written into the packet buffer starts
}

// hole leaves room in buf for the borrowed p and records the pieces so far. It reports false,
// leaving buf alone, when p is too short to be worth it or buf lacks the room.
func (ps *pieces) hole(buf, p []byte) ([]byte, bool) {
	if len(p) < holeMin || cap(buf)-len(buf) < len(p) {
		return buf, false
	}
	ps.segs = append(ps.segs, buf[ps.at:], p)
	buf = buf[:len(buf)+len(p)]
	ps.at = len(buf)
	return buf, true
}

// seal encrypts the plaintext buf[len(dst)+crypto.EnvelopeSize:] and appends the packet to dst
// (buf's memory up to the envelope): in place when it has no holes, from its pieces
// otherwise.
func (e *Engine) seal(dst, buf []byte) ([]byte, error) {
	ps := &e.pieces
	if len(ps.segs) == 0 {
		return crypto.EncryptMessage(dst, &e.cfg.AuthKey, e.side, buf[len(dst)+crypto.EnvelopeSize:], e.cfg.Rand)
	}
	ps.segs = append(ps.segs, buf[ps.at:])
	packet, err := crypto.EncryptMessageSegments(dst, &e.cfg.AuthKey, e.side, ps.segs, e.cfg.Rand)
	clear(ps.segs) // lets go of the borrowed bytes
	ps.segs = ps.segs[:0]
	return packet, err
}

// HasPending reports whether Flush would produce a packet at now: a message is queued,
// acknowledgements are due, or a server engine has a packet of a session it left.
func (e *Engine) HasPending(now time.Time) bool {
	return e.live > 0 || len(e.left) > 0 || e.acksDue(now)
}

func (e *Engine) acksDue(now time.Time) bool {
	return len(e.acks) > 0 && (len(e.acks) >= e.cfg.AckBatch || !now.Before(e.ackDue))
}

// Flush appends one encrypted packet to dst holding as many queued messages as the container
// caps allow, with pending acknowledgements piggybacked, and returns it with the calls it
// carries (the slice is reused by the next Flush). It returns dst unchanged when nothing is
// due; call it until HasPending is false. With enough capacity in dst, the packet is built in
// place and its body is never copied; borrowed byte strings of holeMin bytes and more
// (CallOptions.Borrowed, file parts) are not copied either: the cipher reads them where they
// are and writes them encrypted into the packet.
func (e *Engine) Flush(now time.Time, dst []byte) (packet []byte, sent []CallID, err error) {
	e.sentIDs = e.sentIDs[:0]
	if !e.HasPending(now) {
		return dst, nil, nil
	}
	if len(e.left) > 0 {
		pkt := e.left[0]
		e.left[0], e.left = nil, e.left[1:]
		return append(dst, pkt...), nil, nil
	}
	srv := e.serverTime(now)

	// Choose the messages.
	var ackBody []byte
	count, size := 0, 0
	if len(e.acks) > 0 && (e.acksDue(now) || !e.firstAlone()) {
		k := min(len(e.acks), maxAckIDs)
		ackBody = appendLongVector(le.AppendUint32(e.ackBuf[:0], idMsgsAck), e.acks[:k])
		e.ackBuf = ackBody
		e.acks = e.acks[:copy(e.acks, e.acks[k:])]
		if len(e.acks) == 0 {
			e.ackDue = time.Time{}
		}
		count, size = 1, containerItemHeader+len(ackBody)
	}
	batch := e.batch[:0]
	i := 0
	for i < len(e.queue) {
		m := e.queue[i]
		if m.cancelled {
			i++
			continue
		}
		if a := e.afterOf(m); a != nil && a.queued && !slices.Contains(batch, a) {
			if count > 0 {
				break // send m after a, in a later packet
			}
			// a was queued again behind m: send it first.
			j := slices.Index(e.queue, a)
			e.queue[i], e.queue[j] = e.queue[j], e.queue[i]
			continue
		}
		n := containerItemHeader + e.bodyLen(m)
		if count > 0 && (m.alone || count >= e.cfg.MaxContainerMessages || size+n > e.cfg.MaxContainerBytes) {
			break
		}
		batch = append(batch, m)
		count, size = count+1, size+n
		i++
		if m.alone {
			break
		}
	}
	clear(e.queue[copy(e.queue, e.queue[i:]):])
	e.queue = e.queue[:len(e.queue)-i]
	e.batch = batch
	if count == 0 {
		return dst, nil, nil
	}

	// Stamp ids in batch order so invokeAfterMsg targets get theirs first.
	for _, m := range batch {
		e.stamp(m, now, srv)
	}
	start := len(dst)
	dst = slices.Grow(dst, crypto.EnvelopeSize+innerHeaderSize+8+size+maxPadding)
	buf := dst[:start+crypto.EnvelopeSize]
	e.pieces.at = len(buf)
	buf = le.AppendUint64(buf, uint64(e.saltAt(now)))
	buf = le.AppendUint64(buf, uint64(e.sessionID))
	if count == 1 {
		if ackBody != nil {
			buf = e.appendHeader(buf, e.nextID(srv, e.plainKind()), e.seq.next(false), len(ackBody))
			buf = append(buf, ackBody...)
		} else {
			m := batch[0]
			buf = e.appendHeader(buf, m.msgID, m.seqNo, e.bodyLen(m))
			buf = e.appendBody(buf, m)
		}
	} else {
		var ackID int64
		if ackBody != nil {
			ackID = e.nextID(srv, e.plainKind())
		}
		cid := e.nextID(srv, e.plainKind())
		buf = e.appendHeader(buf, cid, e.seq.next(false), 8+size)
		buf = le.AppendUint32(buf, idMsgContainer)
		buf = le.AppendUint32(buf, uint32(count))
		if ackBody != nil {
			buf = appendItem(buf, ackID, e.seq.next(false), ackBody)
		}
		var c *container
		if e.side == crypto.Client {
			c = &container{ids: make([]int64, 0, len(batch)), sentAt: now}
			e.containers[cid] = c
			e.dueState(now.Add(staleAfter))
		}
		for _, m := range batch {
			buf = le.AppendUint64(buf, uint64(m.msgID))
			buf = le.AppendUint32(buf, uint32(m.seqNo))
			buf = le.AppendUint32(buf, uint32(e.bodyLen(m)))
			buf = e.appendBody(buf, m)
			m.container = cid
			if c != nil {
				c.ids = append(c.ids, m.msgID)
			}
		}
	}
	packet, err = e.seal(dst[:start], buf)
	if err != nil {
		return dst[:start], nil, fmt.Errorf("mtp: flush: %w", err)
	}
	return packet, e.sentIDs, nil
}

// firstAlone reports whether the next message to send must go without a container, so acks
// that are not due yet wait for a later packet.
func (e *Engine) firstAlone() bool {
	for _, m := range e.queue {
		if !m.cancelled {
			return m.alone
		}
	}
	return false
}

// plainKind is the msg_id kind of messages that answer nothing in particular (acks,
// containers).
func (e *Engine) plainKind() int64 {
	if e.side == crypto.Server {
		return idServerOther
	}
	return idClient
}

// stamp gives m its msg_id and seqno for this send and starts tracking it.
func (e *Engine) stamp(m *outMsg, now, srv time.Time) {
	e.live--
	m.queued = false
	if m.keepID && m.msgID != 0 {
		m.keepID, m.reused = false, true
	} else {
		m.reused, m.oldSession = false, false
		if m.msgID != 0 {
			e.untrack(m)
			e.kept.forget(m)
			m.sends++
		}
		kind := int64(idClient)
		if e.side == crypto.Server {
			kind = idServerOther
			if m.answer {
				kind = idServerAnswer
			}
		}
		if m.fixedID != 0 {
			m.msgID = m.fixedID
		} else {
			m.msgID = e.nextID(srv, kind)
		}
		m.seqNo = e.seq.next(m.content)
	}
	m.sentAt, m.alone, m.acked, m.container = now, false, false, 0
	if m.retain && !m.reused {
		e.retainSent(m)
	}
	if e.side == crypto.Client && m.content {
		e.sent[m.msgID] = m
		if m.timeout > 0 && m.deadline.IsZero() {
			m.deadline = now.Add(m.timeout)
			e.dueState(m.deadline)
		}
		switch {
		case m.kind == kindCall && e.cfg.StateReqAfter > 0:
			e.dueState(now.Add(e.cfg.StateReqAfter))
		case oneWay(m.kind):
			e.dueState(now.Add(staleAfter))
		}
	}
	if m.kind == kindCall {
		e.sentIDs = append(e.sentIDs, m.call)
	}
}

// afterOf returns the call m must follow, nil if none is pending. A parked call (see
// renewSession) is none: its msg_id is the old session's, which invokeAfterMsg in this one
// cannot name, and holding m until its answer would hold the queue behind m too.
func (e *Engine) afterOf(m *outMsg) *outMsg {
	if m.after == 0 {
		return nil
	}
	if a := e.calls[m.after]; a != nil && a != m && !a.parked {
		return a
	}
	return nil
}

// wrapsInit reports whether m goes out wrapped in the connection's init prefix.
func (e *Engine) wrapsInit(m *outMsg) bool {
	return m.kind == kindCall && !m.noInit && !e.initDone && e.initPrefix != nil
}

// bodyLen is the length of m's body on the wire, with the init and invokeAfterMsg prefixes.
func (e *Engine) bodyLen(m *outMsg) int {
	n := tl.BorrowedLen(m.body, m.borrowed)
	if e.wrapsInit(m) {
		n += len(e.initPrefix)
	}
	if e.afterOf(m) != nil {
		n += 12
	}
	return n
}

func (e *Engine) appendBody(dst []byte, m *outMsg) []byte {
	if e.wrapsInit(m) {
		dst = append(dst, e.initPrefix...)
	}
	if a := e.afterOf(m); a != nil {
		dst = le.AppendUint32(dst, idInvokeAfterMsg)
		dst = le.AppendUint64(dst, uint64(a.msgID))
	}
	at := 0
	for _, s := range m.borrowed {
		dst = append(dst, m.body[at:s.At]...)
		at = s.At
		var ok bool
		if dst, ok = e.pieces.hole(dst, s.Bytes); !ok {
			dst = append(dst, s.Bytes...)
		}
	}
	return append(dst, m.body[at:]...)
}

func (e *Engine) appendHeader(dst []byte, msgID int64, seqNo int32, n int) []byte {
	dst = le.AppendUint64(dst, uint64(msgID))
	dst = le.AppendUint32(dst, uint32(seqNo))
	return le.AppendUint32(dst, uint32(n))
}

// sortQueue orders messages re-sent with their old msg_id first, by msg_id, followed by the
// rest in their queue order.
func sortQueue(q []*outMsg) {
	slices.SortStableFunc(q, func(a, b *outMsg) int {
		ka, kb := a.keepID && a.msgID != 0, b.keepID && b.msgID != 0
		switch {
		case ka && kb:
			return cmp.Compare(a.msgID, b.msgID)
		case ka:
			return -1
		case kb:
			return 1
		}
		return 0
	})
}

// gzipPacked returns body wrapped as gzip_packed.
func gzipPacked(body []byte) ([]byte, bool) {
	z, err := tl.Gzip(nil, body)
	if err != nil {
		return nil, false
	}
	out := le.AppendUint32(make([]byte, 0, len(z)+12), idGzipPacked)
	return appendBytes(out, z), true
}
