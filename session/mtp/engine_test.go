package mtp

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPairUsage shows the test helper: the client calls, the server echoes, the client gets
// the result.
func TestPairUsage(t *testing.T) {
	p := newPair(t, nil)
	req := body(0x11111111, 3)
	call := p.call(req, CallOptions{})
	ev := p.roundTrip(p.echo)
	res := only(ev, EventResult)
	if len(res) != 1 || res[0].Call != call || !bytes.Equal(res[0].Body, req) {
		t.Fatalf("client events %v, want one result for call %d", ev, call)
	}
	if got := only(ev, EventNewSession); len(got) != 1 {
		t.Errorf("new_session_created events = %d, want 1", len(got))
	}
	if p.s.SessionID() != testSession {
		t.Errorf("server session = %#x, want the client's", p.s.SessionID())
	}
	if p.c.Pending() != 0 {
		t.Errorf("client still holds %d calls", p.c.Pending())
	}
}

func TestContainerBatching(t *testing.T) {
	p := newPair(t, nil)
	var reqs [][]byte
	for i := range 5 {
		r := body(0x22220000+uint32(i), i)
		reqs = append(reqs, r)
		p.call(r, CallOptions{})
	}
	if n := p.flushC(); n != 1 {
		t.Fatalf("client sent %d packets for 5 calls, want one container", n)
	}
	ev := p.deliverS()
	var got [][]byte
	for _, e := range only(ev, EventRequest) {
		got = append(got, e.Body)
	}
	if diff := cmp.Diff(reqs, got); diff != "" {
		t.Errorf("server requests (-want +got):\n%s", diff)
	}
}

