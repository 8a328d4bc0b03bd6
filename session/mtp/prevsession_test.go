package mtp

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// inFlight sends calls a (acknowledged), b (not acknowledged) and x.
func inFlight(p *pair) (a, b, x CallID) {
	p.t.Helper()
	a = p.call(body(0xa, 0), CallOptions{})
	p.flushC()
	p.fromServer(appendLongVector(le.AppendUint32(nil, idMsgsAck), []int64{p.c.MsgID(a)}))
	b = p.call(body(0xb, 0), CallOptions{})
	x = p.call(body(0xc, 0), CallOptions{})
	p.flushC()
	p.toS = p.toS[:0]
	return a, b, x
}

// renewed sends calls a, b and x (inFlight), then has a bad_msg_notification 17 about x move
// the clock an hour back: the engine goes on in a new session. It returns the calls, the old
// session and the msg_ids a and b had there.
func renewed(t *testing.T, p *pair) (a, b, x CallID, old, aID, bID int64) {
	t.Helper()
	a, b, x = inFlight(p)
	old, aID, bID = p.c.SessionID(), p.c.MsgID(a), p.c.MsgID(b)
	ev := p.fromServerID(msgIDAt(p.now.Add(-time.Hour))|idServerOther, badMsg(p.c.MsgID(x), 17))
	if p.c.SessionID() == old {
		t.Fatal("no new session after the clock went an hour back")
	}
	if f := only(ev, EventFailed); len(f) != 0 {
		t.Fatalf("failed at once: %+v", f)
	}
	checkInvariants(t, p.c)
	return a, b, x, old, aID, bID
}

// waitedOut runs the client's timer prevSessionWait on: no call may wait in the old session
// any longer.
func waitedOut(t *testing.T, p *pair) {
	t.Helper()
	if _, err := p.c.OnTimer(p.now.Add(prevSessionWait)); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, p.c)
	if len(p.c.prevSent) != 0 {
		t.Fatalf("%d calls still wait in the old session after prevSessionWait", len(p.c.prevSent))
	}
}

// container encodes a msg_container of server messages in session time now.
func (p *pair) container(now time.Time, items ...[]byte) []byte {
	c := le.AppendUint32(nil, idMsgContainer)
	c = le.AppendUint32(c, uint32(len(items)))
	for _, it := range items {
		c = appendItem(c, p.s.ids.next(now, idServerAnswer), 1, it)
	}
	return c
}

// TestOldSessionAnswersTaken: after bad_msg_notification 17 starts a new session, answers the
// server had written in the old one may still come on the connection, in the old session.
// They were dropped as from a foreign session, and the acknowledged call (which may have run,
// so is not sent again) failed with ErrNotRepeated. Now an rpc_result in the old session
// answers a call sent there and still waiting, in a container or gzip_packed or not, once;
// nothing else of the old session is read.
func TestOldSessionAnswersTaken(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	prefix := body(0x1417, 3)
	p.c.SetInitPrefix(prefix)
	a, b, x, old, aID, bID := renewed(t, p)
	srv := p.now.Add(-time.Hour)
	packed, ok := gzipPacked(rpcResult(aID, body(0xa5, 64)))
	if !ok {
		t.Fatal("gzip")
	}
	ev := p.fromSession(old, p.s.ids.next(srv, idServerAnswer), p.container(srv,
		packed,
		body(0x0bad, 1),                        // an update: not read from the old session
		rpcResult(p.c.MsgID(x), body(0xc5, 0)), // x was rejected: no answer can come
		rpcResult(0x7777, body(0xd5, 0)),
	))
	if len(ev) != 1 || ev[0].Kind != EventResult || ev[0].Call != a || ev[0].MsgID != aID ||
		peekID(ev[0].Body) != 0xa5 {
		t.Fatalf("events %+v, want call %d answered", ev, a)
	}
	if ev := p.fromSession(old, p.s.ids.next(srv, idServerAnswer), packed); len(ev) != 0 {
		t.Fatalf("the answer again: events %+v", ev)
	}
	// b, not acknowledged, was queued to go again in the new session; its answer in the old
	// one completes it there, and it is not sent.
	ev = p.fromSession(old, p.s.ids.next(srv, idServerAnswer), rpcResult(bID, body(0xb5, 0)))
	if len(ev) != 1 || ev[0].Kind != EventResult || ev[0].Call != b {
		t.Fatalf("events %+v, want call %d answered", ev, b)
	}
	if known, _, _ := p.c.CallState(b); known {
		t.Errorf("call %d still held after its answer", b)
	}
	p.flushC()
	for _, plain := range p.sentPlain() {
		if bytes.Contains(plain, body(0xb, 0)) {
			t.Errorf("call %d sent in the new session after its answer", b)
		}
		if !bytes.Contains(plain, prefix) {
			t.Error("the new session's calls go without the init prefix")
		}
	}
	if p.c.Pending() != 1 {
		t.Errorf("%d calls pending, want x only", p.c.Pending())
	}
	checkInvariants(t, p.c)
}

