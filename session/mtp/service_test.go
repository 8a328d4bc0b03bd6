package mtp

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPingKeepalive(t *testing.T) {
	p := newPair(t, func(c, _ *Config) {
		c.PingInterval = time.Minute
		c.MinPongTimeout, c.MaxPongTimeout = time.Second, 10*time.Second
	})
	if d := p.c.NextDeadline(); !d.Equal(p.now.Add(time.Minute)) {
		t.Fatalf("first deadline in %v, want the ping interval", d.Sub(p.now))
	}
	if err, _ := p.advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if d := p.c.NextDeadline(); !d.Equal(p.now.Add(10 * time.Second)) {
		t.Errorf("pong deadline in %v, want MaxPongTimeout before any RTT sample", d.Sub(p.now))
	}
	p.flushC()
	p.deliverS()
	if d := p.s.disconnectAt; !d.Equal(p.now.Add(70 * time.Second)) {
		t.Errorf("server disconnect deadline in %v, want interval+max pong timeout", d.Sub(p.now))
	}
	p.now = p.now.Add(200 * time.Millisecond) // the pong takes 200ms
	p.flushS()
	p.deliverC()
	if rtt := p.c.RTT(); rtt != 200*time.Millisecond {
		t.Errorf("RTT = %v, want 200ms", rtt)
	}
	// Next ping: the pong timeout now follows the RTT (200ms + 4*100ms, raised to the 1s floor).
	p.flushC() // ack the pong
	if err, _ := p.advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if d := p.c.pongDue; !d.Equal(p.now.Add(time.Second)) {
		t.Errorf("adaptive pong deadline in %v, want 1s", d.Sub(p.now))
	}
	p.flushC() // the ping is lost: no pong comes
	p.toS = nil
	if err, _ := p.advance(time.Second); !errors.Is(err, ErrHealthTimeout) {
		t.Errorf("OnTimer after a missing pong = %v, want ErrHealthTimeout", err)
	}
	// The server gives up when no ping comes within the delay it was told.
	if _, err := p.advance(70 * time.Second); !errors.Is(err, ErrHealthTimeout) {
		t.Errorf("server OnTimer without pings = %v, want ErrHealthTimeout", err)
	}
}

// TestPingNow: a ping asked for at once goes out with the next Flush, one at a time, and its
// pong schedules the next keepalive; with keepalive off nothing goes out.
func TestPingNow(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		want     int // packets the client flushes after PingNow
	}{
		{name: "keepalive on", interval: time.Minute, want: 1},
		{name: "keepalive off", interval: -1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = tt.interval })
			p.c.PingNow(p.now)
			p.c.PingNow(p.now) // one ping waits for its pong: no second one
			if n := p.flushC(); n != tt.want {
				t.Fatalf("client flushed %d packets after PingNow, want %d", n, tt.want)
			}
			if tt.want == 0 {
				return
			}
			p.deliverS()
			p.now = p.now.Add(time.Second)
			p.flushS()
			p.deliverC()
			if got := p.c.LastPong(); !got.Equal(p.now) {
				t.Fatalf("LastPong = %v, want the pong at %v", got, p.now)
			}
			if d := p.c.pingDue; !d.Equal(p.now.Add(tt.interval)) {
				t.Errorf("next ping due in %v, want the ping interval after the pong", d.Sub(p.now))
			}
		})
	}
}

func TestPingCallRoutedToCaller(t *testing.T) {
	p := newPair(t, nil)
	ping := le.AppendUint64(le.AppendUint32(nil, idPing), 42)
	call := p.call(ping, CallOptions{})
	ev := only(p.roundTrip(nil), EventResult)
	if len(ev) != 1 || ev[0].Call != call || peekID(ev[0].Body) != idPong || le.Uint64(ev[0].Body[12:]) != 42 {
		t.Fatalf("want the pong as the call's result, got %+v", ev)
	}
}

