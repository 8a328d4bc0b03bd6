package storage

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// A durable queue of updates to (re)process, and dedup keys, both kept as records of a
// Storage (the interface has no listing of records, so the queue keeps its own index).

// Namespaces and limits of the durable queue and the dedup keys.
const (
	// DurableNamespace is the record namespace of the durable queue.
	DurableNamespace = "mtgo.durable"
	// DedupNamespace is the record namespace of the dedup keys.
	DedupNamespace = "mtgo.dedup"
	// MaxDurableID is the longest id of a durable update, in bytes.
	MaxDurableID = 64
	// DefaultMaxDurableUpdates is how many updates a DurableQueue holds unless
	// DurableQueue.SetMaxUpdates says otherwise.
	DefaultMaxDurableUpdates = 1_000_000
	// MaxDurableError is the longest LastError kept; longer ones are cut.
	MaxDurableError = 1024
	// MaxDurableSpan bounds the numbers of a queue's entries from the oldest update to the
	// newest (2^24): Enqueue fails with ErrDurableQueueFull past it, even under the limit of
	// updates, and an index spanning more is refused as damaged, so no walk of the queue
	// (Load, or converting a queue of the second format) reads more records than that.
	MaxDurableSpan = 1 << 24
	// DefaultDedupTTL is how long a dedup key lasts by default.
	DefaultDedupTTL = 24 * time.Hour
)

// ErrDurableQueueFull reports an enqueue into a queue holding its limit of updates
// (DefaultMaxDurableUpdates unless DurableQueue.SetMaxUpdates changed it).
var ErrDurableQueueFull = errors.New("storage: durable update queue is full")

// DurableUpdate is an update kept in a Storage until it is processed: a program enqueues what
// it received before handling it and deletes it once handled, so after a crash it loads what
// is left and handles that again.
type DurableUpdate struct {
	// ID names the update in the queue (1 to MaxDurableID bytes); Enqueue makes a random one
	// when empty. Enqueuing an id already queued replaces that entry, keeping its place.
	ID string
	// Data is the update in the program's encoding; the record (Data, ID, LastError and 30
	// bytes or so) is at most MaxRecordSize bytes.
	Data []byte
	// Attempts and LastError are what MarkFailed recorded.
	Attempts  int
	LastError string
	// EnqueuedAt is when Enqueue stored it; Enqueue sets it when zero and refuses one Unix
	// nanoseconds cannot hold (before 1678 or after 2262).
	EnqueuedAt time.Time
}

// DurableQueue is a first-in first-out queue of DurableUpdates in the records of one Storage
// (so one session: the queue belongs to the account's storage), holding up to
// DefaultMaxDurableUpdates (SetMaxUpdates changes that). The order is kept in numbered entry
// records, one per update, linked to the previous and next entry both ways, the index record
// naming the first and last; each update record carries its entry's number. Enqueue writes 4
// records (3 into an empty queue, 1 to replace), Delete 4 or 5 (5 for an update between two
// others), at any length; Load reads 2 records per update it returns and 1 or 2 more,
// however many were deleted in between (the first operation after a crash may write and
// read a few more to finish what the crash cut short). Within the process one DurableQueue
// per Storage must be used (the client's: Client.EnqueueDurableUpdate and the rest); it
// serializes its writes, two over one Storage would lose entries; the Storage's Reset must
// not run during one of its operations either (an Enqueue cut in two by it leaves an index
// naming deleted entries: ErrCorrupt until the next Reset). A crash between the writes
// of an operation leaves an entry without its update, which Load skips and drops, or an
// unlink the next operation finishes; never an update no entry lists. A queue written by an
// older version (one index listing every id, or numbered entries without links) is converted
// on first use.
type DurableQueue struct {
	st  Storage
	now func() time.Time
	max int
	mu  sync.Mutex
}

// NewDurableQueue returns the queue kept in st.
func NewDurableQueue(st Storage) *DurableQueue {
	return &DurableQueue{st: st, now: time.Now, max: DefaultMaxDurableUpdates}
}

// Exclusive runs fn while no operation of the queue runs, and none starts until fn returns.
// A Reset of the whole Storage (a log-out) goes through it: falling between the writes of an
// Enqueue or Delete it would leave an index naming deleted entries, a queue that stays
// ErrCorrupt until the next Reset.
func (q *DurableQueue) Exclusive(fn func() error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return fn()
}