// TestOldSessionWaitEnds: a parked call (acknowledged in the old session, not repeatable)
// fails with ErrNotRepeated when the connection ends, when prevSessionWait passes, or when
// another clock correction starts another session (one old session is kept), and the old
// session's answers are dropped from then on; cancelled, it sends no rpc_drop_answer, whose
// msg_id would be the old session's.
func TestOldSessionWaitEnds(t *testing.T) {
	for _, end := range []string{"reconnect", "wait", "another session", "cancel"} {
		t.Run(end, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			a, _, _, old, aID, _ := renewed(t, p)
			p.flushC()
			p.toS = p.toS[:0]
			var ev []Event
			switch end {
			case "reconnect":
				ev = copyEvents(p.c.OnConnect(p.now))
			case "wait":
				if d := p.c.NextDeadline(); !d.Equal(p.now.Add(prevSessionWait)) {
					t.Fatalf("next deadline %v, want %v", d, p.now.Add(prevSessionWait))
				}
				p.now = p.now.Add(prevSessionWait)
				var err error
				if ev, err = p.c.OnTimer(p.now); err != nil {
					t.Fatal(err)
				}
				ev = copyEvents(ev)
			case "another session":
				y := p.call(body(0xf, 0), CallOptions{})
				p.flushC()
				p.toS = p.toS[:0]
				sid := p.c.SessionID()
				ev = p.fromServerID(msgIDAt(p.now.Add(-2*time.Hour))|idServerOther, badMsg(p.c.MsgID(y), 17))
				if p.c.SessionID() == sid {
					t.Fatal("no third session after the clock went back again")
				}
			case "cancel":
				if !p.c.Cancel(a) {
					t.Fatal("Cancel: call unknown")
				}
				if n := p.flushC(); n != 0 {
					t.Fatalf("%d packets after Cancel, want none", n)
				}
			}
			f := only(ev, EventFailed)
			if end != "cancel" && (len(f) != 1 || f[0].Call != a || !errors.Is(f[0].Err, ErrNotRepeated)) {
				t.Fatalf("events %+v, want call %d failed with ErrNotRepeated", ev, a)
			}
			srv := p.now.Add(-time.Hour)
			if ev := p.fromSession(old, p.s.ids.next(srv, idServerAnswer), rpcResult(aID, body(0xa5, 0))); len(ev) != 0 {
				t.Fatalf("old session's answer after the wait: events %+v", ev)
			}
		})
	}
}

