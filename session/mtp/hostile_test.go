package mtp

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// fromServer hands the client one message as a hostile or buggy server may send it: under the
// key and in the session, with a fresh server msg_id, but with a body the server engine would
// never build. It returns the client's events.
func (p *pair) fromServer(body []byte) []Event {
	p.t.Helper()
	return p.fromServerID(p.s.ids.next(p.serverNow(), idServerOther), body)
}

// fromServerID is fromServer with the server msg_id given.
func (p *pair) fromServerID(id int64, body []byte) []Event {
	p.t.Helper()
	return p.fromSession(p.c.sessionID, id, body)
}

// fromSession is fromServerID in session sid.
func (p *pair) fromSession(sid, id int64, body []byte) []Event {
	p.t.Helper()
	plain := le.AppendUint64(nil, testSalt)
	plain = le.AppendUint64(plain, uint64(sid))
	plain = p.c.appendHeader(plain, id, 1, len(body))
	plain = append(plain, body...)
	p.c.events = p.c.events[:0]
	p.c.receivePlain(p.now, plain)
	ev := copyEvents(p.c.events)
	p.cEv = append(p.cEv, ev...)
	return ev
}

// futureSalts encodes future_salts answering req.
func futureSalts(req int64, now time.Time, salts []Salt) []byte {
	b := le.AppendUint32(nil, idFutureSalts)
	b = le.AppendUint64(b, uint64(req))
	b = le.AppendUint32(b, uint32(now.Unix()))
	b = le.AppendUint32(b, uint32(len(salts)))
	for _, s := range salts {
		b = le.AppendUint32(b, uint32(s.ValidSince.Unix()))
		b = le.AppendUint32(b, uint32(s.ValidUntil.Unix()))
		b = le.AppendUint64(b, uint64(s.Salt))
	}
	return b
}

// askSalts has the client send get_future_salts (not delivered) and returns its msg_id.
func (p *pair) askSalts() int64 {
	p.t.Helper()
	p.c.saltFetchDue = p.now
	if _, err := p.c.OnTimer(p.now); err != nil {
		p.t.Fatal(err)
	}
	p.flushC()
	p.toS = p.toS[:0]
	if p.c.saltReq == nil || p.c.saltReq.msgID == 0 {
		p.t.Fatal("no get_future_salts sent")
	}
	return p.c.saltReq.msgID
}

// TestFutureSaltsBounded: a future_salts answer with far more salts than get_future_salts asks
// for (at most 64) must not make the engine keep them all: it kept every one, and merged each
// with a linear search, so 20,000 salts cost 200 million comparisons and a megabyte kept for
// good; the next answer added as many again.
func TestFutureSaltsBounded(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.FutureSalts = 4 })
	const n = 20000
	for round := range 2 {
		srv := p.serverNow()
		salts := make([]Salt, n)
		for i := range salts {
			since := srv.Add(time.Duration(2*i-1) * 30 * time.Minute)
			salts[i] = Salt{ValidSince: since, ValidUntil: since.Add(time.Hour), Salt: int64(round*n + i + 1)}
		}
		p.fromServer(futureSalts(p.askSalts(), srv, salts))
		if got := len(p.c.salts.future); got > maxFutureSalts {
			t.Fatalf("round %d: the engine keeps %d salts, want at most %d", round, got, maxFutureSalts)
		}
		if got, want := p.c.Salt(p.now), int64(round*n+1); got != want {
			t.Errorf("round %d: salt in use %d, want %d (the first one, valid now)", round, got, want)
		}
	}
}

// TestSaltsWithAbsurdDates: the salt in use is one valid now, whatever intervals a server
// announces. Expired salts were dropped only from the front of the list, so a salt that ended
// early behind a long one, or one that ends before it starts, was put to use.
func TestSaltsWithAbsurdDates(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	m := time.Minute
	tests := []struct {
		name  string
		salts []Salt
		at    time.Duration
		want  int64
	}{
		{"expired behind a valid one", []Salt{{t0.Add(-60 * m), t0.Add(60 * m), 1}, {t0.Add(-30 * m), t0.Add(-10 * m), 2}}, 0, 1},
		{"ends before it starts", []Salt{{t0.Add(-60 * m), t0.Add(60 * m), 1}, {t0.Add(10 * m), t0.Add(-60 * m), 3}}, 20 * m, 1},
		{"all expired", []Salt{{t0.Add(-60 * m), t0.Add(-50 * m), 1}, {t0.Add(-40 * m), t0.Add(-30 * m), 2}}, 0, 9},
		{"later valid one wins", []Salt{{t0.Add(-60 * m), t0.Add(60 * m), 1}, {t0.Add(-30 * m), t0.Add(60 * m), 2}}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s saltSet
			s.set(9)
			s.add(tt.salts)
			if got := s.at(t0.Add(tt.at)); got != tt.want {
				t.Errorf("at(%v) = %d, want %d", tt.at, got, tt.want)
			}
		})
	}
}

