package mtgo

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// claim spreads transfer calls over lanes: a busy lane makes the next call open a new one, a
// finished call frees its lane for reuse, and no more than maxTransferLanes lanes exist.
func TestDCPoolClaimLanes(t *testing.T) {
	p := newDCPool(&Client{})
	p.janitor = true // no sweeping in this test
	// Open lanes are pre-made running connections, so claim never dials.
	for lane := range maxTransferLanes {
		k := poolKey{dc: 4, media: true, lane: lane}
		p.entries[k] = &poolEntry{lc: &liveConn{dc: 4, media: true, done: make(chan struct{})}}
	}
	lanes := map[*liveConn]int{}
	for lane := range maxTransferLanes {
		lanes[p.entries[poolKey{dc: 4, media: true, lane: lane}].lc] = lane
	}
	ctx := context.Background()
	claimLane := func() (int, func()) {
		t.Helper()
		lc, release, err := p.claim(ctx, 4, true, false)
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
	for range maxTransferLanes + 2 {
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
	for k, e := range p.entries {
		if e.claims != 0 {
			t.Fatalf("lane %+v keeps %d claims after every call finished", k, e.claims)
		}
	}
	// Other kinds and data centers have lanes of their own.
	p.entries[poolKey{dc: 4, cdn: true}] = &poolEntry{lc: &liveConn{dc: 4, cdn: true, done: make(chan struct{})}}
	if lc, release, err := p.claim(ctx, 4, false, true); err != nil || !lc.cdn {
		t.Fatalf("cdn claim: %+v, %v", lc, err)
	} else {
		release()
	}
}
