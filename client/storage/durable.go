package storage

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
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
	// updates, and Load refuses an index spanning more as damaged, so Load and Delete read
	// at most that many records.
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
	// EnqueuedAt is when Enqueue stored it; Enqueue sets it when zero.
	EnqueuedAt time.Time
}

// DurableQueue is a first-in first-out queue of DurableUpdates in the records of one Storage
// (so one session: the queue belongs to the account's storage), holding up to
// DefaultMaxDurableUpdates (SetMaxUpdates changes that). The order is kept in numbered entry
// records, one per update, between a head and a tail kept in the index record; each update
// record carries its entry's number. Enqueue writes 3 records (1 to replace), Delete 3, at
// any length. Within the process one DurableQueue per Storage must be used (the client's:
// Client.EnqueueDurableUpdate and the rest); it serializes its writes, two over one Storage
// would lose entries. A crash between the writes of an operation leaves an entry without its
// update, which Load skips and drops; never an update no entry lists. A queue written by an
// older version (one index record listing every id) is converted on first use.
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
	durableVersion  = 1 // update and dedup records; the index listing every id
	durableQueueV2  = 2 // index as head and tail, entry records, updates with their entry
)

func durableKey(id string) string { return "u:" + id }

func durableEntryKey(seq uint64) string { return "e:" + strconv.FormatUint(seq, 10) }

// durableMeta is the index record: entries head to tail-1 (some deleted) list the queue,
// count of them have their update (as last written: a crash may leave it one too high, until
// a Load reads the whole queue).
type durableMeta struct {
	head, tail, count uint64
}

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
	if _, err := appendDurableRecord(nil, &durableRecord{DurableUpdate: *u, hasSeq: true}); err != nil { // size check before any write
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
	if old != nil && old.hasSeq && m.lists(old.seq) {
		return q.saveUpdate(ctx, "enqueue durable update", &durableRecord{DurableUpdate: *u, seq: old.seq, hasSeq: true})
	}
	if m.count >= uint64(q.max) || m.tail-m.head >= maxDurableSpan {
		return fmt.Errorf("storage: enqueue durable update %q: %w (%d queued)", u.ID, ErrDurableQueueFull, m.count)
	}
	// The entry, then the index naming it, then the update: a crash before the update is
	// written leaves an entry Load drops.
	seq := m.tail
	if err := q.st.SaveRecord(ctx, DurableNamespace, durableEntryKey(seq), appendDurableEntry(nil, u.ID)); err != nil {
		return fmt.Errorf("storage: enqueue durable update %q: save entry: %w", u.ID, err)
	}
	m.tail++
	m.count++
	if err := q.saveMeta(ctx, m); err != nil {
		return err
	}
	return q.saveUpdate(ctx, "enqueue durable update", &durableRecord{DurableUpdate: *u, seq: seq, hasSeq: true})
}

