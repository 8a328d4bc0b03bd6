package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
		if d := string(u.Data); d != "data "+u.ID && d != "new "+u.ID {
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

// fuzzKeys are the records a FuzzDurableQueueStore input can set: the index, entries 0 to 5,
// updates a to d.
var fuzzKeys = []string{"index", "e:0", "e:1", "e:2", "e:3", "e:4", "e:5", "u:a", "u:b", "u:c", "u:d"}

// encodeFuzzStore writes the queue records of s as a FuzzDurableQueueStore input: per record,
// its key's place in fuzzKeys, the value's length (a byte) and the value.
func encodeFuzzStore(s *recordMap) []byte {
	var b []byte
	for i, k := range fuzzKeys {
		if v, ok := s.recs[storage.DurableNamespace+"\x00"+k]; ok && len(v) < 256 {
			b = append(append(b, byte(i), byte(len(v))), v...)
		}
	}
	return b
}

func decodeFuzzStore(b []byte) *budgetStore {
	s := &budgetStore{recordMap: newRecordMap()}
	for len(b) >= 2 {
		k, n := fuzzKeys[int(b[0])%len(fuzzKeys)], min(int(b[1]), len(b)-2)
		s.recs[storage.DurableNamespace+"\x00"+k] = slices.Clone(b[2 : 2+n])
		b = b[2+n:]
	}
	return s
}

var errBudget = errors.New("read budget spent")

// budgetStore fails reads past budget.
type budgetStore struct {
	*recordMap
	reads, budget int
}

func (s *budgetStore) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	if s.reads++; s.reads > s.budget {
		return nil, false, errBudget
	}
	return s.recordMap.LoadRecord(ctx, ns, key)
}

