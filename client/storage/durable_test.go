package storage_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
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
// 200 in the file store, whose 2 to 3 ms transactions would make 5,000 take a minute), each
// write count stays the same however long the queue is: Enqueue at most 4, Delete at most 5.
func TestDurableQueueLong(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		n := 5000
		if _, ok := s.(*storage.InMemory); !ok {
			n = 200
		}
		w := &writeCounter{Storage: s}
		q := storage.NewDurableQueue(w)
		id := func(i int) string { return fmt.Sprintf("%064d", i) } // MaxDurableID bytes
		for i := range n {
			before := w.writes
			enqueueIDs(t, q, id(i))
			if got := w.writes - before; got > 4 {
				t.Fatalf("enqueue %d: %d writes, want at most 4", i, got)
			}
		}
		// Re-enqueue in the middle (an update left by the deletes below): one write, same place.
		mid := n/2 - n/2%3 + 1
		before := w.writes
		must(t, q.Enqueue(ctx, &storage.DurableUpdate{ID: id(mid), Data: []byte("again")}))
		if got := w.writes - before; got != 1 {
			t.Errorf("replace: %d writes, want 1", got)
		}
		// Delete every third, the head among them: at most 5 writes each.
		for i := 0; i < n; i += 3 {
			before := w.writes
			must(t, q.Delete(ctx, id(i)))
			if got := w.writes - before; got > 5 {
				t.Fatalf("delete %d: %d writes, want at most 5", i, got)
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
		want := storage.EmptyDurableMeta()
		want.Head, want.Last, want.Tail, want.Count = 0, 2, 3, 3
		if m, err := storage.DecodeDurableMeta(rec); err != nil || m != want {
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

// Every operation cut short at each of its writes, then the Load after it cut short at each
// of its own (finishing an unlink, dropping entries), leaves a queue that loads as before or
// after the operation, lists every update record left, counts right and works on.
func TestDurableQueueCrash(t *testing.T) {
	ctx := context.Background()
	abc := []string{"a", "b", "c"}
	deleteIDs := func(ids ...string) func(t *testing.T, s storage.Storage) {
		return func(t *testing.T, s storage.Storage) {
			for _, id := range ids {
				must(t, storage.NewDurableQueue(s).Delete(ctx, id))
			}
		}
	}
	// crashedEnqueue leaves the entry of id without its update, as a crash after the index
	// write of Enqueue does.
	crashedEnqueue := func(id string) func(t *testing.T, s storage.Storage) {
		return func(t *testing.T, s storage.Storage) {
			w := &writeCounter{Storage: s, failAt: 4}
			if err := storage.NewDurableQueue(w).Enqueue(ctx, &storage.DurableUpdate{ID: id}); !errors.Is(err, errCrash) {
				t.Fatalf("enqueue cut short at its 4th write: %v", err)
			}
		}
	}
	load := func(q *storage.DurableQueue) error { _, err := q.Load(ctx, 0); return err }
	tests := []struct {
		name  string
		setup []func(t *testing.T, s storage.Storage)
		op    func(q *storage.DurableQueue) error
		want  [][]string // the ids Load may find after the crash
	}{
		{"enqueue", nil, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"})
		}, [][]string{abc, {"a", "b", "c", "d"}}},
		{"enqueue into empty", []func(*testing.T, storage.Storage){deleteIDs(abc...)}, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"})
		}, [][]string{{}, {"d"}}},
		{"replace", nil, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "b", Data: []byte("new")})
		}, [][]string{abc}},
		{"delete head", nil, func(q *storage.DurableQueue) error { return q.Delete(ctx, "a") }, [][]string{abc, {"b", "c"}}},
		{"delete middle", nil, func(q *storage.DurableQueue) error { return q.Delete(ctx, "b") }, [][]string{abc, {"a", "c"}}},
		{"delete last", nil, func(q *storage.DurableQueue) error { return q.Delete(ctx, "c") }, [][]string{abc, {"a", "b"}}},
		{"delete after head deleted", []func(*testing.T, storage.Storage){deleteIDs("b")},
			func(q *storage.DurableQueue) error { return q.Delete(ctx, "a") }, [][]string{{"a", "c"}, {"c"}}},
		{"delete the only", []func(*testing.T, storage.Storage){deleteIDs("a", "b")},
			func(q *storage.DurableQueue) error { return q.Delete(ctx, "c") }, [][]string{{"c"}, {}}},
		{"mark failed", nil, func(q *storage.DurableQueue) error { return q.MarkFailed(ctx, "c", 1, "x") }, [][]string{abc}},
		{"load drops the last", []func(*testing.T, storage.Storage){crashedEnqueue("d")}, load, [][]string{abc}},
		{"load drops in the middle", []func(*testing.T, storage.Storage){crashedEnqueue("d"), func(t *testing.T, s storage.Storage) {
			enqueueIDs(t, storage.NewDurableQueue(s), "e")
		}}, load, [][]string{{"a", "b", "c", "e"}}},
		{"enqueue after a crashed enqueue", []func(*testing.T, storage.Storage){crashedEnqueue("d")}, func(q *storage.DurableQueue) error {
			return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"})
		}, [][]string{abc, {"a", "b", "c", "d"}}},
		{"convert", []func(*testing.T, storage.Storage){deleteIDs(abc...), func(t *testing.T, s storage.Storage) {
			writeFirstFormat(t, s, []string{"a", "ghost", "b", "c"}, []*storage.DurableUpdate{{ID: "a"}, {ID: "b"}, {ID: "c"}})
		}}, load, [][]string{abc}},
		{"convert second format", []func(*testing.T, storage.Storage){deleteIDs(abc...), func(t *testing.T, s storage.Storage) {
			loadRecords(t, s, "testdata/durable_v2_queue.txt")
		}}, load, [][]string{{"d", "e", "f", "h", "k"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One run per write of the operation to fail at (then one with none failing), and
			// per write of the Load after it (0: none failing).
			for failAt := 1; ; failAt++ {
				crashed := false
				for loadFailAt := 0; ; loadFailAt++ {
					s := storage.NewInMemory()
					enqueueIDs(t, storage.NewDurableQueue(s), abc...)
					for _, setup := range tt.setup {
						setup(t, s)
					}
					w := &writeCounter{Storage: s, failAt: failAt}
					err := tt.op(storage.NewDurableQueue(w))
					if err != nil && !errors.Is(err, errCrash) {
						t.Fatalf("write %d: %v", failAt, err)
					}
					crashed = err != nil
					loadErr := error(nil)
					if loadFailAt > 0 {
						_, loadErr = storage.NewDurableQueue(&writeCounter{Storage: s, failAt: loadFailAt}).Load(ctx, 0)
						if loadErr != nil && !errors.Is(loadErr, errCrash) {
							t.Fatalf("write %d, then load cut at %d: %v", failAt, loadFailAt, loadErr)
						}
					}
					checkAfterCrash(t, s, tt.want)
					if loadFailAt > 0 && loadErr == nil {
						break // the Load finished before its loadFailAt-th write
					}
				}
				if !crashed {
					break // the operation finished before the failAt-th write
				}
			}
		})
	}
}

