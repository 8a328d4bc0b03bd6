package mtgo_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestHandlerStopDuringOutsideStop: a Stop from elsewhere (a signal handler) is under way
// when a handler calls Stop too and waits for Done. The shutdown had decided, before the
// handler's Stop, to wait for the running handlers without bound, so Done never closed:
// the handler waited for the shutdown that waited for it. Done must close within the grace
// of the handler's Stop, as when that Stop came first.
func TestHandlerStopDuringOutsideStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := offlineClient(t, 2)
		entered := make(chan struct{})
		release := make(chan struct{}) // ends the handler's wait when the test gives up
		var stopAt time.Time
		c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
			close(entered)
			<-ctx.Done() // the outside Stop ended the client's context
			stopAt = time.Now()
			c.Stop()
			select {
			case <-c.Done():
			case <-release:
			}
			return nil
		})
		waited := make(chan error, 1)
		go func() { waited <- c.HandleUpdatesWait(context.Background(), incoming(5, 1)) }()
		<-entered
		go func() { c.Stop() }() // from elsewhere: waits for the shutdown
		limit := time.NewTimer(3 * mtgo.HandlerStopGrace())
		defer limit.Stop()
		select {
		case <-c.Done():
			if took := time.Since(stopAt); took > mtgo.HandlerStopGrace() {
				t.Errorf("Done closed %v after Stop from the handler, more than the grace (%v)", took, mtgo.HandlerStopGrace())
			}
		case <-limit.C:
			t.Error("Done did not close: the shutdown waits for the handler that waits for it")
			close(release)
			<-c.Done()
		}
		<-waited
	})
}
