package storage

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
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
	// MaxDurableError is the longest LastError kept; longer ones are cut.
	MaxDurableError = 1024
	// DefaultDedupTTL is how long a dedup key lasts by default.
	DefaultDedupTTL = 24 * time.Hour
)

// ErrDurableQueueFull reports an enqueue past the queue's index record (MaxRecordSize bytes:
// some 1,900 updates with generated ids, about 1,000 with ids of MaxDurableID bytes). It
// matches ErrRecordTooLarge.
var ErrDurableQueueFull = fmt.Errorf("%w: durable update queue is full", ErrRecordTooLarge)

// DurableUpdate is an update kept in a Storage until it is processed: a program enqueues what
// it received before handling it and deletes it once handled, so after a crash it loads what
// is left and handles that again.
type DurableUpdate struct {
	// ID names the update in the queue (1 to MaxDurableID bytes); Enqueue makes a random one
	// when empty. Enqueuing an id already queued replaces that entry, keeping its place.
	ID string
	// Data is the update in the program's encoding; the record (Data, ID, LastError and 20
	// bytes or so) is at most MaxRecordSize bytes.
	Data []byte
	// Attempts and LastError are what MarkFailed recorded.
	Attempts  int
	LastError string
	// EnqueuedAt is when Enqueue stored it; Enqueue sets it when zero.
	EnqueuedAt time.Time
}

// DurableQueue is a first-in first-out queue of DurableUpdates in the records of one Storage
// (so one session: the queue belongs to the account's storage). An index record lists the ids
// in order, one record per update holds it. Within the process one DurableQueue per Storage
// must be used (the client's: Client.EnqueueDurableUpdate and the rest); it serializes its
// writes, two over one Storage would lose index entries. A crash between the two writes of an
// operation leaves an index entry without its update, which Load skips and drops; never an
// update the index does not list.
type DurableQueue struct {
	st  Storage
	now func() time.Time
	mu  sync.Mutex
}

// NewDurableQueue returns the queue kept in st.
func NewDurableQueue(st Storage) *DurableQueue { return &DurableQueue{st: st, now: time.Now} }

const (
	durableIndexKey = "index"
	durableVersion  = 1
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
	rec, err := appendDurableUpdate(nil, u)
	if err != nil {
		return fmt.Errorf("storage: enqueue durable update %q: %w", u.ID, err)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	ids, err := q.index(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, u.ID) {
		// The index first: a crash before the update is written leaves an entry Load drops.
		next := append(ids, u.ID)
		idx := appendDurableIndex(nil, next)
		if len(idx) > MaxRecordSize {
			return fmt.Errorf("storage: enqueue durable update %q: %w (%d queued)", u.ID, ErrDurableQueueFull, len(ids))
		}
		if err := q.st.SaveRecord(ctx, DurableNamespace, durableIndexKey, idx); err != nil {
			return fmt.Errorf("storage: enqueue durable update %q: save index: %w", u.ID, err)
		}
	}
	if err := q.st.SaveRecord(ctx, DurableNamespace, durableKey(u.ID), rec); err != nil {
		return fmt.Errorf("storage: enqueue durable update %q: %w", u.ID, err)
	}
	return nil
}

// Load returns the first limit updates of the queue, oldest first (limit <= 0: all).
func (q *DurableQueue) Load(ctx context.Context, limit int) ([]*DurableUpdate, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids, err := q.index(ctx)
	if err != nil {
		return nil, err
	}
	var out []*DurableUpdate
	var dangling []string
	for _, id := range ids {
		if limit > 0 && len(out) == limit {
			break
		}
		u, ok, err := q.load(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			dangling = append(dangling, id)
			continue
		}
		out = append(out, u)
	}
	if len(dangling) > 0 {
		ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(dangling, id) })
		if err := q.saveIndex(ctx, ids); err != nil {
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
	// The update first: a crash before the index is written leaves an entry Load drops.
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableKey(id)); err != nil {
		return fmt.Errorf("storage: delete durable update %q: %w", id, err)
	}
	ids, err := q.index(ctx)
	if err != nil {
		return err
	}
	if i := slices.Index(ids, id); i >= 0 {
		return q.saveIndex(ctx, slices.Delete(ids, i, i+1))
	}
	return nil
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
	u, ok, err := q.load(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("storage: mark durable update %q failed: %w", id, ErrNotFound)
	}
	u.Attempts, u.LastError = attempts, lastErr
	rec, err := appendDurableUpdate(nil, u)
	if err != nil {
		return fmt.Errorf("storage: mark durable update %q failed: %w", id, err)
	}
	if err := q.st.SaveRecord(ctx, DurableNamespace, durableKey(id), rec); err != nil {
		return fmt.Errorf("storage: mark durable update %q failed: %w", id, err)
	}
	return nil
}