// loadRecords stores the records of the durable queue listed in file (lines of key and value
// in hex; # starts a comment).
func loadRecords(t *testing.T, s storage.Storage, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	must(t, err)
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		key, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		rec, err := hex.DecodeString(v)
		if !ok || err != nil {
			t.Fatalf("%s: bad line %q", file, line)
		}
		must(t, s.SaveRecord(context.Background(), storage.DurableNamespace, key, rec))
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
	for _, id := range strings.Split("a b c d e f g h i j k ghost", " ") {
		if _, ok, _ := s.LoadRecord(ctx, storage.DurableNamespace, "u:"+id); ok && !slices.Contains(got, id) {
			t.Fatalf("update %q left unlisted (queue %q)", id, got)
		}
	}
	// The count is right: the queue takes exactly one more under a limit of len+1.
	q.SetMaxUpdates(len(got) + 1)
	enqueueIDs(t, q, "probe")
	if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "probe2"}); !errors.Is(err, storage.ErrDurableQueueFull) {
		t.Fatalf("queue of %d under a limit of %d: enqueue %v", len(got)+1, len(got)+1, err)
	}
	for _, id := range append(got, "probe") {
		must(t, q.Delete(ctx, id))
	}
	if ids := queueIDs(t, q, 0); len(ids) != 0 {
		t.Fatalf("left after deleting all: %q", ids)
	}
	for i := range 16 {
		if key := fmt.Sprintf("e:%d", i); hasRecord(t, s, key) {
			t.Fatalf("record %q left in an empty queue", key)
		}
	}
	if hasRecord(t, s, "index") {
		t.Fatal("index left in an empty queue")
	}
}

