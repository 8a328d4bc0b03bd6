package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"
)

// The records of the durable queue.
//
// Index (format 3): version 3, tail, count, head, last, then the last unlink begun: its entry,
// and when there is one, that entry's previous and next. Entry e:<number in decimal> (format
// 3): version 3, the id (length, bytes), previous, next. Numbers of entries are stored plus
// one (uvarints), 0 standing for none. An empty list has no head, no last and count 0;
// otherwise head <= last < tail, tail - head <= maxDurableSpan and count <= last - head + 1.
// Along the links numbers rise from head to last.
//
// Update u:<id>: version 2, its entry's number (uvarint), then as in the first format:
// enqueued at (Unix nanoseconds, int64 big endian), attempts (uvarint), last error and id
// (each length and bytes), then the data.
//
// Converted from: the second format (index: version 2, head, tail, count as uvarints, entries
// head to tail-1 of which some deleted; entry: version 2, the id, no links) and the first
// (index: version 1, count, then each id as length and bytes; update records lacking the
// entry number).

// maxDurableSpan bounds head to tail: a damaged index spanning more is refused (ErrCorrupt)
// rather than walked, one record read per number, for hours.
const maxDurableSpan = MaxDurableSpan

// maxDurableTail bounds an index's tail, so that every entry number plus one fits a uint64
// and differs from noEntry.
const maxDurableTail = math.MaxUint64 - 1

// durableLink encodes an entry number or noEntry (as 0) for a record.
func durableLink(seq uint64) uint64 { return seq + 1 }

// durableUnlinkNumber decodes what durableLink encoded.
func durableUnlinkNumber(v uint64) uint64 { return v - 1 }

func appendDurableMeta(b []byte, m durableMeta) []byte {
	b = append(b, durableQueueV3)
	for _, v := range []uint64{m.tail, m.count, durableLink(m.head), durableLink(m.last), durableLink(m.unlink.seq)} {
		b = binary.AppendUvarint(b, v)
	}
	if m.unlink.seq != noEntry {
		b = binary.AppendUvarint(b, durableLink(m.unlink.prev))
		b = binary.AppendUvarint(b, durableLink(m.unlink.next))
	}
	return b
}

// decodeDurableMeta decodes the index record of the list. Errors match ErrCorrupt.
func decodeDurableMeta(b []byte) (durableMeta, error) {
	r := recordReader{b: b}
	r.versionOf("durable index", durableQueueV3)
	m := durableMeta{
		tail:   r.uvarint("durable index tail", maxDurableTail),
		count:  r.uvarint("durable index count", maxDurableSpan),
		head:   r.link("durable index head"),
		last:   r.link("durable index last"),
		unlink: durableUnlink{seq: r.link("durable index unlink"), prev: noEntry, next: noEntry},
	}
	if m.unlink.seq != noEntry {
		m.unlink.prev = r.link("durable index unlink previous")
		m.unlink.next = r.link("durable index unlink next")
	}
	r.end("durable index")
	if r.err != nil {
		return durableMeta{}, r.err
	}
	if err := m.check(); err != nil {
		return durableMeta{}, err
	}
	return m, nil
}

// check reports an index no queue writes, with an error matching ErrCorrupt.
func (m durableMeta) check() error {
	empty := m.head == noEntry
	ok := empty == (m.last == noEntry) && empty == (m.count == 0)
	if ok && !empty {
		ok = m.head <= m.last && m.last < m.tail && m.tail-m.head <= maxDurableSpan && m.count <= m.last-m.head+1
	}
	if u := m.unlink; ok && u.seq != noEntry {
		ok = u.seq < m.tail && (u.prev == noEntry || u.prev < u.seq) && (u.next == noEntry || u.seq < u.next && u.next < m.tail)
	}
	if !ok {
		return fmt.Errorf("%w: durable index head %d, last %d, tail %d, count %d, unlink %d (%d, %d)",
			ErrCorrupt, int64(m.head), int64(m.last), m.tail, m.count, int64(m.unlink.seq), int64(m.unlink.prev), int64(m.unlink.next))
	}
	return nil
}

// durableMetaV2 is the index of the second format: entries head to tail-1, some deleted.
type durableMetaV2 struct {
	head, tail, count uint64
}

// decodeDurableMetaV2 decodes the index of the second format. Errors match ErrCorrupt.
func decodeDurableMetaV2(b []byte) (durableMetaV2, error) {
	r := recordReader{b: b}
	r.versionOf("durable index", durableQueueV2)
	m := durableMetaV2{
		head:  r.uvarint("durable index head", math.MaxUint64-maxDurableSpan),
		tail:  r.uvarint("durable index tail", maxDurableTail), // as the index it converts to
		count: r.uvarint("durable index count", maxDurableSpan),
	}
	r.end("durable index")
	if r.err != nil {
		return durableMetaV2{}, r.err
	}
	if m.tail < m.head || m.tail-m.head > maxDurableSpan || m.count > m.tail-m.head {
		return durableMetaV2{}, fmt.Errorf("%w: durable index head %d, tail %d, count %d", ErrCorrupt, m.head, m.tail, m.count)
	}
	return m, nil
}

func appendDurableEntry(b []byte, e durableEntry) []byte {
	b = appendBytes(append(b, durableQueueV3), e.id)
	b = binary.AppendUvarint(b, durableLink(e.prev))
	return binary.AppendUvarint(b, durableLink(e.next))
}

// decodeDurableEntry decodes an entry record: the id it lists and, in format 3, its links
// (unchecked: they depend on the entry's number). Errors match ErrCorrupt.
func decodeDurableEntry(b []byte) (durableEntry, error) {
	r := recordReader{b: b}
	e := durableEntry{prev: noEntry, next: noEntry}
	if len(b) > 0 && b[0] == durableQueueV2 {
		r.b = b[1:]
	} else {
		r.versionOf("durable entry", durableQueueV3)
		e.linked = true
	}
	e.id = r.durableID("durable entry id")
	if e.linked {
		e.prev = r.link("durable entry previous")
		e.next = r.link("durable entry next")
	}
	r.end("durable entry")
	if r.err != nil {
		return durableEntry{}, r.err
	}
	return e, nil
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

// link reads an entry number stored by durableLink.
func (r *recordReader) link(what string) uint64 {
	return durableUnlinkNumber(r.uvarint(what, math.MaxUint64))
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
