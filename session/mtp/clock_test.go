package mtp

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestClockCorrectionBound: a correction of the clock (bad_msg_notification 16/17, an answer
// whose msg_id time is off) is taken whatever its size when the server time it implies is
// plausible: a host without a clock that starts in 1970 must still reach the server. A server
// time at the epoch or within a month of the end of the msg_id range, an offset a Duration
// cannot hold, or one beyond a user's Config.MaxClockOffset is ignored with one warning: calls
// a bad_msg_notification rejected fail with its *BadMsgError, an answer is still taken, and
// the offset stays.
func TestClockCorrectionBound(t *testing.T) {
	const day = 24 * time.Hour
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	base := time.Unix(1700000000, 0) // newPair's clock
	tests := []struct {
		name     string
		local    time.Time // the client's clock; zero: base
		server   time.Time // the server's clock
		unsynced bool
		limit    time.Duration // Config.MaxClockOffset
		answer   bool          // the server accepts the call, then its clock jumps to server
		notice   int           // bypass the server engine: the client gets this bad_msg code
		wantCode int           // the call fails with this BadMsgError; 0: it is answered
		wantOff  time.Duration // TimeOffset after; 0: unchanged, a warning logged
		why      string        // the reason logged for ignoring the correction
	}{
		{name: "16 within a day", server: base.Add(23 * time.Hour), wantOff: 23 * time.Hour},
		{name: "17 within a day", server: base.Add(-23 * time.Hour), wantOff: -23 * time.Hour},
		{name: "16 three days", server: base.Add(3 * day), wantOff: 3 * day},
		{name: "17 three days", server: base.Add(-3 * day), wantOff: -3 * day},
		{name: "16 ten years", local: date(2016, 3, 1), server: date(2026, 3, 1),
			wantOff: date(2026, 3, 1).Sub(date(2016, 3, 1))},
		{name: "17 ten years", local: date(2036, 3, 1), server: date(2026, 3, 1),
			wantOff: date(2026, 3, 1).Sub(date(2036, 3, 1))},
		{name: "16 local clock 1970", local: time.Unix(90, 0), server: date(2026, 3, 1),
			wantOff: date(2026, 3, 1).Sub(time.Unix(90, 0))},
		{name: "16 local clock 1970, unsynced", local: time.Unix(90, 0), server: date(2026, 3, 1), unsynced: true,
			wantOff: date(2026, 3, 1).Sub(time.Unix(90, 0))},
		{name: "17 forty years", local: date(2066, 3, 1), server: date(2026, 3, 1),
			wantOff: date(2026, 3, 1).Sub(date(2066, 3, 1))},
		{name: "16 server in 2037", server: date(2037, 6, 1), wantOff: date(2037, 6, 1).Sub(base)},
		{name: "17 server in 1990", server: date(1990, 1, 1), wantOff: date(1990, 1, 1).Sub(base)},
		{name: "17 server in 2000, synctest's clock", server: date(2000, 1, 1), wantOff: date(2000, 1, 1).Sub(base)},
		{name: "17 server at the epoch", server: time.Unix(0, 0), wantCode: 17, why: "server time not plausible"},
		{name: "16 server in 2040", server: date(2040, 1, 1), wantCode: 16, why: "server time not plausible"},
		{name: "16 server in the last month of 2^31 s", server: date(2038, 1, 10), wantCode: 16, why: "server time not plausible"},
		{name: "17 server at the epoch, unsynced", server: time.Unix(0, 0), unsynced: true, wantCode: 17, why: "server time not plausible"},
		{name: "16 three days, bound a week", server: base.Add(3 * day), limit: 7 * day, wantOff: 3 * day},
		{name: "16 ten days, bound a week", server: base.Add(10 * day), limit: 7 * day, wantCode: 16, why: "offset beyond MaxClockOffset"},
		{name: "17 ten days, bound a week", server: base.Add(-10 * day), limit: 7 * day, wantCode: 17, why: "offset beyond MaxClockOffset"},
		{name: "16 ten minutes, negative bound", server: base.Add(10 * time.Minute), limit: -1, wantCode: 16, why: "offset beyond MaxClockOffset"},
		{name: "16 local clock year 1", local: date(1, 1, 2), server: date(2026, 3, 1), notice: 16, wantCode: 16, why: "local clock too far off"},
		{name: "17 local clock year 9999", local: date(9999, 12, 31), server: date(2026, 3, 1), notice: 17, wantCode: 17, why: "local clock too far off"},
		{name: "16 local clock 1700", local: date(1700, 1, 1), server: date(2026, 3, 1), notice: 16, wantCode: 16, why: "local clock too far off"},
		{name: "answer ten minutes ahead", server: base.Add(10 * time.Minute), answer: true, wantOff: 10 * time.Minute},
		{name: "answer three days ahead", server: base.Add(3 * day), answer: true, wantOff: 3 * day},
		{name: "answer three days behind", server: base.Add(-3 * day), answer: true, wantOff: -3 * day},
		{name: "answer ten years ahead", server: base.AddDate(10, 0, 0), answer: true, wantOff: base.AddDate(10, 0, 0).Sub(base)},
		{name: "answer from 1990", server: date(1990, 1, 1), answer: true, wantOff: date(1990, 1, 1).Sub(base)},
		{name: "answer from the epoch", server: time.Unix(0, 0), answer: true, why: "server time not plausible"},
		{name: "answer ten days ahead, bound a week", server: base.Add(10 * day), limit: 7 * day, answer: true, why: "offset beyond MaxClockOffset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			p := newPair(t, func(c, _ *Config) {
				c.TimeSynced = !tt.unsynced
				c.MaxClockOffset = tt.limit
				c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			if !tt.local.IsZero() {
				p.now = tt.local
				p.c.OnConnect(p.now)
			}
			skew := func() {
				p.skew = tt.server.Sub(p.now)
				if tt.notice == 0 && !p.serverNow().Equal(tt.server) {
					t.Fatalf("the pair cannot put the server at %v", tt.server)
				}
				p.s.OnConnect(p.serverNow())
			}
			req := body(0x77777777, 2)
			var call CallID
			var ev []Event
			switch {
			case tt.answer:
				call = p.call(req, CallOptions{})
				p.flushC()
				reqs := only(p.deliverS(), EventRequest)
				if len(reqs) != 1 {
					t.Fatalf("server events %v, want the request", kinds(p.sEv))
				}
				skew()
				p.echo(reqs[0])
				ev = p.roundTrip(p.echo)
			case tt.notice != 0:
				call = p.call(req, CallOptions{})
				p.flushC()
				ev = p.fromServerID(msgIDAt(tt.server)|idServerOther, badMsg(p.c.MsgID(call), tt.notice))
			default:
				skew()
				call = p.call(req, CallOptions{})
				ev = p.roundTrip(p.echo)
			}
			if tt.wantCode != 0 {
				var bm *BadMsgError
				f := only(ev, EventFailed)
				if len(f) != 1 || f[0].Call != call || !errors.As(f[0].Err, &bm) || bm.Code != tt.wantCode {
					t.Fatalf("events %+v: want call %d failed with BadMsgError %d\n%s", ev, call, tt.wantCode, logs.String())
				}
				if p.c.Pending() != 0 {
					t.Error("failed call still pending")
				}
			} else if r := only(ev, EventResult); len(r) != 1 || r[0].Call != call || !bytes.Equal(r[0].Body, req) {
				t.Fatalf("events %v: want the result", kinds(ev))
			}
			if off := p.c.TimeOffset(); (off - tt.wantOff).Abs() > time.Second {
				t.Errorf("TimeOffset = %v, want about %v", off, tt.wantOff)
			}
			ignored := tt.wantOff == 0
			if n := strings.Count(logs.String(), "level=WARN"); ignored != (n == 1) || n > 1 {
				t.Errorf("%d warnings, want %d:\n%s", n, map[bool]int{true: 1}[ignored], logs.String())
			}
			if ignored && !strings.Contains(logs.String(), `reason="`+tt.why) {
				t.Errorf("no reason %q logged:\n%s", tt.why, logs.String())
			}
		})
	}
}