// TestUnackedServiceMessagesForgotten: what the client sends of its own (msgs_state_info
// answers, msg_resend_req, rpc_drop_answer) and the containers that carried it are kept until
// the server acknowledges or answers them, and forgotten once nothing can refer to them any
// more, also on a connection without calls in flight and with msgs_state_req turned off. They
// were forgotten only while a call waited for an answer, so a server that never acknowledges
// made an idle client keep every answer it ever sent.
func TestUnackedServiceMessagesForgotten(t *testing.T) {
	for _, stateReqAfter := range []time.Duration{-1, 30 * time.Second} {
		t.Run(fmt.Sprint("StateReqAfter=", stateReqAfter), func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.StateReqAfter = stateReqAfter; c.PingInterval = -1 })
			call := p.call(body(1, 0), CallOptions{})
			p.flushC()
			p.c.Cancel(call) // rpc_drop_answer, never answered
			for i := range 100 {
				p.fromServer(appendLongVector(le.AppendUint32(nil, idMsgsStateReq), []int64{int64(i) << 2}))
				p.fromServer(le.AppendUint64(le.AppendUint64(le.AppendUint32(nil, idMsgNewDetailedInfo), uint64(1<<40|1)+4*uint64(i)), 8))
			}
			p.flushC()
			p.toS = p.toS[:0] // the server never sees them, so never acknowledges them
			if len(p.c.sent) < 100 {
				t.Fatalf("%d messages wait for an ack, want the 200 answers and resend requests", len(p.c.sent))
			}
			for range 30 {
				if _, err := p.advance(time.Minute); err != nil {
					t.Fatal(err)
				}
				p.flushC()
				p.toS = p.toS[:0]
			}
			if len(p.c.sent) != 0 || len(p.c.containers) != 0 {
				t.Errorf("after 30 minutes the client still keeps %d messages and %d containers", len(p.c.sent), len(p.c.containers))
			}
		})
	}
}

// TestFutureSaltsAskedAgain: get_future_salts the server leaves unanswered is asked again a
// minute later, as OnTimer promised, and the unanswered one is forgotten. The request in
// flight blocked any other, so one lost answer left the client without future salts (and
// kept the request) for the rest of the connection.
func TestFutureSaltsAskedAgain(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.FutureSalts = 4; c.PingInterval = -1 })
	first := p.askSalts()
	for range 3 {
		if _, err := p.advance(time.Minute); err != nil {
			t.Fatal(err)
		}
		p.flushC()
		p.toS = p.toS[:0]
	}
	if p.c.saltReq == nil || p.c.saltReq.msgID == first {
		t.Fatal("get_future_salts not asked again after three minutes without an answer")
	}
	var held int
	for _, m := range p.c.sent {
		if m.kind == kindGetSalts {
			held++
		}
	}
	if held != 1 {
		t.Errorf("%d get_future_salts held, want the last one only", held)
	}
	srv := p.serverNow()
	p.fromServer(futureSalts(p.c.saltReq.msgID, srv, []Salt{{srv.Add(-time.Minute), srv.Add(time.Hour), 0x77}}))
	if got := p.c.Salt(p.now); got != 0x77 {
		t.Errorf("salt %#x, want the one announced by the answer to the last request", got)
	}
}

// TestCallTimeout: a call with CallOptions.Timeout that the server takes (and acknowledges)
// but never answers fails with ErrCallTimeout that long after its first send, and the server
// is told to drop the answer; a call answered in time is not touched.
func TestCallTimeout(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	slow := p.call(body(1, 0), CallOptions{Timeout: 30 * time.Second})
	quick := p.call(body(2, 0), CallOptions{Timeout: 30 * time.Second})
	p.roundTrip(func(ev Event) {
		if peekID(ev.Body) == 2 {
			p.echo(ev)
		}
	})
	if known, _, _ := p.c.CallState(quick); known {
		t.Fatal("the answered call is still held")
	}
	slowID := p.c.MsgID(slow)
	if _, ok := p.s.running[slowID]; !ok {
		t.Fatal("the server does not hold the slow call")
	}
	p.advance(29 * time.Second)
	if ev := only(p.cEv, EventFailed); len(ev) != 0 {
		t.Fatalf("failed before its timeout: %+v", ev)
	}
	p.advance(time.Second)
	ev := only(p.cEv, EventFailed)
	if len(ev) != 1 || ev[0].Call != slow || !errors.Is(ev[0].Err, ErrCallTimeout) {
		t.Fatalf("events %+v, want the unanswered call failed with ErrCallTimeout", p.cEv)
	}
	if known, _, _ := p.c.CallState(slow); known {
		t.Error("the call is still held after its timeout")
	}
	p.flushC()
	p.deliverS()
	if _, ok := p.s.running[slowID]; ok {
		t.Error("the server was not told to drop the answer")
	}
}