func hasRecord(t *testing.T, s storage.Storage, key string) bool {
	t.Helper()
	_, ok, err := s.LoadRecord(context.Background(), storage.DurableNamespace, key)
	must(t, err)
	return ok
}

func TestDurableRecordDecoders(t *testing.T) {
	list := func(head, last, tail, count uint64) storage.DurableMeta {
		m := storage.EmptyDurableMeta()
		m.Head, m.Last, m.Tail, m.Count = head, last, tail, count
		return m
	}
	unlinking := func(m storage.DurableMeta, seq, prev, next uint64) storage.DurableMeta {
		m.Unlink, m.UnlinkPrev, m.UnlinkNext = seq, prev, next
		return m
	}
	none := storage.NoDurableEntry
	tests := []struct {
		name    string
		decode  func([]byte) error
		rec     []byte
		wantErr bool
	}{
		{"meta", meta, storage.AppendDurableMeta(list(5, 200, 300, 7)), false},
		{"meta empty list", meta, storage.AppendDurableMeta(list(none, none, 300, 0)), false},
		{"meta one entry", meta, storage.AppendDurableMeta(list(299, 299, 300, 1)), false},
		{"meta unlinking", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 7, 5, 9)), false},
		{"meta unlinking the only", meta, storage.AppendDurableMeta(unlinking(list(none, none, 300, 0), 7, none, none)), false},
		{"meta empty", meta, nil, true},
		{"meta version 2", meta, storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 1, Tail: 2, Count: 1}), true},
		{"meta truncated", meta, storage.AppendDurableMeta(list(5, 200, 300, 7))[:5], true},
		{"meta trailing", meta, append(storage.AppendDurableMeta(list(5, 200, 300, 7)), 0), true},
		{"meta unlink truncated", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 7, 5, 9))[:9], true},
		{"meta head past last", meta, storage.AppendDurableMeta(list(6, 5, 300, 1)), true},
		{"meta last at tail", meta, storage.AppendDurableMeta(list(5, 300, 300, 1)), true},
		{"meta empty list counted", meta, storage.AppendDurableMeta(list(none, none, 300, 1)), true},
		{"meta head without last", meta, storage.AppendDurableMeta(list(5, none, 300, 1)), true},
		{"meta list not counted", meta, storage.AppendDurableMeta(list(5, 7, 300, 0)), true},
		{"meta count past span", meta, storage.AppendDurableMeta(list(5, 6, 300, 3)), true},
		{"meta span too long", meta, storage.AppendDurableMeta(list(0, 5, storage.MaxDurableSpan+1, 1)), true},
		{"meta tail at the top", meta, storage.AppendDurableMeta(list(math.MaxUint64-2, math.MaxUint64-2, math.MaxUint64, 1)), true},
		{"meta unlink at tail", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 300, 5, none)), true},
		{"meta unlink after its next", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 9, 5, 9)), true},
		{"meta unlink before its previous", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 5, 5, 9)), true},
		{"meta unlink next past tail", meta, storage.AppendDurableMeta(unlinking(list(5, 200, 300, 7), 7, 5, 300)), true},
		{"meta overlong uvarint", meta, []byte{3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0}, true},
		{"meta v2", metaV2, storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 5, Tail: 300, Count: 7}), false},
		{"meta v2 head past tail", metaV2, storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 5, Tail: 4}), true},
		{"meta v2 count past span", metaV2, storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 5, Tail: 6, Count: 2}), true},
		{"meta v2 span too long", metaV2, storage.AppendDurableMetaV2(storage.DurableMetaV2{Tail: 1<<40 + 1}), true},
		{"meta v2 trailing", metaV2, []byte{2, 0, 0, 0, 0}, true},
		{"entry", entry, storage.AppendDurableEntry(storage.DurableEntry{ID: "id", Prev: 3, Next: none, Linked: true}), false},
		{"entry v2", entry, storage.AppendDurableEntry(storage.DurableEntry{ID: "id"}), false},
		{"entry empty id", entry, []byte{3, 0, 0, 0}, true},
		{"entry id too long", entry, storage.AppendDurableEntry(storage.DurableEntry{ID: string(make([]byte, storage.MaxDurableID+1)), Linked: true}), true},
		{"entry length past end", entry, []byte{3, 5, 'a'}, true},
		{"entry links missing", entry, []byte{3, 1, 'a', 0}, true},
		{"entry trailing", entry, append(storage.AppendDurableEntry(storage.DurableEntry{ID: "id", Linked: true}), 0), true},
		{"entry v2 trailing", entry, append(storage.AppendDurableEntry(storage.DurableEntry{ID: "id"}), 0), true},
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
func metaV2(b []byte) error { _, err := storage.DecodeDurableMetaV2(b); return err }
func entry(b []byte) error  { _, err := storage.DecodeDurableEntry(b); return err }
func update(b []byte) error { _, _, _, err := storage.DecodeDurableRecord(b); return err }

