package mtp

import (
	"runtime"
	"testing"
)

// TestEnqueueReusesAnsweredRecord: once a call is answered, the next Enqueue takes its
// record instead of allocating one, so a lone caller's steady state allocates nothing there;
// and a record still pointed to (a call answered while queued for a resend) is not reused.
func TestEnqueueReusesAnsweredRecord(t *testing.T) {
	p := newPair(t, nil)
	p.openSession()
	req := body(0x11111111, 4)
	var mallocs uint64
	var ms runtime.MemStats
	const calls = 200
	for i := range calls + 20 {
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		id := p.call(req, CallOptions{})
		runtime.ReadMemStats(&ms)
		if i >= 20 { // warm: the maps and the queue have their room
			mallocs += ms.Mallocs - before
		}
		if got := only(p.roundTrip(p.echo), EventResult); len(got) != 1 || got[0].Call != id {
			t.Fatalf("call %d: results %+v", id, got)
		}
	}
	if mallocs != 0 {
		t.Errorf("Enqueue allocated %d times in %d calls answered one after another, want 0", mallocs, calls)
	}
}