// TestAfterParkedCall: a call to run after a parked one (CallOptions.After) cannot name it
// with invokeAfterMsg, whose msg_id would be the old session's; it goes without.
func TestAfterParkedCall(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a, _, _, _, aID, _ := renewed(t, p)
	p.flushC()
	p.toS = p.toS[:0]
	next := p.call(body(0xe, 0), CallOptions{After: a})
	p.flushC()
	if len(p.toS) != 1 {
		t.Fatalf("%d packets, want call %d sent", len(p.toS), next)
	}
	plain := p.sentPlain()[0]
	if !bytes.Contains(plain, body(0xe, 0)) {
		t.Fatalf("call %d not sent", next)
	}
	if bytes.Contains(plain, le.AppendUint64(le.AppendUint32(nil, idInvokeAfterMsg), uint64(aID))) {
		t.Errorf("call %d sent after msg_id %#x of the old session", next, aID)
	}
}

// FuzzOldSession feeds arbitrary messages in the old session to a client that started a new
// one with calls waiting there: nothing may panic and no call may get stuck.
func FuzzOldSession(f *testing.F) {
	p := newPair(&testing.T{}, func(c, _ *Config) { c.PingInterval = -1 })
	_, _, _, _, aID, bID := renewed(&testing.T{}, p)
	packed, _ := gzipPacked(rpcResult(aID, body(0xa5, 8)))
	for _, s := range [][]byte{rpcResult(aID, body(0xa5, 0)), rpcResult(bID, body(0xb5, 0)), packed,
		p.container(p.now, packed, rpcResult(bID, body(0xb5, 0)))} {
		f.Add(int64(1<<40|1), s)
	}
	f.Fuzz(func(t *testing.T, msgID int64, b []byte) {
		p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
		_, _, _, old, _, _ := renewed(t, p)
		p.fromSession(old, msgID, b)
		p.fromSession(old, msgID, b) // duplicates too
		checkInvariants(t, p.c)
		// The records of calls it completed go to new calls: the message again must not
		// reach them.
		p.call(body(0xd, 0), CallOptions{})
		p.flushC()
		p.fromSession(old, msgID, b)
		checkInvariants(t, p.c)
		p.flushC()
		waitedOut(t, p)
	})
}

// TestOldSessionAnswerAfterNoticeInContainer: the bad_msg_notification 17 that starts a new
// session may come in one container with answers the server had ready, after them or before.
// An answer after the notice came in the session the notice left, like one that comes later;
// it was dropped as answering nothing the new session sent, and the acknowledged call waited
// prevSessionWait to fail with ErrNotRepeated though its answer had come, and what followed
// the notice was acknowledged in the new session, by msg_ids of the old one. The answers are
// taken now, gzip_packed or not, and nothing of the old session is acknowledged.
func TestOldSessionAnswerAfterNoticeInContainer(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a, b, x := inFlight(p)
	old, aID, bID := p.c.SessionID(), p.c.MsgID(a), p.c.MsgID(b)
	srv := p.now.Add(-time.Hour)
	packed, ok := gzipPacked(rpcResult(bID, body(0xb5, 64)))
	if !ok {
		t.Fatal("gzip")
	}
	ev := p.fromServerID(p.s.ids.next(srv, idServerOther), p.container(srv,
		badMsg(p.c.MsgID(x), 17),
		rpcResult(aID, body(0xa5, 0)),
		packed,
	))
	if p.c.SessionID() == old {
		t.Fatal("no new session after the clock went an hour back")
	}
	got := map[CallID]bool{}
	for _, e := range ev {
		if e.Kind != EventResult {
			t.Fatalf("events %+v, want calls %d and %d answered", ev, a, b)
		}
		got[e.Call] = true
	}
	if !got[a] || !got[b] || len(got) != 2 {
		t.Fatalf("events %+v, want calls %d and %d answered", ev, a, b)
	}
	if p.c.Pending() != 1 {
		t.Errorf("%d calls pending, want x only", p.c.Pending())
	}
	checkInvariants(t, p.c)
	// What followed the notice came in the old session: no ack of it goes in the new one.
	p.flushC()
	for _, plain := range p.sentPlain() {
		if bytes.Contains(plain, le.AppendUint32(nil, idMsgsAck)) {
			t.Error("the old session's messages acknowledged in the new one")
		}
	}
}
