// Package transporttest has test helpers for code built on transport: a
// buffered in-memory pipe, connections that cut, delay or corrupt the stream
// after N bytes, a loopback echo server and lookup of the proxy daemons that
// scripts/services.d/proxies.sh starts.
package transporttest

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// Pipe returns the two ends of a full-duplex in-memory connection. Unlike
// net.Pipe, writes never wait for a reader: each direction is an unbounded
// buffer, so a test can write a whole handshake before reading. Deadlines are
// honoured and Close on either end gives EOF to the other's reads after the
// buffered bytes.
func Pipe() (net.Conn, net.Conn) {
	a, b := newHalf(), newHalf()
	return &pipeConn{r: a, w: b, local: pipeAddr("a"), remote: pipeAddr("b")},
		&pipeConn{r: b, w: a, local: pipeAddr("b"), remote: pipeAddr("a")}
}

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return "pipe-" + string(a) }

// half is one direction of a Pipe.
type half struct {
	mu       sync.Mutex
	buf      []byte
	off      int
	closed   bool // writer closed: EOF after the buffer drains
	rclosed  bool // reader closed: reads fail at once
	deadline time.Time
	wake     chan struct{}
}

func newHalf() *half { return &half{wake: make(chan struct{}, 1)} }

func (h *half) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *half) read(p []byte) (int, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		h.mu.Lock()
		if h.rclosed {
			h.mu.Unlock()
			return 0, net.ErrClosed
		}
		if h.off < len(h.buf) {
			n := copy(p, h.buf[h.off:])
			h.off += n
			if h.off == len(h.buf) {
				h.buf, h.off = h.buf[:0], 0
			}
			h.mu.Unlock()
			return n, nil
		}
		if h.closed {
			h.mu.Unlock()
			return 0, io.EOF
		}
		dl := h.deadline
		h.mu.Unlock()
		var expire <-chan time.Time
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			if timer == nil {
				timer = time.NewTimer(d)
			} else {
				timer.Reset(d)
			}
			expire = timer.C
		}
		select {
		case <-h.wake:
		case <-expire:
		}
	}
}

func (h *half) write(p []byte) (int, error) {
	h.mu.Lock()
	if h.closed || h.rclosed {
		h.mu.Unlock()
		return 0, net.ErrClosed
	}
	h.buf = append(h.buf, p...)
	h.mu.Unlock()
	h.signal()
	return len(p), nil
}

type pipeConn struct {
	r, w          *half
	local, remote net.Addr
	once          sync.Once
}

func (c *pipeConn) Read(p []byte) (int, error)  { return c.r.read(p) }
func (c *pipeConn) Write(p []byte) (int, error) { return c.w.write(p) }

func (c *pipeConn) Close() error {
	c.once.Do(func() {
		c.w.mu.Lock()
		c.w.closed = true
		c.w.mu.Unlock()
		c.w.signal()
		c.r.mu.Lock()
		c.r.rclosed = true
		c.r.mu.Unlock()
		c.r.signal()
	})
	return nil
}

func (c *pipeConn) LocalAddr() net.Addr  { return c.local }
func (c *pipeConn) RemoteAddr() net.Addr { return c.remote }

func (c *pipeConn) SetDeadline(t time.Time) error {
	_ = c.SetWriteDeadline(t)
	return c.SetReadDeadline(t)
}

func (c *pipeConn) SetReadDeadline(t time.Time) error {
	c.r.mu.Lock()
	c.r.deadline = t
	c.r.mu.Unlock()
	c.r.signal()
	return nil
}

// SetWriteDeadline is accepted and ignored: writes never block.
func (c *pipeConn) SetWriteDeadline(time.Time) error { return nil }

// ErrCut is returned by a Faulty connection once its byte budget is spent.
var ErrCut = errors.New("transporttest: connection cut")

// Loopback is a single-goroutine net.Conn whose writes become its own reads.
// It does no locking and allocates nothing once its buffer has grown, which
// makes it the pipe for zero-allocation benchmarks of a writer and a reader
// driven in turn. Reading an empty Loopback returns io.EOF.
type Loopback struct {
	buf []byte
	off int
}

// Read consumes written bytes.
func (l *Loopback) Read(p []byte) (int, error) {
	if l.off == len(l.buf) {
		return 0, io.EOF
	}
	n := copy(p, l.buf[l.off:])
	l.off += n
	if l.off == len(l.buf) {
		l.buf, l.off = l.buf[:0], 0
	}
	return n, nil
}

// Write appends p for later reads.
func (l *Loopback) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	return len(p), nil
}

// Buffered returns the written bytes not yet read, aliasing the buffer.
func (l *Loopback) Buffered() []byte { return l.buf[l.off:] }

// Close does nothing.
func (l *Loopback) Close() error { return nil }

// LocalAddr returns a placeholder address.
func (l *Loopback) LocalAddr() net.Addr { return pipeAddr("loopback") }

// RemoteAddr returns a placeholder address.
func (l *Loopback) RemoteAddr() net.Addr { return pipeAddr("loopback") }

// SetDeadline is ignored: a Loopback never blocks.
func (l *Loopback) SetDeadline(time.Time) error { return nil }

// SetReadDeadline is ignored.
func (l *Loopback) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline is ignored.
func (l *Loopback) SetWriteDeadline(time.Time) error { return nil }
