package teletest

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
)

// TestSessionTableEvictionLinear: connections hold most of MaxSessions, and clients keep
// opening a new session and closing it. Each attach and detach costs the same whatever the
// number of sessions in use: a run of them over 16 times the sessions stays within a small
// factor of the time. Before, every attach and detach scanned the whole table for sessions
// past their TTL, and every eviction scanned it again for the oldest.
func TestSessionTableEvictionLinear(t *testing.T) {
	const small, runs, rounds = 1 << 10, 512, 5
	eng, err := mtp.New(mtp.Config{Side: crypto.Server, Rand: crypto.NewDeterministicReader(1)})
	if err != nil {
		t.Fatal(err)
	}
	shared := func() (*mtp.Engine, error) { return eng, nil } // the table never runs it
	keyOf := func(i int) (k sessionKey) {
		binary.LittleEndian.PutUint64(k.key[:], uint64(i)+1)
		return k
	}
	run := func(n int) time.Duration {
		tab := newSessionTable(n, 64, 10*time.Minute, 1<<30)
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		c := &conn{kicked: make(chan struct{})}
		for i := range n {
			if _, _, err := tab.attach(context.Background(), c, keyOf(i), now, shared); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC() // the setup's garbage is not the runs' to collect
		start := time.Now()
		for i := n; i < n+runs; i++ {
			now = now.Add(time.Second)
			s, _, err := tab.attach(context.Background(), c, keyOf(i), now, shared)
			if err != nil {
				t.Fatal(err)
			}
			tab.detach(s, c, now)
		}
		took := time.Since(start)
		if got := tab.len(); got != n+1 {
			t.Fatalf("the table holds %d sessions, want the %d in use and the last one", got, n)
		}
		return took
	}
	ts, tl := time.Duration(1<<62), time.Duration(1<<62)
	for range rounds {
		ts, tl = min(ts, run(small)), min(tl, run(16*small))
	}
	if tl > 4*ts+time.Millisecond {
		t.Errorf("%d sessions opened and closed past %d in use took %v, past %d %v: %.0f times as long",
			runs, small, ts, 16*small, tl, float64(tl)/float64(ts))
	}
}

// TestSessionTableIdleListConsistent runs random attaches, detaches, re-keys, destroys and
// resets and checks after each that the idle list holds exactly the filed sessions without
// an owner, in the order they were let go.
func TestSessionTableIdleListConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	eng, err := mtp.New(mtp.Config{Side: crypto.Server, Rand: crypto.NewDeterministicReader(1)})
	if err != nil {
		t.Fatal(err)
	}
	shared := func() (*mtp.Engine, error) { return eng, nil }
	tab := newSessionTable(12, 4, time.Minute, 1<<30)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	owned := map[*mtSession]*conn{}
	anyOwned := func() (*mtSession, *conn) {
		for s, c := range owned {
			return s, c
		}
		return nil, nil
	}
	for step := range 5000 {
		now = now.Add(time.Duration(rng.IntN(20)) * time.Second)
		k := sessionKey{key: [8]byte{byte(rng.IntN(4))}, id: int64(rng.IntN(8))}
		switch op := rng.IntN(10); {
		case op < 4:
			if s := tab.m[k]; s != nil && s.owner != nil {
				continue // attach would wait for the owner to let go
			}
			c := &conn{kicked: make(chan struct{})}
			s, _, err := tab.attach(context.Background(), c, k, now, shared)
			if err != nil {
				t.Fatal(err)
			}
			owned[s] = c
		case op < 8:
			if s, c := anyOwned(); s != nil {
				tab.detach(s, c, now)
				delete(owned, s)
			}
		case op == 8:
			if s, _ := anyOwned(); s != nil {
				tab.rekey(s, int64(rng.IntN(8)))
			}
		default:
			if rng.IntN(20) == 0 {
				tab.reset()
			} else if s := tab.m[k]; s == nil || s.owner == nil {
				tab.destroy(k) // an owned one would be stopped: not modelled here
			}
		}
		if err := checkSessionIdle(tab); err != "" {
			t.Fatalf("step %d: %s", step, err)
		}
	}
}

// checkSessionIdle returns what is wrong with tab's idle list, "" if nothing.
func checkSessionIdle(tab *sessionTable) string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	listed := map[*mtSession]bool{}
	var prev *mtSession
	for s := tab.idle.front; s != nil; prev, s = s, s.lru.next {
		if listed[s] || s.lru.prev != prev || !s.lru.on {
			return "the idle list is broken"
		}
		if prev != nil && s.lastUsed.Before(prev.lastUsed) {
			return "the idle list is out of order"
		}
		listed[s] = true
	}
	if tab.idle.back != prev {
		return "the idle list's back is not its last session"
	}
	for k, s := range tab.m {
		if listed[s] != (s.owner == nil) {
			return fmt.Sprintf("session %v with owner %v is listed idle: %v", k, s.owner != nil, listed[s])
		}
		delete(listed, s)
	}
	if len(listed) > 0 {
		return fmt.Sprintf("%d sessions on the idle list are not filed", len(listed))
	}
	return ""
}
