package storage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// The durable queue's order: a list of numbered entry records linked both ways, and an index
// record naming its ends (durable_records.go has the layout).
//
// Crash safety rests on three rules. Enqueue writes the new entry, then the link to it from
// the last entry, then the index, then the update: until the index counts the new number
// (tail), the entry and the link to it are past the end and ignored, and once it does, the
// entry without its update is one Load drops. Delete deletes the update first, leaving such
// an entry. And an entry leaves the list (unlink) by the index naming the unlink, then the
// two neighbours' links, then the entry's deletion: whichever operation next reads an index
// naming an unlink whose entry is still there does the rest again, before anything else.

// noEntry is the link of an entry without a previous or next one, and the head and last of
// an empty list.
const noEntry uint64 = math.MaxUint64

// durableMeta is the index record: the list from head to last, count entries long (entries
// of updates not yet written or already deleted included, until Load drops them), its
// entries numbered below tail, and the unlink begun last (noUnlink when none).
type durableMeta struct {
	head, last, tail, count uint64
	unlink                  durableUnlink
}

// durableUnlink takes entry seq out of the list, between prev and next.
type durableUnlink struct{ seq, prev, next uint64 }

var noUnlink = durableUnlink{seq: noEntry, prev: noEntry, next: noEntry}

// durableEntry is an entry record: the id of its update and its neighbours. Entries of the
// second format have no links (linked false).
type durableEntry struct {
	id         string
	prev, next uint64
	linked     bool
}

func emptyDurableMeta() durableMeta {
	return durableMeta{head: noEntry, last: noEntry, unlink: noUnlink}
}

// holds reports whether an update numbered seq can be in the list.
func (m durableMeta) holds(seq uint64) bool {
	return m.head != noEntry && m.head <= seq && seq <= m.last
}

func durableEntryKey(seq uint64) string { return "e:" + strconv.FormatUint(seq, 10) }

// meta loads the index record, converting a queue of an older format and finishing an
// unlink a crash cut short.
func (q *DurableQueue) meta(ctx context.Context) (durableMeta, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableIndexKey)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	if !ok {
		return emptyDurableMeta(), nil
	}
	switch {
	case len(rec) > 0 && rec[0] == durableVersion:
		return q.convertV1(ctx, rec)
	case len(rec) > 0 && rec[0] == durableQueueV2:
		return q.convertV2(ctx, rec)
	}
	m, err := decodeDurableMeta(rec)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	if m.unlink.seq != noEntry {
		// Finished unless its entry is still there (deleted last).
		e, ok, err := q.entryRecord(ctx, m.unlink.seq)
		if err != nil {
			return durableMeta{}, err
		}
		if ok {
			// An unlink begins once the entry's update is gone or names another entry: a
			// damaged index naming a live one would drop the update from the list.
			u, err := q.load(ctx, e.id)
			if err != nil {
				return durableMeta{}, err
			}
			if u != nil && u.hasSeq && u.seq == m.unlink.seq {
				return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w: unlink of entry %d, whose update %q is queued", ErrCorrupt, m.unlink.seq, e.id)
			}
			ns, err := q.neighbours(ctx, m)
			if err == nil {
				err = q.splice(ctx, m, ns)
			}
			if err != nil {
				return durableMeta{}, err
			}
			return m.emptied(), nil
		}
	}
	if m.head == noEntry {
		// Emptied by an unlink cut short before it deleted the index.
		if err := q.deleteMeta(ctx); err != nil {
			return durableMeta{}, err
		}
	}
	return m.emptied(), nil
}

// emptied returns the index an empty queue starts from (numbering at 0 again: no update
// names an entry any more) when m's list is empty, else m.
func (m durableMeta) emptied() durableMeta {
	if m.head == noEntry {
		return emptyDurableMeta()
	}
	return m
}

// listed reads entry seq of m's list (checkLinks).
func (q *DurableQueue) listed(ctx context.Context, m durableMeta, seq uint64) (durableEntry, error) {
	e, ok, err := q.entryRecord(ctx, seq)
	if err != nil {
		return durableEntry{}, err
	}
	if !ok {
		return durableEntry{}, fmt.Errorf("storage: load durable queue entry %d: %w: listed but missing", seq, ErrCorrupt)
	}
	return m.checkLinks(seq, e)
}

// checkLinks checks entry seq of m's list has links running from lower numbers to higher;
// a link at or past tail (to the entry of an Enqueue cut short) reads as none.
func (m durableMeta) checkLinks(seq uint64, e durableEntry) (durableEntry, error) {
	if !e.linked {
		return durableEntry{}, fmt.Errorf("storage: load durable queue entry %d: %w: entry of the second format in the list", seq, ErrCorrupt)
	}
	if e.next >= m.tail {
		e.next = noEntry
	}
	if e.prev != noEntry && e.prev >= seq || e.next != noEntry && e.next <= seq {
		return durableEntry{}, fmt.Errorf("storage: load durable queue entry %d: %w: links to %d and %d", seq, ErrCorrupt, int64(e.prev), int64(e.next))
	}
	return e, nil
}

