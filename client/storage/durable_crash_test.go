package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// recordMap is a Storage whose records (the durable queue's) live in a map a test can copy:
// the state a crash left, to run every continuation from.
type recordMap struct {
	storage.Storage // the rest, unused by the queue
	recs            map[string][]byte
}

func newRecordMap() *recordMap {
	return &recordMap{Storage: storage.NewInMemory(), recs: map[string][]byte{}}
}

func (r *recordMap) clone() *recordMap {
	return &recordMap{Storage: r.Storage, recs: maps.Clone(r.recs)}
}

func (r *recordMap) LoadRecord(_ context.Context, ns, key string) ([]byte, bool, error) {
	v, ok := r.recs[ns+"\x00"+key]
	return slices.Clone(v), ok, nil
}

func (r *recordMap) SaveRecord(_ context.Context, ns, key string, v []byte) error {
	if len(v) > storage.MaxRecordSize {
		return storage.ErrRecordTooLarge
	}
	r.recs[ns+"\x00"+key] = slices.Clone(v)
	return nil
}

func (r *recordMap) DeleteRecord(_ context.Context, ns, key string) error {
	delete(r.recs, ns+"\x00"+key)
	return nil
}

// crashOp is one operation of the crash explorer and what it does to the ids of a queue.
type crashOp struct {
	name  string
	run   func(q *storage.DurableQueue) error
	apply func(ids []string) []string
}

func crashOps(ids ...string) []crashOp {
	ctx := context.Background()
	var ops []crashOp
	for _, id := range ids {
		ops = append(ops,
			crashOp{"enqueue " + id, func(q *storage.DurableQueue) error {
				return q.Enqueue(ctx, &storage.DurableUpdate{ID: id, Data: []byte("data " + id)})
			}, func(m []string) []string {
				if slices.Contains(m, id) {
					return m
				}
				return append(slices.Clone(m), id)
			}},
			crashOp{"delete " + id, func(q *storage.DurableQueue) error { return q.Delete(ctx, id) }, func(m []string) []string {
				return slices.DeleteFunc(slices.Clone(m), func(x string) bool { return x == id })
			}},
		)
	}
	same := func(m []string) []string { return m }
	return append(ops,
		crashOp{"load 1", func(q *storage.DurableQueue) error { _, err := q.Load(ctx, 1); return err }, same},
		crashOp{"load", func(q *storage.DurableQueue) error { _, err := q.Load(ctx, 0); return err }, same},
		crashOp{"mark failed " + ids[0], func(q *storage.DurableQueue) error {
			err := q.MarkFailed(ctx, ids[0], 1, "x")
			if errors.Is(err, storage.ErrNotFound) {
				return nil
			}
			return err
		}, same},
	)
}

// exploreCrashes runs, from the records of s holding queue ids, every sequence of depth
// operations each cut short at each of its writes or run to its end, and checks the queue
// after every step (on a copy, so the next operation meets what the crash left, unrepaired):
// it loads as the queue before or after each operation cut short, lists every update record
// left, counts right. It returns how many states it checked.
func exploreCrashes(t *testing.T, s *recordMap, ids []string, ops []crashOp, depth int, path []string) int {
	t.Helper()
	checked := 1
	if err := checkCrashState(s.clone(), ids); err != nil {
		t.Fatalf("after %s: %v", strings.Join(path, ", "), err)
	}
	if depth == 0 {
		return checked
	}
	for _, op := range ops {
		for failAt := 1; ; failAt++ {
			c := s.clone()
			err := op.run(storage.NewDurableQueue(&writeCounter{Storage: c, failAt: failAt}))
			if err != nil && !errors.Is(err, errCrash) {
				t.Fatalf("after %s: %s cut at write %d: %v", strings.Join(path, ", "), op.name, failAt, err)
			}
			step := fmt.Sprintf("%s cut at write %d", op.name, failAt)
			if err == nil {
				step = op.name
			}
			// The queue after a crash is the one before the operation or after; which one is
			// fixed by the records: a fresh Load finds it.
			got, lerr := storage.NewDurableQueue(c.clone()).Load(context.Background(), 0)
			if lerr != nil {
				t.Fatalf("after %s, %s: load: %v", strings.Join(path, ", "), step, lerr)
			}
			next := updateIDs(got)
			if !slices.Equal(next, op.apply(ids)) && (err == nil || !slices.Equal(next, ids)) {
				t.Fatalf("after %s, %s: queue %q, want %q (or %q when cut short)", strings.Join(path, ", "), step, next, op.apply(ids), ids)
			}
			checked += exploreCrashes(t, c, next, ops, depth-1, append(slices.Clip(path), step))
			if err == nil {
				break
			}
		}
	}
	return checked
}

