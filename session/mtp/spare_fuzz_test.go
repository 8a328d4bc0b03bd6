package mtp

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

// checkSpare fails if a record kept for reuse (Engine.spare) is not cleared, is kept twice, or
// is still pointed to by anything of the engine: Enqueue would hand it to a new call while
// the old one's queue entry, msg_id or old-session entry still leads to it.
func checkSpare(t *testing.T, e *Engine) {
	t.Helper()
	if len(e.spare) > maxSpare {
		t.Fatalf("%d spare records, at most %d kept", len(e.spare), maxSpare)
	}
	refs := map[*outMsg]string{}
	for _, m := range e.queue {
		refs[m] = "the send queue"
	}
	for _, m := range e.sent {
		refs[m] = "the sent map"
	}
	for _, m := range e.prevSent {
		refs[m] = "the old session's map"
	}
	for _, m := range e.calls {
		refs[m] = "the calls"
	}
	for _, en := range e.kept.order[e.kept.head:] {
		if en.m != nil {
			refs[en.m] = "the retain store"
		}
	}
	refs[e.ping], refs[e.saltReq] = "the ping", "the salt request"
	seen := map[*outMsg]bool{}
	for _, m := range e.spare {
		if seen[m] {
			t.Fatalf("spare record %p kept twice", m)
		}
		seen[m] = true
		if where, ok := refs[m]; ok {
			t.Fatalf("spare record %p still in %s", m, where)
		}
		if !reflect.ValueOf(*m).IsZero() {
			t.Fatalf("spare record written after it was kept: %+v", *m)
		}
	}
}

// spareModel drives a client and a server engine through hostile orders of events (losses,
// duplicates, reconnects, rejections, clock corrections, old-session answers, answers to
// msg_ids long gone) while the client reuses answered calls' records, and checks that a
// call only ever gets its own answer, once, and that the engine holds exactly the calls that
// have not ended.
type spareModel struct {
	t    *testing.T
	p    *pair
	req  map[CallID][]byte // request body of every call made
	live map[CallID]bool   // enqueued, not answered, failed or cancelled
	// ids are the msg_ids calls were sent with, by session: a new session may give a msg_id
	// of the one it left to another call.
	ids  map[int64][]int64
	byID map[[2]int64]CallID // by session and msg_id
}

func newSpareModel(t *testing.T) *spareModel {
	p := newPair(t, func(c, s *Config) {
		c.PingInterval, c.StateReqAfter, c.MaxResends = -1, 2*time.Second, 3
		s.RetainMessages = 64
	})
	return &spareModel{t: t, p: p, req: map[CallID][]byte{}, live: map[CallID]bool{},
		ids: map[int64][]int64{}, byID: map[[2]int64]CallID{}}
}

// events checks the client's events.
func (s *spareModel) events(ev []Event) {
	s.t.Helper()
	for _, e := range ev {
		switch e.Kind {
		case EventResult, EventRPCError, EventFailed:
		default:
			continue
		}
		if !s.live[e.Call] {
			s.t.Fatalf("event %v for call %d, which is not waiting", e.Kind, e.Call)
		}
		delete(s.live, e.Call)
		if e.Kind == EventResult && !bytes.HasSuffix(e.Body, s.req[e.Call]) {
			s.t.Fatalf("call %d answered with %x, not its own request %x", e.Call, e.Body, s.req[e.Call])
		}
	}
}

// noteIDs records the msg_ids the client's calls were just sent with.
func (s *spareModel) noteIDs() {
	sid := s.p.c.sessionID
	for call := range s.live {
		if id := s.p.c.MsgID(call); id != 0 {
			k := [2]int64{sid, id}
			if held, ok := s.byID[k]; ok && held != call && !s.p.c.calls[call].parked {
				s.t.Fatalf("msg_id %#x given to calls %d and %d in one session", id, held, call)
			}
			if _, ok := s.byID[k]; !ok && !s.p.c.calls[call].parked {
				s.byID[k] = call
				s.ids[sid] = append(s.ids[sid], id)
			}
		}
	}
}