// Load returns the first limit updates of the queue, oldest first (limit <= 0: all). Its
// reads grow with the span from the oldest update to the last returned, entries of updates
// deleted out of order included.
func (q *DurableQueue) Load(ctx context.Context, limit int) ([]*DurableUpdate, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	m, err := q.meta(ctx)
	if err != nil {
		return nil, err
	}
	var out []*DurableUpdate
	next, dropped := m, uint64(0)
	seq := m.head
	for ; seq < m.tail && (limit <= 0 || len(out) < limit); seq++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("storage: load durable queue: %w", err)
		}
		id, ok, err := q.entry(ctx, seq)
		if err != nil {
			return nil, err
		}
		if ok {
			u, err := q.load(ctx, id)
			if err != nil {
				return nil, err
			}
			if u != nil && !u.hasSeq {
				// An update of the first format under an entry (only a damaged queue has
				// one: conversion numbers them all before the index): this entry takes it,
				// so other entries naming it are dropped, not loaded as copies.
				u.seq, u.hasSeq = seq, true
				if err := q.saveUpdate(ctx, "load durable queue", u); err != nil {
					return nil, err
				}
			}
			if u != nil && u.seq == seq {
				out = append(out, &u.DurableUpdate)
				continue
			}
			// An entry without its update: what a crash inside Enqueue or Delete leaves.
			if err := q.deleteEntry(ctx, seq); err != nil {
				return nil, err
			}
			dropped++
		}
		if len(out) == 0 {
			next.head = seq + 1
		}
	}
	next.count -= min(dropped, next.count)
	if seq == m.tail { // the whole queue was read
		next.count = uint64(len(out))
	}
	if next != m {
		if err := q.saveMeta(ctx, next); err != nil {
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
	if loadErr != nil || !u.hasSeq || !m.lists(u.seq) {
		return nil
	}
	if err := q.deleteEntry(ctx, u.seq); err != nil {
		return err
	}
	m.count -= min(1, m.count)
	if u.seq == m.head {
		// Past the entries of updates deleted before (each passed once).
		for m.head++; m.head < m.tail; m.head++ {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("storage: delete durable update %q: %w", id, err)
			}
			_, ok, err := q.entry(ctx, m.head)
			if err != nil {
				return err
			}
			if ok {
				break
			}
		}
	}
	return q.saveMeta(ctx, m)
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

func (m durableMeta) lists(seq uint64) bool { return m.head <= seq && seq < m.tail }

// meta loads the index record, converting a queue of the first format (one index listing
// every id) when it finds one.
func (q *DurableQueue) meta(ctx context.Context) (durableMeta, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableIndexKey)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	if !ok {
		return durableMeta{}, nil
	}
	if len(rec) > 0 && rec[0] == durableVersion {
		return q.convert(ctx, rec)
	}
	m, err := decodeDurableMeta(rec)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	return m, nil
}

// convert turns a first-format index into entries 0 to n-1, rewriting each update with its
// entry, then the index: a crash before that last write leaves the old index in force (the
// old format reads the new update records), to be converted again.
func (q *DurableQueue) convert(ctx context.Context, rec []byte) (durableMeta, error) {
	ids, err := DecodeDurableIndex(rec)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	var m durableMeta
	for _, id := range ids {
		u, err := q.load(ctx, id)
		if err != nil {
			return durableMeta{}, err
		}
		if u == nil {
			continue // an entry without its update: dropped
		}
		if err := q.st.SaveRecord(ctx, DurableNamespace, durableEntryKey(m.tail), appendDurableEntry(nil, id)); err != nil {
			return durableMeta{}, fmt.Errorf("storage: convert durable queue: save entry: %w", err)
		}
		u.seq, u.hasSeq = m.tail, true
		if err := q.saveUpdate(ctx, "convert durable queue", u); err != nil {
			return durableMeta{}, err
		}
		m.tail++
	}
	m.count = m.tail
	return m, q.saveMeta(ctx, m)
}

func (q *DurableQueue) saveMeta(ctx context.Context, m durableMeta) error {
	var err error
	if m.head == m.tail {
		// Empty: numbering starts again at 0 (no update names an entry any more).
		err = q.st.DeleteRecord(ctx, DurableNamespace, durableIndexKey)
	} else {
		err = q.st.SaveRecord(ctx, DurableNamespace, durableIndexKey, appendDurableMeta(nil, m))
	}
	if err != nil {
		return fmt.Errorf("storage: save durable queue index: %w", err)
	}
	return nil
}

func (q *DurableQueue) entry(ctx context.Context, seq uint64) (string, bool, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableEntryKey(seq))
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("storage: load durable queue entry %d: %w", seq, err)
		}
		return "", false, err
	}
	id, err := decodeDurableEntry(rec)
	if err != nil {
		return "", false, fmt.Errorf("storage: load durable queue entry %d: %w", seq, err)
	}
	return id, true, nil
}

