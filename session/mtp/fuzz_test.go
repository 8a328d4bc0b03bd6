package mtp

import (
	"testing"
	"time"
)

// checkInvariants fails if a call could be stuck: every call the engine holds must be queued
// or tracked by its msg_id, or parked with a deadline for its answer in the old session, and
// the live counter must match the queue; and if a record kept for reuse is not free
// (checkSpare).
func checkInvariants(t *testing.T, e *Engine) {
	t.Helper()
	for id, m := range e.calls {
		if m.call != id {
			t.Fatalf("call %d holds message of call %d", id, m.call)
		}
		parked := m.parked && e.prevSent[m.prevID] == m && !e.prevUntil.IsZero()
		if !m.queued && e.sent[m.msgID] != m && !parked {
			t.Fatalf("call %d neither queued nor awaiting an answer", id)
		}
	}
	for id, m := range e.prevSent {
		if m.prevID != id || e.calls[m.call] != m {
			t.Fatalf("old session's msg_id %#x held for a call the engine forgot", id)
		}
	}
	live := 0
	for _, m := range e.queue {
		if !m.cancelled {
			live++
		}
	}
	if live != e.live {
		t.Fatalf("live = %d, queue holds %d", e.live, live)
	}
	checkSpare(t, e)
}

// fuzzSeeds are decrypted message bodies covering every service message the handler parses.
func fuzzSeeds(reqID int64) [][]byte {
	long := func(b []byte, v int64) []byte { return le.AppendUint64(b, uint64(v)) }
	id := func(v uint32) []byte { return le.AppendUint32(nil, v) }
	z, _ := gzipPacked(body(0x1, 3))
	rpcErr := appendBytes(le.AppendUint32(id(idRPCError), 420), []byte("FLOOD_WAIT_1"))
	container := le.AppendUint32(id(idMsgContainer), 2)
	container = appendItem(container, 1<<40|1, 1, rpcResult(reqID, body(2, 1)))
	container = appendItem(container, 1<<40|5, 1, body(3, 0))
	return [][]byte{
		rpcResult(reqID, body(2, 1)),
		rpcResult(reqID, rpcErr),
		rpcResult(reqID, z),
		z,
		container,
		appendLongVector(id(idMsgsAck), []int64{reqID}),
		le.AppendUint32(le.AppendUint32(long(id(idBadMsgNotification), reqID), 1), 32),
		long(le.AppendUint32(le.AppendUint32(long(id(idBadServerSalt), reqID), 1), 48), 9),
		long(long(long(id(idNewSessionCreated), reqID+4), 7), 9),
		long(long(id(idPong), reqID), 1),
		le.AppendUint32(le.AppendUint32(long(id(idFutureSalts), reqID), 1), 0),
		appendLongVector(id(idMsgsStateReq), []int64{reqID}),
		appendBytes(long(id(idMsgsStateInfo), reqID), []byte{1}),
		le.AppendUint32(le.AppendUint32(long(long(id(idMsgDetailedInfo), reqID), reqID+8), 4), 0),
		appendLongVector(id(idMsgResendReq), []int64{reqID}),
		le.AppendUint32(long(id(idPingDelayDisconnect), 1), 75),
		le.AppendUint32(id(idGetFutureSalts), 3),
		long(id(idRPCDropAnswer), reqID),
		body(0x12345678, 2),
	}
}

// FuzzReceive feeds arbitrary decrypted payloads to the inbound handler of a client and a
// server engine that have calls in flight: nothing may panic and no call may get stuck.
func FuzzReceive(f *testing.F) {
	p := newPair(&testing.T{}, nil)
	p.call(body(1, 0), CallOptions{})
	p.flushC()
	reqID := p.c.MsgID(1)
	for _, s := range fuzzSeeds(reqID) {
		f.Add(int64(1<<40|1), int32(1), s)
	}
	f.Fuzz(func(t *testing.T, msgID int64, seqNo int32, b []byte) {
		p := newPair(t, func(c, _ *Config) { c.TimeSynced = false })
		p.call(body(1, 0), CallOptions{})
		p.call(body(2, 0), CallOptions{Repeatable: true})
		p.call(body(3, 0), CallOptions{Timeout: time.Minute})
		p.flushC()
		now := p.now
		for _, e := range []*Engine{p.c, p.s} {
			plain := le.AppendUint64(nil, testSalt)
			plain = le.AppendUint64(plain, testSession)
			plain = e.appendHeader(plain, msgID, seqNo, len(b))
			plain = append(plain, b...)
			e.events = e.events[:0]
			e.receivePlain(now, plain)
			e.receivePlain(now, plain) // duplicates too
			checkInvariants(t, e)
			for e.HasPending(now) {
				if _, _, err := e.Flush(now, nil); err != nil {
					t.Fatal(err)
				}
			}
			if e == p.c {
				// The records of calls the message completed go to new calls: the message
				// again must not reach them through the old calls.
				p.call(body(4, 0), CallOptions{})
				p.call(body(5, 0), CallOptions{Repeatable: true})
				for e.HasPending(now) {
					if _, _, err := e.Flush(now, nil); err != nil {
						t.Fatal(err)
					}
				}
				e.receivePlain(now, plain)
				checkInvariants(t, e)
			}
			_, _ = e.OnTimer(now.Add(time.Hour)) // ErrHealthTimeout is a fine outcome
			checkInvariants(t, e)
		}
	})
}

func TestFuzzSeedsParse(t *testing.T) {
	// Every seed must be understood by a client engine waiting on reqID: none is dropped as
	// malformed, so the fuzzer starts from meaningful inputs.
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.flushC()
	for i, s := range fuzzSeeds(p.c.MsgID(1))[:10] {
		q := newPair(t, func(c, _ *Config) { c.TimeSynced = false })
		q.call(body(1, 0), CallOptions{})
		q.flushC()
		before := len(q.c.sent)
		q.c.dispatch(q.now, 1<<40|1, s, false, false)
		if len(q.c.events) == 0 && len(q.c.sent) == before && q.c.salts.current == testSalt && q.c.live == 0 && len(q.c.acks) == 0 && !q.c.calls[1].acked {
			t.Errorf("seed %d (%#x) had no effect", i, peekID(s))
		}
	}
}
