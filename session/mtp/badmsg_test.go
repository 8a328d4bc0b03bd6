package mtp

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// badMsg makes the server send bad_msg_notification (or bad_server_salt for 48) about target.
func (p *pair) badMsg(target int64, code int, salt int64) {
	p.t.Helper()
	if err := p.s.Push(notice(target, code, salt)); err != nil {
		p.t.Fatal(err)
	}
}

// sendUnanswered has the client send one call that the server receives but does not answer.
func (p *pair) sendUnanswered(req []byte, opts CallOptions) (CallID, int64) {
	p.t.Helper()
	call := p.call(req, opts)
	p.flushC()
	p.deliverS()
	clear(p.s.running) // the server will not answer this copy
	return call, p.c.MsgID(call)
}

func TestClockSkew(t *testing.T) {
	tests := []struct {
		name   string
		skew   time.Duration
		synced bool
		code   int
	}{
		{"client behind, unsynced", 10 * time.Minute, false, 16},
		{"client ahead, unsynced", -10 * time.Minute, false, 17},
		{"client behind, stale offset", 10 * time.Minute, true, 16},
		{"client ahead, stale offset", -10 * time.Minute, true, 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.TimeSynced = tt.synced })
			p.skew = tt.skew
			p.s.OnConnect(p.serverNow())
			req := body(0x77777777, 2)
			call := p.call(req, CallOptions{})
			p.flushC()
			p.deliverS()
			if n := len(only(p.sEv, EventRequest)); n != 0 {
				t.Fatalf("server accepted a message %v off", tt.skew)
			}
			ev := p.roundTrip(p.echo)
			res := only(ev, EventResult)
			if len(res) != 1 || res[0].Call != call || !bytes.Equal(res[0].Body, req) {
				t.Fatalf("events %v: want the result after the clock correction", kinds(ev))
			}
			if off := p.c.TimeOffset(); (off - tt.skew).Abs() > time.Second {
				t.Errorf("TimeOffset = %v, want about %v", off, tt.skew)
			}
		})
	}
}

func TestBadServerSalt(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	const rotated = 0x7777
	p.s.SetSalt(rotated) // the server rotates its salt mid-stream
	req := body(0x88888888, 1)
	call := p.call(req, CallOptions{})
	ev := p.roundTrip(p.echo)
	if res := only(ev, EventResult); len(res) != 1 || res[0].Call != call {
		t.Fatalf("events %v: want the result after the salt correction", kinds(ev))
	}
	if got := p.c.Salt(p.now); got != rotated {
		t.Errorf("client salt = %#x, want %#x", got, rotated)
	}
}

func TestBadMsgResend(t *testing.T) {
	tests := []struct {
		code    int
		check   func(t *testing.T, p *pair, seqBefore int32)
		packets int // packets the client sends when resending two calls
	}{
		{code: 32, packets: 1, check: func(t *testing.T, p *pair, before int32) {
			if p.c.seq.content < before+64 {
				t.Errorf("seqno counter %d -> %d, want raised by 64", before, p.c.seq.content)
			}
		}},
		{code: 33, packets: 1, check: func(t *testing.T, p *pair, before int32) {
			if p.c.seq.content >= before+2 {
				t.Errorf("seqno counter %d -> %d, want lowered", before, p.c.seq.content)
			}
		}},
		{code: 64, packets: 2}, // container rejected: each message alone
		{code: 19, packets: 1},
		{code: 48, packets: 1},
	}
	for _, tt := range tests {
		t.Run(BadMsgText(tt.code), func(t *testing.T) {
			p := newPair(t, nil)
			a := p.call(body(0xa, 0), CallOptions{})
			b := p.call(body(0xb, 0), CallOptions{})
			p.flushC()
			p.deliverS()
			clear(p.s.running)
			cid := p.c.calls[a].container
			if cid == 0 || p.c.calls[b].container != cid {
				t.Fatal("calls not sent in one container")
			}
			oldA := p.c.MsgID(a)
			before := p.c.seq.content
			p.badMsg(cid, tt.code, testSalt)
			p.flushS()
			p.deliverC()
			if n := p.flushC(); n != tt.packets {
				t.Errorf("resent in %d packets, want %d", n, tt.packets)
			}
			if p.c.MsgID(a) == oldA {
				t.Error("resent with the rejected msg_id")
			}
			if tt.check != nil {
				tt.check(t, p, before)
			}
			ev := p.roundTrip(p.echo)
			if n := len(only(ev, EventResult)); n != 2 {
				t.Errorf("results = %d, want 2 (events %v)", n, kinds(ev))
			}
		})
	}
}

