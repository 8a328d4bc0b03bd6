package transporttest

import (
	"net"
	"sync"
	"time"
)

// Fault describes how a Faulty connection misbehaves. Zero fields disable
// the matching fault.
type Fault struct {
	// CutReadAfter closes the connection once this many bytes were read;
	// the read that crosses the limit returns the bytes up to it.
	CutReadAfter int
	// CutWriteAfter closes the connection once this many bytes were
	// written; the write that crosses the limit writes up to it and fails.
	CutWriteAfter int
	// CorruptReadAt flips every bit of the read byte at this 1-based offset.
	CorruptReadAt int
	// ReadDelay sleeps before each read.
	ReadDelay time.Duration
	// WriteDelay sleeps before each write.
	WriteDelay time.Duration
}

// Faulty wraps c with the given faults. Byte offsets count from the wrap.
func Faulty(c net.Conn, f Fault) net.Conn { return &faulty{Conn: c, f: f} }

// CutAfter returns c cut after n bytes in either direction.
func CutAfter(c net.Conn, n int) net.Conn {
	return Faulty(c, Fault{CutReadAfter: n, CutWriteAfter: n})
}

// DelayEach returns c with every read and write delayed by d.
func DelayEach(c net.Conn, d time.Duration) net.Conn {
	return Faulty(c, Fault{ReadDelay: d, WriteDelay: d})
}

// CorruptAt returns c with the n-th byte read (1-based) flipped.
func CorruptAt(c net.Conn, n int) net.Conn { return Faulty(c, Fault{CorruptReadAt: n}) }

type faulty struct {
	net.Conn
	f      Fault
	mu     sync.Mutex
	nread  int
	nwrite int
}

func (c *faulty) Read(p []byte) (int, error) {
	if c.f.ReadDelay > 0 {
		time.Sleep(c.f.ReadDelay)
	}
	c.mu.Lock()
	done := c.nread
	c.mu.Unlock()
	if c.f.CutReadAfter > 0 {
		left := c.f.CutReadAfter - done
		if left <= 0 {
			_ = c.Conn.Close()
			return 0, ErrCut
		}
		if len(p) > left {
			p = p[:left]
		}
	}
	n, err := c.Conn.Read(p)
	if at := c.f.CorruptReadAt - done - 1; c.f.CorruptReadAt > 0 && at >= 0 && at < n {
		p[at] ^= 0xff
	}
	c.mu.Lock()
	c.nread += n
	c.mu.Unlock()
	return n, err
}

func (c *faulty) Write(p []byte) (int, error) {
	if c.f.WriteDelay > 0 {
		time.Sleep(c.f.WriteDelay)
	}
	if c.f.CutWriteAfter > 0 {
		c.mu.Lock()
		left := c.f.CutWriteAfter - c.nwrite
		c.mu.Unlock()
		if len(p) > left {
			n := 0
			if left > 0 {
				n, _ = c.Conn.Write(p[:left])
			}
			c.mu.Lock()
			c.nwrite += n
			c.mu.Unlock()
			_ = c.Conn.Close()
			return n, ErrCut
		}
	}
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.nwrite += n
	c.mu.Unlock()
	return n, err
}
