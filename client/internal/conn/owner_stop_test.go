package conn

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// pendingConn is a Conn whose calls wait for Run's context to end, then fail as a session's
// calls do when it stops.
type pendingConn struct {
	Conn
	run     chan context.Context
	calling chan struct{}
}

var errSessionClosed = errors.New("session: connection closed")

func (c *pendingConn) Run(ctx context.Context) error {
	c.run <- ctx
	<-ctx.Done()
	return ctx.Err()
}

func (c *pendingConn) InvokeWith(context.Context, tl.Encoder, tl.Decoder, bool) error {
	ctx := <-c.run
	close(c.calling)
	<-ctx.Done()
	return errSessionClosed
}

// TestCallFailsClosedWhenOwnerStops: a call in flight when the owner stops (Stop cancels the
// engine's life before it closes each connection) fails with ErrClosed, as after Close.
func TestCallFailsClosedWhenOwnerStops(t *testing.T) {
	owner, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	defer wg.Wait()
	spawn := func(f func(context.Context)) bool {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(owner)
		}()
		return true
	}
	c := &pendingConn{run: make(chan context.Context, 1), calling: make(chan struct{})}
	lc := Start(spawn, 2, false, false, c, nil, nil)
	errc := make(chan error, 1)
	go func() { errc <- lc.Call(t.Context(), &tg.HelpGetNearestDCRequest{}, &tg.NearestDC{}, false) }()
	<-c.calling
	stop()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("call in flight when the owner stopped = %v, want ErrClosed", err)
	}
}
