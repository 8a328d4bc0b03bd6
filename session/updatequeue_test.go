package session

import (
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