func mustRecord(t *testing.T, u *storage.DurableUpdate, seq uint64) []byte {
	t.Helper()
	rec, err := storage.AppendDurableRecord(u, seq, true)
	must(t, err)
	return rec
}

// FuzzDurableRecords feeds the decoders of the queue's index (both formats), entry (both
// formats) and update records damaged records: they fail with ErrCorrupt or decode to values
// that encode to themselves.
func FuzzDurableRecords(f *testing.F) {
	upd, _ := storage.AppendDurableRecord(&storage.DurableUpdate{ID: "id", Data: []byte("d"), Attempts: 2, LastError: "e", EnqueuedAt: time.Unix(5, 6)}, 300, true)
	m := storage.EmptyDurableMeta()
	m.Head, m.Last, m.Tail, m.Count = 3, 300, 400, 5
	unlinking := m
	unlinking.Unlink, unlinking.UnlinkPrev, unlinking.UnlinkNext = 7, 3, 9
	for _, seed := range [][]byte{
		storage.AppendDurableMeta(m), storage.AppendDurableMeta(unlinking), storage.AppendDurableMeta(storage.EmptyDurableMeta()),
		storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 3, Tail: 400, Count: 5}),
		storage.AppendDurableEntry(storage.DurableEntry{ID: "some id", Prev: 4, Next: storage.NoDurableEntry, Linked: true}),
		storage.AppendDurableEntry(storage.DurableEntry{ID: "some id"}),
		upd, {2}, {3}, {2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, "index", b, storage.DecodeDurableMeta, storage.AppendDurableMeta)
		roundTrip(t, "second format index", b, storage.DecodeDurableMetaV2, storage.AppendDurableMetaV2)
		roundTrip(t, "entry", b, storage.DecodeDurableEntry, storage.AppendDurableEntry)
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

// roundTrip checks b fails to decode with ErrCorrupt or decodes to a value that encodes to
// bytes decoding to it again.
func roundTrip[T comparable](t *testing.T, what string, b []byte, decode func([]byte) (T, error), encode func(T) []byte) {
	t.Helper()
	v, err := decode(b)
	if err != nil {
		if !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("%s error %v does not match ErrCorrupt", what, err)
		}
		return
	}
	if again, err := decode(encode(v)); err != nil || again != v {
		t.Fatalf("%s %+v re-decodes to %+v, %v", what, v, again, err)
	}
}

