package mtp

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOldSessionServiceMessages: service messages that come in the session a bad_msg_notification
// 17 left, after the notice in its container or in a later packet. An msgs_ack or a
// msg_detailed_info there about call b, sent in the old session and not acknowledged when the
// notice came, says the server has it: b may have run, and sending it again in the new session
// may run it twice. b went again all the same (the ack after the notice was taken as one about
// the new session's messages, and one in a later packet was dropped); now b, not repeatable, is
// parked like a call acknowledged before the notice. An msgs_state_req, msg_detailed_info or
// msg_new_detailed_info after the notice was answered in the new session (msgs_state_info,
// msg_resend_req) about msg_ids of the old one; nothing is.
func TestOldSessionServiceMessages(t *testing.T) {
	u32 := func(v uint32) []byte { return le.AppendUint32(nil, v) }
	long := func(b []byte, v int64) []byte { return le.AppendUint64(b, uint64(v)) }
	ack := func(id int64) []byte { return appendLongVector(u32(idMsgsAck), []int64{id}) }
	// msg_detailed_info#276d3ec6 msg_id:long answer_msg_id:long bytes:int status:int
	detailed := func(id int64) []byte {
		return le.AppendUint32(le.AppendUint32(long(long(u32(idMsgDetailedInfo), id), 0x7001), 64), 0)
	}
	tests := []struct {
		name  string
		item  func(bID int64) []byte
		later bool // in a packet of its own after the notice, before b goes again
		ran   bool // b may have run: parked, not sent in the new session
	}{
		{"msgs_ack", ack, false, true},
		{"msgs_ack in a later packet", ack, true, true},
		{"msg_detailed_info", detailed, false, true},
		{"msg_detailed_info in a later packet", detailed, true, true},
		{"msgs_state_req", func(int64) []byte { return appendLongVector(u32(idMsgsStateReq), []int64{0x7001}) }, false, false},
		// msg_new_detailed_info#809db6df answer_msg_id:long bytes:int status:int
		{"msg_new_detailed_info", func(int64) []byte {
			return le.AppendUint32(le.AppendUint32(long(u32(idMsgNewDetailedInfo), 0x7001), 64), 0)
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			a, b, x := inFlight(p)
			old, bID := p.c.SessionID(), p.c.MsgID(b)
			srv := p.now.Add(-time.Hour)
			items := [][]byte{badMsg(p.c.MsgID(x), 17)}
			if !tt.later {
				items = append(items, tt.item(bID))
			}
			if ev := p.fromServerID(p.s.ids.next(srv, idServerOther), p.container(srv, items...)); len(ev) != 0 {
				t.Fatalf("events %+v, want none", ev)
			}
			if p.c.SessionID() == old {
				t.Fatal("no new session after the clock went an hour back")
			}
			if tt.later {
				if ev := p.fromSession(old, p.s.ids.next(srv, idServerAnswer), tt.item(bID)); len(ev) != 0 {
					t.Fatalf("events %+v, want none", ev)
				}
			}
			checkInvariants(t, p.c)
			p.flushC()
			for _, plain := range p.sentPlain() {
				if tt.ran && bytes.Contains(plain, body(0xb, 0)) {
					t.Errorf("call %d, which the server has, sent again in the new session", b)
				}
				for _, c := range []uint32{idMsgsStateInfo, idMsgResendReq, idMsgsAck} {
					if bytes.Contains(plain, u32(c)) {
						t.Errorf("%#x sent in the new session about the old one", c)
					}
				}
			}
			if !tt.ran {
				return
			}
			if got := p.c.MsgID(b); got != bID {
				t.Errorf("MsgID(b) = %#x, want %#x of the old session", got, bID)
			}
			// Parked like a: answered in the old session, or failed with ErrNotRepeated.
			if ev := p.fromSession(old, p.s.ids.next(srv, idServerAnswer), rpcResult(bID, body(0xb5, 0))); len(ev) != 1 || ev[0].Call != b {
				t.Fatalf("events %+v, want call %d answered from the old session", ev, b)
			}
			p.now = p.now.Add(prevSessionWait)
			ev, err := p.c.OnTimer(p.now)
			if err != nil {
				t.Fatal(err)
			}
			if f := only(ev, EventFailed); len(f) != 1 || f[0].Call != a || !errors.Is(f[0].Err, ErrNotRepeated) {
				t.Fatalf("events %+v, want call %d failed with ErrNotRepeated", ev, a)
			}
			checkInvariants(t, p.c)
		})
	}
}

