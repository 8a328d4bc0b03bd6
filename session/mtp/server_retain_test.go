package mtp

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
)

// openSession runs one call through the pair so the server has adopted the client's session
// and every acknowledgement has been delivered: the server keeps nothing.
func (p *pair) openSession() {
	p.t.Helper()
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	p.deliverAcks()
	if n, _ := p.s.Retained(); n != 0 {
		p.t.Fatalf("server keeps %d messages after every ack arrived", n)
	}
}

// deliverAcks lets the client's acknowledgements fall due and hands them to the server.
func (p *pair) deliverAcks() {
	p.t.Helper()
	p.now = p.now.Add(p.c.cfg.AckDelay)
	p.flushC()
	p.deliverS()
}

// reconnect gives both engines a new connection; what was in flight is lost.
func (p *pair) reconnect() {
	p.t.Helper()
	p.toC, p.toS = nil, nil
	p.c.OnConnect(p.now)
	p.s.OnConnect(p.serverNow())
}

// updateIDs returns the msg_ids of the update events among ev.
func updateIDs(ev []Event) []int64 {
	var ids []int64
	for _, e := range only(ev, EventUpdate) {
		ids = append(ids, e.MsgID)
	}
	return ids
}

// pushUpdates pushes n updates from the server, flushes them and returns their msg_ids.
func (p *pair) pushUpdates(n int) []int64 {
	p.t.Helper()
	var ms []*outMsg
	for i := range n {
		if err := p.s.Push(body(0x7000+uint32(i), 3)); err != nil {
			p.t.Fatal(err)
		}
		ms = append(ms, p.s.queue[len(p.s.queue)-1])
	}
	p.flushS()
	ids := make([]int64, n)
	for i, m := range ms {
		ids[i] = m.msgID
	}
	return ids
}

// TestRetainedPushLost: updates written into a connection that died before the client read
// them are sent again, under the same msg_ids, when the session gets a new connection; once
// acknowledged they are forgotten and never sent again.
func TestRetainedPushLost(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(2)
	if n, _ := p.s.Retained(); n != 2 {
		t.Fatalf("server keeps %d sent updates, want 2", n)
	}
	p.reconnect()
	p.flushS()
	if diff := cmp.Diff(ids, updateIDs(p.deliverC())); diff != "" {
		t.Fatalf("updates after the reconnect (-want +got):\n%s", diff)
	}
	p.deliverAcks()
	if n, b := p.s.Retained(); n != 0 || b != 0 {
		t.Fatalf("server keeps %d messages (%d bytes) after their ack", n, b)
	}
	p.reconnect()
	if n := p.flushS(); n != 0 {
		t.Fatalf("server sent %d packets on a new connection with nothing unacknowledged", n)
	}
}

// TestRetainedResultAckLost: the client got an answer but its ack died with the connection.
// The answer comes again under its msg_id; the client drops the copy without an event and
// acknowledges it again, which the server then forgets it by.
func TestRetainedResultAckLost(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	call := p.call(body(0xe1, 0), CallOptions{})
	p.flushC()
	reqs := only(p.deliverS(), EventRequest)
	if len(reqs) != 1 || !p.s.Reply(reqs[0].MsgID, body(0xe2, 1)) {
		t.Fatalf("requests %+v, want one to answer", reqs)
	}
	p.flushS()
	answered := p.toC[0]
	ev := p.deliverC()
	if res := only(ev, EventResult); len(res) != 1 || res[0].Call != call {
		t.Fatalf("events %v, want the result", kinds(ev))
	}
	p.flushC() // nothing due yet: the ack is lost with the connection
	p.reconnect()
	if n := p.flushS(); n != 1 {
		t.Fatalf("server sent %d packets after the reconnect, want the answer again", n)
	}
	if got, want := packetMsgIDs(t, p.toC[0]), packetMsgIDs(t, answered); !cmp.Equal(got, want) {
		t.Fatalf("resent msg_ids %#x, want the original %#x", got, want)
	}
	if ev := p.deliverC(); len(ev) != 0 {
		t.Fatalf("client events for a copy it had: %v", kinds(ev))
	}
	p.deliverAcks()
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d messages after the client acknowledged the copy", n)
	}
}

