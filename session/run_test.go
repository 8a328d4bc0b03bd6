package session_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
)

// failingWrites is a Dialer whose connections fail their next write once armed.
type failingWrites struct {
	session.Dialer
	armed atomic.Bool
}

var errWriteFault = errors.New("write fault")

func (d *failingWrites) DialPacket(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
	pc, err := d.Dialer.DialPacket(ctx, dc, addr)
	if err != nil {
		return nil, err
	}
	return &faultyConn{PacketConn: pc, d: d}, nil
}

type faultyConn struct {
	session.PacketConn
	d *failingWrites
}

func (c *faultyConn) WritePacket(p []byte) error {
	if c.d.armed.CompareAndSwap(true, false) {
		_ = c.PacketConn.Close()
		return errWriteFault
	}
	return c.PacketConn.WritePacket(p)
}

// A lone caller writes its own call (the loop waits); when that write fails, the loop still
// replaces the connection and the call is answered on the next one.
func TestLoneCallerWriteFails(t *testing.T) {
	var d *failingWrites
	h := start(t, nil, func(o *session.Options) {
		d = &failingWrites{Dialer: o.Dialer}
		o.Dialer = d
	})
	for n := range int64(3) {
		if err := h.echo(h.ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	d.armed.Store(true)
	if err := h.echo(h.ctx, 10); err != nil {
		t.Fatalf("call whose write failed: %v", err)
	}
	if got := h.conn.Stats().Dials; got != 2 {
		t.Errorf("dials = %d, want 2 (the failed write replaced the connection)", got)
	}
}

// Calls alternate between a lone caller, who writes and is answered without the loop, and
// bursts of concurrent callers, which go through the loop; every answer reaches its caller.
func TestLoneAndConcurrentCallers(t *testing.T) {
	h := start(t, nil, nil)
	for round := range int64(20) {
		if err := h.echo(h.ctx, round); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range int64(8) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := h.echo(h.ctx, round*100+i); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
}
