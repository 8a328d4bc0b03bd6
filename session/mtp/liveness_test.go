package mtp

import (
	"errors"
	"testing"
	"time"
)

// TestRefusedPingsFailHealth: the pong deadline is kept when the server refuses the engine's
// ping with a notice and a fresh ping replaces it. Each notice set a new deadline, so a server
// refusing every ping (answering nothing else) kept the connection alive for ever: OnTimer
// never failed with ErrHealthTimeout. It now fails within MaxPongTimeout of the first ping,
// with a few pings sent meanwhile, not one per round trip, while a server that answers (pongs,
// or rpc_results to calls while it refuses pings) keeps it.
func TestRefusedPingsFailHealth(t *testing.T) {
	const (
		interval    = time.Minute
		pongTimeout = 10 * time.Second
		minPong     = 2 * time.Second
		step        = time.Second
		span        = 5 * time.Minute
	)
	tests := []struct {
		name string
		code int  // bad_msg_notification code refusing every ping; 0: the ping is answered
		pong bool // the server answers pings with pongs
		call bool // the server answers a call every step
		dies bool // OnTimer must fail with ErrHealthTimeout
	}{
		{name: "bad_server_salt", code: 48, dies: true},
		{name: "seqno too low", code: 32, dies: true},
		{name: "seqno too high", code: 33, dies: true},
		{name: "container msg_id reused", code: 19, dies: true},
		{name: "wrong low bits", code: 18, dies: true},
		{name: "pongs", pong: true},
		{name: "calls answered, pings refused", code: 48, call: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) {
				c.PingInterval = interval
				c.MinPongTimeout, c.MaxPongTimeout = minPong, pongTimeout
			})
			start := p.now
			var firstPing time.Time
			var pings []int64
			for i := 0; p.now.Sub(start) < span; i++ {
				if i > 2*int(span/step) {
					t.Fatalf("%d pings by %v: one per round trip", len(pings), p.now.Sub(start))
				}
				d := step
				if dl := p.c.NextDeadline(); !dl.IsZero() && !dl.After(p.now) {
					d = 0 // due now: a ping replacing a refused one
				}
				cerr, _ := p.advance(d)
				if cerr != nil {
					if !errors.Is(cerr, ErrHealthTimeout) {
						t.Fatalf("OnTimer: %v, want ErrHealthTimeout", cerr)
					}
					if !tt.dies {
						t.Fatalf("health timeout %v after the first ping, want none", p.now.Sub(firstPing))
					}
					if late := p.now.Sub(firstPing); late > pongTimeout {
						t.Fatalf("health timeout %v after the first ping, want within %v", late, pongTimeout)
					}
					// The first pingRefusalGrace go again at once, then one per MinPongTimeout.
					if most := 1 + pingRefusalGrace + int(pongTimeout/minPong); len(pings) > most {
						t.Errorf("%d pings before the health timeout, want at most %d", len(pings), most)
					}
					return
				}
				var call CallID
				if tt.call {
					call = p.call(body(0xca11, 1), CallOptions{})
				}
				p.flushC()
				if ping := p.c.ping; ping != nil && ping.msgID != 0 && !ping.queued {
					if firstPing.IsZero() {
						firstPing = p.now
					}
					if n := len(pings); n == 0 || pings[n-1] != ping.msgID {
						pings = append(pings, ping.msgID)
					}
					if tt.code != 0 {
						p.fromServer(notice(ping.msgID, tt.code, testSalt))
					}
				}
				if tt.pong {
					p.deliverS()
					p.flushS()
					p.deliverC()
				}
				p.toS = p.toS[:0]
				if call != 0 {
					res := le.AppendUint64(le.AppendUint32(nil, idRPCResult), uint64(p.c.MsgID(call)))
					if r := only(p.fromServer(append(res, body(0x5e5, 0)...)), EventResult); len(r) != 1 {
						t.Fatalf("call %d not answered: %+v", call, r)
					}
				}
			}
			if firstPing.IsZero() {
				t.Fatal("no ping sent")
			}
			if tt.dies {
				t.Fatalf("no health timeout in %v of refused pings", p.now.Sub(firstPing))
			}
		})
	}
}

// notice encodes bad_msg_notification about msg_id bad with code, or bad_server_salt with
// salt for code 48.
func notice(bad int64, code int, salt int64) []byte {
	if code != 48 {
		return badMsg(bad, code)
	}
	b := le.AppendUint32(nil, idBadServerSalt)
	b = append(b, badMsg(bad, code)[4:]...)
	return le.AppendUint64(b, uint64(salt))
}

// TestRefusedPingSlowRoundTrip: a ping the server refuses for a cause the notice mends (a new
// salt, as the first message of a reconnect with an old salt gets, then a clock correction)
// goes again with its own pong timeout. Kept under the first ping's deadline, the replacement
// of a ping refused after a round trip longer than half the pong timeout (a measured RTT of
// 100 ms, so 5 s, then 3 s round trips on a slower network) could not be answered in time:
// the connection failed its health check while the server answered everything.
func TestRefusedPingSlowRoundTrip(t *testing.T) {
	const (
		minPong = 5 * time.Second
		rtt     = 3 * time.Second
	)
	tests := []struct {
		name  string
		codes []int // notices refusing the first pings, in order
	}{
		{name: "bad_server_salt", codes: []int{48}},
		{name: "seqno then bad_server_salt", codes: []int{32, 48}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) {
				c.PingInterval = time.Minute
				c.MinPongTimeout, c.MaxPongTimeout = minPong, 30*time.Second
			})
			// One fast ping answered: the pong timeout follows the 100 ms RTT, so MinPongTimeout.
			p.c.PingNow(p.now)
			p.flushC()
			p.deliverS()
			p.flushS()
			p.now = p.now.Add(100 * time.Millisecond)
			p.deliverC()
			if p.c.RTT() == 0 || p.c.ping != nil {
				t.Fatalf("first pong not taken (RTT %v)", p.c.RTT())
			}
			wait := func(d time.Duration) {
				t.Helper()
				for end := p.now.Add(d); p.now.Before(end); {
					if cerr, _ := p.advance(min(time.Second, end.Sub(p.now))); cerr != nil {
						t.Fatalf("OnTimer: %v after the server answered everything", cerr)
					}
				}
			}
			wait(time.Minute) // the next ping
			if p.c.ping == nil {
				t.Fatal("no ping a minute after the pong")
			}
			for _, code := range tt.codes {
				p.flushC()
				p.toS = p.toS[:0]
				wait(rtt)
				p.fromServer(notice(p.c.ping.msgID, code, testSalt))
				for p.c.ping == nil {
					wait(time.Second) // the replacement
				}
			}
			p.flushC()
			p.deliverS()
			p.flushS()
			wait(rtt)
			p.deliverC()
			if p.c.ping != nil {
				t.Fatal("pong to the replacement not taken")
			}
		})
	}
}