func TestContainerCaps(t *testing.T) {
	tests := []struct {
		name        string
		maxMsgs     int
		maxBytes    int
		calls, size int
		wantPackets int
	}{
		{"count", 4, 0, 10, 1, 3},
		{"bytes", 0, 200, 6, 20, 3}, // 6 bodies of 84 bytes + 16 header: two per packet
		{"oversized body alone", 0, 64, 2, 40, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t, func(c, _ *Config) {
				c.MaxContainerMessages = tt.maxMsgs
				c.MaxContainerBytes = tt.maxBytes
			})
			for i := range tt.calls {
				p.call(body(uint32(i+1), tt.size), CallOptions{})
			}
			if n := p.flushC(); n != tt.wantPackets {
				t.Errorf("packets = %d, want %d", n, tt.wantPackets)
			}
			if n := len(only(p.deliverS(), EventRequest)); n != tt.calls {
				t.Errorf("server got %d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestGzipBothWays(t *testing.T) {
	p := newPair(t, func(c, s *Config) { c.GzipThreshold = 256; s.GzipThreshold = 256 })
	big := append(body(0x33333333, 0), make([]byte, 4000)...) // compressible
	call := p.call(big, CallOptions{})
	p.flushC()
	if n := len(p.toS[0]); n > len(big)/2 {
		t.Errorf("packet of %d bytes for a %d-byte compressible body: not gzipped", n, len(big))
	}
	ev := p.roundTrip(p.echo)
	res := only(append(p.sEv, ev...), EventRequest)
	if len(res) != 1 || !bytes.Equal(res[0].Body, big) {
		t.Fatalf("server did not get the unpacked request")
	}
	got := only(ev, EventResult)
	if len(got) != 1 || got[0].Call != call || !bytes.Equal(got[0].Body, big) {
		t.Fatalf("client did not get the unpacked result")
	}
}

func TestRPCError(t *testing.T) {
	p := newPair(t, nil)
	call := p.call(body(0x44444444, 0), CallOptions{})
	ev := p.roundTrip(func(ev Event) { p.s.ReplyError(ev.MsgID, 420, "FLOOD_WAIT_3") })
	got := only(ev, EventRPCError)
	want := []Event{{Kind: EventRPCError, Call: call, MsgID: got[0].MsgID, ErrorCode: 420, ErrorMessage: "FLOOD_WAIT_3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEnqueueRejects(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.MaxMessageSize = 64 })
	tests := []struct {
		call CallID
		body []byte
		want error
	}{
		{0, body(1, 0), ErrBadCall},
		{1, []byte{1, 2, 3}, ErrBadCall},
		{1, []byte{1, 2, 3, 4, 5}, ErrBadCall},
		{1, body(1, 20), ErrTooLarge},
	}
	for _, tt := range tests {
		if err := p.c.Enqueue(tt.call, tt.body, CallOptions{}); !errors.Is(err, tt.want) {
			t.Errorf("Enqueue(%d, %d bytes) = %v, want %v", tt.call, len(tt.body), err, tt.want)
		}
	}
	p.call(body(1, 0), CallOptions{})
	if err := p.c.Enqueue(1, body(1, 0), CallOptions{}); !errors.Is(err, ErrBadCall) {
		t.Errorf("duplicate call id: %v", err)
	}
}

func TestDuplicatePacketIgnored(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(0x55555555, 0), CallOptions{})
	p.flushC()
	pkt := p.toS[0]
	p.toS = append(p.toS, pkt)
	if n := len(only(p.deliverS(), EventRequest)); n != 1 {
		t.Errorf("server handed up %d requests for a duplicated packet, want 1", n)
	}
	p.s.Reply(p.sEv[0].MsgID, body(1, 0))
	p.flushS()
	p.toC = append(p.toC, p.toC...)
	if n := len(only(p.deliverC(), EventResult)); n != 1 {
		t.Errorf("client got %d results for a duplicated packet, want 1", n)
	}
}

func TestWrongKeyAndCorruptPacket(t *testing.T) {
	p := newPair(t, nil)
	p.call(body(0x55555555, 0), CallOptions{})
	p.flushC()
	pkt := p.toS[0]
	bad := append([]byte(nil), pkt...)
	bad[0] ^= 1
	if _, err := p.s.Receive(p.now, bad); err == nil {
		t.Error("packet with a foreign auth_key_id accepted")
	}
	bad = append([]byte(nil), pkt...)
	bad[len(bad)-1] ^= 1
	if _, err := p.s.Receive(p.now, bad); err == nil {
		t.Error("corrupted packet accepted")
	}
	if _, err := p.c.Receive(p.now, append([]byte(nil), pkt...)); err == nil {
		t.Error("client accepted its own packet (wrong direction keys)")
	}
}

func TestAcksBatched(t *testing.T) {
	p := newPair(t, func(c, _ *Config) { c.AckDelay = time.Second; c.AckBatch = 3 })
	// Server pushes two updates: the client holds the acks until the delay.
	p.call(body(1, 0), CallOptions{})
	p.roundTrip(p.echo)
	p.now = p.now.Add(time.Second) // let the ack of the result go
	p.flushC()
	p.deliverS()
	for range 2 {
		if err := p.s.Push(body(0x66666666, 1)); err != nil {
			t.Fatal(err)
		}
	}
	p.flushS()
	if n := len(only(p.deliverC(), EventUpdate)); n != 2 {
		t.Fatalf("updates = %d, want 2", n)
	}
	if p.c.HasPending(p.now) {
		t.Error("acks sent before the delay or the batch size")
	}
	if d := p.c.NextDeadline(); !d.Equal(p.now.Add(time.Second)) {
		t.Errorf("NextDeadline = %v, want ack delay", d.Sub(p.now))
	}
	p.now = p.now.Add(time.Second)
	if !p.c.HasPending(p.now) {
		t.Error("acks not due after the delay")
	}
	// A third update fills the batch.
	p.s.Push(body(0x66666666, 1))
	p.flushS()
	p.deliverC()
	if n := p.flushC(); n != 1 {
		t.Errorf("ack packets = %d, want 1", n)
	}
	if p.c.HasPending(p.now) {
		t.Error("acks left after flush")
	}
}
