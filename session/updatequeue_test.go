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