func (q *DurableQueue) deleteEntry(ctx context.Context, seq uint64) error {
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableEntryKey(seq)); err != nil {
		return fmt.Errorf("storage: delete durable queue entry %d: %w", seq, err)
	}
	return nil
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

// The records. Index: version 2, head, tail, count (uvarints; head <= tail, count <= tail -
// head <= maxDurableSpan). Entry e:<number in decimal>: version 2, the id (length, bytes).
// Update u:<id>: version 2, its entry's number (uvarint), then as in version 1: enqueued at
// (Unix nanoseconds, int64 big endian), attempts (uvarint), last error and id (each length
// and bytes), then the data. The first format's index (version 1): count (uvarint), then
// each id (length and bytes); its update records lack the entry number.

// maxDurableSpan bounds head to tail: a damaged index spanning more is refused (ErrCorrupt)
// rather than walked, one record read per number, for hours.
const maxDurableSpan = MaxDurableSpan

func appendDurableMeta(b []byte, m durableMeta) []byte {
	b = append(b, durableQueueV2)
	b = binary.AppendUvarint(b, m.head)
	b = binary.AppendUvarint(b, m.tail)
	return binary.AppendUvarint(b, m.count)
}

func appendDurableEntry(b []byte, id string) []byte {
	return appendBytes(append(b, durableQueueV2), id)
}

func appendDurableIndex(b []byte, ids []string) []byte {
	b = append(b, durableVersion)
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = appendBytes(b, id)
	}
	return b
}

// appendDurableUpdate appends u in the first format.
func appendDurableUpdate(b []byte, u *DurableUpdate) ([]byte, error) {
	return appendDurableRecord(b, &durableRecord{DurableUpdate: *u})
}

// appendDurableRecord appends u with its entry's number (in the first format without one).
func appendDurableRecord(b []byte, u *durableRecord) ([]byte, error) {
	if u.hasSeq {
		b = binary.AppendUvarint(append(b, durableQueueV2), u.seq)
	} else {
		b = append(b, durableVersion)
	}
	if u.Attempts < 0 {
		return nil, fmt.Errorf("%d attempts", u.Attempts)
	}
	lastErr := u.LastError
	if len(lastErr) > MaxDurableError {
		lastErr = lastErr[:MaxDurableError]
	}
	b = binary.BigEndian.AppendUint64(b, uint64(u.EnqueuedAt.UnixNano()))
	b = binary.AppendUvarint(b, uint64(u.Attempts))
	b = appendBytes(b, lastErr)
	b = appendBytes(b, u.ID)
	b = append(b, u.Data...)
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrRecordTooLarge, len(b), MaxRecordSize)
	}
	return b, nil
}

func appendBytes(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// recordReader reads the fields of a record; the first failure sticks and names the field.
type recordReader struct {
	b   []byte
	err error
}

func (r *recordReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: bad %s", ErrCorrupt, what)
	}
}

func (r *recordReader) uvarint(what string, max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	n, size := binary.Uvarint(r.b)
	if size <= 0 || n > max {
		r.fail(what)
		return 0
	}
	r.b = r.b[size:]
	return n
}

func (r *recordReader) bytes(what string, max int) string {
	n := r.uvarint(what+" length", uint64(max))
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.fail(what)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *recordReader) int64(what string) int64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail(what)
		return 0
	}
	v := int64(binary.BigEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *recordReader) version(what string) {
	r.versionOf(what, durableVersion)
}

func (r *recordReader) versionOf(what string, v byte) {
	if len(r.b) == 0 || r.b[0] != v {
		r.fail(what + " version")
		return
	}
	r.b = r.b[1:]
}

// end fails unless the record was read to its end.
func (r *recordReader) end(what string) {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d bytes after the %s", ErrCorrupt, len(r.b), what)
	}
}

