package mtgo_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
)

// TestHandleUpdatesWaitDuringStop: with NoUpdates a fan-out worker feeds the handlers
// (HandleUpdatesWait) and acknowledges a batch when the call returns nil. A Stop from
// elsewhere while a handler runs must treat that batch as the update engine's: the handler
// goes on with a live context for the grace and the call returns nil once it finished;
// a handler still running after the grace has its context ended and the call fails with
// ErrClientClosed, so the worker does not acknowledge it. The shutdown ended the client's
// context at once and the call returned nil either way.
func TestHandleUpdatesWaitDuringStop(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outlast bool // the handler runs until its context ends
		want    error
	}{
		{name: "handler returns", want: nil},
		{name: "handler outlasts the grace", outlast: true, want: mtgo.ErrClientClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := offlineClient(t, 2)
				entered := make(chan struct{})
				proceed := make(chan struct{})
				live := make(chan error, 1)
				c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
					close(entered)
					if tc.outlast {
						<-ctx.Done()
						return nil
					}
					<-proceed
					live <- ctx.Err()
					return nil
				})
				waited := make(chan error, 1)
				go func() { waited <- c.HandleUpdatesWait(context.Background(), incoming(5, 1)) }()
				<-entered
				stopped := make(chan struct{})
				go func() { c.Stop(); close(stopped) }() // from elsewhere
				synctest.Wait()                          // the shutdown goes as far as it can
				close(proceed)
				err := <-waited
				<-stopped
				if !tc.outlast {
					if ctxErr := <-live; ctxErr != nil {
						t.Errorf("the handler ran on with the client's context ended: %v", ctxErr)
					}
				}
				if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
					t.Errorf("HandleUpdatesWait = %v, want %v", err, tc.want)
				}
			})
		})
	}
}
