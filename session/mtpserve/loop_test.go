package mtpserve

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
)

// pipe is the client side of a fake connection: packets go in through in; closing it makes
// Read fail.
type pipe struct {
	in     chan []byte
	closed chan struct{}
}

func newPipe() *pipe { return &pipe{in: make(chan []byte), closed: make(chan struct{})} }

func (p *pipe) read() ([]byte, error) {
	select {
	case b := <-p.in:
		return b, nil
	case <-p.closed:
		return nil, io.EOF
	}
}

func (p *pipe) close(error) {
	select {
	case <-p.closed:
	default:
		close(p.closed)
	}
}

func serverEngine(t *testing.T) *mtp.Engine {
	t.Helper()
	var k [256]byte
	if _, err := rand.Read(k[:]); err != nil {
		t.Fatal(err)
	}
	e, err := mtp.New(mtp.Config{Side: crypto.Server, AuthKey: crypto.NewAuthKey(k), Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestLoopEndings(t *testing.T) {
	errPacket := errors.New("bad packet")
	errWake := errors.New("wake failed")
	tests := []struct {
		name string
		act  func(p *pipe, stop chan struct{}, wake chan struct{}, cancel context.CancelFunc)
		want error
	}{
		{"read error", func(p *pipe, _, _ chan struct{}, _ context.CancelFunc) { p.close(nil) }, io.EOF},
		{"packet error", func(p *pipe, _, _ chan struct{}, _ context.CancelFunc) { p.in <- []byte("bad") }, errPacket},
		{"wake error", func(_ *pipe, _, wake chan struct{}, _ context.CancelFunc) { wake <- struct{}{} }, errWake},
		{"stop", func(_ *pipe, stop, _ chan struct{}, _ context.CancelFunc) { close(stop) }, nil},
		{"context", func(_ *pipe, _, _ chan struct{}, cancel context.CancelFunc) { cancel() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPipe()
			stop, wake := make(chan struct{}), make(chan struct{})
			var closedWith error
			closes := 0
			l := Loop{
				Read:   p.read,
				Write:  func([]byte) error { return nil },
				Close:  func(err error) { closes++; closedWith = err; p.close(err) },
				Packet: func(context.Context, []byte) error { return errPacket },
				Wake:   func() <-chan struct{} { return wake },
				OnWake: func() error { return errWake },
				Stop:   stop,
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- l.Run(ctx) }()
			tt.act(p, stop, wake, cancel)
			err := <-done
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Run = %v, want %v", err, tt.want)
			}
			if closes != 1 || closedWith != err {
				t.Fatalf("Close called %d times with %v, want once with %v", closes, closedWith, err)
			}
		})
	}
}

func TestLoopNeedsIO(t *testing.T) {
	if err := (&Loop{}).Run(context.Background()); !errors.Is(err, ErrNoIO) {
		t.Fatalf("Run of an empty loop = %v, want ErrNoIO", err)
	}
}

// TestLoopFlushAndTimer: what the engine queues is written before the loop waits, unless
// held; the caller's own deadline fires its Timer; packets are copied before Packet sees them.
func TestLoopFlushAndTimer(t *testing.T) {
	eng := serverEngine(t)
	p := newPipe()
	written := make(chan []byte, 4)
	ticks := make(chan time.Time, 1)
	hold := true
	var seen []byte
	due := time.Now().Add(time.Millisecond)
	l := Loop{
		Read:   p.read,
		Write:  func(b []byte) error { written <- append([]byte(nil), b...); return nil },
		Close:  p.close,
		Engine: func() *mtp.Engine { return eng },
		Hold:   func() bool { return hold },
		Packet: func(_ context.Context, b []byte) error {
			seen = b
			hold = false
			return eng.Push([]byte{1, 2, 3, 4})
		},
		Deadline: func() time.Time { return due },
		Timer: func(now time.Time) error {
			due = time.Time{}
			ticks <- now
			return nil
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	<-ticks // the caller's deadline fired
	buf := []byte{9, 9}
	p.in <- buf
	pkt := <-written // pushed after the hold was lifted
	if len(pkt) == 0 {
		t.Fatal("empty packet written")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel = %v", err)
	}
	buf[0] = 0
	if seen[0] != 9 {
		t.Fatal("Packet saw the reader's buffer, not a copy")
	}
}
