package engine

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// configConn answers every call with an empty config; it cannot be told Established.
type configConn struct{ dc int }

func (c *configConn) Run(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func (c *configConn) InvokeWith(_ context.Context, _ tl.Encoder, out tl.Decoder, _ bool) error {
	var b tl.Buffer
	if err := (&tg.Config{}).Encode(&b); err != nil {
		return err
	}
	return out.Decode(&b)
}

func (c *configConn) Session() session.Session { return session.Session{DC: c.dc} }

// markedConn is a configConn that counts MarkEstablished.
type markedConn struct {
	configConn
	marked atomic.Int32
}

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
	e, marks := markedEngine(t, nil)
	check := func(step string, want ...int32) {
		t.Helper()
		if diff := cmp.Diff(want, marks()); diff != "" {
			t.Fatalf("%s: MarkEstablished calls per connection (-want +got):\n%s", step, diff)
		}
	}
	gen, err := e.Connect(t.Context(), &countedBinder{})
	if err != nil {
		t.Fatal(err)
	}
	check("Connect returned", 0)
	if !e.Established(gen) {
		t.Fatal("Established = false, want true")
	}
	check("Established", 1)
	if err := e.MigrateHome(t.Context(), 4); err != nil {
		t.Fatal(err)
	}
	check("migrated", 1, 1)
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Connect(t.Context(), &countedBinder{}); err != nil {
		t.Fatal(err)
	}
	check("Connect again", 1, 1, 0)
	if err := e.MigrateHome(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	check("migrated before Established", 1, 1, 0, 0)
}
