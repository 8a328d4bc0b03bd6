package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
)

// writeCounter counts the record writes (saves and deletes) that reach a Storage and fails
// every one from the failAt-th on (0: none), as a process that crashed there would.
type writeCounter struct {
	storage.Storage
	writes, failAt int
}

var errCrash = errors.New("crashed")

func (w *writeCounter) write() error {
	w.writes++
	if w.failAt > 0 && w.writes >= w.failAt {
		return errCrash
	}
	return nil
}

func (w *writeCounter) SaveRecord(ctx context.Context, ns, key string, v []byte) error {
	if err := w.write(); err != nil {
		return err
	}
	return w.Storage.SaveRecord(ctx, ns, key, v)
}

func (w *writeCounter) DeleteRecord(ctx context.Context, ns, key string) error {
	if err := w.write(); err != nil {
		return err
	}
	return w.Storage.DeleteRecord(ctx, ns, key)
}

func enqueueIDs(t *testing.T, q *storage.DurableQueue, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, q.Enqueue(context.Background(), &storage.DurableUpdate{ID: id, Data: []byte("data " + id)}))
	}
}

// Past what the first format held (about 1,000 ids of MaxDurableID bytes; 5,000 in memory,
// 300 in the file store, whose 2 to 3 ms transactions would make 5,000 take a minute), each
// write count stays the same however long the queue is.
func TestDurableQueueLong(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		n := 5000
		if _, ok := s.(*storage.InMemory); !ok {
			n = 300
		}
		w := &writeCounter{Storage: s}
		q := storage.NewDurableQueue(w)
		id := func(i int) string { return fmt.Sprintf("%064d", i) } // MaxDurableID bytes
		for i := range n {
			before := w.writes
			enqueueIDs(t, q, id(i))
			if got := w.writes - before; got > 3 {
				t.Fatalf("enqueue %d: %d writes, want at most 3", i, got)
			}
		}
		// Re-enqueue in the middle (an update left by the deletes below): one write, same place.
		mid := n/2 - n/2%3 + 1
		before := w.writes
		must(t, q.Enqueue(ctx, &storage.DurableUpdate{ID: id(mid), Data: []byte("again")}))
		if got := w.writes - before; got != 1 {
			t.Errorf("replace: %d writes, want 1", got)
		}
		// Delete every third, then the head: at most 3 writes each.
		for i := 0; i < n; i += 3 {
			before := w.writes
			must(t, q.Delete(ctx, id(i)))
			if got := w.writes - before; got > 3 {
				t.Fatalf("delete %d: %d writes, want at most 3", i, got)
			}
		}
		var want []string
		for i := range n {
			if i%3 != 0 {
				want = append(want, id(i))
			}
		}
		if diff := cmp.Diff(want, queueIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
			t.Fatalf("ids after deletes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[:10], queueIDs(t, q, 10)); diff != "" {
			t.Errorf("Load(10) (-want +got):\n%s", diff)
		}
		us, err := q.Load(ctx, 0)
		must(t, err)
		if got := us[slices.Index(want, id(mid))]; string(got.Data) != "again" {
			t.Errorf("replaced update holds %q", got.Data)
		}
		for _, x := range want {
			must(t, q.Delete(ctx, x))
		}
		if got := queueIDs(t, q, 0); len(got) != 0 {
			t.Errorf("%d updates left after deleting all", len(got))
		}
		if _, ok, err := s.LoadRecord(ctx, storage.DurableNamespace, "index"); ok || err != nil {
			t.Errorf("index record of an empty queue: %v, %v", ok, err)
		}
	})
}

func TestDurableQueueFull(t *testing.T) {
	ctx := context.Background()
	q := storage.NewDurableQueue(storage.NewInMemory())
	q.SetMaxUpdates(3)
	enqueueIDs(t, q, "a", "b", "c")
	if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"}); !errors.Is(err, storage.ErrDurableQueueFull) {
		t.Fatalf("enqueue past the limit: %v, want ErrDurableQueueFull", err)
	}
	enqueueIDs(t, q, "b") // replacing is not growing
	must(t, q.Delete(ctx, "b"))
	enqueueIDs(t, q, "d")
	if diff := cmp.Diff([]string{"a", "c", "d"}, queueIDs(t, q, 0)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	q.SetMaxUpdates(0) // the default
	enqueueIDs(t, q, "e")
}