func (q *DurableQueue) index(ctx context.Context) ([]string, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableIndexKey)
	if err != nil {
		return nil, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	if !ok {
		return nil, nil
	}
	ids, err := DecodeDurableIndex(rec)
	if err != nil {
		return nil, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	return ids, nil
}

func (q *DurableQueue) saveIndex(ctx context.Context, ids []string) error {
	var err error
	if len(ids) == 0 {
		err = q.st.DeleteRecord(ctx, DurableNamespace, durableIndexKey)
	} else {
		err = q.st.SaveRecord(ctx, DurableNamespace, durableIndexKey, appendDurableIndex(nil, ids))
	}
	if err != nil {
		return fmt.Errorf("storage: save durable queue index: %w", err)
	}
	return nil
}

func (q *DurableQueue) load(ctx context.Context, id string) (*DurableUpdate, bool, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableKey(id))
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("storage: load durable update %q: %w", id, err)
		}
		return nil, false, err
	}
	u, err := DecodeDurableUpdate(rec)
	if err != nil {
		return nil, false, fmt.Errorf("storage: load durable update %q: %w", id, err)
	}
	if u.ID != id {
		return nil, false, fmt.Errorf("storage: load durable update %q: %w: record names another id", id, ErrCorrupt)
	}
	return u, true, nil
}

func checkDurableID(id string) error {
	if id == "" || len(id) > MaxDurableID {
		return fmt.Errorf("durable update id of %d bytes, want 1 to %d", len(id), MaxDurableID)
	}
	return nil
}

// The records. Index: version, count (uvarint), then each id as length (uvarint) and bytes.
// Update: version, enqueued at (Unix nanoseconds, int64 big endian), attempts (uvarint),
// last error and id (each length and bytes), then the data.

func appendDurableIndex(b []byte, ids []string) []byte {
	b = append(b, durableVersion)
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = appendBytes(b, id)
	}
	return b
}

func appendDurableUpdate(b []byte, u *DurableUpdate) ([]byte, error) {
	if u.Attempts < 0 {
		return nil, fmt.Errorf("%d attempts", u.Attempts)
	}
	lastErr := u.LastError
	if len(lastErr) > MaxDurableError {
		lastErr = lastErr[:MaxDurableError]
	}
	b = append(b, durableVersion)
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
	if len(r.b) == 0 || r.b[0] != durableVersion {
		r.fail(what + " version")
		return
	}
	r.b = r.b[1:]
}

// DecodeDurableIndex decodes the queue's index record: ids, each 1 to MaxDurableID bytes, no
// two alike. Errors match ErrCorrupt; time and memory are linear in len(b).
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
		id := r.bytes("durable index id", MaxDurableID)
		if r.err != nil {
			return nil, r.err
		}
		if id == "" {
			return nil, fmt.Errorf("%w: empty durable index id", ErrCorrupt)
		}
		if _, dup := seen[id]; dup {
			return nil, fmt.Errorf("%w: durable index lists an id twice", ErrCorrupt)
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the durable index", ErrCorrupt, len(r.b))
	}
	return ids, nil
}

// DecodeDurableUpdate decodes an update record. Errors match ErrCorrupt.
func DecodeDurableUpdate(b []byte) (*DurableUpdate, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: durable update of %d bytes", ErrCorrupt, len(b))
	}
	r := recordReader{b: b}
	r.version("durable update")
	at := r.int64("durable update time")
	attempts := r.uvarint("durable update attempts", 1<<31-1)
	lastErr := r.bytes("durable update error", MaxDurableError)
	id := r.bytes("durable update id", MaxDurableID)
	if r.err != nil {
		return nil, r.err
	}
	if id == "" {
		return nil, fmt.Errorf("%w: empty durable update id", ErrCorrupt)
	}
	u := &DurableUpdate{ID: id, Attempts: int(attempts), LastError: lastErr, EnqueuedAt: time.Unix(0, at)}
	if len(r.b) > 0 {
		u.Data = slices.Clone(r.b)
	}
	return u, nil
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