// TestClockFixedAfterCorrection: a host that started in 1970 and took the server's clock
// from a bad_msg_notification later gets its clock set (NTP): the offset it took (56 years)
// now puts its msg_ids past 2038. The engine must come back to the server's time, with its
// msg_ids positive throughout (they restart from the clock after each correction).
func TestClockFixedAfterCorrection(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	srv := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p.now = time.Unix(90, 0)
	p.c.OnConnect(p.now)
	p.skew = srv.Sub(p.now)
	p.s.OnConnect(p.serverNow())
	var ids []int64
	for round := range 3 {
		if round == 1 {
			p.now, p.skew = srv.Add(time.Hour), 0 // the clock is set
		}
		req := body(0x77777777, round)
		call := p.call(req, CallOptions{})
		p.flushC()
		ids = append(ids, p.c.MsgID(call))
		ev := p.roundTrip(p.echo)
		if r := only(ev, EventResult); len(r) != 1 || r[0].Call != call || !bytes.Equal(r[0].Body, req) {
			t.Fatalf("round %d: events %+v: want the result", round, ev)
		}
	}
	if off := p.c.TimeOffset(); off.Abs() > time.Second {
		t.Errorf("TimeOffset = %v after the clock was set, want about 0", off)
	}
	for _, id := range ids {
		if id <= 0 {
			t.Errorf("msg_ids %#x: want positive", ids)
			break
		}
	}
}

