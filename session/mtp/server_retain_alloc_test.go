package mtp

import (
	"testing"
	"time"
)

// retainCycle returns one step of a session at rest: the server pushes an update and writes
// it, the client reads it and acknowledges it, the server reads the ack. Buffers are reused.
func retainCycle(t *testing.T, retain int) func() {
	p := newPair(t, func(_, s *Config) { s.RetainMessages = retain })
	p.openSession()
	update := body(0x7000, 3)
	var sbuf, cbuf []byte
	return func() {
		if err := p.s.Push(update); err != nil {
			t.Fatal(err)
		}
		pkt, _, err := p.s.Flush(p.serverNow(), sbuf[:0])
		if err != nil {
			t.Fatal(err)
		}
		sbuf = pkt
		if _, err := p.c.Receive(p.now, pkt); err != nil {
			t.Fatal(err)
		}
		p.now = p.now.Add(p.c.cfg.AckDelay)
		pkt, _, err = p.c.Flush(p.now, cbuf[:0])
		if err != nil {
			t.Fatal(err)
		}
		cbuf = pkt
		if _, err := p.s.Receive(p.serverNow(), pkt); err != nil {
			t.Fatal(err)
		}
		p.now = p.now.Add(time.Millisecond)
	}
}

// TestRetainAllocs: keeping sent messages until their ack costs no allocation per message
// once a session is warm: the store's map and queue reuse their room.
func TestRetainAllocs(t *testing.T) {
	allocs := func(retain int) float64 {
		step := retainCycle(t, retain)
		for range 2000 {
			step()
		}
		return testing.AllocsPerRun(500, step)
	}
	off, on := allocs(-1), allocs(0)
	if on > off {
		t.Fatalf("%.1f allocations per update with the store, %.1f without", on, off)
	}
}

// BenchmarkServerPushAck is retainCycle per op, with the store on and off.
func BenchmarkServerPushAck(b *testing.B) {
	for _, bc := range []struct {
		name   string
		retain int
	}{{"retain=on", 0}, {"retain=off", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			step := retainCycle(&testing.T{}, bc.retain)
			b.ReportAllocs()
			for b.Loop() {
				step()
			}
		})
	}
}

// TestRetainedIdleSmall: once everything is acknowledged the store holds no room a burst left
// behind, so an idle session costs a few words.
func TestRetainedIdleSmall(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	p.pushUpdates(DefaultRetainMessages)
	p.deliverC()
	p.deliverAcks()
	for p.c.HasPending(p.now) { // acks beyond one batch
		p.deliverAcks()
	}
	if n, _ := p.s.Retained(); n != 0 {
		t.Fatalf("server keeps %d acknowledged messages", n)
	}
	if c := cap(p.s.kept.order); c > maxIdleCap {
		t.Fatalf("idle store keeps room for %d entries after the burst", c)
	}
}

// TestRetainedNeverAcked: a client that never acknowledges holds the store at its bound: the
// queue's room stays within a constant factor of the bound however much is sent.
func TestRetainedNeverAcked(t *testing.T) {
	p := newPair(t, func(_, s *Config) { s.RetainMessages = 16 })
	p.openSession()
	for range 500 {
		p.pushUpdates(10)
		p.toC = nil
	}
	if n, _ := p.s.Retained(); n != 16 {
		t.Fatalf("server keeps %d messages, want its bound of 16", n)
	}
	if c := cap(p.s.kept.order); c > 4*maxIdleCap {
		t.Fatalf("store queue has room for %d entries for 16 kept", c)
	}
}