// A queue of the first format (one index record, updates without their entry's number) is
// read, then converted on first use.
func TestDurableQueueConvert(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	forEach(t, func(t *testing.T, s storage.Storage) {
		old := []*storage.DurableUpdate{
			{ID: "a", Data: []byte("1"), EnqueuedAt: at},
			{ID: "b", Data: []byte("2"), Attempts: 3, LastError: "boom", EnqueuedAt: at},
			{ID: "c", EnqueuedAt: at},
		}
		writeFirstFormat(t, s, []string{"a", "ghost", "b", "c"}, old)
		q := storage.NewDurableQueue(s)
		us, err := q.Load(ctx, 0)
		must(t, err)
		if diff := cmp.Diff(old, us); diff != "" {
			t.Fatalf("converted updates (-want +got):\n%s", diff)
		}
		rec, _, err := s.LoadRecord(ctx, storage.DurableNamespace, "index")
		must(t, err)
		if m, err := storage.DecodeDurableMeta(rec); err != nil || m != (storage.DurableMeta{Head: 0, Tail: 3, Count: 3}) {
			t.Fatalf("index after conversion: %+v, %v", m, err)
		}
		enqueueIDs(t, q, "d")
		must(t, q.Delete(ctx, "b"))
		must(t, q.MarkFailed(ctx, "a", 1, "x"))
		if diff := cmp.Diff([]string{"a", "c", "d"}, queueIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
			t.Errorf("ids (-want +got):\n%s", diff)
		}
	})
}

func writeFirstFormat(t *testing.T, s storage.Storage, index []string, us []*storage.DurableUpdate) {
	t.Helper()
	ctx := context.Background()
	must(t, s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableIndex(index)))
	for _, u := range us {
		rec, err := storage.AppendDurableUpdate(u)
		must(t, err)
		must(t, s.SaveRecord(ctx, storage.DurableNamespace, "u:"+u.ID, rec))
	}
}

// Every operation cut short at each of its writes leaves a queue that loads as before or
// after it, lists every update record left, counts right and works on.
func TestDurableQueueCrash(t *testing.T) {
	ctx := context.Background()
	abc := []string{"a", "b", "c"}
	tests := []struct {
		name  string
		setup func(t *testing.T, s storage.Storage)
		op    func(q *storage.DurableQueue) error
		want  [][]string // the ids Load may find after the crash
	}{
		{"enqueue", nil, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"})
		}, [][]string{abc, {"a", "b", "c", "d"}}},
		{"replace", nil, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "b", Data: []byte("new")})
		}, [][]string{abc}},
		{"delete head", nil, func(q *storage.DurableQueue) error { return q.Delete(ctx, "a") }, [][]string{abc, {"b", "c"}}},
		{"delete middle", nil, func(q *storage.DurableQueue) error { return q.Delete(ctx, "b") }, [][]string{abc, {"a", "c"}}},
		{"delete after head deleted", func(t *testing.T, s storage.Storage) {
			must(t, storage.NewDurableQueue(s).Delete(ctx, "b"))
		}, func(q *storage.DurableQueue) error { return q.Delete(ctx, "a") }, [][]string{{"a", "c"}, {"c"}}},
		{"mark failed", nil, func(q *storage.DurableQueue) error { return q.MarkFailed(ctx, "c", 1, "x") }, [][]string{abc}},
		{"convert", func(t *testing.T, s storage.Storage) {
			for _, id := range abc {
				must(t, s.DeleteRecord(ctx, storage.DurableNamespace, "u:"+id))
			}
			writeFirstFormat(t, s, []string{"a", "ghost", "b", "c"}, []*storage.DurableUpdate{{ID: "a"}, {ID: "b"}, {ID: "c"}})
		}, func(q *storage.DurableQueue) error { _, err := q.Load(ctx, 0); return err }, [][]string{abc}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for failAt := 1; ; failAt++ {
				s := storage.NewInMemory()
				enqueueIDs(t, storage.NewDurableQueue(s), abc...)
				if tt.setup != nil {
					tt.setup(t, s)
				}
				w := &writeCounter{Storage: s, failAt: failAt}
				err := tt.op(storage.NewDurableQueue(w))
				if err != nil && !errors.Is(err, errCrash) {
					t.Fatalf("write %d: %v", failAt, err)
				}
				checkAfterCrash(t, s, tt.want)
				if err == nil {
					break // the operation finished before the failAt-th write
				}
			}
		})
	}
}

