package conn

import (
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// keepingConn is a Conn that keeps every request it is given (as one that logs them later
// would).
type keepingConn struct{ got []tl.Encoder }

func (c *keepingConn) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (c *keepingConn) Session() session.Session      { return session.Session{} }
func (c *keepingConn) InvokeWith(_ context.Context, in tl.Encoder, _ tl.Decoder, _ bool) error {
	c.got = append(c.got, in)
	return nil
}

// freeConn keeps nothing of a call once it returned, and says so (ContextFreeCalls).
type freeConn struct{ inner tl.Encoder }

func (c *freeConn) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (c *freeConn) Session() session.Session      { return session.Session{} }
func (c *freeConn) ContextFreeCalls()             {}
func (c *freeConn) InvokeWith(_ context.Context, in tl.Encoder, _ tl.Decoder, _ bool) error {
	c.inner = nil
	if w, ok := in.(*tg.InvokeWithoutUpdatesRequest); ok {
		c.inner = w.Query
	}
	return nil
}

// TestCallWithoutUpdatesWrapper: with noUpdates a call goes out wrapped in
// invokeWithoutUpdates. On a connection that keeps nothing of a call the wrapper is reused
// (no allocation per call); one that keeps requests gets a wrapper of its own each time, still
// whole after the call returned.
func TestCallWithoutUpdatesWrapper(t *testing.T) {
	ctx := context.Background()
	q := &tg.HelpGetNearestDCRequest{}

	fc := &freeConn{}
	free := New(2, false, false, fc)
	if err := free.Call(ctx, q, nil, true); err != nil {
		t.Fatal(err)
	}
	if fc.inner != q {
		t.Fatalf("free connection got inner query %v, want the call's", fc.inner)
	}
	if n := testing.AllocsPerRun(200, func() { _ = free.Call(ctx, q, nil, true) }); n >= 1 {
		// 0 when pooled; the race detector's pool drops some puts.
		t.Errorf("%v allocations per call on a ContextFree connection, want 0", n)
	}

	kc := &keepingConn{}
	kept := New(2, false, false, kc)
	for range 2 {
		if err := kept.Call(ctx, q, nil, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := kept.Call(ctx, q, nil, false); err != nil {
		t.Fatal(err)
	}
	w0, ok0 := kc.got[0].(*tg.InvokeWithoutUpdatesRequest)
	w1, ok1 := kc.got[1].(*tg.InvokeWithoutUpdatesRequest)
	if !ok0 || !ok1 || w0 == w1 || w0.Query != q || w1.Query != q {
		t.Errorf("keeping connection got %#v and %#v, want two wrappers of the call's query", kc.got[0], kc.got[1])
	}
	if kc.got[2] != q {
		t.Errorf("without noUpdates the connection got %#v, want the query itself", kc.got[2])
	}
}