// DecodeDurableIndex decodes the index record of the first format: ids, each 1 to
// MaxDurableID bytes, no two alike. Errors match ErrCorrupt; time and memory are linear in
// len(b).
func DecodeDurableIndex(b []byte) ([]string, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: durable index of %d bytes", ErrCorrupt, len(b))
	}
	r := recordReader{b: b}
	r.version("durable index")
	n := r.uvarint("durable index count", uint64(len(b))) // every id takes 2 bytes at least
	if r.err != nil {
		return nil, r.err
	}
	ids := make([]string, 0, min(n, uint64(len(b))/2))
	seen := make(map[string]struct{}, cap(ids))
	for range n {
		id := r.durableID("durable index id")
		if r.err != nil {
			return nil, r.err
		}
		if _, dup := seen[id]; dup {
			return nil, fmt.Errorf("%w: durable index lists an id twice", ErrCorrupt)
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	r.end("durable index")
	if r.err != nil {
		return nil, r.err
	}
	return ids, nil
}

// durableID reads an id of 1 to MaxDurableID bytes.
func (r *recordReader) durableID(what string) string {
	id := r.bytes(what, MaxDurableID)
	if r.err == nil && id == "" {
		r.err = fmt.Errorf("%w: empty %s", ErrCorrupt, what)
	}
	return id
}

// decodeDurableMeta decodes the index record of the queue. Errors match ErrCorrupt.
func decodeDurableMeta(b []byte) (durableMeta, error) {
	r := recordReader{b: b}
	r.versionOf("durable index", durableQueueV2)
	m := durableMeta{
		head:  r.uvarint("durable index head", math.MaxUint64-maxDurableSpan),
		tail:  r.uvarint("durable index tail", math.MaxUint64),
		count: r.uvarint("durable index count", maxDurableSpan),
	}
	r.end("durable index")
	if r.err != nil {
		return durableMeta{}, r.err
	}
	if m.tail < m.head || m.tail-m.head > maxDurableSpan || m.count > m.tail-m.head {
		return durableMeta{}, fmt.Errorf("%w: durable index head %d, tail %d, count %d", ErrCorrupt, m.head, m.tail, m.count)
	}
	return m, nil
}

// decodeDurableEntry decodes an entry record: the id it lists. Errors match ErrCorrupt.
func decodeDurableEntry(b []byte) (string, error) {
	r := recordReader{b: b}
	r.versionOf("durable entry", durableQueueV2)
	id := r.durableID("durable entry id")
	r.end("durable entry")
	if r.err != nil {
		return "", r.err
	}
	return id, nil
}

// DecodeDurableUpdate decodes an update record (either format). Errors match ErrCorrupt.
func DecodeDurableUpdate(b []byte) (*DurableUpdate, error) {
	u, err := decodeDurableRecord(b)
	if err != nil {
		return nil, err
	}
	return &u.DurableUpdate, nil
}

func decodeDurableRecord(b []byte) (*durableRecord, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: durable update of %d bytes", ErrCorrupt, len(b))
	}
	r := recordReader{b: b}
	var u durableRecord
	if len(b) > 0 && b[0] == durableQueueV2 {
		r.b = b[1:]
		u.seq, u.hasSeq = r.uvarint("durable update entry", math.MaxUint64), true
	} else {
		r.version("durable update")
	}
	at := r.int64("durable update time")
	attempts := r.uvarint("durable update attempts", 1<<31-1)
	lastErr := r.bytes("durable update error", MaxDurableError)
	id := r.durableID("durable update id")
	if r.err != nil {
		return nil, r.err
	}
	u.DurableUpdate = DurableUpdate{ID: id, Attempts: int(attempts), LastError: lastErr, EnqueuedAt: time.Unix(0, at)}
	if len(r.b) > 0 {
		u.Data = slices.Clone(r.b)
	}
	return &u, nil
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
	rec := binary.BigEndian.AppendUint64([]byte{durableVersion}, uint64(now.Add(d.ttl).UnixNano()))
	if err := d.st.SaveRecord(ctx, DedupNamespace, key, rec); err != nil {
		return false, fmt.Errorf("storage: save dedup key: %w", err)
	}
	return true, nil
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