func checkAfterCrash(t *testing.T, s storage.Storage, want [][]string) {
	t.Helper()
	ctx := context.Background()
	q := storage.NewDurableQueue(s)
	got := queueIDs(t, q, 0)
	if !slices.ContainsFunc(want, func(w []string) bool { return slices.Equal(w, got) }) {
		t.Fatalf("ids after the crash %q, want one of %q", got, want)
	}
	for _, id := range []string{"a", "b", "c", "d", "ghost"} {
		if _, ok, _ := s.LoadRecord(ctx, storage.DurableNamespace, "u:"+id); ok && !slices.Contains(got, id) {
			t.Fatalf("update %q left unlisted (queue %q)", id, got)
		}
	}
	// The count is right: the queue takes exactly one more under a limit of len+1.
	q.SetMaxUpdates(len(got) + 1)
	enqueueIDs(t, q, "e")
	if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "f"}); !errors.Is(err, storage.ErrDurableQueueFull) {
		t.Fatalf("queue of %d under a limit of %d: enqueue %v", len(got)+1, len(got)+1, err)
	}
	for _, id := range append(got, "e") {
		must(t, q.Delete(ctx, id))
	}
	if ids := queueIDs(t, q, 0); len(ids) != 0 {
		t.Fatalf("left after deleting all: %q", ids)
	}
	for _, key := range []string{"index", "e:0", "e:1", "e:2", "e:3", "e:4", "e:5"} {
		if _, ok, _ := s.LoadRecord(ctx, storage.DurableNamespace, key); ok {
			t.Fatalf("record %q left in an empty queue", key)
		}
	}
}

func TestDurableRecordDecoders(t *testing.T) {
	tests := []struct {
		name    string
		decode  func([]byte) error
		rec     []byte
		wantErr bool
	}{
		{"meta", meta, storage.AppendDurableMeta(storage.DurableMeta{Head: 5, Tail: 300, Count: 7}), false},
		{"meta empty", meta, nil, true},
		{"meta version 1", meta, []byte{1, 0, 0, 0}, true},
		{"meta truncated", meta, []byte{2, 0, 0x80}, true},
		{"meta trailing", meta, []byte{2, 0, 0, 0, 0}, true},
		{"meta head past tail", meta, storage.AppendDurableMeta(storage.DurableMeta{Head: 5, Tail: 4}), true},
		{"meta count past span", meta, storage.AppendDurableMeta(storage.DurableMeta{Head: 5, Tail: 6, Count: 2}), true},
		{"meta span too long", meta, storage.AppendDurableMeta(storage.DurableMeta{Tail: 1<<40 + 1}), true},
		{"meta tail at the top", meta, storage.AppendDurableMeta(storage.DurableMeta{Head: math.MaxUint64, Tail: math.MaxUint64}), true},
		{"meta overlong uvarint", meta, []byte{2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0}, true},
		{"entry", entry, storage.AppendDurableEntry("id"), false},
		{"entry empty id", entry, []byte{2, 0}, true},
		{"entry id too long", entry, storage.AppendDurableEntry(string(make([]byte, storage.MaxDurableID+1))), true},
		{"entry length past end", entry, []byte{2, 5, 'a'}, true},
		{"entry trailing", entry, append(storage.AppendDurableEntry("id"), 0), true},
		{"entry version 1", entry, []byte{1, 1, 'a'}, true},
		{"update", update, mustRecord(t, &storage.DurableUpdate{ID: "id", Data: []byte("x")}, 9), false},
		{"update seq truncated", update, []byte{2, 0x80}, true},
		{"update truncated", update, mustRecord(t, &storage.DurableUpdate{ID: "id"}, 9)[:8], true},
		{"update too large", update, append([]byte{2}, make([]byte, storage.MaxRecordSize)...), true},
		{"update unknown version", update, []byte{3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'a'}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode(tt.rec)
			if tt.wantErr != (err != nil) || err != nil && !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("error %v, want error %v (matching ErrCorrupt)", err, tt.wantErr)
			}
		})
	}
}

func meta(b []byte) error   { _, err := storage.DecodeDurableMeta(b); return err }
func entry(b []byte) error  { _, err := storage.DecodeDurableEntry(b); return err }
func update(b []byte) error { _, _, _, err := storage.DecodeDurableRecord(b); return err }

func mustRecord(t *testing.T, u *storage.DurableUpdate, seq uint64) []byte {
	t.Helper()
	rec, err := storage.AppendDurableRecord(u, seq, true)
	must(t, err)
	return rec
}

