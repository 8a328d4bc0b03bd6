// Package mtpserve runs the server side of one MTProto connection around an mtp.Engine: a
// goroutine that only reads packets, and the owner loop that flushes what the engine has
// ready, arms its timer and hands each packet, timer tick and wake-up to the caller. The test
// servers (session/sessiontest and the teletest module) both serve through it, so the rules of
// the loop (copy each packet before handing it over, flush before waiting, one timer for the
// earliest deadline, stop the reader before returning) exist once.
package mtpserve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/session/mtp"
)

// ErrNoIO reports a Loop without Read, Write, Close or Packet.
var ErrNoIO = errors.New("mtpserve: loop needs Read and Write")

// Loop is the owner goroutine of one server connection. Fill in the fields, then call Run
// once. Every callback runs on Run's goroutine except Read, which runs on a goroutine of its
// own.
type Loop struct {
	// Read returns the next packet from the client. Its result is copied before it is handed
	// to Packet, so it may reuse its buffer. An error ends Run with that error.
	Read func() ([]byte, error)
	// Write sends one packet to the client.
	Write func(pkt []byte) error
	// Now is the server clock (default time.Now).
	Now func() time.Time
	// Engine returns the engine whose packets the loop flushes and whose deadline it waits
	// for; nil while the connection has none (before its key exchange, say).
	Engine func() *mtp.Engine
	// Packet handles one packet from the client, typically Engine().Receive and the requests
	// it yields. An error ends Run with that error.
	Packet func(ctx context.Context, p []byte) error

	// Hold, if set and true, keeps the engine's packets queued instead of writing them (a
	// silent server).
	Hold func() bool
	// Wake, if set, is asked each turn for a channel; a receive from it runs OnWake. It may
	// return a different channel (or nil) each turn.
	Wake   func() <-chan struct{}
	OnWake func() error
	// Deadline, if set, returns a deadline of the caller's own (zero: none); the timer fires
	// at the earliest of it and the engine's.
	Deadline func() time.Time
	// Timer runs when the timer fires. Default: the engine's OnTimer.
	Timer func(now time.Time) error
	// Stop, if set, ends Run with a nil error when closed.
	Stop <-chan struct{}
	// Close is called with Run's result when Run ends, before it waits for the reader
	// goroutine: it must make Read return, typically by closing the connection (after sending
	// a transport error code the error calls for, say).
	Close func(err error)
	// Queue is how many packets may wait between the reader and the loop (default 16).
	Queue int

	wbuf []byte
}

// Run serves the connection until ctx ends or Stop is closed (nil error), or Read, Write,
// Packet, OnWake or Timer fail (that error). It returns after the reader goroutine has
// stopped, which Close must make possible.
func (l *Loop) Run(ctx context.Context) (err error) {
	if l.Read == nil || l.Write == nil || l.Close == nil || l.Packet == nil {
		return ErrNoIO
	}
	pkts := make(chan []byte, max(l.Queue, 1))
	rerr := make(chan error, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			p, err := l.Read()
			if err != nil {
				rerr <- err
				return
			}
			select {
			case pkts <- append([]byte(nil), p...):
			case <-done:
				return
			}
		}
	}()
	defer func() {
		close(done)
		l.Close(err)
		wg.Wait()
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if err := l.Flush(); err != nil {
			return err
		}
		l.arm(timer)
		var wake <-chan struct{}
		if l.Wake != nil {
			wake = l.Wake()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-l.Stop:
			return nil
		case err := <-rerr:
			return err
		case p := <-pkts:
			if err := l.Packet(ctx, p); err != nil {
				return err
			}
		case <-wake:
			if err := l.OnWake(); err != nil {
				return err
			}
		case <-timer.C:
			if err := l.tick(); err != nil {
				return err
			}
		}
	}
}

// Flush writes every packet the engine has ready, unless Hold says to keep them. Callers
// may use it from their callbacks to send what is queued ahead of what comes next.
func (l *Loop) Flush() error {
	eng := l.engine()
	if eng == nil || (l.Hold != nil && l.Hold()) {
		return nil
	}
	now := l.now()
	for eng.HasPending(now) {
		pkt, _, err := eng.Flush(now, l.wbuf[:0])
		if err != nil {
			return fmt.Errorf("mtpserve: flush: %w", err)
		}
		if len(pkt) == 0 {
			return nil
		}
		l.wbuf = pkt[:0]
		if err := l.Write(pkt); err != nil {
			return err
		}
	}
	return nil
}

// tick runs the timer callback, or the engine's timer.
func (l *Loop) tick() error {
	now := l.now()
	if l.Timer != nil {
		return l.Timer(now)
	}
	if eng := l.engine(); eng != nil {
		if _, err := eng.OnTimer(now); err != nil {
			return fmt.Errorf("mtpserve: engine timer: %w", err)
		}
	}
	return nil
}

// arm sets t to the earliest of the engine's deadline and the caller's, or stops it.
func (l *Loop) arm(t *time.Timer) {
	var d time.Time
	if eng := l.engine(); eng != nil {
		d = eng.NextDeadline()
	}
	if l.Deadline != nil {
		if own := l.Deadline(); !own.IsZero() && (d.IsZero() || own.Before(d)) {
			d = own
		}
	}
	t.Stop()
	if d.IsZero() {
		return
	}
	t.Reset(max(d.Sub(l.now()), time.Millisecond))
}

func (l *Loop) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func (l *Loop) engine() *mtp.Engine {
	if l.Engine == nil {
		return nil
	}
	return l.Engine()
}