// FuzzAfterNotice feeds an arbitrary message after the bad_msg_notification 17 that starts a
// new session, in its container: nothing may panic, no call may get stuck, and no reply about
// the old session may go in the new one.
func FuzzAfterNotice(f *testing.F) {
	for _, s := range fuzzSeeds(1<<40 | 4) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		item = item[:len(item)&^3] // a container item of another length drops the packet
		p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
		_, _, x := inFlight(p)
		old := p.c.SessionID()
		srv := p.now.Add(-time.Hour)
		p.fromServerID(p.s.ids.next(srv, idServerOther), p.container(srv, badMsg(p.c.MsgID(x), 17), item, item))
		if p.c.SessionID() == old {
			t.Fatal("no new session")
		}
		checkInvariants(t, p.c)
		p.flushC()
		for _, plain := range p.sentPlain() {
			for _, c := range []uint32{idMsgsStateInfo, idMsgResendReq, idMsgsAck} {
				if bytes.Contains(plain, le.AppendUint32(nil, c)) {
					t.Fatalf("%#x sent in the new session about the old one", c)
				}
			}
		}
		waitedOut(t, p)
	})
}

// TestOldSessionServiceAnswer: a ping or get_future_salts sent as a call is answered with a
// pong or future_salts of its own, not an rpc_result. Acknowledged and not repeatable, such a
// call is parked when a bad_msg_notification 17 starts a new session; its answer in the old
// session, after the notice in its container or in a later packet, was dropped (only an
// rpc_result was read there), and the call failed with ErrNotRepeated after prevSessionWait.
// It is taken like an rpc_result.
func TestOldSessionServiceAnswer(t *testing.T) {
	u32 := func(v uint32) []byte { return le.AppendUint32(nil, v) }
	long := func(b []byte, v int64) []byte { return le.AppendUint64(b, uint64(v)) }
	kinds := []struct {
		name   string
		req    []byte
		answer func(req int64) []byte
	}{
		// ping#7abe77ec ping_id:long; pong#347773c5 msg_id:long ping_id:long
		{"pong", long(u32(idPing), 7), func(req int64) []byte { return long(long(u32(idPong), req), 7) }},
		// get_future_salts#b921bd04 num:int; future_salts#ae500895 req_msg_id:long now:int
		// salts:vector<future_salt> (bare)
		{"future_salts", le.AppendUint32(u32(idGetFutureSalts), 1), func(req int64) []byte {
			return le.AppendUint32(le.AppendUint32(long(u32(idFutureSalts), req), 1700000000), 0)
		}},
	}
	for _, k := range kinds {
		for _, later := range []bool{false, true} {
			name := k.name + " after the notice"
			if later {
				name = k.name + " in a later packet"
			}
			t.Run(name, func(t *testing.T) {
				p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
				c := p.call(k.req, CallOptions{})
				p.flushC()
				cID := p.c.MsgID(c)
				p.fromServer(appendLongVector(u32(idMsgsAck), []int64{cID}))
				x := p.call(body(0xc, 0), CallOptions{})
				p.flushC()
				old := p.c.SessionID()
				srv := p.now.Add(-time.Hour)
				items := [][]byte{badMsg(p.c.MsgID(x), 17)}
				if !later {
					items = append(items, k.answer(cID))
				}
				ev := p.fromServerID(p.s.ids.next(srv, idServerOther), p.container(srv, items...))
				if p.c.SessionID() == old {
					t.Fatal("no new session after the clock went an hour back")
				}
				if later {
					ev = p.fromSession(old, p.s.ids.next(srv, idServerAnswer), k.answer(cID))
				}
				want := []Event{{Kind: EventResult, Call: c, MsgID: cID, Body: k.answer(cID)}}
				if diff := cmp.Diff(want, ev); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
				checkInvariants(t, p.c)
				waitedOut(t, p)
			})
		}
	}
}
