package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// markedConn answers every call with an empty config and counts MarkEstablished.
type markedConn struct {
	dc     int
	marked atomic.Int32
}

func (c *markedConn) Run(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func (c *markedConn) InvokeWith(_ context.Context, _ tl.Encoder, out tl.Decoder, _ bool) error {
	var b tl.Buffer
	if err := (&tg.Config{}).Encode(&b); err != nil {
		return err
	}
	return out.Decode(&b)
}

func (c *markedConn) Session() session.Session { return session.Session{DC: c.dc} }

func (c *markedConn) MarkEstablished() { c.marked.Add(1) }

// homeStore is a Storage that keeps nothing.
type homeStore struct{}

func (homeStore) LoadSession(context.Context, int) (session.Session, error) {
	return session.Session{}, session.ErrNoSession
}
func (homeStore) SaveSession(context.Context, session.Session) error { return nil }
func (homeStore) SetHomeDC(context.Context, int) error               { return nil }

// TestEstablished: a home connection is told it is established (session.Conn.MarkEstablished,
// from when a Persistent policy redials for ever) only by Established, which the client calls
// once its Connect returned; the home connection a later migration makes is told once home,
// and the next Connect's connection starts untold.
func TestEstablished(t *testing.T) {
	var mu sync.Mutex
	var conns []*markedConn
	e := New(Options{
		HomeDC:    2,
		Table:     dcs.New(false, false, nil),
		Store:     homeStore{},
		Dialer:    func(bool) session.Dialer { return nil },
		Reconnect: session.ReconnectPolicy{Persistent: true},
		NewConn: func(cc conn.Config) (conn.Conn, error) {
			mu.Lock()
			defer mu.Unlock()
			c := &markedConn{dc: cc.DC}
			conns = append(conns, c)
			return c, nil
		},
	})
	defer e.Close()
	marks := func() []int32 {
		mu.Lock()
		defer mu.Unlock()
		var got []int32
		for _, c := range conns {
			got = append(got, c.marked.Load())
		}
		return got
	}
	check := func(step string, want ...int32) {
		t.Helper()
		if diff := cmp.Diff(want, marks()); diff != "" {
			t.Fatalf("%s: MarkEstablished calls per connection (-want +got):\n%s", step, diff)
		}
	}
	if err := e.Connect(t.Context(), &countedBinder{}); err != nil {
		t.Fatal(err)
	}
	check("Connect returned", 0)
	e.Established()
	check("Established", 1)
	if err := e.MigrateHome(t.Context(), 4); err != nil {
		t.Fatal(err)
	}
	check("migrated", 1, 1)
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := e.Connect(t.Context(), &countedBinder{}); err != nil {
		t.Fatal(err)
	}
	check("Connect again", 1, 1, 0)
	if err := e.MigrateHome(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	check("migrated before Established", 1, 1, 0, 0)
}
