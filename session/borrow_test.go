package session_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/tl"
)

// A call marked with tl.WithBorrowedBytes sends its large byte strings from the caller's
// memory: the server receives them whole.
func TestBorrowedBytesSent(t *testing.T) {
	h := start(t, nil, nil)
	ctx := tl.WithBorrowedBytes(h.ctx)
	for _, n := range []int{10, 4 << 10, 300 << 10} {
		data := bytes.Repeat([]byte{byte(n)}, n)
		var out sessiontest.Payload
		if err := h.conn.Invoke(ctx, &sessiontest.Payload{N: int64(n), Data: data}, &out); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if out.N != int64(n) || !bytes.Equal(out.Data, data) {
			t.Errorf("%d bytes: echo differs (%d bytes back)", n, len(out.Data))
		}
	}
}

// A cancelled call with borrowed bytes returns only once the session has let go of them: the
// caller may then reuse its buffer at once (the race detector checks the loop no longer reads
// it) and the connection goes on.
func TestBorrowedBytesCancelled(t *testing.T) {
	srv := sessiontest.NewServer(t)
	arrived := make(chan sessiontest.Request, 1)
	srv.Handle(func(r sessiontest.Request) { arrived <- r })
	h := start(t, srv, nil)
	data := bytes.Repeat([]byte{1}, 64<<10)
	ctx, cancel := context.WithCancel(tl.WithBorrowedBytes(h.ctx))
	done := make(chan error, 1)
	go func() {
		done <- h.conn.Invoke(ctx, &sessiontest.Payload{N: 1, Data: data}, &sessiontest.Payload{})
	}()
	held := <-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke = %v, want Canceled", err)
	}
	clear(data)
	held.Reply(held.Body) // a late answer is ignored
	srv.Handle(sessiontest.Echo)
	if err := h.echo(h.ctx, 2); err != nil {
		t.Fatal(err)
	}
}
