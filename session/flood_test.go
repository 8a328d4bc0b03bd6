package session_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// floodConn replays the last packet it read, as fast as the session reads, once flood is
// called: a peer (or anyone on the path) flooding the connection with packets the session
// must decrypt and drop as duplicates. Its log handler sees each duplicate the loop drops
// and keeps the loop's packet channel from running dry: it holds the loop until the reader
// has handed over the next packet, so the loop never finds the channel empty while the flood
// lasts, however the two goroutines are scheduled.
type floodConn struct {
	session.PacketConn

	mu      sync.Mutex
	cond    *sync.Cond
	last    []byte // the last packet read from the connection
	left    int    // replays still to hand out
	entered int    // ReadPacket calls during the flood: entering the nth, the reader sent the one before
	dropped int    // duplicates the loop dropped during the flood
	pauseAt int    // the duplicate at which the loop waits for resume
	paused  chan struct{}
	resume  chan struct{}
}

func newFloodConn(pc session.PacketConn) *floodConn {
	c := &floodConn{PacketConn: pc, paused: make(chan struct{}), resume: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *floodConn) ReadPacket() ([]byte, error) {
	c.mu.Lock()
	if c.left > 0 {
		c.left--
		c.entered++
		c.cond.Broadcast()
		p := c.last // the reader copies it before its next read
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	p, err := c.PacketConn.ReadPacket()
	if err == nil {
		c.mu.Lock()
		c.last = append(c.last[:0], p...)
		c.mu.Unlock()
	}
	return p, err
}

// flood replays the last packet n times; the loop pauses at the pauseAt-th duplicate.
func (c *floodConn) flood(n, pauseAt int) {
	c.mu.Lock()
	c.left, c.pauseAt = n, pauseAt
	c.mu.Unlock()
}

// stop ends the flood.
func (c *floodConn) stop() {
	c.mu.Lock()
	c.left = 0
	c.cond.Broadcast()
	c.mu.Unlock()
}

func (c *floodConn) drops() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

// droppedDuplicate runs on the loop, inside Engine.Receive.
func (c *floodConn) droppedDuplicate() {
	c.mu.Lock()
	if c.left == 0 {
		c.mu.Unlock()
		return
	}
	c.dropped++
	n := c.dropped
	c.mu.Unlock()
	if n == c.pauseAt {
		c.paused <- struct{}{}
		<-c.resume
	}
	c.mu.Lock()
	// The loop holds packet n (or n+1 when the first replay was no duplicate); once the reader
	// entered read n+3, packet n+2 is in the channel.
	for c.left > 0 && c.entered < n+3 {
		c.cond.Wait()
	}
	c.mu.Unlock()
}

// dupHook calls f for each "duplicate msg_id" record.
type dupHook struct{ f func() }

func (h dupHook) Enabled(context.Context, slog.Level) bool { return true }
func (h dupHook) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "mtp: message dropped" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "reason" && a.Value.String() == "duplicate msg_id" {
			h.f()
			return false
		}
		return true
	})
	return nil
}
func (h dupHook) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h dupHook) WithGroup(string) slog.Handler      { return h }

// TestCallWrittenDuringFlood: a call made while the connection is flooded with packets
// goes out after at most session.PacketBatch more of them: the loop looks at its mailbox
// between batches instead of taking packets for as long as the reader has one.
func TestCallWrittenDuringFlood(t *testing.T) {
	const (
		floodLen = 4000
		pauseAt  = 50
	)
	var fc *floodConn
	dialed := make(chan struct{}, 1)
	h := start(t, nil, func(o *session.Options) {
		o.Logger = slog.New(dupHook{f: func() { fc.droppedDuplicate() }})
		wrapConns(o, func(pc session.PacketConn) session.PacketConn {
			fc = newFloodConn(pc)
			dialed <- struct{}{}
			return fc
		})
	})
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	<-dialed
	fc.flood(floodLen, pauseAt)
	// The reader is waiting for a packet: one more, and its next read floods.
	h.srv.Push([]byte{0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0})
	<-fc.paused // the loop is in the middle of the flood, holding duplicate pauseAt

	sent := make(chan int, 1)
	queued := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		ctx := session.OnSent(h.ctx, func(int64) {
			sent <- fc.drops()
			fc.stop()
		})
		var out sessiontest.Payload
		errc <- session.InvokeQueued(ctx, h.conn, &sessiontest.Payload{N: 2, Data: []byte("x")}, &out,
			func() { close(queued) })
	}()
	<-queued
	fc.resume <- struct{}{}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if got := <-sent - pauseAt; got > session.PacketBatch {
		t.Errorf("call written after %d more flood packets, want at most %d", got, session.PacketBatch)
	}
}
