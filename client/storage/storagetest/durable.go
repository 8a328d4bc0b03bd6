package storagetest

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
)

// The durable update queue (storage.DurableQueue) kept in the backend's records: order,
// replacement, failures, limits, a second queue or a reopened store seeing the queue, and
// Load's reads not growing with the updates deleted before.

// durableGap is how many updates the read-count part of the suite enqueues and deletes
// behind one left at the head.
const durableGap = 200

func testDurable(t *testing.T, b Backend) {
	runSections(t, b, []section{
		{"Order", testDurableOrder},
		{"MarkFailed", testDurableMarkFailed},
		{"Full", testDurableFull},
		{"Reopen", testDurableReopen},
		{"LoadReads", testDurableReads},
	})
}

var at = time.Unix(1_700_000_000, 123_000_000)

func enqueue(t testing.TB, q *storage.DurableQueue, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := q.Enqueue(ctx(t), &storage.DurableUpdate{ID: id, Data: []byte("data " + id), EnqueuedAt: at}); err != nil {
			t.Fatalf("enqueue %q: %v", id, err)
		}
	}
}

func durableIDs(t testing.TB, q *storage.DurableQueue, limit int) []string {
	t.Helper()
	us, err := q.Load(ctx(t), limit)
	if err != nil {
		t.Fatalf("Load(%d): %v", limit, err)
	}
	ids := []string{}
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

func testDurableOrder(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	q := storage.NewDurableQueue(s)
	del := func(id string) func() error { return func() error { return q.Delete(ctx(t), id) } }
	steps := []struct {
		name string
		run  func() error
		want []string
	}{
		{"empty", nil, []string{}},
		{"enqueue", func() error { enqueue(t, q, "a", "b", "c", "d", "e"); return nil }, []string{"a", "b", "c", "d", "e"}},
		{"existing id keeps its place", func() error {
			return q.Enqueue(ctx(t), &storage.DurableUpdate{ID: "b", Data: []byte("new b"), EnqueuedAt: at})
		}, []string{"a", "b", "c", "d", "e"}},
		{"delete middle", del("c"), []string{"a", "b", "d", "e"}},
		{"delete missing", del("zz"), []string{"a", "b", "d", "e"}},
		{"delete head", del("a"), []string{"b", "d", "e"}},
		{"delete last", del("e"), []string{"b", "d"}},
		{"deleted id again goes last", func() error { enqueue(t, q, "a"); return nil }, []string{"b", "d", "a"}},
		{"delete all", func() error { return errors.Join(del("b")(), del("d")(), del("a")()) }, []string{}},
		{"enqueue after empty", func() error { enqueue(t, q, "x", "y"); return nil }, []string{"x", "y"}},
	}
	for _, st := range steps {
		if st.run != nil {
			if err := st.run(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		if diff := cmp.Diff(st.want, durableIDs(t, q, 0)); diff != "" {
			t.Fatalf("%s: ids (-want +got):\n%s", st.name, diff)
		}
	}
	enqueue(t, q, "z")
	if diff := cmp.Diff([]string{"x", "y"}, durableIDs(t, q, 2)); diff != "" {
		t.Errorf("Load(2) (-want +got):\n%s", diff)
	}
	for _, id := range []string{"x", "y", "z"} {
		if err := q.Delete(ctx(t), id); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := s.LoadRecord(ctx(t), storage.DurableNamespace, "index"); ok || err != nil {
		t.Errorf("index record of an emptied queue: %v, %v", ok, err)
	}
}

func testDurableMarkFailed(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	q := storage.NewDurableQueue(s)
	enqueue(t, q, "a", "b")
	long := strings.Repeat("x", storage.MaxDurableError+10)
	if err := q.MarkFailed(ctx(t), "b", 3, long); err != nil {
		t.Fatal(err)
	}
	if err := q.MarkFailed(ctx(t), "zz", 1, "x"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("MarkFailed of a missing id = %v, want ErrNotFound", err)
	}
	us, err := q.Load(ctx(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []*storage.DurableUpdate{
		{ID: "a", Data: []byte("data a"), EnqueuedAt: at},
		{ID: "b", Data: []byte("data b"), Attempts: 3, LastError: long[:storage.MaxDurableError], EnqueuedAt: at},
	}
	if diff := cmp.Diff(want, us, cmpTime); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
}

func testDurableFull(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	q := storage.NewDurableQueue(s)
	q.SetMaxUpdates(3)
	enqueue(t, q, "a", "b", "c")
	if err := q.Enqueue(ctx(t), &storage.DurableUpdate{ID: "d"}); !errors.Is(err, storage.ErrDurableQueueFull) {
		t.Fatalf("enqueue past the limit = %v, want ErrDurableQueueFull", err)
	}
	enqueue(t, q, "b") // replacing is not growing
	if err := q.Delete(ctx(t), "b"); err != nil {
		t.Fatal(err)
	}
	enqueue(t, q, "d")
	if diff := cmp.Diff([]string{"a", "c", "d"}, durableIDs(t, q, 0)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	big := &storage.DurableUpdate{ID: "big", Data: make([]byte, storage.MaxRecordSize)}
	q.SetMaxUpdates(0)
	if err := q.Enqueue(ctx(t), big); !errors.Is(err, storage.ErrRecordTooLarge) {
		t.Errorf("enqueue of an oversized update = %v, want ErrRecordTooLarge", err)
	}
}

func testDurableReopen(t *testing.T, b Backend) {
	s, name := openFresh(t, b)
	q := storage.NewDurableQueue(s)
	enqueue(t, q, "a", "b", "c")
	if err := q.Delete(ctx(t), "b"); err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "c"}
	if diff := cmp.Diff(want, durableIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
		t.Errorf("a second queue over the store (-want +got):\n%s", diff)
	}
	if b.Persistent {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = open(t, b, name)
		t.Cleanup(func() { _ = s.Close() })
		q = storage.NewDurableQueue(s)
		if diff := cmp.Diff(want, durableIDs(t, q, 0)); diff != "" {
			t.Errorf("the queue of the reopened store (-want +got):\n%s", diff)
		}
		enqueue(t, q, "d")
		if diff := cmp.Diff([]string{"a", "c", "d"}, durableIDs(t, q, 0)); diff != "" {
			t.Errorf("enqueue after reopening (-want +got):\n%s", diff)
		}
	}
	// Log out: Reset takes the queue with the rest.
	if err := s.Reset(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{}, durableIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
		t.Errorf("queue after Reset (-want +got):\n%s", diff)
	}
}

// durableLoadReads counts the record reads of q.Load(ctx, limit) over rc's storage.
func durableLoadReads(t testing.TB, rc *ReadCounter, q *storage.DurableQueue, limit int) int {
	t.Helper()
	before := rc.Reads
	us, err := q.Load(ctx(t), limit)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != limit {
		t.Fatalf("Load(%d) returned %d updates", limit, len(us))
	}
	return rc.Reads - before
}

// testDurableReads checks Load's reads grow with the updates it returns (2 each, and 2 more
// at most), not with the updates deleted between them: one update stays at the head while
// durableGap others pass.
func testDurableReads(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	rc := &ReadCounter{Storage: s}
	q := storage.NewDurableQueue(rc)
	enqueue(t, q, "stuck")
	for i := range durableGap {
		id := "gone" + strconv.Itoa(i)
		enqueue(t, q, id)
		if err := q.Delete(ctx(t), id); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		enqueue(t, q, "live"+strconv.Itoa(i))
	}
	const limit = 10
	if got := durableLoadReads(t, rc, q, limit); got > 2*limit+2 {
		t.Errorf("Load(%d) after %d deleted: %d reads, want at most %d", limit, durableGap, got, 2*limit+2)
	}
	// And in a fresh queue over the store (what a restarted client does).
	if got := durableLoadReads(t, rc, storage.NewDurableQueue(rc), limit); got > 2*limit+2 {
		t.Errorf("Load(%d) of a second queue: %d reads, want at most %d", limit, got, 2*limit+2)
	}
}