// someID returns a msg_id a call was sent with in session sid, chosen by b.
func (s *spareModel) someID(sid int64, b byte) (int64, CallID, bool) {
	ids := s.ids[sid]
	if len(ids) == 0 {
		return 0, 0, false
	}
	id := ids[pick(b, len(ids))]
	return id, s.byID[[2]int64{sid, id}], true
}

// fromServer hands the client body in a fresh server message; a client Receive error drops
// the connection.
func (s *spareModel) fromServer(body []byte) {
	s.events(s.p.fromServer(body))
	s.receiveErr()
}

func (s *spareModel) receiveErr() {
	if err := s.p.c.clockErr; err != nil {
		s.p.c.clockErr = nil
		s.reconnect()
	}
}

func (s *spareModel) reconnect() {
	s.p.toC, s.p.toS = nil, nil
	s.events(copyEvents(s.p.c.OnConnect(s.p.now)))
	s.p.s.OnConnect(s.p.serverNow())
}

// pick returns one of n things chosen by b.
func pick(b byte, n int) int { return int(b) % n }

func (s *spareModel) step(op, arg byte) {
	p := s.p
	switch op % 16 {
	case 0, 1:
		call := p.nextID + 1
		s.req[call] = body(0x5000+uint32(call), int(arg%5))
		opts := CallOptions{Repeatable: arg&8 != 0}
		if arg&16 != 0 {
			opts.After = call - 1 - CallID(arg>>5)
		}
		p.call(s.req[call], opts)
		s.live[call] = true
	case 2:
		for call := range s.live {
			if arg&1 == 0 {
				if !p.c.Cancel(call) {
					s.t.Fatalf("Cancel: call %d unknown", call)
				}
				delete(s.live, call)
				break
			}
			arg >>= 1
		}
	case 3:
		p.flushC()
		s.noteIDs()
	case 4:
		for _, pkt := range p.toS {
			ev, err := p.s.Receive(p.serverNow(), append([]byte(nil), pkt...))
			if err != nil {
				continue // a packet of a session the server has left, or under a bad clock
			}
			for _, e := range copyEvents(ev) {
				if e.Kind == EventRequest && arg&1 == 0 {
					p.echo(e)
				}
			}
		}
		p.toS = p.toS[:0]
	case 5:
		p.flushS()
	case 6:
		for _, pkt := range p.toC {
			ev, err := p.c.Receive(p.now, append([]byte(nil), pkt...))
			s.events(copyEvents(ev))
			if err != nil && !errors.Is(err, ErrClockOffset) {
				s.t.Fatalf("client Receive: %v", err)
			}
			if err != nil {
				s.reconnect()
				break
			}
		}
		p.toC = p.toC[:0]
	case 7:
		if arg&1 == 0 {
			p.toS = p.toS[:0]
		} else {
			p.toC = p.toC[:0]
		}
	case 8:
		if len(p.toC) > 0 {
			p.toC = append(p.toC, p.toC[pick(arg, len(p.toC))])
		}
	case 9:
		s.reconnect()
	case 10:
		p.now = p.now.Add(time.Duration(arg) * 2 * time.Second)
		ev, err := p.c.OnTimer(p.now)
		s.events(copyEvents(ev))
		if err != nil {
			s.reconnect()
		}
		if _, err := p.s.OnTimer(p.serverNow()); err != nil {
			p.s.OnConnect(p.serverNow())
		}
	case 11, 12:
		id, _, ok := s.someID(p.c.sessionID, arg)
		if !ok {
			return
		}
		codes := []int{16, 17, 32, 33, 48, 64, 19, 20}
		code := codes[int(arg>>3)%len(codes)]
		if op%16 == 12 && code == 17 {
			// The clock went an hour back: a new session.
			s.events(p.fromServerID(msgIDAt(p.now.Add(-time.Hour))|idServerOther, badMsg(id, 17)))
			s.receiveErr()
			return
		}
		s.fromServer(notice(id, code, 0x77))
	case 13:
		// An answer in the session a clock correction left, to any msg_id a call had.
		id, call, ok := s.someID(p.c.prevSession, arg)
		if p.c.prevSession == 0 || !ok {
			return
		}
		srv := p.now.Add(-time.Hour)
		s.events(p.fromSession(p.c.prevSession, p.s.ids.next(srv, idServerAnswer), rpcResult(id, s.req[call])))
	case 14:
		// An answer, a resend request, an ack or a state report about a msg_id a call had,
		// maybe long answered: its record may be another call's by now.
		id, call, ok := s.someID(p.c.sessionID, arg)
		if !ok {
			return
		}
		switch arg >> 6 {
		case 0:
			s.fromServer(rpcResult(id, s.req[call]))
		case 1:
			s.fromServer(appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{id}))
		case 2:
			s.fromServer(appendLongVector(le.AppendUint32(nil, idMsgsAck), []int64{id}))
		default:
			s.fromServer(le.AppendUint64(le.AppendUint64(le.AppendUint64(le.AppendUint32(nil, idNewSessionCreated), uint64(id)), 7), testSalt))
		}
	case 15:
		if q := p.c.stateReqIDs(); len(q) > 0 {
			info := make([]byte, len(p.c.sent[q[0]].askedIDs))
			for i := range info {
				info[i] = []byte{1, 2, 3, 4}[int(arg+byte(i))%4]
			}
			s.fromServer(appendBytes(le.AppendUint64(le.AppendUint32(nil, idMsgsStateInfo), uint64(q[0])), info))
		}
	}
}