// TestClockCorrectionWarnsOnce: every correction to an implausible server time is ignored,
// the first with a warning, the later ones with debug records.
func TestClockCorrectionWarnsOnce(t *testing.T) {
	var logs bytes.Buffer
	p := newPair(t, func(c, _ *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	p.skew = time.Unix(0, 0).Sub(p.now)
	p.s.OnConnect(p.serverNow())
	for range 3 {
		p.call(body(0x77777777, 0), CallOptions{})
		if f := only(p.roundTrip(p.echo), EventFailed); len(f) != 1 {
			t.Fatalf("failed %d calls, want 1", len(f))
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
}

// TestStaleStoredOffset: a host that once took a large offset (it started in 1970) stored it,
// and now runs with its clock set, so the stored offset puts the server decades ahead. The
// server's first answer may be bad_server_salt (the stored salt expired meanwhile) rather
// than bad_msg_notification 17: it is about a call of ours, so it must be read and correct
// the clock however far off its msg_id time looks, or every call waits for ever.
func TestStaleStoredOffset(t *testing.T) {
	srv := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		salt int64 // the stored salt
	}{
		{"salt still valid", testSalt},
		{"salt expired", testSalt + 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) {
				c.PingInterval = -1
				c.TimeOffset = srv.Sub(time.Unix(90, 0)) // taken at 1970, stored
				c.Salt = tt.salt
			})
			p.now = srv
			p.c.OnConnect(p.now)
			p.s.OnConnect(p.serverNow())
			req := body(0x77777777, 1)
			call := p.call(req, CallOptions{})
			ev := p.roundTrip(p.echo)
			if r := only(ev, EventResult); len(r) != 1 || r[0].Call != call || !bytes.Equal(r[0].Body, req) {
				t.Fatalf("events %+v: want the result", ev)
			}
			if off := p.c.TimeOffset(); off.Abs() > time.Second {
				t.Errorf("TimeOffset = %v, want about 0", off)
			}
			if got := p.c.Salt(p.now); got != testSalt {
				t.Errorf("salt %#x, want the server's %#x", got, int64(testSalt))
			}
		})
	}
}

// TestClockRefusalsEndConnection: a server whose clock the engine will not follow (here
// 2040, past the msg_id range) rejects every message with bad_msg_notification 16. Each call
// it rejects fails with ErrClockOffset (and its *BadMsgError), and the clockRefusalLimit-th
// refusal in a row fails Receive with ErrClockOffset, so the loop ends the connection instead
// of trying again at the pace of round trips for ever.
func TestClockRefusalsEndConnection(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	p.skew = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).Sub(p.now)
	p.s.OnConnect(p.serverNow())
	for i := 1; i <= clockRefusalLimit; i++ {
		call := p.call(body(0x77777777, i), CallOptions{})
		p.flushC()
		p.deliverS()
		p.flushS()
		if len(p.toC) != 1 {
			t.Fatalf("round %d: the server sent %d packets, want its bad_msg_notification", i, len(p.toC))
		}
		ev, err := p.c.Receive(p.now, p.toC[0])
		p.toC = p.toC[:0]
		var bm *BadMsgError
		f := only(ev, EventFailed)
		if len(f) != 1 || f[0].Call != call || !errors.Is(f[0].Err, ErrClockOffset) ||
			!errors.As(f[0].Err, &bm) || bm.Code != 16 {
			t.Fatalf("round %d: events %+v, want the call failed with ErrClockOffset and BadMsgError 16",
				i, ev)
		}
		if i < clockRefusalLimit && err != nil {
			t.Fatalf("round %d: Receive: %v", i, err)
		}
		if i == clockRefusalLimit && !errors.Is(err, ErrClockOffset) {
			t.Fatalf("Receive after %d refusals: %v, want ErrClockOffset", i, err)
		}
	}
}