func TestFutureSalts(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.FutureSalts = 4; c.SaltMargin = 10 * time.Minute })
	p.c.OnConnect(p.now)
	srv := p.serverNow()
	p.s.AddSalts([]Salt{
		{ValidSince: srv.Add(-time.Minute), ValidUntil: srv.Add(time.Hour), Salt: 0x51},
		{ValidSince: srv.Add(time.Hour), ValidUntil: srv.Add(2 * time.Hour), Salt: 0x52},
	})
	if d := p.c.NextDeadline(); !d.Equal(p.now) {
		t.Fatalf("salt fetch due in %v, want now (no salts known)", d.Sub(p.now))
	}
	p.advance(0)
	p.roundTrip(nil)
	if got := p.c.Salt(p.now); got != 0x51 {
		t.Errorf("salt = %#x, want the announced 0x51", got)
	}
	if got := p.c.Salt(p.now.Add(time.Hour)); got != 0x52 {
		t.Errorf("salt in an hour = %#x, want 0x52", got)
	}
	want := p.now.Add(2*time.Hour - 10*time.Minute)
	if !p.c.saltFetchDue.Equal(want) {
		t.Errorf("next salt fetch in %v, want 10 minutes before the last salt expires", p.c.saltFetchDue.Sub(p.now))
	}
	// The server accepts an announced salt.
	call := p.call(body(1, 0), CallOptions{})
	if ev := only(p.roundTrip(p.echo), EventResult); len(ev) != 1 || ev[0].Call != call {
		t.Errorf("call with a future salt failed: %v", ev)
	}
}

func TestCancelSendsDropAnswer(t *testing.T) {
	p := newPair(t, nil)
	queued := p.call(body(0xf1, 0), CallOptions{})
	if !p.c.Cancel(queued) || p.c.HasPending(p.now) {
		t.Fatal("a cancelled queued call is still to be sent")
	}
	sent := p.call(body(0xf2, 0), CallOptions{})
	p.flushC()
	reqs := only(p.deliverS(), EventRequest)
	if len(reqs) != 1 {
		t.Fatalf("server got %d requests, want 1", len(reqs))
	}
	p.c.Cancel(sent)
	p.flushC()
	p.deliverS()
	if p.s.Reply(reqs[0].MsgID, body(1, 0)) {
		t.Error("server answered a request the client dropped")
	}
	p.flushS()
	p.deliverC()
	if len(p.c.sent) != 0 || p.c.Pending() != 0 {
		t.Errorf("client still tracks %d messages after the drop answer", len(p.c.sent))
	}
	if p.c.Cancel(sent) {
		t.Error("second Cancel reported the call as known")
	}
}

func TestResultNobodyWaitsFor(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	// A stray rpc_result for an unknown msg_id is dropped without an event.
	p.s.Push(rpcResult(0x7777, body(2, 0)))
	p.flushS()
	if ev := p.deliverC(); len(ev) != 0 {
		t.Errorf("events for a stray result: %v", kinds(ev))
	}
}