// entryRecord reads entry seq, either format.
func (q *DurableQueue) entryRecord(ctx context.Context, seq uint64) (durableEntry, bool, error) {
	rec, ok, err := q.st.LoadRecord(ctx, DurableNamespace, durableEntryKey(seq))
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("storage: load durable queue entry %d: %w", seq, err)
		}
		return durableEntry{}, false, err
	}
	e, err := decodeDurableEntry(rec)
	if err != nil {
		return durableEntry{}, false, fmt.Errorf("storage: load durable queue entry %d: %w", seq, err)
	}
	return e, true, nil
}

// unlink takes entry seq (e, read by listed) out of m's list, updating m: the index naming
// the unlink first (1 write), then splice (2 to 3 writes).
func (q *DurableQueue) unlink(ctx context.Context, m *durableMeta, seq uint64, e durableEntry) error {
	if (e.prev == noEntry) != (m.head == seq) || (e.next == noEntry) != (m.last == seq) {
		return fmt.Errorf("storage: unlink durable queue entry %d: %w: ends of the list disagree with its links", seq, ErrCorrupt)
	}
	n := *m
	n.unlink = durableUnlink{seq: seq, prev: e.prev, next: e.next}
	if n.head == seq {
		n.head = e.next
	}
	if n.last == seq {
		n.last = e.prev
	}
	switch {
	case n.head == noEntry:
		n.count = 0
	case n.count > 1:
		n.count--
	}
	// The neighbours are read before the index names the unlink: a damaged one would
	// otherwise stop every operation after.
	ns, err := q.neighbours(ctx, n)
	if err != nil {
		return err
	}
	if err := q.saveMeta(ctx, n); err != nil {
		return err
	}
	if err := q.splice(ctx, n, ns); err != nil {
		return err
	}
	*m = n
	return nil
}

// neighbours returns the entries on either side of the unlink m names (nil where it has
// none) with their links past it, checking they link to it or already past it.
func (q *DurableQueue) neighbours(ctx context.Context, m durableMeta) ([2]*durableEntry, error) {
	u := m.unlink
	var out [2]*durableEntry
	for i, seq := range []uint64{u.prev, u.next} {
		if seq == noEntry {
			continue
		}
		e, err := q.listed(ctx, m, seq)
		if err != nil {
			return out, err
		}
		link, past := &e.next, u.next
		if i == 1 {
			link, past = &e.prev, u.prev
		}
		if *link != u.seq && *link != past {
			return out, fmt.Errorf("storage: unlink durable queue entry %d: %w: entry %d links to %d", u.seq, ErrCorrupt, seq, int64(*link))
		}
		*link = past
		out[i] = &e
	}
	return out, nil
}

// splice does the unlink m names, given its neighbours: their links, then the entry's
// deletion, then, when the list is empty, the index's. Done again after a crash, it writes
// the same.
func (q *DurableQueue) splice(ctx context.Context, m durableMeta, ns [2]*durableEntry) error {
	for i, seq := range []uint64{m.unlink.prev, m.unlink.next} {
		if ns[i] != nil {
			if err := q.saveEntry(ctx, seq, *ns[i]); err != nil {
				return err
			}
		}
	}
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableEntryKey(m.unlink.seq)); err != nil {
		return fmt.Errorf("storage: delete durable queue entry %d: %w", m.unlink.seq, err)
	}
	if m.head == noEntry {
		return q.deleteMeta(ctx)
	}
	return nil
}

func (q *DurableQueue) saveEntry(ctx context.Context, seq uint64, e durableEntry) error {
	if err := q.st.SaveRecord(ctx, DurableNamespace, durableEntryKey(seq), appendDurableEntry(nil, e)); err != nil {
		return fmt.Errorf("storage: save durable queue entry %d: %w", seq, err)
	}
	return nil
}

func (q *DurableQueue) deleteEntry(ctx context.Context, seq uint64) error {
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableEntryKey(seq)); err != nil {
		return fmt.Errorf("storage: delete durable queue entry %d: %w", seq, err)
	}
	return nil
}

func (q *DurableQueue) saveMeta(ctx context.Context, m durableMeta) error {
	if err := q.st.SaveRecord(ctx, DurableNamespace, durableIndexKey, appendDurableMeta(nil, m)); err != nil {
		return fmt.Errorf("storage: save durable queue index: %w", err)
	}
	return nil
}

func (q *DurableQueue) deleteMeta(ctx context.Context) error {
	if err := q.st.DeleteRecord(ctx, DurableNamespace, durableIndexKey); err != nil {
		return fmt.Errorf("storage: delete durable queue index: %w", err)
	}
	return nil
}

