package session_test

import (
	"testing"
	"testing/synctest"
)

// TestCallsStayInTheirBubble: a Conn used inside a testing/synctest bubble and one used after
// it, outside, share no pooled call. Before each Conn had its own pool, the package-wide pool
// handed the bubble's result channels to the later Conn's callers, and the runtime stopped the
// whole test binary ("select on synctest channel from outside bubble"), so this test fails by
// crashing. No runtime.GC between the two halves: that would empty the pools and hide it.
func TestCallsStayInTheirBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil, nil)
		for i := range 64 {
			if err := h.echo(h.ctx, int64(i)); err != nil {
				t.Fatal(err)
			}
		}
	})
	h := start(t, nil, nil)
	for i := range 256 {
		if err := h.echo(h.ctx, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
}