// TestClockRefusalsCountedInARow: refusals are counted in a row only: a call answered in
// between starts the count again.
func TestClockRefusalsCountedInARow(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	for i := range 3 * clockRefusalLimit {
		call := p.call(body(0x77777777, i), CallOptions{})
		p.flushC()
		if i%clockRefusalLimit != clockRefusalLimit-1 {
			at := time.Unix(0, int64(i+1)*int64(time.Millisecond)) // the epoch: not plausible
			if f := only(p.fromServerID(msgIDAt(at)|idServerOther, badMsg(p.c.MsgID(call), 17)), EventFailed); len(f) != 1 {
				t.Fatalf("call %d not failed", i)
			}
			p.toS = p.toS[:0]
			if p.c.clockErr != nil {
				t.Fatalf("call %d: %v", i, p.c.clockErr)
			}
			continue
		}
		if r := only(p.roundTrip(p.echo), EventResult); len(r) != 1 || r[0].Call != call {
			t.Fatalf("call %d not answered", i)
		}
	}
}

// TestBackwardCorrectionKeepsIDsIncreasing: MTProto wants the msg_ids of a session strictly
// increasing. After bad_msg_notification 17 (the local clock an hour ahead), ids from the
// corrected clock are below the ones sent, so the engine goes on in a new session; it went on
// in the same one, numbering below what it had sent. Every id sent stays above the ids sent
// before in its session, and the call is answered.
func TestBackwardCorrectionKeepsIDsIncreasing(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	p.skew = -time.Hour
	p.s.OnConnect(p.serverNow())
	high := map[int64]int64{} // session_id: highest msg_id sent
	sessions := 0
	check := func() {
		t.Helper()
		for _, plain := range p.sentPlain() {
			sid := int64(le.Uint64(plain[8:]))
			if _, ok := high[sid]; !ok {
				sessions++
			}
			for _, id := range packetIDs(plain) {
				if id <= high[sid] {
					t.Fatalf("msg_id %#x sent in session %#x after %#x", id, sid, high[sid])
				}
				high[sid] = id
			}
		}
	}
	a := p.call(body(0xa, 0), CallOptions{})
	b := p.call(body(0xb, 0), CallOptions{})
	var ev []Event
	for range 10 {
		p.flushC()
		check()
		for _, e := range p.deliverS() {
			if e.Kind == EventRequest {
				p.echo(e)
			}
		}
		p.flushS()
		ev = append(ev, p.deliverC()...)
		if p.c.Pending() == 0 {
			break
		}
	}
	if r := only(ev, EventResult); len(r) != 2 || r[0].Call+r[1].Call != a+b {
		t.Fatalf("events %+v, want both calls answered", ev)
	}
	if off := p.c.TimeOffset(); (off + time.Hour).Abs() > time.Second {
		t.Errorf("TimeOffset = %v, want about -1h", off)
	}
	if sessions != 2 {
		t.Errorf("%d sessions, want 2", sessions)
	}
}

// packetIDs returns the msg_ids in a decrypted client message in the order they were handed
// out: a container's items, then the container.
func packetIDs(plain []byte) []int64 {
	id := int64(le.Uint64(plain[16:]))
	body := plain[innerHeaderSize:]
	if peekID(body) != idMsgContainer {
		return []int64{id}
	}
	var ids []int64
	rest := body[8:]
	for range le.Uint32(body[4:]) {
		ids = append(ids, int64(le.Uint64(rest)))
		n := le.Uint32(rest[12:])
		rest = rest[containerItemHeader+n:]
	}
	return append(ids, id)
}