// A damaged index naming a span of 2^40 entries (none there) is refused at once with
// ErrCorrupt: walking it would read records for hours.
func TestDurableQueueDamagedSpan(t *testing.T) {
	list := func(head, last, tail uint64) []byte {
		m := storage.EmptyDurableMeta()
		m.Head, m.Last, m.Tail, m.Count = head, last, tail, 1
		return storage.AppendDurableMeta(m)
	}
	for _, tt := range []struct {
		name  string
		index []byte
	}{
		{"second format 2^40", storage.AppendDurableMetaV2(storage.DurableMetaV2{Tail: 1 << 40})},
		{"second format far", storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 1 << 50, Tail: 1<<50 + 1<<39, Count: 1})},
		{"second format one past", storage.AppendDurableMetaV2(storage.DurableMetaV2{Tail: storage.MaxDurableSpan + 1})},
		{"list 2^40", list(0, 1<<40-1, 1<<40)},
		{"list one past", list(0, 0, storage.MaxDurableSpan+1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a bound, not a wait
			defer cancel()
			st := storage.NewInMemory()
			must(t, st.SaveRecord(ctx, storage.DurableNamespace, "index", tt.index))
			q := storage.NewDurableQueue(st)
			if _, err := q.Load(ctx, 0); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Load: %v, want ErrCorrupt", err)
			}
			if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "a"}); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Enqueue: %v, want ErrCorrupt", err)
			}
		})
	}
	if _, err := storage.DecodeDurableMetaV2(storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 7, Tail: 7 + storage.MaxDurableSpan})); err != nil {
		t.Errorf("second format index spanning MaxDurableSpan: %v", err)
	}
	if _, err := storage.DecodeDurableMeta(list(7, 7+storage.MaxDurableSpan-1, 7+storage.MaxDurableSpan)); err != nil {
		t.Errorf("index spanning MaxDurableSpan: %v", err)
	}
}

// A damaged second-format index whose tail is the top number (its head as high as the span
// allows) is refused, not converted into an index (same tail) that reads back as corrupt:
// the queue would load once, then never again.
func TestDurableQueueConvertTopTail(t *testing.T) {
	old := storage.DurableMetaV2{Head: math.MaxUint64 - storage.MaxDurableSpan, Tail: math.MaxUint64, Count: 1}
	if _, err := storage.DecodeDurableMetaV2(storage.AppendDurableMetaV2(old)); err == nil {
		m := storage.EmptyDurableMeta()
		m.Head, m.Last, m.Tail, m.Count = old.Tail-1, old.Tail-1, old.Tail, 1
		if _, err := storage.DecodeDurableMeta(storage.AppendDurableMeta(m)); err != nil {
			t.Fatalf("second-format index %+v accepted, converted to one that does not decode: %v", old, err)
		}
	}
}

// An update of the first format as large as a record may be (MaxRecordSize, which its code
// allowed) does not fit a record once its entry's number is added: it converts all the same,
// kept in the first format, loading in its place once, and the queue works on.
func TestDurableQueueConvertLargestUpdate(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	big := &storage.DurableUpdate{ID: "big", EnqueuedAt: at}
	rec, err := storage.AppendDurableUpdate(big)
	must(t, err)
	big.Data = make([]byte, storage.MaxRecordSize-len(rec))
	for i := range big.Data {
		big.Data[i] = byte(i)
	}
	forEach(t, func(t *testing.T, s storage.Storage) {
		old := []*storage.DurableUpdate{{ID: "a", Data: []byte("1"), EnqueuedAt: at}, big, {ID: "b", Data: []byte("2"), EnqueuedAt: at}}
		writeFirstFormat(t, s, []string{"a", "big", "b"}, old)
		q := storage.NewDurableQueue(s)
		for range 2 {
			us, err := q.Load(ctx, 0)
			must(t, err)
			if diff := cmp.Diff(old, us); diff != "" {
				t.Fatalf("updates (-want +got):\n%s", diff)
			}
		}
		must(t, q.MarkFailed(ctx, "big", 1, "")) // a longer error would not fit
		enqueueIDs(t, q, "c")
		must(t, q.Delete(ctx, "a"))
		if diff := cmp.Diff([]string{"big", "b", "c"}, queueIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
			t.Errorf("ids (-want +got):\n%s", diff)
		}
		must(t, q.Delete(ctx, "big"))
		if diff := cmp.Diff([]string{"b", "c"}, queueIDs(t, q, 0)); diff != "" {
			t.Errorf("ids after deleting big (-want +got):\n%s", diff)
		}
	})
}