// stateReqIDs returns the msg_ids of the msgs_state_req the client has sent.
func (e *Engine) stateReqIDs() []int64 {
	var ids []int64
	for id, m := range e.sent {
		if m.kind == kindStateReq {
			ids = append(ids, id)
		}
	}
	return ids
}

// check compares the engine's calls with the model's and runs the invariants.
func (s *spareModel) check() {
	s.t.Helper()
	checkInvariants(s.t, s.p.c)
	if got, want := s.p.c.Pending(), len(s.live); got != want {
		s.t.Fatalf("engine holds %d calls, %d are waiting", got, want)
	}
	for call := range s.live {
		if known, _, _ := s.p.c.CallState(call); !known {
			s.t.Fatalf("call %d waits but the engine does not know it", call)
		}
	}
}

// run plays ops (pairs of op and argument bytes), then lets the engines settle.
func (s *spareModel) run(ops []byte) {
	s.t.Helper()
	for i := 0; i+1 < len(ops); i += 2 {
		s.step(ops[i], ops[i+1])
		s.check()
	}
	// Settle: every call still waiting gets its answer or fails.
	s.reconnect()
	for range 8 {
		for _, op := range []byte{3, 4, 5, 6} {
			s.step(op, 0)
			s.check()
		}
	}
}

// FuzzSpareRecords: the records of answered calls go back to Enqueue (Engine.spare); no
// sequence of events may leave one reachable from the old call, give a call another's answer
// or an answer twice, or lose a call.
func FuzzSpareRecords(f *testing.F) {
	f.Add([]byte{0, 0, 0, 8, 3, 0, 4, 0, 5, 0, 6, 0, 0, 1, 3, 0, 14, 0, 4, 0, 5, 0, 6, 0})
	f.Add([]byte{0, 0, 3, 0, 4, 0, 9, 0, 5, 0, 6, 0, 0, 0, 3, 0, 14, 64, 14, 0})
	f.Add([]byte{0, 0, 0, 0, 3, 0, 12, 8, 13, 0, 13, 1, 0, 0, 3, 0, 4, 0, 5, 0, 6, 0, 13, 2})
	f.Add([]byte{0, 0, 3, 0, 4, 1, 10, 2, 3, 0, 15, 0, 0, 0, 3, 0, 4, 0, 5, 0, 8, 0, 6, 0})
	f.Add([]byte{0, 16, 0, 16, 3, 0, 11, 40, 11, 41, 3, 0, 4, 0, 5, 0, 6, 0, 2, 0, 0, 0})
	// Two calls sent, then a bad_msg_notification 17 with the current server time: a new
	// session, whose msg_ids start where the old one's did. The server engine answered the old
	// session's requests and adopted the new session with the answers queued: sent in it, the
	// first call's answer named the msg_id the second call had there, which took it.
	f.Add([]byte{48, 48, 48, 48, 67, 48, 43, 8, 36, 48})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		newSpareModel(t).run(ops)
	})
}