// TestClockCorrectionKeepsIDsUnique: after bad_msg_notification 16 or 17 the engine numbers
// messages from the corrected clock, which may be behind ids it handed out before; it must not
// hand out an id a message it still tracks has. It started again from the clock alone, so a
// new call could take the id of one waiting for its answer: the waiting call was lost and the
// new one took its answer.
func TestClockCorrectionKeepsIDsUnique(t *testing.T) {
	for _, code := range []int{16, 17} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			a := p.call(body(0xa, 0), CallOptions{})
			b := p.call(body(0xb, 0), CallOptions{})
			p.flushC()
			p.deliverS()
			clear(p.s.running) // the server answers none of these copies
			bad := le.AppendUint32(nil, idBadMsgNotification)
			bad = le.AppendUint64(bad, uint64(p.c.MsgID(a)))
			bad = le.AppendUint32(bad, 1)
			bad = le.AppendUint32(bad, uint32(code))
			p.fromServer(bad)
			c := p.call(body(0xc, 0), CallOptions{})
			p.flushC()
			checkInvariants(t, p.c)
			ids := map[int64]CallID{}
			for _, call := range []CallID{a, b, c} {
				id := p.c.MsgID(call)
				if other, dup := ids[id]; dup {
					t.Fatalf("calls %d and %d both have msg_id %#x", other, call, id)
				}
				ids[id] = call
			}
		})
	}
}

// bigSends has the server send body n times, one packet each, and returns how many packets
// above 64 KiB the client answered with: copies of a large call.
func (p *pair) bigSends(body []byte, n int) int {
	p.t.Helper()
	big := 0
	for range n {
		p.fromServer(body)
		p.flushC()
		for _, pkt := range p.toS {
			if len(pkt) > 64<<10 {
				big++
			}
		}
		p.toS = p.toS[:0]
	}
	return big
}

// TestResendReqBounded: msg_resend_req sends a message again under its msg_id, but a server
// repeating the request in every packet must not make the client send it in every packet: a
// 40-byte request cost a 64 KiB resend, 100 requests 6.4 MB. A message is sent again on request
// at most once a second.
func TestResendReqBounded(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1; c.GzipThreshold = -1 })
	call, id := p.sendUnanswered(body(0x5e, 16<<10), CallOptions{})
	req := appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{id})
	if n := p.bigSends(req, 100); n != 1 {
		t.Errorf("100 requests in the same second: the call was sent again %d times, want once", n)
	}
	p.advance(time.Second)
	if n := p.bigSends(req, 100); n != 1 {
		t.Errorf("100 requests a second later: the call was sent again %d times, want once", n)
	}
	if got := p.c.MsgID(call); got != id {
		t.Errorf("resent under msg_id %#x, want its own %#x", got, id)
	}
}

// TestNewSessionResendsBounded: new_session_created has the calls sent before first_msg_id
// sent again under new ids; a server announcing a new session in every packet, with a
// first_msg_id above anything the client sent, must not have them sent without end (each
// time in full). Like bad_msg_notification, it may cost a message Config.MaxResends sends;
// then its call fails.
func TestNewSessionResendsBounded(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1; c.GzipThreshold = -1 })
	call, _ := p.sendUnanswered(body(0x5e, 16<<10), CallOptions{Repeatable: true})
	ns := le.AppendUint32(nil, idNewSessionCreated)
	ns = le.AppendUint64(ns, 1<<63-1) // first_msg_id
	ns = le.AppendUint64(ns, 7)       // unique_id
	ns = le.AppendUint64(ns, testSalt)
	resent := p.bigSends(ns, 100)
	if max := p.c.cfg.MaxResends; resent > max {
		t.Errorf("the call was sent again %d times, want at most %d", resent, max)
	}
	if ev := only(p.cEv, EventFailed); len(ev) != 1 || ev[0].Call != call {
		t.Errorf("failed calls %+v, want the call failed once its resends ran out", ev)
	}
}

// TestEmptyMessageDropped: a message without a body (length 0, alone or in a container) is no
// TL object; it was handed up as an update the handler could only fail to decode.
func TestEmptyMessageDropped(t *testing.T) {
	p := newPair(t, nil)
	container := le.AppendUint32(nil, idMsgContainer)
	container = le.AppendUint32(container, 1)
	container = appendItem(container, p.s.ids.next(p.serverNow(), idServerOther), 1, nil)
	for name, body := range map[string][]byte{"alone": nil, "in a container": container} {
		if ev := p.fromServer(body); len(ev) != 0 {
			t.Errorf("%s: events %+v, want none", name, ev)
		}
	}
}

