package session

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The update queue hands updates over in order and runs a goroutine only while some are
// queued: once drained, an idle connection has none.
func TestUpdateQueueDrainsAndStops(t *testing.T) {
	var got []string
	release := make(chan struct{})
	q := &updateQueue{handle: func(u updateMsg) {
		if string(u.body) == "first" {
			<-release // later pushes queue up behind a busy handler
		}
		got = append(got, string(u.body))
	}}
	for _, s := range []string{"first", "second", "third"} {
		q.push(updateMsg{body: []byte(s)})
	}
	close(release)
	q.close()
	q.push(updateMsg{body: []byte("after")})
	q.close()
	if diff := cmp.Diff([]string{"first", "second", "third", "after"}, got); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running || len(q.items) != 0 {
		t.Errorf("after draining: running=%v, %d queued", q.running, len(q.items))
	}
}

// A handler far behind does not make the queue grow: beyond maxQueuedUpdates pushes are
// dropped and one new-session notice follows the kept ones (the client then fetches the
// difference), and once drained the queue takes pushes again.
func TestUpdateQueueBoundedDropsToNewSession(t *testing.T) {
	var got []updateMsg
	held, release := make(chan struct{}), make(chan struct{})
	q := &updateQueue{handle: func(u updateMsg) {
		if string(u.body) == "first" {
			close(held)
			<-release
		}
		got = append(got, u)
	}}
	q.push(updateMsg{body: []byte("first")})
	<-held
	const extra = 10
	for i := range maxQueuedUpdates + extra {
		q.push(updateMsg{body: []byte{byte(i)}})
	}
	q.push(updateMsg{newSession: true}) // the server's own notice adds nothing more
	q.mu.Lock()
	queued, dropped := len(q.items), q.dropped
	q.mu.Unlock()
	if queued != maxQueuedUpdates+1 || dropped != extra {
		t.Errorf("queued %d, dropped %d; want %d and %d", queued, dropped, maxQueuedUpdates+1, extra)
	}
	close(release)
	q.close()
	q.push(updateMsg{body: []byte("after")})
	q.close()
	if len(got) != maxQueuedUpdates+3 {
		t.Fatalf("handled %d updates, want %d", len(got), maxQueuedUpdates+3)
	}
	for i, u := range got[1 : maxQueuedUpdates+1] {
		if u.newSession || len(u.body) != 1 || u.body[0] != byte(i) {
			t.Fatalf("update %d = %+v, want push %d", i+1, u, i)
		}
	}
	if last := got[maxQueuedUpdates+1]; !last.newSession {
		t.Errorf("after the kept pushes: %+v, want the new-session notice", last)
	}
	if after := got[len(got)-1]; string(after.body) != "after" {
		t.Errorf("after draining: %+v, want the next push queued", after)
	}
}

// recordLog keeps the message and attributes of each record.
type recordLog struct {
	mu   sync.Mutex
	recs []string
}

func (r *recordLog) Enabled(context.Context, slog.Level) bool { return true }
func (r *recordLog) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recordLog) WithGroup(string) slog.Handler            { return r }
func (r *recordLog) Handle(_ context.Context, rec slog.Record) error {
	s := rec.Level.String() + " " + rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		s += " " + a.String()
		return true
	})
	r.mu.Lock()
	r.recs = append(r.recs, s)
	r.mu.Unlock()
	return nil
}

// Pushes a full queue drops are not dropped silently: a push without a pts or qts (a button
// press) does not come back with the difference, so the first drop of a run is logged, the
// run's count once the queue has emptied, and every drop is counted for Stats.
func TestUpdateQueueOverflowLoggedAndCounted(t *testing.T) {
	held, release := make(chan struct{}), make(chan struct{})
	var total atomic.Int64
	rl := &recordLog{}
	q := &updateQueue{log: slog.New(rl), total: &total, handle: func(u updateMsg) {
		if string(u.body) == "first" {
			close(held)
			<-release
		}
	}}
	q.push(updateMsg{body: []byte("first")})
	<-held
	const extra = 7
	for range maxQueuedUpdates + extra {
		q.push(updateMsg{body: []byte("x")})
	}
	close(release)
	q.close()
	want := []string{
		"WARN session: update handler far behind, dropping pushes until it catches up queued=1024",
		"WARN session: pushes dropped while the update handler was behind; those without a pts or qts are lost dropped=7",
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if diff := cmp.Diff(want, rl.recs); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if n := total.Load(); n != extra {
		t.Errorf("counted %d drops, want %d", n, extra)
	}
}