// FuzzDurableRecords feeds the decoders of the queue's index, entry and update records
// damaged records: they fail with ErrCorrupt or decode to values that encode to themselves.
func FuzzDurableRecords(f *testing.F) {
	upd, _ := storage.AppendDurableRecord(&storage.DurableUpdate{ID: "id", Data: []byte("d"), Attempts: 2, LastError: "e", EnqueuedAt: time.Unix(5, 6)}, 300, true)
	for _, seed := range [][]byte{
		storage.AppendDurableMeta(storage.DurableMeta{Head: 3, Tail: 400, Count: 5}),
		storage.AppendDurableEntry("some id"), upd, {2}, {2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := storage.DecodeDurableMeta(b); err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("index error %v does not match ErrCorrupt", err)
			}
		} else if again, err := storage.DecodeDurableMeta(storage.AppendDurableMeta(m)); err != nil || again != m {
			t.Fatalf("index %+v re-decodes to %+v, %v", m, again, err)
		}
		if id, err := storage.DecodeDurableEntry(b); err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("entry error %v does not match ErrCorrupt", err)
			}
		} else if again, err := storage.DecodeDurableEntry(storage.AppendDurableEntry(id)); err != nil || again != id {
			t.Fatalf("entry %q re-decodes to %q, %v", id, again, err)
		}
		u, seq, hasSeq, err := storage.DecodeDurableRecord(b)
		if err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("update error %v does not match ErrCorrupt", err)
			}
			return
		}
		rec, err := storage.AppendDurableRecord(u, seq, hasSeq)
		if err != nil {
			t.Fatalf("decoded update does not encode: %v", err)
		}
		u2, seq2, hasSeq2, err := storage.DecodeDurableRecord(rec)
		if err != nil || !cmp.Equal(u, u2) || seq != seq2 || hasSeq != hasSeq2 {
			t.Fatalf("update %+v (%d, %v) re-decodes to %+v (%d, %v), %v", u, seq, hasSeq, u2, seq2, hasSeq2, err)
		}
	})
}

// A damaged index naming a span of 2^40 entries (none there) is refused at once with
// ErrCorrupt: walking it would read records for hours.
func TestDurableQueueDamagedSpan(t *testing.T) {
	for _, m := range []storage.DurableMeta{
		{Tail: 1 << 40},
		{Head: 1 << 50, Tail: 1<<50 + 1<<39, Count: 1},
		{Tail: storage.MaxDurableSpan + 1},
	} {
		t.Run(fmt.Sprintf("%d-%d", m.Head, m.Tail), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a bound, not a wait
			defer cancel()
			st := storage.NewInMemory()
			must(t, st.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMeta(m)))
			q := storage.NewDurableQueue(st)
			if _, err := q.Load(ctx, 0); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Load: %v, want ErrCorrupt", err)
			}
			if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "a"}); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Enqueue: %v, want ErrCorrupt", err)
			}
		})
	}
	if _, err := storage.DecodeDurableMeta(storage.AppendDurableMeta(storage.DurableMeta{Head: 7, Tail: 7 + storage.MaxDurableSpan})); err != nil {
		t.Errorf("index spanning MaxDurableSpan: %v", err)
	}
}

// A damaged queue whose entries all name one update of the first format (no entry number)
// loads it once, not once per entry: n entries of a few bytes must not yield n copies of a
// record of up to MaxRecordSize.
func TestDurableQueueEntriesNamingOneOldUpdate(t *testing.T) {
	ctx := context.Background()
	st := storage.NewInMemory()
	const n = 50
	must(t, st.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMeta(storage.DurableMeta{Tail: n, Count: n})))
	for i := range n {
		must(t, st.SaveRecord(ctx, storage.DurableNamespace, fmt.Sprintf("e:%d", i), storage.AppendDurableEntry("x")))
	}
	rec, err := storage.AppendDurableRecord(&storage.DurableUpdate{ID: "x", Data: make([]byte, 1000)}, 0, false)
	must(t, err)
	must(t, st.SaveRecord(ctx, storage.DurableNamespace, "u:x", rec))
	q := storage.NewDurableQueue(st)
	if diff := cmp.Diff([]string{"x"}, queueIDs(t, q, 0)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	must(t, q.Delete(ctx, "x"))
	if diff := cmp.Diff([]string{}, queueIDs(t, q, 0)); diff != "" {
		t.Errorf("ids after delete (-want +got):\n%s", diff)
	}
}