// packetMsgIDs decrypts a server packet with the test key and returns the msg_ids of the
// content-related messages it carries, in order.
func packetMsgIDs(t *testing.T, pkt []byte) []int64 {
	t.Helper()
	plain, err := crypto.DecryptMessage(nil, &testKey, crypto.Server, append([]byte(nil), pkt...))
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	var ids []int64
	add := func(id int64, seq int32) {
		if seq&1 == 1 {
			ids = append(ids, id)
		}
	}
	body := plain[innerHeaderSize:]
	if peekID(body) != idMsgContainer {
		add(int64(le.Uint64(plain[16:])), int32(le.Uint32(plain[24:])))
		return ids
	}
	rest := body[8:]
	for range le.Uint32(body[4:]) {
		add(int64(le.Uint64(rest)), int32(le.Uint32(rest[8:])))
		rest = rest[containerItemHeader+int(le.Uint32(rest[12:])):]
	}
	return ids
}

// TestRetainedBounds: past the message or byte bound the oldest unacknowledged messages are
// forgotten; a reconnect sends only the newest ones. A negative bound keeps nothing.
func TestRetainedBounds(t *testing.T) {
	update := len(body(0x7000, 3)) // the size of one pushed update
	tests := []struct {
		name          string
		msgs, bytes   int
		push          int
		keep          int // newest updates kept
		keptBytes     int
		resentPackets int
	}{
		{"under the bounds", 4, 1 << 10, 3, 3, 3 * update, 1},
		{"message bound", 3, 1 << 10, 5, 3, 3 * update, 1},
		{"byte bound", 100, 2*update + 4, 5, 2, 2 * update, 1},
		{"larger than the byte bound", 100, update - 4, 2, 0, 0, 0},
		{"disabled", -1, 0, 3, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(_, s *Config) { s.RetainMessages, s.RetainBytes = tt.msgs, tt.bytes })
			p.openSession()
			ids := p.pushUpdates(tt.push)
			if n, b := p.s.Retained(); n != tt.keep || b != tt.keptBytes {
				t.Fatalf("server keeps %d messages (%d bytes), want %d (%d)", n, b, tt.keep, tt.keptBytes)
			}
			p.reconnect()
			if n := p.flushS(); n != tt.resentPackets {
				t.Fatalf("%d packets after the reconnect, want %d", n, tt.resentPackets)
			}
			want := ids[len(ids)-tt.keep:]
			if diff := cmp.Diff(want, updateIDs(p.deliverC()), cmpEmpty); diff != "" {
				t.Fatalf("updates after the reconnect (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty makes nil and empty slices equal.
var cmpEmpty = cmp.FilterValues(func(a, b []int64) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

// TestRetainedOrderStaysLinear: acknowledging messages one at a time while more are sent keeps
// the store's queue within a constant factor of what it holds.
func TestRetainedOrderStaysLinear(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	for range 500 {
		p.pushUpdates(3)
		p.deliverC()
		p.deliverAcks()
		if n, _ := p.s.Retained(); n != 0 {
			t.Fatalf("server keeps %d acknowledged messages", n)
		}
		if q := len(p.s.kept.order) - p.s.kept.head; q > 2*DefaultRetainMessages {
			t.Fatalf("store queue of %d entries for nothing kept", q)
		}
	}
	// Acked out of order: the oldest stays, the queue behind it is compacted.
	old := p.pushUpdates(1)
	p.toC = nil
	for range 300 {
		p.pushUpdates(1)
		p.deliverC()
		p.deliverAcks()
	}
	if n, _ := p.s.Retained(); n != 1 || p.s.kept.get(old[0]) == nil {
		t.Fatalf("server keeps %d messages, want the lost one", n)
	}
	if q := len(p.s.kept.order) - p.s.kept.head; q > 130 {
		t.Fatalf("store queue of %d entries for one message kept", q)
	}
}

// TestRetainedResendReq: msg_resend_req gets a kept message again under its msg_id; ids the
// server does not keep are ignored.
func TestRetainedResendReq(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(2)
	p.toC = nil // both lost
	p.c.pushService(appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{ids[1], ids[1] + 4, 12345}), false)
	p.flushC()
	p.deliverS()
	p.flushS()
	if diff := cmp.Diff(ids[1:], updateIDs(p.deliverC())); diff != "" {
		t.Fatalf("updates after msg_resend_req (-want +got):\n%s", diff)
	}
}

// TestRetainedDropAnswer: rpc_drop_answer about a request whose answer was sent and not
// acknowledged is answered rpc_answer_dropped with that answer's msg_id, seqno and size, and
// the answer is not sent again.
func TestRetainedDropAnswer(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	p.call(body(0xe1, 0), CallOptions{})
	p.flushC()
	req := only(p.deliverS(), EventRequest)[0].MsgID
	p.s.Reply(req, body(0xe2, 1))
	answer := p.s.queue[len(p.s.queue)-1]
	p.flushS()
	p.toC = nil // lost

	drop := le.AppendUint64(le.AppendUint32(nil, idRPCDropAnswer), uint64(req))
	p.s.serverDispatch(p.serverNow(), 0x1234, drop)
	got := p.s.queue[len(p.s.queue)-1].body
	want := rpcResult(0x1234, le.AppendUint32(le.AppendUint32(le.AppendUint64(le.AppendUint32(nil,
		idRPCAnswerDropped), uint64(answer.msgID)), uint32(answer.seqNo)), uint32(len(answer.body))))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("answer to rpc_drop_answer (-want +got):\n%s", diff)
	}
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d messages after the drop", n)
	}
	// Asked again, the answer is unknown.
	p.s.serverDispatch(p.serverNow(), 0x1238, drop)
	got = p.s.queue[len(p.s.queue)-1].body
	if diff := cmp.Diff(rpcResult(0x1238, le.AppendUint32(nil, idRPCAnswerUnknown)), got); diff != "" {
		t.Fatalf("second answer to rpc_drop_answer (-want +got):\n%s", diff)
	}
}

// TestRetainedOldRewrapped: a kept message whose msg_id is older than ResendMaxAge goes out
// under a new msg_id on the next connection, so the client's time window accepts it.
func TestRetainedOldRewrapped(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(1)
	p.now = p.now.Add(5 * time.Minute)
	p.reconnect()
	p.flushS()
	got := updateIDs(p.deliverC())
	if len(got) != 1 || got[0] == ids[0] || got[0]&3 != 3 {
		t.Fatalf("updates %#x after 5 minutes, want one under a new server msg_id (old %#x)", got, ids[0])
	}
	p.deliverAcks()
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d messages after the new id was acknowledged", n)
	}
}

// TestRetainedNewSession: a client that starts a new session id on the connection does not
// get the old session's messages.
func TestRetainedNewSession(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	p.pushUpdates(2)
	p.toC = nil
	p.s.OnConnect(p.serverNow()) // both queued again, then the client starts a new session
	p.c.sessionID++
	p.call(body(1, 0), CallOptions{})
	p.flushC()
	p.deliverS()
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d messages of the previous session", n)
	}
	p.flushS()
	if ev := p.deliverC(); len(updateIDs(ev)) != 0 {
		t.Fatalf("the new session got the old one's updates: %v", kinds(ev))
	}
}