func TestReconnectResend(t *testing.T) {
	p := newPair(t, nil)
	a, idA := p.sendUnanswered(body(0xa1, 0), CallOptions{})
	lost := p.call(body(0xa2, 0), CallOptions{})
	p.flushC()
	idLost := p.c.MsgID(lost)
	p.toS = nil // this packet dies with the connection
	queued := p.call(body(0xa3, 0), CallOptions{})

	p.now = p.now.Add(time.Second)
	if ev := p.c.OnConnect(p.now); len(ev) != 0 {
		t.Fatalf("reconnect failed calls: %v", ev)
	}
	p.flushC()
	got := only(p.deliverS(), EventRequest)
	// a was received already: the server drops the copy with the same msg_id; the lost call
	// and the queued one arrive.
	if len(got) != 2 || got[0].MsgID != idLost || !bytes.Equal(got[1].Body, body(0xa3, 0)) {
		t.Fatalf("server requests %+v, want the lost call with its old id then the queued one", got)
	}
	if p.c.MsgID(a) != idA {
		t.Error("re-sent call got a new msg_id")
	}
	_ = queued

	// Much later, re-sending under the old id is impossible: non-repeatable acked calls fail.
	// A call never acknowledged is sent again under a new id, repeatable or not (the
	// documented policy: the server most likely never had it).
	p2 := newPair(t, nil)
	b, _ := p2.sendUnanswered(body(0xb1, 0), CallOptions{})
	r, _ := p2.sendUnanswered(body(0xb2, 0), CallOptions{Repeatable: true})
	p2.flushS()
	p2.deliverC() // acks arrive
	u := p2.call(body(0xb3, 0), CallOptions{})
	p2.flushC()
	idU := p2.c.MsgID(u)
	p2.toS = nil // this packet dies with the connection: no ack
	p2.now = p2.now.Add(5 * time.Minute)
	ev := p2.c.OnConnect(p2.now)
	if len(ev) != 1 || ev[0].Call != b || !errors.Is(ev[0].Err, ErrNotRepeated) {
		t.Fatalf("OnConnect events %+v, want call %d failed with ErrNotRepeated", ev, b)
	}
	p2.flushC()
	got = only(p2.deliverS(), EventRequest)
	ids := map[int64]bool{}
	for _, g := range got {
		ids[g.MsgID] = true
	}
	if len(got) != 2 || !ids[p2.c.MsgID(r)] || !ids[p2.c.MsgID(u)] || p2.c.MsgID(u) == idU {
		t.Errorf("requests %+v: want the repeatable and the unacknowledged call re-sent under new ids", got)
	}
}

func TestNewSessionResendsEarlierCalls(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	call, id := p.sendUnanswered(body(0xc1, 0), CallOptions{})
	p.s.acks = p.s.acks[:0]
	// The server forgets the session and announces a new one starting after our call.
	p.s.sessionID = 0
	later := p.call(body(0xc2, 0), CallOptions{})
	p.flushC()
	p.deliverS()
	p.flushS()
	ev := p.deliverC()
	ns := only(ev, EventNewSession)
	if len(ns) != 1 || ns[0].MsgID <= id {
		t.Fatalf("events %v, want new_session_created after the first call", kinds(ev))
	}
	if p.c.calls[call] == nil || !p.c.calls[call].queued || p.c.calls[later].queued {
		t.Error("call sent before first_msg_id not queued again")
	}
}

func TestMsgsStateReq(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.StateReqAfter = 10 * time.Second })
	call, id := p.sendUnanswered(body(0xd1, 0), CallOptions{})
	p.s.acks = p.s.acks[:0] // ack lost
	lost := p.call(body(0xd2, 0), CallOptions{})
	p.flushC()
	p.toS = nil // never reaches the server
	p.advance(10 * time.Second)
	p.flushC()
	p.deliverS()
	p.flushS()
	p.deliverC()
	// The server knew the first call (status 4: acked now) and not the second (re-sent).
	if !p.c.calls[call].acked {
		t.Error("call the server reported as received is not marked acknowledged")
	}
	if !p.c.calls[lost].queued {
		t.Error("call the server never received is not queued again")
	}
	_ = id
}

func TestStateOfAnswersServer(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	var known int64
	for id := range p.c.replay.seen {
		known = id
	}
	got := []byte{p.c.stateOf(known), p.c.stateOf(known + 1<<40), p.c.stateOf(5)}
	if diff := cmp.Diff([]byte{4, 3, 2}, got); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
}

