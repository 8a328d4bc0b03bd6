package mtp

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dropsSent returns the msg_ids the rpc_drop_answer messages in the client's flushed packets
// name.
func dropsSent(p *pair) []int64 {
	p.t.Helper()
	var ids []int64
	ctor := le.AppendUint32(nil, idRPCDropAnswer)
	for _, plain := range p.sentPlain() {
		for rest := plain; ; {
			i := bytes.Index(rest, ctor)
			if i < 0 || len(rest) < i+12 {
				break
			}
			ids = append(ids, int64(le.Uint64(rest[i+4:])))
			rest = rest[i+12:]
		}
	}
	return ids
}

// TestCancelAfterNewSession: after a bad_msg_notification 17 starts a new session, a call
// whose msg_id is still the one it had in the old session (parked there, or waiting to go
// again under a new id) is cancelled without rpc_drop_answer: the server never saw that
// msg_id in the new session, and one of the new session's messages may get it. A call parked
// while it was queued to go again under its msg_id (msg_resend_req) reported msg_id 0, so
// DropRPC could not find it; a call waiting to go again under a new id, and an rpc_drop_answer
// queued before the notice, sent rpc_drop_answer naming the old session's msg_id in the new
// one. Cancelled once sent in the new session, a call gets its rpc_drop_answer as before.
func TestCancelAfterNewSession(t *testing.T) {
	notice := func(p *pair, x CallID, before ...[]byte) {
		p.t.Helper()
		old := p.c.SessionID()
		srv := p.now.Add(-time.Hour)
		p.fromServerID(p.s.ids.next(srv, idServerOther), p.container(srv, append(before, badMsg(p.c.MsgID(x), 17))...))
		if p.c.SessionID() == old {
			p.t.Fatal("no new session after the clock went an hour back")
		}
	}
	tests := []struct {
		name string
		// run leaves the client in a new session and returns the call to cancel, the msg_id
		// MsgID must report for it, and whether an rpc_drop_answer naming it is wanted.
		run func(p *pair) (c CallID, msgID int64, drop bool)
	}{
		{"parked", func(p *pair) (CallID, int64, bool) {
			a, _, x := inFlight(p)
			aID := p.c.MsgID(a)
			notice(p, x)
			return a, aID, false
		}},
		{"parked while queued again under its msg_id", func(p *pair) (CallID, int64, bool) {
			a, _, x := inFlight(p)
			aID := p.c.MsgID(a)
			notice(p, x, appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{aID}))
			return a, aID, false
		}},
		{"waiting to go again in the new session", func(p *pair) (CallID, int64, bool) {
			_, b, x := inFlight(p)
			notice(p, x)
			return b, 0, false
		}},
		{"rejected by the notice", func(p *pair) (CallID, int64, bool) {
			_, _, x := inFlight(p)
			notice(p, x)
			return x, 0, false
		}},
		{"sent again in the new session", func(p *pair) (CallID, int64, bool) {
			_, b, x := inFlight(p)
			notice(p, x)
			p.flushC()
			p.toS = p.toS[:0]
			return b, p.c.MsgID(b), true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			c, want, drop := tt.run(p)
			if got := p.c.MsgID(c); got != want {
				t.Errorf("MsgID(%d) = %#x, want %#x", c, got, want)
			}
			sent := p.c.MsgID(c)
			n := p.c.Pending()
			if !p.c.Cancel(c) {
				t.Fatalf("Cancel(%d): call unknown", c)
			}
			if p.c.Pending() != n-1 {
				t.Errorf("%d calls pending after Cancel, want %d", p.c.Pending(), n-1)
			}
			checkInvariants(t, p.c)
			p.flushC()
			var wantDrops []int64
			if drop {
				wantDrops = []int64{sent}
			}
			if diff := cmp.Diff(wantDrops, dropsSent(p)); diff != "" {
				t.Errorf("rpc_drop_answer msg_ids (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDropQueuedBeforeNewSession: an rpc_drop_answer queued for a call cancelled in the old
// session, not yet sent when a bad_msg_notification 17 starts a new session, names a msg_id of
// the old session; it was sent in the new one, where one of the calls sent again may have
// that msg_id now. It is not sent.
func TestDropQueuedBeforeNewSession(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	_, b, x := inFlight(p)
	if !p.c.Cancel(b) {
		t.Fatal("Cancel: call unknown")
	}
	old := p.c.SessionID()
	p.fromServerID(msgIDAt(p.now.Add(-time.Hour))|idServerOther, badMsg(p.c.MsgID(x), 17))
	if p.c.SessionID() == old {
		t.Fatal("no new session after the clock went an hour back")
	}
	p.flushC()
	if drops := dropsSent(p); len(drops) != 0 {
		t.Errorf("rpc_drop_answer for %#x sent in the new session", drops)
	}
	checkInvariants(t, p.c)
}

// TestNewSessionSkipsParkedIDs: a client whose clock was 20 s ahead had call a taken (and
// acknowledged) before a bad_msg_notification 17 brought its clock back. The new session
// numbers its messages from the corrected clock, and 20 s later its ids reach the one a had
// in the old session; a message that got it there could not be told from a by msg_id while
// a waits for its answer (DropRPC names calls by msg_id). The new session skips the msg_ids
// its calls had in the old one while their answers may come there.
func TestNewSessionSkipsParkedIDs(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a, _, x := inFlight(p)
	aID := p.c.MsgID(a)
	old := p.c.SessionID()
	p.fromServerID(msgIDAt(p.now.Add(-20*time.Second))|idServerOther, badMsg(p.c.MsgID(x), 17))
	if p.c.SessionID() == old {
		t.Fatal("no new session after the clock went 20 s back")
	}
	p.flushC()
	p.now = p.now.Add(20 * time.Second)
	for i := range 4 {
		p.call(body(0xe, i), CallOptions{})
	}
	p.flushC()
	if got := p.c.MsgID(a); got != aID {
		t.Fatalf("MsgID(a) = %#x, want %#x", got, aID)
	}
	for id, m := range p.c.calls {
		if id != a && m.msgID == aID {
			t.Errorf("call %d sent in the new session with a's msg_id %#x of the old one", id, aID)
		}
	}
	checkInvariants(t, p.c)
}
