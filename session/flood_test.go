package session_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// floodConn replays the last packet it read, as fast as the session reads, once flood is
// called: a peer (or anyone on the path) flooding the connection with packets the session
// must decrypt and drop as duplicates. The log handler of the session sees a record for each
// duplicate the loop drops, whatever its text or level, and through it keeps the loop's packet
// channel from running dry: it holds the loop until the reader has handed over the next
// packet, so the loop never finds the channel empty while the flood lasts, however the two
// goroutines are scheduled. Should the loop drop packets without a record, the flood runs out
// and the test fails (exhausted) instead of waiting.
type floodConn struct {
	session.PacketConn

	mu        sync.Mutex
	cond      *sync.Cond
	last      []byte // the last packet read from the connection
	left      int    // replays still to hand out
	entered   int    // flood reads; entering the nth, the reader sent the one before
	dropped   int    // log records during the flood: one per duplicate the loop dropped
	pauseAt   int    // the record at which the loop waits for resume
	paused    chan struct{}
	resume    chan struct{}
	exhausted chan struct{} // closed when the flood ran out
}

func newFloodConn(pc session.PacketConn) *floodConn {
	c := &floodConn{PacketConn: pc, paused: make(chan struct{}), resume: make(chan struct{}),
		exhausted: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *floodConn) ReadPacket() ([]byte, error) {
	c.mu.Lock()
	if c.left > 0 {
		c.left--
		if c.left == 0 {
			close(c.exhausted)
		}
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

// flood replays the last packet n times; the loop pauses at the pauseAt-th record.
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

// reads returns how many flood packets the reader has taken: the loop cannot have taken more.
func (c *floodConn) reads() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entered
}

// droppedDuplicate runs on the loop, inside Engine.Receive, for each log record.
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

// recordHook calls f for each log record, whatever its level and text.
type recordHook struct{ f func() }

func (h recordHook) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHook) Handle(context.Context, slog.Record) error {
	h.f()
	return nil
}
func (h recordHook) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHook) WithGroup(string) slog.Handler      { return h }

// TestCallWrittenDuringFlood: a call made while the connection is flooded with packets
// goes out after at most maxAfter more of them: the loop looks at its mailbox between
// batches instead of taking packets for as long as the reader has one (it took 3,941).
func TestCallWrittenDuringFlood(t *testing.T) {
	const (
		floodLen = 4000
		// pauseAt is the first duplicate: the loop's batch began at most a packet before
		// (with the pushed packet that starts the flood), so the call waits for about a
		// whole batch, and a batch raised well past 16 (to 64, say) fails here.
		pauseAt = 1
		// maxAfter bounds the flood packets the reader has taken when the call is written:
		// the loop's batch (16) and what the reader holds ahead of the loop (a channel of 8,
		// one in hand, the one the loop holds), with room to spare.
		maxAfter = 32
	)
	var fcp atomic.Pointer[floodConn]
	dialed := make(chan struct{}, 1)
	h := start(t, nil, func(o *session.Options) {
		o.Logger = slog.New(recordHook{f: func() {
			if fc := fcp.Load(); fc != nil {
				fc.droppedDuplicate()
			}
		}})
		wrapConns(o, func(pc session.PacketConn) session.PacketConn {
			fc := newFloodConn(pc)
			fcp.Store(fc)
			dialed <- struct{}{}
			return fc
		})
	})
	if err := h.echo(h.ctx, 1); err != nil {
		t.Fatal(err)
	}
	<-dialed
	fc := fcp.Load()
	fc.flood(floodLen, pauseAt)
	// The reader is waiting for a packet: one more, and its next read floods.
	h.srv.Push([]byte{0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0})
	select {
	case <-fc.paused: // the loop is in the middle of the flood, holding packet pauseAt
	case <-fc.exhausted:
		t.Fatal("the loop took the whole flood without a log record per dropped packet")
	}

	sent := make(chan int, 1)
	queued := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		ctx := session.OnSent(h.ctx, func(int64) {
			sent <- fc.reads()
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
	if got := <-sent - pauseAt; got > maxAfter {
		t.Errorf("call written with %d more flood packets read, want at most %d", got, maxAfter)
	}
}
