package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
)

// queueWithGap makes a queue of one update left at the head, then live more updates after
// deleted ones enqueued and deleted in order: what a bot sees when one update keeps failing
// while the others are handled.
func queueWithGap(tb testing.TB, q *storage.DurableQueue, deleted, live int) {
	tb.Helper()
	ctx := context.Background()
	enqueue := func(id string) {
		if err := q.Enqueue(ctx, &storage.DurableUpdate{ID: id, Data: []byte("d")}); err != nil {
			tb.Fatal(err)
		}
	}
	enqueue("stuck")
	for i := range deleted {
		id := fmt.Sprintf("gone%d", i)
		enqueue(id)
		if err := q.Delete(ctx, id); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range live {
		enqueue(fmt.Sprintf("live%d", i))
	}
}

// Load's reads grow with the updates it returns (2 each: entry and update), plus the index
// and the entry of the last unlink; never with the updates deleted between them. Enqueue and
// Delete read a bounded number of records too.
func TestDurableReadsIgnoreDeleted(t *testing.T) {
	ctx := context.Background()
	const limit = 10
	const maxLoad, maxEnqueue, maxDelete = 2*limit + 2, 4, 6
	for _, deleted := range []int{0, 10, 5000} {
		t.Run(fmt.Sprintf("deleted=%d", deleted), func(t *testing.T) {
			rc := &storagetest.ReadCounter{Storage: storage.NewInMemory()}
			q := storage.NewDurableQueue(rc)
			queueWithGap(t, q, deleted, 2*limit)
			reads := func(what string, most int, op func(q *storage.DurableQueue) error) {
				t.Helper()
				before := rc.Reads
				must(t, op(q))
				if got := rc.Reads - before; got > most {
					t.Errorf("%s: %d reads, want at most %d", what, got, most)
				}
			}
			load := func(q *storage.DurableQueue) error {
				us, err := q.Load(ctx, limit)
				if err == nil && (len(us) != limit || us[0].ID != "stuck") {
					t.Errorf("Load(%d) = %d updates, want %d from \"stuck\" on", limit, len(us), limit)
				}
				return err
			}
			reads("Load", maxLoad, load)
			reads("Load again", maxLoad, load)
			reads("Load of a new queue", maxLoad, func(*storage.DurableQueue) error { return load(storage.NewDurableQueue(rc)) })
			reads("Enqueue", maxEnqueue, func(q *storage.DurableQueue) error {
				return q.Enqueue(ctx, &storage.DurableUpdate{ID: "new"})
			})
			reads("Delete in the middle", maxDelete, func(q *storage.DurableQueue) error { return q.Delete(ctx, "live3") })
			reads("Delete the head", maxDelete, func(q *storage.DurableQueue) error { return q.Delete(ctx, "stuck") })
			reads("Delete the last", maxDelete, func(q *storage.DurableQueue) error { return q.Delete(ctx, "new") })
		})
	}
}

func BenchmarkDurableLoadAfterDeletes(b *testing.B) {
	for _, deleted := range []int{0, 1000, 100_000} {
		b.Run(fmt.Sprintf("deleted=%d", deleted), func(b *testing.B) {
			rc := &storagetest.ReadCounter{Storage: storage.NewInMemory()}
			q := storage.NewDurableQueue(rc)
			queueWithGap(b, q, deleted, 20)
			if _, err := q.Load(context.Background(), 10); err != nil { // any conversion done
				b.Fatal(err)
			}
			rc.Reads = 0
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.Load(context.Background(), 10); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rc.Reads)/float64(b.N), "reads/op")
		})
	}
}