// FuzzDurableQueueStore runs the queue over records from the fuzzer (any bytes under the
// index, entries 0 to 5 and updates a to d): Load, Load(1), Enqueue, Delete and MarkFailed
// never panic, fail only with ErrCorrupt (or ErrDurableQueueFull, ErrNotFound where those
// apply), and read at most 8 records per stored record or byte of the index, plus 16 (a
// queue of the second format may walk its span, up to MaxDurableSpan numbers: the read
// budget cuts it). Once Load succeeds, the queue behaves: the same ids again, no id twice,
// Load(1) its head, an Enqueue or Delete that succeeds shows in the next Load.
func FuzzDurableQueueStore(f *testing.F) {
	ctx := context.Background()
	addSeed := func(s *recordMap) { f.Add(encodeFuzzStore(s)) }
	must := func(_ testing.TB, err error) {
		if err != nil {
			f.Fatal(err)
		}
	}
	base := func() *recordMap {
		s := newRecordMap()
		for _, id := range []string{"a", "b", "c"} {
			must(f, storage.NewDurableQueue(s).Enqueue(ctx, &storage.DurableUpdate{ID: id, Data: []byte(id)}))
		}
		return s
	}
	addSeed(base())
	for _, op := range crashOps("b", "d") {
		for failAt := 1; failAt < 6; failAt++ {
			s := base()
			_ = op.run(storage.NewDurableQueue(&writeCounter{Storage: s, failAt: failAt}))
			addSeed(s)
		}
	}
	v1 := newRecordMap()
	must(f, v1.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableIndex([]string{"a", "d", "b"})))
	for _, u := range []*storage.DurableUpdate{{ID: "a"}, {ID: "b", Attempts: 2}} {
		rec, err := storage.AppendDurableUpdate(u)
		must(f, err)
		must(f, v1.SaveRecord(ctx, storage.DurableNamespace, "u:"+u.ID, rec))
	}
	addSeed(v1)
	v2 := newRecordMap()
	must(f, v2.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableMetaV2(storage.DurableMetaV2{Head: 1, Tail: 4, Count: 2})))
	for i, id := range []string{"a", "b", "c", "d"} {
		must(f, v2.SaveRecord(ctx, storage.DurableNamespace, fmt.Sprintf("e:%d", i), storage.AppendDurableEntry(storage.DurableEntry{ID: id})))
		rec, err := storage.AppendDurableRecord(&storage.DurableUpdate{ID: id}, uint64(i), true)
		must(f, err)
		must(f, v2.SaveRecord(ctx, storage.DurableNamespace, "u:"+id, rec))
	}
	addSeed(v2)
	f.Fuzz(func(t *testing.T, b []byte) {
		s := decodeFuzzStore(b)
		limit := 16 + 8*len(s.recs)
		if idx, ok := s.recs[storage.DurableNamespace+"\x00index"]; ok {
			limit += 8 * len(idx)
		}
		q := storage.NewDurableQueue(s)
		// run runs one operation under the read budget and checks its error.
		run := func(what string, op func() error, allowed ...error) error {
			t.Helper()
			s.reads, s.budget = 0, limit
			idx := s.recs[storage.DurableNamespace+"\x00index"]
			secondFormat := len(idx) > 0 && idx[0] == 2 // converted by the operation
			err := op()
			if err == nil || errors.Is(err, storage.ErrCorrupt) || slices.ContainsFunc(allowed, func(e error) bool { return errors.Is(err, e) }) {
				return err
			}
			if errors.Is(err, errBudget) {
				if secondFormat {
					return err // the walk of a queue of the second format
				}
				t.Fatalf("%s read over %d records (%d stored)", what, limit, len(s.recs))
			}
			t.Fatalf("%s: %v", what, err)
			return err
		}
		var first []string
		load := func(limit int) error {
			us, err := q.Load(ctx, limit)
			first = updateIDs(us)
			return err
		}
		if run("Load", func() error { return load(0) }) != nil {
			_ = run("Enqueue", func() error { return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"}) }, storage.ErrDurableQueueFull)
			_ = run("Delete", func() error { return q.Delete(ctx, "b") })
			_ = run("MarkFailed", func() error { return q.MarkFailed(ctx, "a", 1, "x") }, storage.ErrNotFound)
			_ = run("Load(1)", func() error { return load(1) })
			return
		}
		ids := first
		if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
			t.Fatalf("Load returned an id twice: %q", ids)
		}
		expect := func(what string, want []string) {
			t.Helper()
			if err := run(what+", then Load", func() error { return load(0) }); err != nil {
				t.Fatalf("%s, then Load: %v (Load before succeeded)", what, err)
			}
			if !slices.Equal(first, want) {
				t.Fatalf("%s: Load = %q, want %q", what, first, want)
			}
			ids = want
		}
		expect("Load again", ids)
		if err := run("Load(1)", func() error { return load(1) }); err != nil || !slices.Equal(first, ids[:min(1, len(ids))]) {
			t.Fatalf("Load(1) = %q, %v; Load = %q", first, err, ids)
		}
		if run("MarkFailed", func() error { return q.MarkFailed(ctx, "a", 1, "x") }, storage.ErrNotFound) == nil {
			expect("MarkFailed", ids)
		}
		if run("Enqueue", func() error { return q.Enqueue(ctx, &storage.DurableUpdate{ID: "d"}) }, storage.ErrDurableQueueFull) == nil {
			want := ids
			if !slices.Contains(ids, "d") {
				want = append(slices.Clone(ids), "d")
			}
			expect("Enqueue", want)
		}
		for _, id := range append([]string{"b"}, ids[:min(1, len(ids))]...) {
			if run("Delete", func() error { return q.Delete(ctx, id) }) == nil {
				expect("Delete "+id, slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id }))
			}
		}
	})
}