func TestDetailedInfo(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	var known int64
	for id := range p.c.replay.seen {
		known = id
	}
	p.now = p.now.Add(time.Second)
	p.flushC() // clear acks
	// About an answer we have: ack it. About one we lack: ask for it.
	for _, answer := range []int64{known, known + 1<<20} {
		b := le.AppendUint32(nil, idMsgNewDetailedInfo)
		b = le.AppendUint64(b, uint64(answer))
		b = le.AppendUint32(b, 16)
		b = le.AppendUint32(b, 0)
		p.s.Push(b)
	}
	p.flushS()
	p.deliverC()
	if !bytes.Contains(acksOf(p.c.acks), le.AppendUint64(nil, uint64(known))) {
		t.Error("known answer not acknowledged")
	}
	var resend *outMsg
	for _, m := range p.c.queue {
		if peekID(m.body) == idMsgResendReq {
			resend = m
		}
	}
	if resend == nil || int64(le.Uint64(resend.body[12:])) != known+1<<20 {
		t.Error("missing answer not requested with msg_resend_req")
	}
}

func acksOf(ids []int64) []byte {
	var b []byte
	for _, id := range ids {
		b = le.AppendUint64(b, uint64(id))
	}
	return b
}

func TestInvokeAfterMsg(t *testing.T) {
	p := newPair(t, nil)
	first := p.call(body(0xe1, 0), CallOptions{})
	p.call(body(0xe2, 0), CallOptions{After: first})
	p.flushC()
	reqs := only(p.deliverS(), EventRequest)
	if len(reqs) != 2 {
		t.Fatalf("requests = %d", len(reqs))
	}
	want := le.AppendUint64(le.AppendUint32(nil, idInvokeAfterMsg), uint64(reqs[0].MsgID))
	want = append(want, body(0xe2, 0)...)
	if !bytes.Equal(reqs[1].Body, want) {
		t.Errorf("second body %x, want invokeAfterMsg(%#x, query)", reqs[1].Body, reqs[0].MsgID)
	}
	// When the first call is done, no wrapping is needed.
	p.s.Reply(reqs[0].MsgID, body(1, 0))
	p.s.Reply(reqs[1].MsgID, body(1, 0))
	p.roundTrip(nil)
	third := p.call(body(0xe3, 0), CallOptions{After: first})
	p.flushC()
	if r := only(p.deliverS(), EventRequest); len(r) != 1 || !bytes.Equal(r[0].Body, body(0xe3, 0)) {
		t.Errorf("call after a completed call was wrapped: %+v (call %d)", r, third)
	}
}

func TestInboundTimeChecks(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	for _, skew := range []time.Duration{31 * time.Second, -301 * time.Second} {
		p.skew = skew // the server's clock (its msg_ids) jumps
		p.s.Push(body(0x99, 0))
		p.flushS()
		if ev := p.deliverC(); len(ev) != 0 {
			t.Errorf("update with msg_id %v off accepted: %v", skew, kinds(ev))
		}
		p.s.ids.last = 0
	}
	p.skew = 29 * time.Second
	p.s.Push(body(0x99, 0))
	p.flushS()
	if ev := p.deliverC(); len(ev) != 1 {
		t.Errorf("update 29s ahead dropped")
	}
}

func TestNestedContainerRejected(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	inner := le.AppendUint32(nil, idMsgContainer)
	inner = le.AppendUint32(inner, 1)
	inner = appendItem(inner, p.s.ids.next(p.serverNow(), idServerOther), 1, body(0x99, 0))
	p.s.Push(inner)
	p.s.Push(body(0x98, 0)) // forces an outer container
	p.flushS()
	ev := p.deliverC()
	if len(ev) != 1 || peekID(ev[0].Body) != 0x98 {
		t.Errorf("events %v: want only the update outside the nested container", ev)
	}
}