// TestStaleOffsetKeepsFutureSalts: a host started in 1970, took the server's clock (an offset
// of 56 years) and learned future salts; then its clock is set (NTP), and the offset puts the
// server 56 years ahead until the server corrects it. The salts are judged at that server
// time: they were dropped there as expired. They are dropped now only once expired at a time
// the server stated, so after the correction the salt valid now is used and the later one
// kept.
func TestStaleOffsetKeepsFutureSalts(t *testing.T) {
	srv := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p := newPair(t, func(c, _ *Config) {
		c.PingInterval = -1
		c.TimeOffset = srv.Sub(time.Unix(90, 0))
	})
	p.now = time.Unix(90, 0)
	p.skew = srv.Sub(p.now)
	p.c.OnConnect(p.now)
	p.s.OnConnect(p.serverNow())
	salts := []Salt{
		{ValidSince: srv.Add(-time.Minute), ValidUntil: srv.Add(time.Hour), Salt: 0x51},
		{ValidSince: srv.Add(time.Hour), ValidUntil: srv.Add(2 * time.Hour), Salt: 0x52},
	}
	p.c.AddSalts(salts)
	p.s.AddSalts(salts)
	if got := p.c.Salt(p.now); got != 0x51 {
		t.Fatalf("salt %#x, want 0x51", got)
	}
	p.now, p.skew = srv, 0 // the clock is set
	p.c.Salt(p.now)        // the loop asks after each wake-up, to store a changed salt
	call := p.call(body(0x77777777, 1), CallOptions{})
	if r := only(p.roundTrip(p.echo), EventResult); len(r) != 1 || r[0].Call != call {
		t.Fatalf("events %+v: want the result", p.cEv)
	}
	if off := p.c.TimeOffset(); off.Abs() > time.Second {
		t.Fatalf("TimeOffset = %v, want about 0", off)
	}
	if got := p.c.SaltValidUntil(); !got.Equal(srv.Add(2 * time.Hour)) {
		t.Errorf("salts valid until %v, want %v", got, srv.Add(2*time.Hour))
	}
	if got := p.c.Salt(p.now); got != 0x51 {
		t.Errorf("salt %#x, want 0x51", got)
	}
	if got := p.c.Salt(p.now.Add(90 * time.Minute)); got != 0x52 {
		t.Errorf("salt in 90 minutes %#x, want 0x52", got)
	}
}

// badMsg encodes bad_msg_notification about msg_id bad with code.
func badMsg(bad int64, code int) []byte {
	b := le.AppendUint32(nil, idBadMsgNotification)
	b = le.AppendUint64(b, uint64(bad))
	b = le.AppendUint32(b, 1)
	return le.AppendUint32(b, uint32(code))
}

// TestStepBackOnOldIDKeepsSession: a bad_msg_notification 16 about a message whose msg_id is
// old (one that waited too long to go out) while the clock is right carries a server time a
// little behind the last id sent: the notice was written half a round trip before it came.
// Numbered above the last id, the next messages are a moment ahead of the server's clock,
// which it accepts (it finds ids too high only 30 s ahead, and says so with 17), so they go
// on in the same session. A new session there failed the acknowledged call with
// ErrNotRepeated and sent the others again under new ids, in a session the server had not
// seen: it could not tell them from new calls.
func TestStepBackOnOldIDKeepsSession(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a := p.call(body(0xa, 0), CallOptions{})
	p.flushC()
	p.toS = p.toS[:0]
	p.fromServer(appendLongVector(le.AppendUint32(nil, idMsgsAck), []int64{p.c.MsgID(a)}))
	p.now = p.now.Add(time.Second)
	b := p.call(body(0xb, 0), CallOptions{})
	p.flushC()
	p.toS = p.toS[:0]
	last := p.c.MsgID(b)
	ev := p.fromServerID(msgIDAt(p.now.Add(-500*time.Millisecond))|idServerOther, badMsg(last, 16))
	if f := only(ev, EventFailed); len(f) != 0 {
		t.Fatalf("calls failed: %+v", f)
	}
	if sid := p.c.SessionID(); sid != testSession {
		t.Fatalf("session %#x, want %#x still", sid, int64(testSession))
	}
	if p.c.Pending() != 2 {
		t.Fatalf("%d calls pending, want 2", p.c.Pending())
	}
	p.flushC()
	for _, plain := range p.sentPlain() {
		if sid := int64(le.Uint64(plain[8:])); sid != testSession {
			t.Errorf("sent in session %#x", sid)
		}
		for _, id := range packetIDs(plain) {
			if id <= last {
				t.Errorf("msg_id %#x sent after %#x", id, last)
			}
		}
	}
	if p.c.MsgID(b) <= last {
		t.Errorf("b sent again as %#x, want above %#x", p.c.MsgID(b), last)
	}
}