// SetMaxUpdates sets how many updates the queue holds before Enqueue fails with
// ErrDurableQueueFull (n <= 0: DefaultMaxDurableUpdates). Queues already longer keep their
// updates. Whatever n, the entries from the oldest update to the newest span at most
// MaxDurableSpan numbers: an update left at the head while MaxDurableSpan others pass fills
// the queue.
func (q *DurableQueue) SetMaxUpdates(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if n <= 0 {
		n = DefaultMaxDurableUpdates
	}
	q.max = n
}

const (
	durableIndexKey = "index"
	durableVersion  = 1 // update and dedup records; the first format's index listing every id
	durableQueueV2  = 2 // update records with their entry; the second format's index and entries
	durableQueueV3  = 3 // index and entries of the linked list
)

func durableKey(id string) string { return "u:" + id }

// Enqueue stores u at the end of the queue, or in its place when its id is already queued.
// It fills u.ID and u.EnqueuedAt when empty.
func (q *DurableQueue) Enqueue(ctx context.Context, u *DurableUpdate) error {
	if u == nil {
		return errors.New("storage: enqueue durable update: nil update")
	}
	if u.ID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		u.ID = hex.EncodeToString(b[:])
	}
	if err := checkDurableID(u.ID); err != nil {
		return fmt.Errorf("storage: enqueue durable update: %w", err)
	}
	if u.EnqueuedAt.IsZero() {
		u.EnqueuedAt = q.now()
	}
	if u.EnqueuedAt.Before(time.Unix(0, math.MinInt64)) || u.EnqueuedAt.After(time.Unix(0, math.MaxInt64)) {
		return fmt.Errorf("storage: enqueue durable update %q: enqueued at %v, outside Unix nanoseconds (1678 to 2262)", u.ID, u.EnqueuedAt.UTC())
	}
	// The size check before any write, with the longest entry number.
	if _, err := appendDurableRecord(nil, &durableRecord{DurableUpdate: *u, seq: maxDurableTail, hasSeq: true}); err != nil {
		return fmt.Errorf("storage: enqueue durable update %q: %w", u.ID, err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	m, err := q.meta(ctx)
	if err != nil {
		return err
	}
	old, err := q.load(ctx, u.ID)
	if err != nil {
		return err
	}
	if old != nil && old.hasSeq && m.holds(old.seq) {
		// Replaced in its place when its entry lists it (a damaged record may name another's).
		e, ok, err := q.entryRecord(ctx, old.seq)
		if err != nil {
			return err
		}
		if ok && e.id == u.ID {
			return q.saveUpdate(ctx, "enqueue durable update", &durableRecord{DurableUpdate: *u, seq: old.seq, hasSeq: true})
		}
	}
	if m.count >= uint64(q.max) || m.head != noEntry && m.tail-m.head >= maxDurableSpan || m.tail >= maxDurableTail {
		return fmt.Errorf("storage: enqueue durable update %q: %w (%d queued)", u.ID, ErrDurableQueueFull, m.count)
	}
	var last durableEntry
	if m.last != noEntry {
		if last, err = q.listed(ctx, m, m.last); err != nil {
			return err
		}
	}
	// The entry, the link to it, then the index counting it, then the update: until the
	// index is written the entry is past the tail, then it is one without its update.
	seq := m.tail
	if err := q.saveEntry(ctx, seq, durableEntry{id: u.ID, prev: m.last, next: noEntry}); err != nil {
		return fmt.Errorf("storage: enqueue durable update %q: %w", u.ID, err)
	}
	if m.last == noEntry {
		m.head = seq
	} else {
		last.next = seq
		if err := q.saveEntry(ctx, m.last, last); err != nil {
			return fmt.Errorf("storage: enqueue durable update %q: %w", u.ID, err)
		}
	}
	m.last, m.tail, m.count, m.unlink = seq, seq+1, m.count+1, noUnlink
	if err := q.saveMeta(ctx, m); err != nil {
		return err
	}
	return q.saveUpdate(ctx, "enqueue durable update", &durableRecord{DurableUpdate: *u, seq: seq, hasSeq: true})
}

// Load returns the first limit updates of the queue, oldest first (limit <= 0: all). It
// follows the links from the oldest entry: its reads grow with the updates it returns, not
// with those deleted in between.
func (q *DurableQueue) Load(ctx context.Context, limit int) ([]*DurableUpdate, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	m, err := q.meta(ctx)
	if err != nil {
		return nil, err
	}
	var out []*DurableUpdate
	given := map[string]struct{}{} // updates of the first format given an entry (claim)
	prev, seq := noEntry, m.head
	for seq != noEntry && (limit <= 0 || len(out) < limit) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("storage: load durable queue: %w", err)
		}
		e, err := q.listed(ctx, m, seq)
		if err != nil {
			return nil, err
		}
		if e.prev != prev {
			return nil, fmt.Errorf("storage: load durable queue entry %d: %w: links back to %d, not %d", seq, ErrCorrupt, int64(e.prev), int64(prev))
		}
		u, err := q.claim(ctx, seq, e.id, given)
		if err != nil {
			return nil, err
		}
		if u != nil {
			out = append(out, &u.DurableUpdate)
			prev, seq = seq, e.next
			continue
		}
		// An entry without its update: what a crash inside Enqueue or Delete leaves.
		if err := q.unlink(ctx, &m, seq, e); err != nil {
			return nil, err
		}
		seq = e.next
	}
	if seq == noEntry && prev != m.last {
		// A link damaged to none (or past the tail) would hide the rest of the list.
		return nil, fmt.Errorf("storage: load durable queue entry %d: %w: the list ends there, not at %d", int64(prev), ErrCorrupt, int64(m.last))
	}
	if seq == noEntry && m.count != uint64(len(out)) && len(out) > 0 {
		// The whole list was read: its length is the count (a damaged index had another).
		m.count, m.unlink = uint64(len(out)), noUnlink
		if err := q.saveMeta(ctx, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Delete removes the update id from the queue; a missing one is not an error.
func (q *DurableQueue) Delete(ctx context.Context, id string) error {
	if err := checkDurableID(id); err != nil {
		return fmt.Errorf("storage: delete durable update: %w", err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	m, err := q.meta(ctx)
	if err != nil {
		return err
	}
	u, loadErr := q.load(ctx, id)
	if loadErr == nil && u == nil {
		return nil
	}
	// The update first, then its entry: a crash in between leaves an entry Load drops. A
	// damaged update is deleted all the same; its entry is left to Load.
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableKey(id)); err != nil {
		return fmt.Errorf("storage: delete durable update %q: %w", id, err)
	}
	if loadErr != nil || !u.hasSeq || !m.holds(u.seq) {
		return nil
	}
	e, ok, err := q.entryRecord(ctx, u.seq)
	if err != nil || !ok || e.id != id {
		return err // a missing entry, or one naming another id: damage left to Load
	}
	if e, err = m.checkLinks(u.seq, e); err != nil {
		return err
	}
	return q.unlink(ctx, &m, u.seq, e)
}

// MarkFailed records a failed attempt at update id: attempts so far and the last error (cut
// to MaxDurableError bytes). The update keeps its place. A missing one gives ErrNotFound.
func (q *DurableQueue) MarkFailed(ctx context.Context, id string, attempts int, lastErr string) error {
	if err := checkDurableID(id); err != nil {
		return fmt.Errorf("storage: mark durable update failed: %w", err)
	}
	if attempts < 0 {
		return fmt.Errorf("storage: mark durable update %q failed: %d attempts", id, attempts)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, err := q.meta(ctx); err != nil {
		return err
	}
	u, err := q.load(ctx, id)
	if err != nil {
		return err
	}
	if u == nil {
		return fmt.Errorf("storage: mark durable update %q failed: %w", id, ErrNotFound)
	}
	u.Attempts, u.LastError = attempts, lastErr
	return q.saveUpdate(ctx, "mark durable update failed", u)
}

// durableRecord is an update as stored: with the number of its entry, except in records of
// the first format.
type durableRecord struct {
	DurableUpdate
	seq    uint64
	hasSeq bool
}

// load returns the update id, nil when there is none.
func (q *DurableQueue) load(ctx context.Context, id string) (*durableRecord, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableKey(id))
	if err != nil {
		return nil, fmt.Errorf("storage: load durable update %q: %w", id, err)
	}
	if !ok {
		return nil, nil
	}
	u, err := decodeDurableRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("storage: load durable update %q: %w", id, err)
	}
	if u.ID != id {
		return nil, fmt.Errorf("storage: load durable update %q: %w: record names another id", id, ErrCorrupt)
	}
	return u, nil
}

func (q *DurableQueue) saveUpdate(ctx context.Context, op string, u *durableRecord) error {
	rec, err := appendDurableRecord(nil, u)
	if err == nil {
		err = q.st.SaveRecord(ctx, DurableNamespace, durableKey(u.ID), rec)
	}
	if err != nil {
		return fmt.Errorf("storage: %s %q: %w", op, u.ID, err)
	}
	return nil
}

func checkDurableID(id string) error {
	if id == "" || len(id) > MaxDurableID {
		return fmt.Errorf("durable update id of %d bytes, want 1 to %d", len(id), MaxDurableID)
	}
	return nil
}

// DedupKeys remembers keys of handled updates for a while (DefaultDedupTTL unless set), as
// records of a Storage: Save reports whether a key is new, so a handler fed at least once
// (fanout's Context.UpdateKey) runs once per key. Records do not expire by themselves: a key
// past its lifetime reads as absent and is overwritten when saved again, but keys never seen
// again stay in the storage until Reset. Within the process, use one DedupKeys per Storage
// (the client's): it makes Save's check and write one step.
type DedupKeys struct {
	st  Storage
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
}

// NewDedupKeys returns dedup keys kept in st for ttl (0: DefaultDedupTTL).
func NewDedupKeys(st Storage, ttl time.Duration) *DedupKeys {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &DedupKeys{st: st, ttl: ttl, now: time.Now}
}

// Save records key; saved is false when it was already there (and not expired).
func (d *DedupKeys) Save(ctx context.Context, key string) (saved bool, err error) {
	if key == "" {
		return false, errors.New("storage: save dedup key: empty key")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if ok, err := d.live(ctx, key, now); err != nil || ok {
		return false, err
	}
	rec := binary.BigEndian.AppendUint64([]byte{durableVersion}, uint64(dedupExpiry(now.Add(d.ttl))))
	if err := d.st.SaveRecord(ctx, DedupNamespace, key, rec); err != nil {
		return false, fmt.Errorf("storage: save dedup key: %w", err)
	}
	return true, nil
}

// lastNano is the last time Unix nanoseconds in an int64 reach (2262).
var lastNano = time.Unix(0, math.MaxInt64)

// dedupExpiry is t as a dedup key record holds it, Unix nanoseconds: a later time than they
// reach (a ttl near Duration's maximum) is held as the last one, still in the future, where
// UnixNano's answer is undefined and read back as long past.
func dedupExpiry(t time.Time) int64 {
	if t.After(lastNano) {
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Exists reports whether key was saved and has not expired.
func (d *DedupKeys) Exists(ctx context.Context, key string) (bool, error) {
	if key == "" {
		return false, errors.New("storage: dedup key: empty key")
	}
	return d.live(ctx, key, d.now())
}

func (d *DedupKeys) live(ctx context.Context, key string, now time.Time) (bool, error) {
	rec, ok, err := d.st.LoadRecord(ctx, DedupNamespace, key)
	if err != nil {
		return false, fmt.Errorf("storage: load dedup key: %w", err)
	}
	if !ok {
		return false, nil
	}
	expires, err := DecodeDedupKey(rec)
	if err != nil {
		return false, fmt.Errorf("storage: load dedup key: %w", err)
	}
	return now.Before(expires), nil
}

// DecodeDedupKey decodes a dedup key record: its expiry. Errors match ErrCorrupt.
func DecodeDedupKey(b []byte) (time.Time, error) {
	r := recordReader{b: b}
	r.version("dedup key")
	exp := r.int64("dedup key expiry")
	if r.err == nil && len(r.b) != 0 {
		r.fail("dedup key length")
	}
	if r.err != nil {
		return time.Time{}, r.err
	}
	return time.Unix(0, exp), nil
}