// Enqueue checks the size of the update record before any write, whatever its entry's number
// (up to 10 bytes): an update that fits only under a low number is refused at once, not after
// writing its entry and the index.
func TestDurableQueueEnqueueSizeBeforeWrites(t *testing.T) {
	ctx := context.Background()
	s := storage.NewInMemory()
	w := &writeCounter{Storage: s}
	q := storage.NewDurableQueue(w)
	for i := range 200 { // entry numbers past 127 take 2 bytes
		enqueueIDs(t, q, fmt.Sprint(i))
	}
	u := &storage.DurableUpdate{ID: "big", EnqueuedAt: time.Unix(1, 0)}
	rec, err := storage.AppendDurableRecord(u, 0, true)
	must(t, err)
	u.Data = make([]byte, storage.MaxRecordSize-len(rec))
	before := w.writes
	err = q.Enqueue(ctx, u)
	if got := w.writes - before; err != nil && got != 0 {
		t.Errorf("Enqueue: %v after %d writes, want the size refused before any", err, got)
	}
}

// EnqueuedAt is kept as Unix nanoseconds: a time outside what they hold (before 1678, after
// 2262) is refused, not stored as another time.
func TestDurableQueueEnqueuedAtRange(t *testing.T) {
	ctx := context.Background()
	q := storage.NewDurableQueue(storage.NewInMemory())
	for _, at := range []time.Time{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)} {
		err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "x", EnqueuedAt: at})
		if err != nil {
			continue
		}
		us, err := q.Load(ctx, 0)
		must(t, err)
		if !us[0].EnqueuedAt.Equal(at) {
			t.Errorf("enqueued at %v, loads as %v", at, us[0].EnqueuedAt)
		}
	}
	for _, at := range []time.Time{time.Unix(0, math.MaxInt64), time.Unix(0, math.MinInt64)} {
		must(t, q.Enqueue(ctx, &storage.DurableUpdate{ID: "y", EnqueuedAt: at}))
		must(t, q.Delete(ctx, "y"))
	}
}