// TestNewSessionFailsCallKeepingItsID: a call waiting to go again under its msg_id (the server
// asked for it with msg_resend_req) when a clock correction starts a new session cannot keep
// that id there: acknowledged and not repeatable, it is not sent again, as one already sent is
// not; it waits for its answer in the old session and fails with ErrNotRepeated when none
// comes within prevSessionWait. It went out under a new id in the new session, where the
// server could not tell it from a new call and might run it twice.
func TestNewSessionFailsCallKeepingItsID(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a := p.call(body(0xa, 0), CallOptions{})
	p.flushC()
	p.fromServer(appendLongVector(le.AppendUint32(nil, idMsgsAck), []int64{p.c.MsgID(a)}))
	b := p.call(body(0xb, 0), CallOptions{})
	p.flushC()
	p.toS = p.toS[:0]
	p.fromServer(appendLongVector(le.AppendUint32(nil, idMsgResendReq), []int64{p.c.MsgID(a)}))
	ev := p.fromServerID(msgIDAt(p.now.Add(-time.Hour))|idServerOther, badMsg(p.c.MsgID(b), 17))
	if p.c.SessionID() == testSession {
		t.Fatal("no new session after the clock went an hour back")
	}
	if f := only(ev, EventFailed); len(f) != 0 {
		t.Fatalf("failed %+v at once, want call %d waiting for its answer in the old session", f, a)
	}
	p.flushC()
	for _, plain := range p.sentPlain() {
		if bytes.Contains(plain, body(0xa, 0)) {
			t.Error("call a sent in the new session")
		}
	}
	p.now = p.now.Add(prevSessionWait)
	ev, err := p.c.OnTimer(p.now)
	if err != nil {
		t.Fatal(err)
	}
	f := only(ev, EventFailed)
	if len(f) != 1 || f[0].Call != a || !errors.Is(f[0].Err, ErrNotRepeated) {
		t.Fatalf("failed %+v, want call %d failed with ErrNotRepeated", f, a)
	}
}

// TestNewSessionFailsReservedCall: a call queued under a msg_id reserved before a clock
// correction starts a new session, and not sent yet, embeds the old session in its body
// (auth.bindTempAuthKey names msg_id and session_id): it fails with ErrNotRepeated for its
// caller to build again. It went out in the new session under the old reserved id.
func TestNewSessionFailsReservedCall(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	a := p.call(body(0xa, 0), CallOptions{})
	p.flushC()
	p.toS = p.toS[:0]
	bind := p.call(body(0xb1d, 2), CallOptions{MsgID: p.c.ReserveMsgID(p.now), NoInit: true})
	ev := p.fromServerID(msgIDAt(p.now.Add(-time.Hour))|idServerOther, badMsg(p.c.MsgID(a), 17))
	if p.c.SessionID() == testSession {
		t.Fatal("no new session after the clock went an hour back")
	}
	f := only(ev, EventFailed)
	if len(f) != 1 || f[0].Call != bind || !errors.Is(f[0].Err, ErrNotRepeated) {
		t.Fatalf("failed %+v, want call %d failed with ErrNotRepeated", f, bind)
	}
	p.flushC()
	for _, plain := range p.sentPlain() {
		if bytes.Contains(plain, body(0xb1d, 2)) {
			t.Error("the reserved call went out in the new session")
		}
	}
	if known, _, _ := p.c.CallState(a); !known {
		t.Error("call a forgotten: want it sent again in the new session")
	}
}

