package mtp

import (
	"bytes"
	"runtime"
	"testing"
)

// TestEnqueueReusesAnsweredRecord: once a call is answered, the next Enqueue takes its
// record instead of allocating one, so a lone caller's steady state allocates nothing there;
// and a record still pointed to (a call answered while queued for a resend) is not reused.
func TestEnqueueReusesAnsweredRecord(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	req := body(0x11111111, 4)
	var mallocs uint64
	var ms runtime.MemStats
	const calls = 200
	for i := range calls + 20 {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		id := p.call(req, CallOptions{})
		runtime.ReadMemStats(&ms)
		if i >= 20 { // warm: the maps and the queue have their room
			mallocs += ms.Mallocs - before
		}
		if got := only(p.roundTrip(p.echo), EventResult); len(got) != 1 || got[0].Call != id {
			t.Fatalf("call %d: results %+v", id, got)
		}
	}
	if mallocs != 0 {
		t.Errorf("Enqueue allocated %d times in %d calls answered one after another, want 0", mallocs, calls)
	}
}

// TestAnsweredWhileQueuedNotReused: a call queued to go again under its msg_id (a reconnect)
// and answered before the next Flush stays in the send queue, cancelled, until that Flush:
// its record must not go to the next call, which the Flush would then skip, or send as the
// answered one.
func TestAnsweredWhileQueuedNotReused(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.PingInterval = -1 })
	p.openSession()
	req := body(0xa, 2)
	a := p.call(req, CallOptions{})
	p.flushC()
	for _, ev := range p.deliverS() {
		p.echo(ev)
	}
	p.flushS()
	p.c.OnConnect(p.now) // a goes again under its msg_id; its answer is on the way
	rec := p.c.calls[a]
	if got := only(p.deliverC(), EventResult); len(got) != 1 || got[0].Call != a {
		t.Fatalf("results %+v, want call %d answered", got, a)
	}
	next := body(0xb, 3)
	b := p.call(next, CallOptions{})
	if p.c.calls[b] == rec {
		t.Fatalf("call %d got the record of call %d, still in the send queue", b, a)
	}
	checkInvariants(t, p.c)
	p.flushC()
	plain := p.sentPlain()
	if len(plain) != 1 || !bytes.Contains(plain[0], next) || bytes.Contains(plain[0], req) {
		t.Fatalf("sent %x, want call %d only", plain, b)
	}
}