// Enqueue of an id whose record (left unlisted by damage) names an entry of the list that
// lists another id writes a new entry: replacing the record in place would report the update
// queued while no entry lists it.
func TestDurableQueueEnqueueOverUnlistedUpdate(t *testing.T) {
	ctx := context.Background()
	for _, seq := range []uint64{1, 2} { // b's entry; c's, the last
		t.Run(fmt.Sprint(seq), func(t *testing.T) {
			s := storage.NewInMemory()
			q := storage.NewDurableQueue(s)
			enqueueIDs(t, q, "a", "b", "c")
			must(t, s.SaveRecord(ctx, storage.DurableNamespace, "u:d", mustRecord(t, &storage.DurableUpdate{ID: "d"}, seq)))
			enqueueIDs(t, q, "d")
			if diff := cmp.Diff([]string{"a", "b", "c", "d"}, queueIDs(t, q, 0)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

// A damaged queue whose entries all name one update of the first format (no entry number)
// loads it once, not once per entry: n entries of a few bytes must not yield n copies of a
// record of up to MaxRecordSize. In either format of the entries.
func TestDurableQueueEntriesNamingOneOldUpdate(t *testing.T) {
	ctx := context.Background()
	const n = 50
	for _, linked := range []bool{false, true} {
		t.Run(fmt.Sprintf("linked=%v", linked), func(t *testing.T) {
			st := storage.NewInMemory()
			index := storage.AppendDurableMetaV2(storage.DurableMetaV2{Tail: n, Count: n})
			if linked {
				m := storage.EmptyDurableMeta()
				m.Head, m.Last, m.Tail, m.Count = 0, n-1, n, n
				index = storage.AppendDurableMeta(m)
			}
			must(t, st.SaveRecord(ctx, storage.DurableNamespace, "index", index))
			for i := range uint64(n) {
				e := storage.DurableEntry{ID: "x", Prev: i - 1, Next: i + 1, Linked: linked} // 0-1 is none
				must(t, st.SaveRecord(ctx, storage.DurableNamespace, fmt.Sprintf("e:%d", i), storage.AppendDurableEntry(e)))
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
			for i := range n {
				if key := fmt.Sprintf("e:%d", i); hasRecord(t, st, key) {
					t.Errorf("record %q left in an empty queue", key)
				}
			}
		})
	}
}

// A damaged list (an entry missing, links running backwards or disagreeing, a list ending
// before the last entry the index names, an entry of the second format in it, an unlink
// naming an entry whose update is still queued or a missing neighbour) fails Load with
// ErrCorrupt.
func TestDurableQueueDamagedList(t *testing.T) {
	ctx := context.Background()
	none := storage.NoDurableEntry
	saveEntry := func(seq int, e storage.DurableEntry) func(s storage.Storage) error {
		return func(s storage.Storage) error {
			return s.SaveRecord(ctx, storage.DurableNamespace, fmt.Sprintf("e:%d", seq), storage.AppendDurableEntry(e))
		}
	}
	tests := []struct {
		name   string
		damage func(s storage.Storage) error
	}{
		{"entry missing", func(s storage.Storage) error { return s.DeleteRecord(ctx, storage.DurableNamespace, "e:1") }},
		{"link backwards", saveEntry(1, storage.DurableEntry{ID: "b", Prev: 0, Next: 0, Linked: true})},
		{"link back to another", saveEntry(2, storage.DurableEntry{ID: "c", Prev: 0, Next: none, Linked: true})},
		{"link to itself", saveEntry(1, storage.DurableEntry{ID: "b", Prev: 0, Next: 1, Linked: true})},
		{"link back to itself", saveEntry(1, storage.DurableEntry{ID: "b", Prev: 1, Next: 2, Linked: true})},
		{"index naming entries far past", func(s storage.Storage) error {
			m := storage.EmptyDurableMeta()
			m.Head, m.Last, m.Tail, m.Count = math.MaxUint64-5, math.MaxUint64-3, math.MaxUint64-2, 3
			return s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMeta(m))
		}},
		{"list ends before the last", saveEntry(1, storage.DurableEntry{ID: "b", Prev: 0, Next: none, Linked: true})},
		{"link past the tail before the last", saveEntry(1, storage.DurableEntry{ID: "b", Prev: 0, Next: 3, Linked: true})},
		{"second format entry", saveEntry(1, storage.DurableEntry{ID: "b"})},
		{"undecodable entry", func(s storage.Storage) error { return s.SaveRecord(ctx, storage.DurableNamespace, "e:2", []byte{3, 1}) }},
		{"unlink naming a live entry", func(s storage.Storage) error {
			m := storage.EmptyDurableMeta()
			m.Head, m.Last, m.Tail, m.Count = 0, 2, 3, 3
			m.Unlink, m.UnlinkPrev, m.UnlinkNext = 1, 0, 2 // b's entry, b still queued
			return s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMeta(m))
		}},
		{"unlink next to a missing entry", func(s storage.Storage) error {
			m := storage.EmptyDurableMeta()
			m.Head, m.Last, m.Tail, m.Count = 0, 2, 3, 3
			m.Unlink, m.UnlinkPrev, m.UnlinkNext = 1, 0, 2
			return errors.Join(s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMeta(m)),
				s.DeleteRecord(ctx, storage.DurableNamespace, "e:0"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := storage.NewInMemory()
			enqueueIDs(t, storage.NewDurableQueue(s), "a", "b", "c")
			must(t, tt.damage(s))
			if _, err := storage.NewDurableQueue(s).Load(ctx, 0); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Load: %v, want ErrCorrupt", err)
			}
		})
	}
}

// Random enqueues, deletes and loads over a pool of ids, some cut short at a random write
// (and a Load after them too), match the slices kept beside (each operation cut short may
// have happened or not): every few operations the queue loads as one of them, and every
// update record left is listed.
func TestDurableQueueRandomCrashes(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	s := storage.NewInMemory()
	models := [][]string{{}}
	for i := range 4000 {
		id := fmt.Sprintf("u%d", rng.IntN(40))
		enqueue := rng.IntN(3) < 2
		apply := func(m []string) []string {
			m = slices.Clone(m)
			switch {
			case !enqueue:
				return slices.DeleteFunc(m, func(x string) bool { return x == id })
			case !slices.Contains(m, id):
				return append(m, id)
			}
			return m
		}
		w := &writeCounter{Storage: s}
		if rng.IntN(4) == 0 {
			w.failAt = 1 + rng.IntN(5)
		}
		var err error
		if q := storage.NewDurableQueue(w); enqueue {
			err = q.Enqueue(ctx, &storage.DurableUpdate{ID: id})
		} else {
			err = q.Delete(ctx, id)
		}
		if err != nil && !errors.Is(err, errCrash) {
			t.Fatalf("op %d: %v", i, err)
		}
		var next [][]string
		for _, m := range models {
			if err != nil {
				next = append(next, m)
			}
			next = append(next, apply(m))
		}
		models = slices.CompactFunc(next, slices.Equal)
		if err != nil && rng.IntN(2) == 0 {
			w := &writeCounter{Storage: s, failAt: 1 + rng.IntN(4)}
			if _, err := storage.NewDurableQueue(w).Load(ctx, 1+rng.IntN(3)); err != nil && !errors.Is(err, errCrash) {
				t.Fatalf("op %d, load after: %v", i, err)
			}
		}
		if len(models) < 16 && rng.IntN(8) != 0 {
			continue
		}
		got := queueIDs(t, storage.NewDurableQueue(s), 0)
		if !slices.ContainsFunc(models, func(m []string) bool { return slices.Equal(m, got) }) {
			t.Fatalf("op %d: ids %q, want one of %q", i, got, models)
		}
		models = [][]string{got}
		for n := range 40 {
			if id := fmt.Sprintf("u%d", n); hasRecord(t, s, "u:"+id) && !slices.Contains(got, id) {
				t.Fatalf("op %d: update %q left unlisted", i, id)
			}
		}
	}
}

// gatedStorage holds its second record write until open is closed, telling held when it
// waits: an Enqueue caught between its writes.
type gatedStorage struct {
	storage.Storage
	writes     int
	held, open chan struct{}
}

func (g *gatedStorage) SaveRecord(ctx context.Context, ns, key string, v []byte) error {
	if g.writes++; g.writes == 2 {
		close(g.held)
		<-g.open
	}
	return g.Storage.SaveRecord(ctx, ns, key, v)
}

// A Reset through Exclusive waits for an Enqueue between its writes, so the queue is empty
// and sound after it; without the wait the Reset lands between the writes and leaves an index
// naming deleted entries.
func TestDurableQueueExclusiveWaitsForWrites(t *testing.T) {
	ctx := context.Background()
	g := &gatedStorage{Storage: storage.NewInMemory(), held: make(chan struct{}), open: make(chan struct{})}
	q := storage.NewDurableQueue(g)
	enqueued := make(chan error, 1)
	go func() { enqueued <- q.Enqueue(ctx, &storage.DurableUpdate{ID: "a", Data: []byte{1}}) }()
	<-g.held
	reset := make(chan error, 1)
	go func() { reset <- q.Exclusive(func() error { return g.Reset(ctx) }) }()
	select {
	case err := <-reset:
		close(g.open)
		<-enqueued
		t.Fatalf("Reset ran between Enqueue's writes (%v)", err)
	case <-time.After(100 * time.Millisecond): // a negative check: the Reset must still wait
	}
	close(g.open)
	must(t, <-enqueued)
	must(t, <-reset)
	us, err := q.Load(ctx, 0)
	if err != nil || len(us) != 0 {
		t.Fatalf("Load after the Reset: %d updates, %v; want an empty queue", len(us), err)
	}
	enqueueIDs(t, q, "b")
	if diff := cmp.Diff([]string{"b"}, queueIDs(t, q, 0)); diff != "" {
		t.Errorf("queue after the Reset (-want +got):\n%s", diff)
	}
}
