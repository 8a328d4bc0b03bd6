package mtgo

import (
	"testing"
	"testing/synctest"
)

// TestStopFromOnStop: an OnStop hook that calls Stop or Close (or a cleanup helper that does)
// runs inside the shutdown: the call returns instead of waiting for the shutdown it is part
// of, and the outer Stop returns once the client has stopped.
func TestStopFromOnStop(t *testing.T) {
	tests := []struct {
		name string
		stop func(c *Client) error
	}{
		{name: "Stop", stop: func(c *Client) error { c.Stop(); return nil }},
		{name: "Close", stop: (*Client).Close},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := newOfflineClient(t)
				ran := false
				c.OnStop(func(*Context) {
					if err := tt.stop(c); err != nil {
						t.Errorf("%s from OnStop: %v", tt.name, err)
					}
					ran = true
				})
				c.Stop()
				if !ran {
					t.Fatal("OnStop hook did not run")
				}
				select {
				case <-c.Done():
				default:
					t.Fatal("Stop returned before the client stopped")
				}
			})
		})
	}
}