func TestBadMsgFails(t *testing.T) {
	for _, code := range []int{18, 34, 35, 99} {
		t.Run(BadMsgText(code), func(t *testing.T) {
			p := newPair(t, nil)
			call, id := p.sendUnanswered(body(0xc, 0), CallOptions{})
			p.badMsg(id, code, 0)
			p.flushS()
			ev := only(p.deliverC(), EventFailed)
			var bm *BadMsgError
			if len(ev) != 1 || ev[0].Call != call || !errors.As(ev[0].Err, &bm) || bm.Code != code || bm.MsgID != id {
				t.Fatalf("events %+v: want call %d failed with BadMsgError %d", ev, call, code)
			}
			if p.c.Pending() != 0 || p.c.HasPending(p.now) {
				t.Error("failed call still pending")
			}
		})
	}
}

func TestBadMsgResendLimit(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.MaxResends = 2 })
	call, id := p.sendUnanswered(body(0xd, 0), CallOptions{})
	for i := range 3 {
		p.badMsg(id, 32, 0)
		p.flushS()
		ev := p.deliverC()
		if i < 2 {
			if len(only(ev, EventFailed)) != 0 {
				t.Fatalf("failed after %d resends, limit 2", i)
			}
			p.flushC()
			p.deliverS()
			clear(p.s.running)
			id = p.c.MsgID(call)
			continue
		}
		if f := only(ev, EventFailed); len(f) != 1 || f[0].Call != call {
			t.Fatalf("events %v: want the call failed after the resend limit", kinds(ev))
		}
	}
}

func TestBadMsgAboutUnknownIgnored(t *testing.T) {
	p := newPair(t, nil)
	p.badMsg(0x1234, 32, 0)
	p.flushS()
	if ev := p.deliverC(); len(only(ev, EventFailed)) != 0 || p.c.HasPending(p.now.Add(time.Hour)) && p.c.live != 0 {
		t.Errorf("notice about an unknown message changed state: %v", kinds(ev))
	}
}

func TestTooOldMessage(t *testing.T) {
	// Code 20 means the server cannot tell whether it ran the message: an acknowledged call that
	// is not repeatable fails, a repeatable one is sent again.
	tests := []struct {
		name       string
		repeatable bool
		acked      bool
		wantFail   bool
	}{
		{"unacked", false, false, false},
		{"acked", false, true, true},
		{"acked repeatable", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, nil)
			call, id := p.sendUnanswered(body(0xe, 0), CallOptions{Repeatable: tt.repeatable})
			p.s.acks = p.s.acks[:0] // the server's ack is lost
			if tt.acked {
				p.c.markAcked(id)
			}
			p.badMsg(id, 20, 0)
			p.flushS()
			ev := p.deliverC()
			failed := only(ev, EventFailed)
			if tt.wantFail != (len(failed) == 1) {
				t.Fatalf("events %+v, want failed=%v", ev, tt.wantFail)
			}
			if tt.wantFail {
				if !errors.Is(failed[0].Err, ErrNotRepeated) || failed[0].Call != call {
					t.Errorf("error %v, want ErrNotRepeated", failed[0].Err)
				}
				return
			}
			if n := p.flushC(); n != 1 || p.c.MsgID(call) == id {
				t.Errorf("not resent with a new msg_id")
			}
		})
	}
}

func TestClockResyncFromAnswer(t *testing.T) {
	// The client's idea of the server clock jumps 10 minutes back while its msg_ids keep
	// increasing, so the server accepts its calls; the answers look 10 minutes ahead. They
	// answer pending calls, so they are read and the offset corrected; an unsolicited update
	// with the same time would be dropped.
	p := newPair(t, nil)
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	p.c.offset = -10 * time.Minute
	p.s.Push(body(0x99, 0))
	p.flushS()
	if ev := p.deliverC(); len(ev) != 0 {
		t.Fatalf("unsolicited message 10 minutes off accepted: %v", kinds(ev))
	}
	call := p.call(body(2, 0), CallOptions{})
	ev := p.roundTrip(p.echo)
	if r := only(ev, EventResult); len(r) != 1 || r[0].Call != call {
		t.Fatalf("events %v: want the answer despite the clock", kinds(ev))
	}
	if off := p.c.TimeOffset(); off.Abs() > time.Second {
		t.Errorf("offset after resync = %v, want about 0", off)
	}
}
