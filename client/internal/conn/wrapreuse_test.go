package conn

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// encodingConn encodes each request in InvokeWith, as the session's connection does, yielding
// between taking the request and encoding it, and hands the bytes to the caller's check.
type encodingConn struct{}

type checkKey struct{}

func (encodingConn) Run(ctx context.Context) error { <-ctx.Done(); return nil }
func (encodingConn) Session() session.Session      { return session.Session{} }
func (encodingConn) ContextFreeCalls()             {}
func (encodingConn) InvokeWith(ctx context.Context, in tl.Encoder, _ tl.Decoder, _ bool) error {
	runtime.Gosched()
	var b tl.Buffer
	if err := in.Encode(&b); err != nil {
		return err
	}
	return ctx.Value(checkKey{}).(func([]byte) error)(b.Buf)
}

// TestPooledWrapperCallsApart: callers on one ContextFree connection share the pool of
// invokeWithoutUpdates wrappers, each repeating its call (as the policy does after FLOOD_WAIT
// or a migration): every attempt must go out wrapping its own query, whatever the others do
// with theirs (run it with -race).
func TestPooledWrapperCallsApart(t *testing.T) {
	lc := New(2, false, false, encodingConn{})
	const callers, rounds = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Go(func() {
			q := &tg.MessagesGetHistoryRequest{Peer: &tg.InputPeerChat{ChatID: int64(i + 1)}, Limit: int32(i)}
			var want tl.Buffer
			if err := (&tg.InvokeWithoutUpdatesRequest{Query: q}).Encode(&want); err != nil {
				errs <- err
				return
			}
			ctx := context.WithValue(context.Background(), checkKey{}, func(got []byte) error {
				if !bytes.Equal(got, want.Buf) {
					return fmt.Errorf("caller %d sent %x, want %x", i, got, want.Buf)
				}
				return nil
			})
			for range rounds {
				if err := lc.Call(ctx, q, nil, true); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
