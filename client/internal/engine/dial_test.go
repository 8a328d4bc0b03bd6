package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// recordedPushes records the losses and redials it is told of.
type recordedPushes struct {
	Pushes
	got []string
}

func (r *recordedPushes) Lost(_ context.Context, err error) {
	r.got = append(r.got, "lost: "+err.Error())
}
func (r *recordedPushes) Redialed(context.Context) { r.got = append(r.got, "redialed") }
func (r *recordedPushes) Ended(_ context.Context, err error) {
	r.got = append(r.got, "ended: "+err.Error())
}

// TestLinkEvent: a loss or redial reaches the pushes while the connection runs, and also
// before dial has it (the session may report one while Start is still returning); an
// ended connection's events are dropped, but for its end while it is still home.
func TestLinkEvent(t *testing.T) {
	running := conn.New(2, false, false, nil)
	ended := conn.New(2, false, false, nil)
	ended.Close()
	eof := errors.New("eof")
	for _, tc := range []struct {
		name string
		lc   *conn.Live
		home bool
		ev   conn.LinkEvent
		want []string
	}{
		{"loss, running", running, true, conn.LinkEvent{Lost: eof}, []string{"lost: eof"}},
		{"redial, running", running, true, conn.LinkEvent{}, []string{"redialed"}},
		{"loss before dial has the connection", nil, false, conn.LinkEvent{Lost: eof}, []string{"lost: eof"}},
		{"redial before dial has the connection", nil, false, conn.LinkEvent{}, []string{"redialed"}},
		{"loss, ended", ended, true, conn.LinkEvent{Lost: eof}, nil},
		{"redial, ended", ended, true, conn.LinkEvent{}, nil},
		{"end", ended, true, conn.LinkEvent{Lost: eof, Ended: true}, []string{"ended: eof"}},
		{"end, replaced by a Connect", ended, false, conn.LinkEvent{Lost: eof, Ended: true}, nil},
	} {
		p := &recordedPushes{}
		linkEvent(t.Context(), tc.lc, tc.home, p, tc.ev)
		if diff := cmp.Diff(tc.want, p.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// countedBinder counts the Binds of Connect.
type countedBinder struct{ binds int }

func (b *countedBinder) Bind() Pushes {
	b.binds++
	return &recordedPushes{}
}

// TestConnectBinds: Connect binds the pushes once per home connection it starts (also one that
// fails to dial), and not when it refuses to start one (ErrClosed).
func TestConnectBinds(t *testing.T) {
	errNoConn := errors.New("no connection")
	e := New(Options{
		HomeDC:  2,
		Table:   dcs.New(false, false, nil),
		Dialer:  func(bool) session.Dialer { return nil },
		NewConn: func(conn.Config) (conn.Conn, error) { return nil, errNoConn },
	})
	b := &countedBinder{}
	for range 2 {
		if _, err := e.Connect(t.Context(), b); !errors.Is(err, errNoConn) {
			t.Fatalf("Connect = %v, want %v", err, errNoConn)
		}
	}
	e.Close()
	if _, err := e.Connect(t.Context(), b); !errors.Is(err, ErrClosed) {
		t.Fatalf("Connect after Close = %v, want ErrClosed", err)
	}
	if b.binds != 2 {
		t.Fatalf("Bind called %d times, want 2 (one per connection started)", b.binds)
	}
}