// TestClientPushNotRetained: a client engine's pushes are not kept.
func TestClientPushNotRetained(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	if err := p.c.Push(body(0x7001, 1)); err != nil {
		t.Fatal(err)
	}
	p.flushC()
	if n, _ := p.c.Retained(); n != 0 {
		t.Fatalf("client keeps %d pushed messages", n)
	}
}

// TestClientAcksCopyBelowWindow: a server message resent under an id below the client's
// replay window is dropped without an event but acknowledged, so the server forgets it.
func TestClientAcksCopyBelowWindow(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.ReplayWindow = 4 })
	p.openSession()
	ids := p.pushUpdates(1)
	lost := p.toC[0]
	p.deliverC()
	p.c.acks = p.c.acks[:0] // the ack is lost
	for range 4 {
		p.pushUpdates(1)
		p.deliverC()
	}
	p.toC = append(p.toC, lost) // the copy arrives after the window moved past it
	if ev := p.deliverC(); len(ev) != 0 {
		t.Fatalf("client events for a copy below its window: %v", kinds(ev))
	}
	p.deliverAcks()
	if p.s.kept.get(ids[0]) != nil {
		t.Fatal("server still keeps the copy the client acknowledged")
	}
}

// TestRetainedAckedOnReconnect: acks that reach the server on the new connection, after
// OnConnect queued the kept messages again, take them out of the queue.
func TestRetainedAckedOnReconnect(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	p.pushUpdates(2)
	p.deliverC() // the client has them; its acks wait
	p.reconnect()
	if n := p.s.Queued(); n != 2 {
		t.Fatalf("%d messages queued on the new connection, want the 2 kept", n)
	}
	p.deliverAcks()
	if n := p.s.Queued(); n != 0 {
		t.Fatalf("%d messages still queued after their acks", n)
	}
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d acknowledged messages", n)
	}
}