// claim returns the update entry seq names when that update names the entry back, nil when
// there is none (the entry is left by a crash). An update of the first format (in a damaged
// queue, or one too large to take a number: see convertV1) is given this entry, the first of
// the walk naming it (old holds the ids given so far), so other entries naming it are
// dropped, not loaded as copies; it is rewritten with the number when that fits a record.
func (q *DurableQueue) claim(ctx context.Context, seq uint64, id string, old map[string]struct{}) (*durableRecord, error) {
	u, err := q.load(ctx, id)
	if err != nil || u == nil {
		return nil, err
	}
	if !u.hasSeq {
		if _, taken := old[id]; taken {
			return nil, nil
		}
		old[id] = struct{}{}
		u.seq, u.hasSeq = seq, true
		if err := q.saveOld(ctx, "load durable queue", u); err != nil {
			return nil, err
		}
	}
	if u.seq != seq {
		return nil, nil
	}
	return u, nil
}

// saveOld rewrites an update of the first format with its entry's number, unless that makes
// it too large for a record (the first format allowed MaxRecordSize bytes without the
// number): then it stays as it is, listed all the same.
func (q *DurableQueue) saveOld(ctx context.Context, op string, u *durableRecord) error {
	if err := q.saveUpdate(ctx, op, u); err != nil && !errors.Is(err, ErrRecordTooLarge) {
		return err
	}
	return nil
}

// convertV1 turns an index of the first format into a list numbered from 0, rewriting each
// update with its entry: a crash before the index is written last leaves the old index in
// force (it reads the new update records), to be converted again the same way.
func (q *DurableQueue) convertV1(ctx context.Context, rec []byte) (durableMeta, error) {
	ids, err := DecodeDurableIndex(rec)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	l := durableLinker{q: q, m: emptyDurableMeta()}
	for _, id := range ids {
		u, err := q.load(ctx, id)
		if err != nil {
			return durableMeta{}, err
		}
		if u == nil {
			continue // an id without its update: dropped
		}
		u.seq, u.hasSeq = l.m.count, true
		if err := q.saveOld(ctx, "convert durable queue", u); err != nil {
			return durableMeta{}, err
		}
		if err := l.add(ctx, u.seq, id); err != nil {
			return durableMeta{}, err
		}
	}
	return l.finish(ctx, l.m.count)
}

// convertV2 links the entries of a queue of the second format, keeping their numbers and
// deleting those without their update; it reads every number from head to tail once. A
// crash before the index is written last leaves the old index in force, to be converted
// again (entries of either format read the same then).
func (q *DurableQueue) convertV2(ctx context.Context, rec []byte) (durableMeta, error) {
	old, err := decodeDurableMetaV2(rec)
	if err != nil {
		return durableMeta{}, fmt.Errorf("storage: load durable queue index: %w", err)
	}
	l := durableLinker{q: q, m: emptyDurableMeta()}
	given := map[string]struct{}{}
	for seq := old.head; seq < old.tail; seq++ {
		if err := ctx.Err(); err != nil {
			return durableMeta{}, fmt.Errorf("storage: convert durable queue: %w", err)
		}
		e, ok, err := q.entryRecord(ctx, seq)
		if err != nil {
			return durableMeta{}, err
		}
		if !ok {
			continue
		}
		u, err := q.claim(ctx, seq, e.id, given)
		if err != nil {
			return durableMeta{}, err
		}
		if u == nil {
			err = q.deleteEntry(ctx, seq)
		} else {
			err = l.add(ctx, seq, e.id)
		}
		if err != nil {
			return durableMeta{}, err
		}
	}
	return l.finish(ctx, old.tail)
}

// durableLinker writes a converted queue's entries as a list, each once the next is known,
// and the index last.
type durableLinker struct {
	q    *DurableQueue
	m    durableMeta
	last durableEntry // m.last's, not written yet
}

func (l *durableLinker) add(ctx context.Context, seq uint64, id string) error {
	if l.m.head == noEntry {
		l.m.head = seq
	} else {
		l.last.next = seq
		if err := l.q.saveEntry(ctx, l.m.last, l.last); err != nil {
			return err
		}
	}
	l.last = durableEntry{id: id, prev: l.m.last, next: noEntry, linked: true}
	l.m.last = seq
	l.m.count++
	return nil
}

func (l *durableLinker) finish(ctx context.Context, tail uint64) (durableMeta, error) {
	if l.m.head == noEntry {
		return emptyDurableMeta(), l.q.deleteMeta(ctx)
	}
	if err := l.q.saveEntry(ctx, l.m.last, l.last); err != nil {
		return durableMeta{}, err
	}
	l.m.tail = tail
	return l.m, l.q.saveMeta(ctx, l.m)
}
