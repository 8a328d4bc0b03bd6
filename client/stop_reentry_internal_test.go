package mtgo

import (
	"testing"
	"testing/synctest"
)

// TestStopFromOnStop: an OnStop hook that calls Stop (or a cleanup helper that does) runs
// inside the shutdown: Stop returns instead of waiting for the shutdown it is part of.
func TestStopFromOnStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newOfflineClient(t)
		ran := false
		c.OnStop(func(*Context) {
			c.Stop()
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
}