// TestRetainedFullStoreResent: every message of a full store, lost with its connection, reaches
// the client on the next one. The resent messages keep their old msg_ids but travel in
// containers under new, higher ones: the client's replay window must not let those lift its
// floor above the resent messages still to come.
func TestRetainedFullStoreResent(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(DefaultRetainMessages)
	p.reconnect()
	p.flushS()
	if diff := cmp.Diff(ids, updateIDs(p.deliverC())); diff != "" {
		t.Fatalf("updates after the reconnect (-want +got):\n%s", diff)
	}
}

// TestClientTakesAnswerBelowWindow: an answer to a call still waiting cannot be a replay of
// anything the client handled, so it completes the call even when it arrives after the
// client's replay window moved past its msg_id (rather than being dropped, acknowledged, and
// forgotten by the server while the call hangs).
func TestClientTakesAnswerBelowWindow(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.ReplayWindow = 4 })
	p.openSession()
	call := p.call(body(0xe1, 0), CallOptions{})
	p.flushC()
	req := only(p.deliverS(), EventRequest)[0].MsgID
	p.s.Reply(req, body(0xe2, 1))
	p.flushS()
	late := p.toC
	p.toC = nil
	for range 5 {
		p.pushUpdates(1)
		p.deliverC()
	}
	p.toC = late
	if res := only(p.deliverC(), EventResult); len(res) != 1 || res[0].Call != call {
		t.Fatalf("results %+v for the late answer, want call %d's", res, call)
	}
	p.toC = late // a second copy is a replay now: dropped
	if ev := p.deliverC(); len(ev) != 0 {
		t.Fatalf("client events for a second copy: %v", kinds(ev))
	}
}

// TestRetainedLostTwice: a kept message whose resend is lost too comes again on the
// connection after, still under its msg_id, and once: acks that came inside containers with
// calls forget it.
func TestRetainedLostTwice(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(3)
	for range 2 {
		p.reconnect()
		if n := p.flushS(); n != 1 {
			t.Fatalf("%d packets on the new connection, want the kept updates", n)
		}
	}
	p.reconnect()
	p.flushS()
	if diff := cmp.Diff(ids, updateIDs(p.deliverC())); diff != "" {
		t.Fatalf("updates after the third connection (-want +got):\n%s", diff)
	}
	p.call(body(1, 0), CallOptions{}) // the acks travel with it, in a container
	p.flushC()
	p.deliverS()
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d messages acknowledged in a container", n)
	}
}

// TestRetainedResendReqOld: msg_resend_req about a kept message older than ResendMaxAge gets
// it under a new msg_id, as a reconnect would: under the old one the client's time window
// drops it.
func TestRetainedResendReqOld(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	ids := p.pushUpdates(1)
	p.toC = nil // lost
	p.now = p.now.Add(6 * time.Minute)
	p.c.pushService(appendLongVector(le.AppendUint32(nil, idMsgResendReq), ids), false)
	p.flushC()
	p.deliverS()
	p.flushS()
	got := updateIDs(p.deliverC())
	if len(got) != 1 || got[0] == ids[0] {
		t.Fatalf("updates %#x after msg_resend_req 6 minutes on, want one under a new msg_id (old %#x)", got, ids[0])
	}
}

// TestRetainedAnswerBeforeCallResent: after a reconnect the server sends its kept answers as
// soon as it reads the client's first packet, possibly before the client wrote again the
// calls they answer. Such an answer completes its call (which is then not sent again) rather
// than being dropped as an answer nobody waits for, acknowledged, and forgotten by the
// server while the call, sent again, is a duplicate the server never answers.
func TestRetainedAnswerBeforeCallResent(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.MaxContainerMessages = 1 })
	p.openSession()
	a := p.call(body(0xa1, 0), CallOptions{})
	b := p.call(body(0xb1, 0), CallOptions{})
	p.flushC()
	for _, ev := range only(p.deliverS(), EventRequest) {
		p.s.Reply(ev.MsgID, body(0xe2, 1))
	}
	p.flushS()
	p.reconnect() // both answers lost
	// The client writes call a again, alone; b is still queued.
	pkt, _, err := p.c.Flush(p.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.toS = append(p.toS, pkt)
	p.deliverS()
	p.flushS()
	p.deliverC()
	p.roundTrip(nil)
	got := map[CallID]int{}
	for _, r := range only(p.cEv, EventResult) {
		got[r.Call]++
	}
	if got[a] != 1 || got[b] != 1 {
		t.Fatalf("results by call %v, want one for each of %d and %d", got, a, b)
	}
	if n := p.c.Pending(); n != 0 {
		t.Fatalf("client holds %d calls after both answers", n)
	}
}