func TestServerRejects(t *testing.T) {
	// A client message with an even seqno but content (34) or an odd seqno without content
	// (35) or a low msg_id (18) is answered with bad_msg_notification.
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	tests := []struct {
		msgID int64
		seqNo int32
		body  []byte
		code  int
	}{
		{p.c.ids.next(p.now, idClient), 2, body(0x5, 0), 34},
		{p.c.ids.next(p.now, idClient), 3, appendLongVector(le.AppendUint32(nil, idMsgsAck), nil), 35},
		{p.c.ids.next(p.now, idClient) | 1, 3, body(0x5, 0), 18},
	}
	for _, tt := range tests {
		plain := le.AppendUint64(nil, uint64(testSalt))
		plain = le.AppendUint64(plain, uint64(testSession))
		plain = p.c.appendHeader(plain, tt.msgID, tt.seqNo, len(tt.body))
		plain = append(plain, tt.body...)
		p.s.receivePlain(p.now, plain)
		var code int
		for _, m := range p.s.queue {
			if peekID(m.body) == idBadMsgNotification {
				code = int(le.Uint32(m.body[16:]))
			}
		}
		if code != tt.code {
			t.Errorf("server answered code %d, want %d", code, tt.code)
		}
		p.s.queue, p.s.live = p.s.queue[:0], 0
	}
}

func TestInitPrefix(t *testing.T) {
	p := newPair(t, nil)
	prefix := body(0xda9b0d0d, 1)
	p.c.SetInitPrefix(prefix)
	first := p.call(body(0x1, 0), CallOptions{})
	second := p.call(body(0x2, 0), CallOptions{After: first})
	p.flushC()
	reqs := only(p.deliverS(), EventRequest)
	wantSecond := append(append([]byte(nil), prefix...), le.AppendUint64(le.AppendUint32(nil, idInvokeAfterMsg), uint64(reqs[0].MsgID))...)
	wantSecond = append(wantSecond, body(0x2, 0)...)
	if len(reqs) != 2 || !bytes.Equal(reqs[0].Body, append(append([]byte(nil), prefix...), body(0x1, 0)...)) || !bytes.Equal(reqs[1].Body, wantSecond) {
		t.Fatalf("calls before the first answer not wrapped: %x", reqs)
	}
	p.echo(reqs[0])
	p.echo(reqs[1])
	p.roundTrip(nil)
	p.call(body(0x3, 0), CallOptions{})
	p.flushC()
	if r := only(p.deliverS(), EventRequest); !bytes.Equal(r[0].Body, body(0x3, 0)) {
		t.Errorf("call after the first answer still wrapped")
	}
	// A new connection wraps again.
	p.c.OnConnect(p.now)
	p.call(body(0x4, 0), CallOptions{})
	p.flushC()
	if r := only(p.deliverS(), EventRequest); !bytes.HasPrefix(r[0].Body, prefix) {
		t.Errorf("first call of a new connection not wrapped")
	}
	_ = second
}

func TestReservedMsgID(t *testing.T) {
	p := newPair(t, nil)
	p.c.SetInitPrefix(body(0xda9b0d0d, 1))
	id := p.c.ReserveMsgID(p.now)
	call := p.call(body(0xb1, 0), CallOptions{MsgID: id, NoInit: true})
	p.flushC()
	reqs := only(p.deliverS(), EventRequest)
	if len(reqs) != 1 || reqs[0].MsgID != id || !bytes.Equal(reqs[0].Body, body(0xb1, 0)) {
		t.Fatalf("requests %+v, want the call under the reserved id %#x, unwrapped", reqs, id)
	}
	if known, sent, _ := p.c.CallState(call); !known || !sent {
		t.Errorf("CallState = %v %v, want known and sent", known, sent)
	}
	// Rejected for its salt, it cannot go out under a new id: it fails.
	clear(p.s.running)
	p.badMsg(id, 48, 0x99)
	p.flushS()
	p.deliverC()
	p.flushC()
	if f := only(p.cEv, EventFailed); len(f) != 1 || f[0].Call != call || !errors.Is(f[0].Err, ErrNotRepeated) {
		t.Errorf("events %+v, want the reserved-id call failed", p.cEv)
	}
}