// Queues written by the code of the first and second formats (testdata, made by those
// versions, crashed operations included) load with every update, in order, all fields
// intact, on every backend; then every sequence of two operations cut short anywhere (the
// conversion first) keeps them.
func TestDurableQueueOlderFormatFiles(t *testing.T) {
	ctx := context.Background()
	upd := func(id, data string, sec int64, failed bool) *storage.DurableUpdate {
		u := &storage.DurableUpdate{ID: id, Data: []byte(data), EnqueuedAt: time.Unix(1_700_000_000+sec, 0)}
		if failed {
			u.Attempts, u.LastError = 2, "flood wait"
		}
		return u
	}
	firstFormat := []*storage.DurableUpdate{upd("a", "data a", 1, false), upd("d", "data d", 4, true), upd("e", "new e", 7, false), upd("f", "data f", 6, false)}
	tests := []struct {
		file    string
		want    []*storage.DurableUpdate
		explore bool // data of the "data <id>" or "new <id>" form
	}{
		{"durable_v1_queue.txt", firstFormat, true},
		{"durable_v1_queue_half_v2.txt", firstFormat, true},
		{"durable_v2_crashed_deletes.txt", []*storage.DurableUpdate{
			upd("b", "data b", 2, false), upd("d", "data d", 4, true), upd("e", "new e", 7, false), upd("f", "data f", 6, false),
		}, true},
		{"durable_v2_queue.txt", []*storage.DurableUpdate{
			upd("d", "data d", 3, false), upd("e", "data e", 4, true), upd("f", "new f", 0, false), upd("h", "data h", 7, false),
			{ID: "k", Data: []byte{0, 1, 2}, EnqueuedAt: time.Unix(1_700_000_000, 0)},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			forEach(t, func(t *testing.T, s storage.Storage) {
				loadRecords(t, s, "testdata/"+tt.file)
				q := storage.NewDurableQueue(s)
				for range 2 { // converting, then converted
					us, err := q.Load(ctx, 0)
					must(t, err)
					if diff := cmp.Diff(tt.want, us); diff != "" {
						t.Fatalf("updates (-want +got):\n%s", diff)
					}
				}
				enqueueIDs(t, q, "z")
				must(t, q.Delete(ctx, tt.want[0].ID))
				want := append(updateIDs(tt.want[1:]), "z")
				if diff := cmp.Diff(want, queueIDs(t, storage.NewDurableQueue(s), 0)); diff != "" {
					t.Errorf("after enqueue and delete (-want +got):\n%s", diff)
				}
			})
			if !tt.explore {
				return
			}
			s := newRecordMap()
			loadRecords(t, s, "testdata/"+tt.file)
			ids := updateIDs(tt.want)
			exploreCrashes(t, s, ids, crashOps(ids[1], ids[0], "z"), 2, []string{tt.file})
		})
	}
}

// One DurableQueue used by many goroutines at once (the client's is) serializes their
// writes: producers enqueueing and deleting, a consumer loading and marking failed, the limit
// changing; every update enqueued and not deleted is there once, each producer's in order.
func TestDurableQueueConcurrent(t *testing.T) {
	ctx := context.Background()
	const producers, each = 4, 60
	forEach(t, func(t *testing.T, s storage.Storage) {
		n := each
		if _, ok := s.(*storage.InMemory); !ok {
			n = 8 // 2 to 3 ms a write in the file store
		}
		q := storage.NewDurableQueue(s)
		done := make(chan struct{})
		var consumer sync.WaitGroup
		consumer.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				us, err := q.Load(ctx, 3)
				if err != nil {
					t.Errorf("Load: %v", err)
					return
				}
				for _, u := range us {
					if err := q.MarkFailed(ctx, u.ID, u.Attempts+1, "x"); err != nil && !errors.Is(err, storage.ErrNotFound) {
						t.Errorf("MarkFailed: %v", err)
						return
					}
				}
				q.SetMaxUpdates(producers * n)
			}
		})
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range n {
					id := fmt.Sprintf("p%d-%03d", p, i)
					if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: id}); err != nil {
						t.Errorf("Enqueue %s: %v", id, err)
						return
					}
					if i%2 == 1 {
						if err := q.Delete(ctx, fmt.Sprintf("p%d-%03d", p, i-1)); err != nil {
							t.Errorf("Delete: %v", err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(done)
		consumer.Wait()
		got := queueIDs(t, storage.NewDurableQueue(s), 0)
		for p := range producers {
			var want, mine []string
			for i := 1; i < n; i += 2 {
				want = append(want, fmt.Sprintf("p%d-%03d", p, i))
			}
			for _, id := range got {
				if strings.HasPrefix(id, fmt.Sprintf("p%d-", p)) {
					mine = append(mine, id)
				}
			}
			if diff := cmp.Diff(want, mine); diff != "" {
				t.Errorf("producer %d's updates (-want +got):\n%s", p, diff)
			}
		}
		if len(got) != producers*n/2 {
			t.Errorf("%d updates, want %d", len(got), producers*n/2)
		}
	})
}
