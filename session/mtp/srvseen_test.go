package mtp

import (
	"fmt"
	"testing"
	"time"
)

// TestRefusedServerTimeKeepsSalts: an answer whose msg_id time the engine refuses to set its
// clock to (implausible, or past MaxClockOffset) is taken, but its time is not the latest
// server time seen: salts expired at that time were dropped, so one answer dated 2040 emptied
// the future salts.
func TestRefusedServerTimeKeepsSalts(t *testing.T) {
	y2040 := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		unsynced  bool
		maxOffset time.Duration
		answerAt  func(now time.Time) time.Time // server time in the answer's msg_id
		saltsNow  func(now time.Time) time.Time // now of a future_salts answer, if set
	}{
		{name: "answer from 2040", answerAt: func(time.Time) time.Time { return y2040 }},
		{name: "answer from 2040, clock not synced", unsynced: true,
			answerAt: func(time.Time) time.Time { return y2040 }},
		{name: "answer past MaxClockOffset", maxOffset: time.Hour,
			answerAt: func(now time.Time) time.Time { return now.Add(48 * time.Hour) }},
		{name: "future_salts now in 2038", answerAt: func(now time.Time) time.Time { return now },
			saltsNow: func(time.Time) time.Time { return time.Date(2038, 1, 10, 0, 0, 0, 0, time.UTC) }},
		{name: "future_salts now past MaxClockOffset", maxOffset: time.Hour,
			answerAt: func(now time.Time) time.Time { return now },
			saltsNow: func(now time.Time) time.Time { return now.Add(48 * time.Hour) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) {
				c.PingInterval = -1
				c.TimeSynced = !tt.unsynced
				c.MaxClockOffset = tt.maxOffset
				if tt.saltsNow != nil {
					c.FutureSalts = 4
				}
			})
			salts := []Salt{
				{ValidSince: p.now.Add(-time.Minute), ValidUntil: p.now.Add(time.Hour), Salt: 0x51},
				{ValidSince: p.now.Add(time.Hour), ValidUntil: p.now.Add(2 * time.Hour), Salt: 0x52},
			}
			p.c.AddSalts(salts)
			at := msgIDAt(tt.answerAt(p.now)) | idServerOther
			if tt.saltsNow != nil {
				p.c.saltFetchDue = p.now
				p.advance(0)
				p.flushC()
				req := p.c.saltReq
				if req == nil || req.msgID == 0 {
					t.Fatal("no get_future_salts sent")
				}
				p.fromServerID(at, futureSalts(req.msgID, tt.saltsNow(p.now), nil))
				if p.c.saltReq != nil {
					t.Fatal("future_salts not taken")
				}
			} else {
				call := p.call(body(0x77777777, 1), CallOptions{})
				p.flushC()
				answer := le.AppendUint64(le.AppendUint32(nil, idRPCResult), uint64(p.c.MsgID(call)))
				ev := p.fromServerID(at, append(answer, body(0x5e5, 0)...))
				if r := only(ev, EventResult); len(r) != 1 || r[0].Call != call {
					t.Fatalf("events %+v: want the answer taken", ev)
				}
			}
			p.toS = p.toS[:0]
			if off := p.c.TimeOffset(); off != 0 {
				t.Fatalf("TimeOffset = %v, want the correction refused", off)
			}
			if got := p.c.Salt(p.now); got != 0x51 {
				t.Errorf("salt %#x, want 0x51", got)
			}
			if got, want := p.c.SaltValidUntil(), p.now.Add(2*time.Hour); !got.Equal(want) {
				t.Errorf("salts valid until %v, want %v", got, want)
			}
		})
	}
}

// TestCorrectedServerTimeSeen: a server time far from the engine's estimate that the engine
// takes as a clock correction (an answer, or bad_msg_notification 16/17, from a server an
// hour and a half ahead of the synced clock) is also the latest server time seen, so salts
// expired by then are dropped: the window seen applies is around the corrected server time.
func TestCorrectedServerTimeSeen(t *testing.T) {
	const ahead = 90 * time.Minute
	for _, code := range []int{0, 16} {
		t.Run(fmt.Sprint("code ", code), func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
			p.c.AddSalts([]Salt{
				{ValidSince: p.now.Add(-time.Minute), ValidUntil: p.now.Add(time.Hour), Salt: 0x51},
				{ValidSince: p.now.Add(time.Hour), ValidUntil: p.now.Add(2 * time.Hour), Salt: 0x52},
			})
			srv := p.now.Add(ahead)
			call := p.call(body(0x77777777, 1), CallOptions{})
			p.flushC()
			p.toS = p.toS[:0]
			at := msgIDAt(srv) | idServerOther
			if code != 0 {
				p.fromServerID(at, badMsg(p.c.MsgID(call), code))
			} else {
				answer := le.AppendUint64(le.AppendUint32(nil, idRPCResult), uint64(p.c.MsgID(call)))
				if r := only(p.fromServerID(at, append(answer, body(0x5e5, 0)...)), EventResult); len(r) != 1 {
					t.Fatal("answer not taken")
				}
			}
			if off := p.c.TimeOffset(); off.Round(time.Second) != ahead {
				t.Fatalf("TimeOffset = %v, want %v", off, ahead)
			}
			if got := p.c.srvSeen; !got.Equal(MsgIDTime(at)) {
				t.Errorf("srvSeen %v, want the corrected server time %v", got, MsgIDTime(at))
			}
			if got := p.c.Salt(p.now); got != 0x52 {
				t.Errorf("salt %#x, want 0x52", got)
			}
		})
	}
}
