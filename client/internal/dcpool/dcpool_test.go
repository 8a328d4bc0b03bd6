package dcpool

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// Claim spreads transfer calls over lanes: a busy lane makes the next call open a new one, a
// finished call frees its lane for reuse, and no more than MaxLanes lanes exist.
func TestClaimLanes(t *testing.T) {
	noSpawn := func(func(context.Context)) bool { return false }
	noOpen := func(context.Context, int, bool, bool) (*conn.Live, error) {
		t.Fatal("claim dialed although every lane is open")
		return nil, nil
	}
	p := New(noSpawn, noOpen, 0, slog.New(slog.DiscardHandler))
	// Open lanes are pre-made connections, so Claim never dials.
	lanes := map[*conn.Live]int{}
	for lane := range MaxLanes {
		lc := conn.New(4, true, false, nil)
		p.Put(Key{DC: 4, Media: true, Lane: lane}, lc)
		lanes[lc] = lane
	}
	ctx := context.Background()
	claimLane := func() (int, func()) {
		t.Helper()
		lc, release, err := p.Claim(ctx, 4, true, false)
		if err != nil {
			t.Fatal(err)
		}
		return lanes[lc], release
	}

	// Sequential calls (one worker) stay on lane 0.
	for range 3 {
		lane, release := claimLane()
		release()
		if lane != 0 {
			t.Fatalf("sequential call on lane %d", lane)
		}
	}
	// Parallel calls take a lane each, then share the least loaded.
	var got []int
	var releases []func()
	for range MaxLanes + 2 {
		lane, release := claimLane()
		got = append(got, lane)
		releases = append(releases, release)
	}
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 0, 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("lanes (-want +got):\n%s", d)
	}
	releases[3]()
	releases[3] = nil
	if lane, release := claimLane(); lane != 3 {
		t.Fatalf("after lane 3 finished, the next call took lane %d", lane)
	} else {
		release()
	}
	for _, r := range releases {
		if r != nil {
			r()
		}
	}
	for k, n := range p.Claims() {
		if n != 0 {
			t.Fatalf("lane %+v keeps %d claims after every call finished", k, n)
		}
	}
	// Other kinds and data centers have lanes of their own.
	p.Put(Key{DC: 4, CDN: true}, conn.New(4, false, true, nil))
	if lc, release, err := p.Claim(ctx, 4, false, true); err != nil || !lc.CDN {
		t.Fatalf("cdn claim: %+v, %v", lc, err)
	} else {
		release()
	}
}

// TestForgetWhileOpening: Forget running while Get opens a session of the same data center
// reads the entry's connection that Get is about to store; with -race this reported a data
// race, as Get stored it under the entry's lock only.
func TestForgetWhileOpening(t *testing.T) {
	opening := make(chan struct{})
	open := func(context.Context, int, bool, bool) (*conn.Live, error) {
		close(opening)
		return conn.New(4, false, false, nil), nil
	}
	noSpawn := func(func(context.Context)) bool { return false }
	p := New(noSpawn, open, 0, slog.New(slog.DiscardHandler))
	got := make(chan error, 1)
	go func() {
		_, err := p.Get(t.Context(), 4, false, false)
		got <- err
	}()
	<-opening
	p.Forget(4, false)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	p.Forget(4, false)
	if live := p.Live(nil); len(live) != 0 {
		t.Fatalf("after Forget, the pool keeps %d connections of dc 4", len(live))
	}
}