func updateIDs(us []*storage.DurableUpdate) []string {
	ids := []string{}
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

// checkCrashState checks the queue in s (changing s) is ids: Load(1) then Load finds them,
// every update record is listed once, and the queue takes exactly one more update under a
// limit of len(ids)+1 (its count is right).
func checkCrashState(s *recordMap, ids []string) error {
	ctx := context.Background()
	q := storage.NewDurableQueue(s)
	first, err := q.Load(ctx, 1)
	if err != nil {
		return fmt.Errorf("Load(1): %w", err)
	}
	if want := ids[:min(1, len(ids))]; !slices.Equal(updateIDs(first), want) {
		return fmt.Errorf("Load(1) = %q, want %q", updateIDs(first), want)
	}
	us, err := q.Load(ctx, 0)
	if err != nil {
		return fmt.Errorf("Load: %w", err)
	}
	if got := updateIDs(us); !slices.Equal(got, ids) {
		return fmt.Errorf("Load = %q, want %q", got, ids)
	}
	for _, u := range us {
		if string(u.Data) != "data "+u.ID {
			return fmt.Errorf("update %q holds %q", u.ID, u.Data)
		}
	}
	for k := range s.recs {
		if id, ok := strings.CutPrefix(k, storage.DurableNamespace+"\x00u:"); ok && !slices.Contains(ids, id) {
			return fmt.Errorf("update %q left unlisted (queue %q)", id, ids)
		}
	}
	q.SetMaxUpdates(len(ids) + 1)
	if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "probe"}); err != nil {
		return fmt.Errorf("enqueue under a limit of %d: %w", len(ids)+1, err)
	}
	if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: "probe2"}); !errors.Is(err, storage.ErrDurableQueueFull) {
		return fmt.Errorf("second enqueue under a limit of %d: %v, want ErrDurableQueueFull", len(ids)+1, err)
	}
	return nil
}

// Every sequence of three operations (two from the first format) of enqueue, delete, load and
// mark failed, each cut short at each of its writes or not, from queues of each format: after each step the queue is the one
// before or after the step, whatever the operations in between repaired or did not: a crash
// inside the repair of an earlier crash (a double crash), a crashed conversion followed by an
// Enqueue or Delete, crashes in a row.
func TestDurableQueueCrashSequences(t *testing.T) {
	ctx := context.Background()
	starts := []struct {
		name  string
		setup func(t *testing.T, s storage.Storage)
		ids   []string
		depth int // 2 for the first format: its conversion writes 9 records, 3 steps take 9 s
	}{
		{"empty", func(*testing.T, storage.Storage) {}, []string{}, 3},
		{"a b c", func(t *testing.T, s storage.Storage) { enqueueIDs(t, storage.NewDurableQueue(s), "a", "b", "c") }, []string{"a", "b", "c"}, 3},
		{"first format", func(t *testing.T, s storage.Storage) {
			writeFirstFormat(t, s, []string{"a", "ghost", "b", "c"}, []*storage.DurableUpdate{
				{ID: "a", Data: []byte("data a")}, {ID: "b", Data: []byte("data b")}, {ID: "c", Data: []byte("data c")},
			})
		}, []string{"a", "b", "c"}, 2},
		{"second format", func(t *testing.T, s storage.Storage) {
			// b, c enqueued; an enqueue of a cut short after the index (e:2 without its update).
			idx := storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 0, Tail: 3, Count: 3})
			must(t, s.SaveRecord(ctx, storage.DurableNamespace, "index", idx))
			for i, id := range []string{"b", "c", "a"} {
				must(t, s.SaveRecord(ctx, storage.DurableNamespace, fmt.Sprintf("e:%d", i), storage.AppendDurableEntry(storage.DurableEntry{ID: id})))
				if id != "a" {
					must(t, s.SaveRecord(ctx, storage.DurableNamespace, "u:"+id, mustRecord(t, &storage.DurableUpdate{ID: id, Data: []byte("data " + id)}, uint64(i))))
				}
			}
		}, []string{"b", "c"}, 3},
	}
	ops := crashOps("a", "b", "d")
	for _, st := range starts {
		t.Run(st.name, func(t *testing.T) {
			s := newRecordMap()
			st.setup(t, s)
			n := exploreCrashes(t, s, st.ids, ops, st.depth, []string{st.name})
			t.Logf("%d states", n)
		})
	}
}
