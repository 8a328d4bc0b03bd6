package conn

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/session"
)

// failingConn fails every read and write with err.
type failingConn struct{ err error }

func (f failingConn) ReadPacket() ([]byte, error) { return nil, f.err }
func (f failingConn) WritePacket([]byte) error    { return f.err }
func (f failingConn) Close() error                { return nil }

// TestRedialNotifierLinkEvents checks the order of the events: a connection's first error is
// one loss (later errors of the same connection are not), a connection closed by the session
// first is no loss, every connection served after the first is a redial, and one that
// breaks before the session serves on it (once one was served) is a loss without a redial.
func TestRedialNotifierLinkEvents(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	dial := func() session.PacketConn { return dialT(t, d, true) }
	pc := dial()
	_, _ = pc.ReadPacket()
	_ = pc.WritePacket(nil)
	pc = dial()
	_ = pc.Close() // the session's own close: a migration, Disconnect
	_, _ = pc.ReadPacket()
	pc = dial()
	_ = pc.WritePacket(nil)
	_, _ = dialT(t, d, false).ReadPacket() // broken in the key exchange
	want := []LinkEvent{{Lost: eof}, {}, {}, {Lost: eof}, {Lost: eof}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if h.started != 1 {
		t.Fatalf("%d drainers for the events waiting together, want 1", h.started)
	}
	for range maxLinkEvents + 3 {
		dial()
	}
	if ev := h.run(t.Context()); len(ev) != maxLinkEvents {
		t.Fatalf("%d events delivered, want the latest %d", len(ev), maxLinkEvents)
	}
}

// TestRedialNotifierRefusedBeforeFirstServe: connections that break before any was served
// (the first dial of Connect, or of a migration, refused in its key exchange) lose nothing the
// client announced, so they are no loss and the first connection served is no redial: the
// client would run OnDisconnect before Connect's OnConnect, and OnConnect twice.
func TestRedialNotifierRefusedBeforeFirstServe(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	for range 2 {
		_, _ = dialT(t, d, false).ReadPacket() // refused
	}
	first := dialT(t, d, true)
	if got := h.run(t.Context()); len(got) != 0 || h.started != 0 {
		t.Fatalf("events %v (%d drainers): want none", got, h.started)
	}
	_, _ = first.ReadPacket() // served, then lost: the client knew it
	dialT(t, d, true)
	want := []LinkEvent{{Lost: eof}, {}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

// TestRedialNotifierServedAfterBreak: the session may be told it serves a connection whose
// reader has already failed (the reader runs while the loop waits for the key's binding);
// that connection is lost, not a redial.
func TestRedialNotifierServedAfterBreak(t *testing.T) {
	eof := errors.New("eof")
	d, h := newHeldNotifier(func() (session.PacketConn, error) { return failingConn{err: eof}, nil })
	dialT(t, d, true)
	for range 2 {
		pc := dialT(t, d, false)
		_, _ = pc.ReadPacket()
		pc.(session.ServeNotifier).Serving()
	}
	want := []LinkEvent{{Lost: eof}, {Lost: eof}}
	if diff := cmp.Diff(want, h.run(t.Context()), cmpopts.EquateErrors()); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

// TestRedialNotifierFlush: Flush returns at once with nothing waiting, after the events
// reported before it were delivered otherwise, and when the drainer drops them (its owner
// stopped) or the caller's context ends.
func TestRedialNotifierFlush(t *testing.T) {
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	spawn := func(f func(context.Context)) bool {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(t.Context())
		}()
		return true
	}
	delivering, release := make(chan struct{}), make(chan struct{})
	d := NewRedialNotifier(session.DialerFunc(func(context.Context, int, string) (session.PacketConn, error) {
		return failingConn{err: errors.New("eof")}, nil
	}), spawn, func(context.Context, LinkEvent) {
		close(delivering)
		<-release
		note("delivered")
	})
	if err := d.Flush(t.Context()); err != nil {
		t.Fatalf("Flush with nothing reported: %v", err)
	}
	dialT(t, d, true)
	dialT(t, d, true) // a redial: its delivery blocks
	<-delivering
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	if err := d.Flush(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush with a cancelled context = %v", err)
	}
	flushed := make(chan error)
	go func() {
		err := d.Flush(t.Context())
		note("flushed")
		flushed <- err
	}()
	close(release)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if diff := cmp.Diff([]string{"delivered", "flushed"}, order); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}

	synctest.Test(t, func(t *testing.T) {
		held, h := newHeldNotifier(func() (session.PacketConn, error) { return nil, nil })
		flushed := make(chan error)
		dialT(t, held, true)
		dialT(t, held, true) // waits for a drainer h holds
		go func() { flushed <- held.Flush(t.Context()) }()
		synctest.Wait() // the mark is queued
		stopped, stop := context.WithCancel(t.Context())
		stop()
		if got := h.run(stopped); len(got) != 0 {
			t.Fatalf("delivered %v after the owner stopped", got)
		}
		if err := <-flushed; err != nil {
			t.Fatalf("Flush of dropped events = %v", err)
		}
	})
}

// endingConn is a Conn whose Run returns err once stop is closed, or when ctx ends.
type endingConn struct {
	Conn
	stop chan struct{}
	err  error
}

func (c endingConn) Run(ctx context.Context) error {
	select {
	case <-c.stop:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestStartReportsEnd: a home connection whose Run gives up reports its end as the last
// event, after Done; one closed by the client reports none.
func TestStartReportsEnd(t *testing.T) {
	gaveUp := errors.New("reconnect failed")
	for _, tc := range []struct {
		name  string
		close bool
		want  []LinkEvent
	}{
		{"gave up", false, []LinkEvent{{Lost: gaveUp, Ended: true}}},
		{"closed", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var wg sync.WaitGroup
			spawn := func(f func(context.Context)) bool {
				wg.Add(1)
				go func() {
					defer wg.Done()
					f(t.Context())
				}()
				return true
			}
			var got []LinkEvent
			var lc *Live
			link := NewRedialNotifier(nil, spawn, func(_ context.Context, ev LinkEvent) {
				if !lc.Done() {
					t.Error("end reported before Done")
				}
				got = append(got, ev)
			})
			c := endingConn{stop: make(chan struct{}), err: gaveUp}
			lc = Start(spawn, 2, false, false, c, link, slog.New(slog.DiscardHandler))
			if tc.close {
				lc.Close()
			} else {
				close(c.stop)
			}
			<-lc.Ended()
			wg.Wait() // the Run goroutine and the drainer it started
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("events (-want +got):\n%s", diff)
			}
		})
	}
}