// TestStateInfoForgotten: msgs_state_info status 1 says the server knows nothing of a message
// (msg_id too low, it may have forgotten it): unlike 2 and 3 (certainly not received), the call
// may have run. It is sent again under a new msg_id only if repeatable; otherwise it fails with
// ErrNotRepeated. Every status was taken as "never received" and the call sent again.
func TestStateInfoForgotten(t *testing.T) {
	tests := []struct {
		status     byte
		repeatable bool
		resent     bool
	}{
		{1, false, false},
		{1, true, true},
		{2, false, true},
		{3, false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("status %d repeatable %v", tt.status, tt.repeatable), func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.StateReqAfter = 10 * time.Second; c.PingInterval = -1 })
			call, _ := p.sendUnanswered(body(0xd1, 0), CallOptions{Repeatable: tt.repeatable})
			p.advance(10 * time.Second)
			p.flushC()
			p.toS = p.toS[:0]
			req := p.stateReqID()
			if req == 0 {
				t.Fatal("no msgs_state_req sent")
			}
			info := appendBytes(le.AppendUint64(le.AppendUint32(nil, idMsgsStateInfo), uint64(req)), []byte{tt.status})
			p.fromServer(info)
			queued := p.c.calls[call] != nil && p.c.calls[call].queued
			failed := only(p.cEv, EventFailed)
			if queued != tt.resent {
				t.Errorf("sent again: %v, want %v", queued, tt.resent)
			}
			if !tt.resent && (len(failed) != 1 || !errors.Is(failed[0].Err, ErrNotRepeated)) {
				t.Errorf("failed %+v, want the call failed with ErrNotRepeated", failed)
			}
		})
	}
}

// TestStateInfoResendsBounded: a server that answers every msgs_state_req with "not
// received" has the call sent again each time, at most Config.MaxResends times, as for
// bad_msg_notification; then the call fails with ErrResendLimit. It was sent again every
// StateReqAfter for ever.
func TestStateInfoResendsBounded(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.StateReqAfter = 10 * time.Second; c.PingInterval = -1 })
	call, _ := p.sendUnanswered(body(0xd1, 0), CallOptions{})
	sends := 0
	for range 20 {
		p.advance(10 * time.Second)
		p.flushC()
		p.toS = p.toS[:0]
		req := p.stateReqID()
		if req == 0 {
			break
		}
		p.fromServer(appendBytes(le.AppendUint64(le.AppendUint32(nil, idMsgsStateInfo), uint64(req)), []byte{2}))
		if p.flushC() > 0 {
			sends++
		}
		p.toS = p.toS[:0]
	}
	if max := p.c.cfg.MaxResends; sends > max {
		t.Errorf("the call was sent again %d times, want at most %d", sends, max)
	}
	if ev := only(p.cEv, EventFailed); len(ev) != 1 || ev[0].Call != call || !errors.Is(ev[0].Err, ErrResendLimit) {
		t.Errorf("failed calls %+v, want the call failed with ErrResendLimit", ev)
	}
}

// TestResendLimitKeepsNotRepeated: a call the server acknowledged (it may have run) that has
// used up its resends, then reported lost, fails with ErrNotRepeated, as it does below the
// limit: the caller must learn it may have run, not that it was lost (ErrResendLimit,
// BadMsgError), which invites sending it again. The limit was checked first.
func TestResendLimitKeepsNotRepeated(t *testing.T) {
	tests := map[string]func(p *pair, msgID int64) []byte{
		"new_session_created": func(*pair, int64) []byte {
			ns := le.AppendUint32(nil, idNewSessionCreated)
			ns = le.AppendUint64(ns, 1<<63-1) // first_msg_id
			ns = le.AppendUint64(ns, 7)       // unique_id
			return le.AppendUint64(ns, testSalt)
		},
		"bad_msg_notification 20": func(_ *pair, msgID int64) []byte {
			bad := le.AppendUint32(nil, idBadMsgNotification)
			bad = le.AppendUint64(bad, uint64(msgID))
			bad = le.AppendUint32(bad, 1)
			return le.AppendUint32(bad, 20)
		},
	}
	for name, lost := range tests {
		t.Run(name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			call, msgID := p.sendUnanswered(body(0xd2, 0), CallOptions{})
			m := p.c.calls[call]
			m.acked, m.sends = true, p.c.cfg.MaxResends
			p.fromServer(lost(p, msgID))
			failed := only(p.cEv, EventFailed)
			if len(failed) != 1 || !errors.Is(failed[0].Err, ErrNotRepeated) {
				t.Errorf("failed %+v, want the call failed with ErrNotRepeated", failed)
			}
		})
	}
}

// stateReqID is the msg_id of the msgs_state_req the client has outstanding, 0 if none.
func (p *pair) stateReqID() int64 {
	for id, m := range p.c.sent {
		if m.kind == kindStateReq {
			return id
		}
	}
	return 0
}
