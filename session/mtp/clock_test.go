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
// whose msg_id time is off) that would put the offset beyond Config.MaxClockOffset is ignored
// with one warning: calls a bad_msg_notification rejected fail with its *BadMsgError, an
// answer is still taken, and the offset stays. Within the bound the clock is corrected.
func TestClockCorrectionBound(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name     string
		skew     time.Duration // server clock minus client clock
		unsynced bool
		limit    time.Duration // Config.MaxClockOffset, 0 for the default
		answer   bool          // the server accepts the call, then its clock jumps by skew
		wantCode int           // the call fails with this BadMsgError; 0: it is answered
		wantOff  time.Duration
	}{
		{name: "16 within a day", skew: 23 * time.Hour, wantOff: 23 * time.Hour},
		{name: "17 within a day", skew: -23 * time.Hour, wantOff: -23 * time.Hour},
		{name: "16 three days", skew: 3 * day, wantCode: 16},
		{name: "17 three days", skew: -3 * day, wantCode: 17},
		{name: "16 ten years", skew: 3650 * day, wantCode: 16},
		{name: "17 forty years", skew: -40 * 365 * day, wantCode: 17},
		{name: "16 three days, unsynced", skew: 3 * day, unsynced: true, wantCode: 16},
		{name: "16 three days, limit raised", skew: 3 * day, limit: 7 * day, wantOff: 3 * day},
		{name: "answer ten minutes ahead", skew: 10 * time.Minute, answer: true, wantOff: 10 * time.Minute},
		{name: "answer three days ahead", skew: 3 * day, answer: true},
		{name: "answer three days behind", skew: -3 * day, answer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			p := newPair(t, func(c, _ *Config) {
				c.TimeSynced = !tt.unsynced
				c.MaxClockOffset = tt.limit
				c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			req := body(0x77777777, 2)
			var call CallID
			if tt.answer {
				call = p.call(req, CallOptions{})
				p.flushC()
				reqs := only(p.deliverS(), EventRequest)
				if len(reqs) != 1 {
					t.Fatalf("server events %v, want the request", kinds(p.sEv))
				}
				p.skew = tt.skew
				p.echo(reqs[0])
			} else {
				p.skew = tt.skew
				p.s.OnConnect(p.serverNow())
				call = p.call(req, CallOptions{})
			}
			ev := p.roundTrip(p.echo)
			if tt.wantCode != 0 {
				var bm *BadMsgError
				f := only(ev, EventFailed)
				if len(f) != 1 || f[0].Call != call || !errors.As(f[0].Err, &bm) || bm.Code != tt.wantCode {
					t.Fatalf("events %+v: want call %d failed with BadMsgError %d", ev, call, tt.wantCode)
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
		})
	}
}

// TestClockCorrectionWarnsOnce: every correction beyond the bound is ignored, the first
// with a warning, the later ones with debug records.
func TestClockCorrectionWarnsOnce(t *testing.T) {
	var logs bytes.Buffer
	p := newPair(t, func(c, _ *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	p.skew = 3 * 24 * time.Hour
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