// TestNewSessionsBoundResends: a server that moves the clock forward (16) and back (17) in
// turn, each time about the engine's ping, has a new session started at every step back, and
// the call in flight sent again in each. Like new_session_created, that must not send a call
// without end: it fails with ErrResendLimit after Config.MaxResends sends.
func TestNewSessionsBoundResends(t *testing.T) {
	p := newPair(t, nil)
	a := p.call(body(0xa, 0), CallOptions{})
	p.flushC()
	ping := func() int64 {
		t.Helper()
		p.c.pingDue = p.now
		if _, err := p.c.OnTimer(p.now); err != nil {
			t.Fatal(err)
		}
		p.flushC()
		if p.c.ping == nil || p.c.ping.msgID == 0 {
			t.Fatal("no ping sent")
		}
		return p.c.ping.msgID
	}
	sessions := map[int64]bool{}
	for round := range 4 * p.c.cfg.MaxResends {
		sessions[p.c.SessionID()] = true
		p.fromServerID(msgIDAt(p.now.Add(time.Hour))|idServerOther, badMsg(ping(), 16))
		ev := p.fromServerID(msgIDAt(p.now)|idServerOther, badMsg(ping(), 17))
		p.toS = p.toS[:0]
		if f := only(ev, EventFailed); len(f) == 1 && f[0].Call == a {
			if !errors.Is(f[0].Err, ErrResendLimit) {
				t.Fatalf("call failed with %v, want ErrResendLimit", f[0].Err)
			}
			if round < p.c.cfg.MaxResends-1 {
				t.Errorf("call failed in round %d, before %d sends", round, p.c.cfg.MaxResends)
			}
			return
		}
		p.now = p.now.Add(time.Second)
		p.flushC()
	}
	t.Fatalf("call still pending after %d sessions", len(sessions))
}

// TestClockRefusalsOfOneRoundCountOnce: a server rejecting every message with
// bad_msg_notification 16 may send a notice per message, together in one container or in
// packets read one after the other. Four calls refused together counted as four refusals in a
// row: Receive failed the connection in one round trip, though the limit means four rounds.
// The notices about messages sent before the last refusal counted now count once: every call
// fails with ErrClockOffset, and the connection ends in the clockRefusalLimit-th round.
func TestClockRefusalsOfOneRoundCountOnce(t *testing.T) {
	for _, together := range []bool{true, false} {
		name := "one packet each"
		if together {
			name = "one container"
		}
		t.Run(name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			p.call(body(0x77777777, 0), CallOptions{})
			p.roundTrip(p.echo) // the server takes the session
			p.skew = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).Sub(p.now)
			for round := 1; round <= clockRefusalLimit; round++ {
				calls := map[CallID]bool{}
				for i := range clockRefusalLimit {
					calls[p.call(body(0x77777777, round*16+i), CallOptions{})] = true
				}
				p.flushC()
				p.toS = p.toS[:0]
				for call := range calls {
					if err := p.s.Push(badMsg(p.c.MsgID(call), 16)); err != nil {
						t.Fatal(err)
					}
					if !together {
						p.flushS()
					}
				}
				p.flushS()
				var ev []Event
				var err error
				for i, pkt := range p.toC {
					got, rerr := p.c.Receive(p.now, pkt)
					ev = append(ev, copyEvents(got)...)
					switch {
					case i == 0:
						err = rerr
					case rerr != nil && round < clockRefusalLimit:
						t.Fatalf("round %d, packet %d: Receive: %v, want the round counted at its first", round, i, rerr)
					}
				}
				p.toC = p.toC[:0]
				for _, f := range only(ev, EventFailed) {
					if calls[f.Call] && errors.Is(f.Err, ErrClockOffset) {
						delete(calls, f.Call)
					}
				}
				if len(calls) != 0 {
					t.Fatalf("round %d: events %+v, want every call failed with ErrClockOffset", round, ev)
				}
				switch {
				case round < clockRefusalLimit && err != nil:
					t.Fatalf("round %d: Receive: %v, want the connection kept", round, err)
				case round == clockRefusalLimit && !errors.Is(err, ErrClockOffset):
					t.Fatalf("Receive in round %d: %v, want ErrClockOffset", round, err)
				}
			}
		})
	}
}
