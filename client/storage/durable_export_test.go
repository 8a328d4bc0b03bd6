package storage

import "encoding/binary"

// Test hooks of the durable queue's records.

// NoDurableEntry is the link, head or last of none.
const NoDurableEntry = noEntry

// DurableMeta is the queue's index record: the list from Head to Last, Count entries
// numbered below Tail, and the last unlink begun (of entry Unlink, between UnlinkPrev and
// UnlinkNext; Unlink NoDurableEntry when none).
type DurableMeta struct {
	Head, Last, Tail, Count        uint64
	Unlink, UnlinkPrev, UnlinkNext uint64
}

// EmptyDurableMeta is a DurableMeta with no entries and no unlink.
func EmptyDurableMeta() DurableMeta {
	return DurableMeta{Head: noEntry, Last: noEntry, Unlink: noEntry, UnlinkPrev: noEntry, UnlinkNext: noEntry}
}

func DecodeDurableMeta(b []byte) (DurableMeta, error) {
	m, err := decodeDurableMeta(b)
	return DurableMeta{m.head, m.last, m.tail, m.count, m.unlink.seq, m.unlink.prev, m.unlink.next}, err
}

func AppendDurableMeta(m DurableMeta) []byte {
	return appendDurableMeta(nil, durableMeta{m.Head, m.Last, m.Tail, m.Count, durableUnlink{m.Unlink, m.UnlinkPrev, m.UnlinkNext}})
}

// DurableMetaV2 is the index of the second format: entries Head to Tail-1, Count of them with
// their update.
type DurableMetaV2 struct{ Head, Tail, Count uint64 }

func DecodeDurableMetaV2(b []byte) (DurableMetaV2, error) {
	m, err := decodeDurableMetaV2(b)
	return DurableMetaV2{m.head, m.tail, m.count}, err
}

// AppendDurableMetaV2 writes an index as the second format did.
func AppendDurableMetaV2(m DurableMetaV2) []byte {
	b := []byte{durableQueueV2}
	for _, v := range []uint64{m.Head, m.Tail, m.Count} {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

// DurableEntry is an entry record; Linked false for the second format (no links).
type DurableEntry struct {
	ID         string
	Prev, Next uint64
	Linked     bool
}

func DecodeDurableEntry(b []byte) (DurableEntry, error) {
	e, err := decodeDurableEntry(b)
	return DurableEntry{e.id, e.prev, e.next, e.linked}, err
}

// AppendDurableEntry writes e, as the second format did when not Linked.
func AppendDurableEntry(e DurableEntry) []byte {
	if !e.Linked {
		return appendBytes([]byte{durableQueueV2}, e.ID)
	}
	return appendDurableEntry(nil, durableEntry{e.ID, e.Prev, e.Next, true})
}

// DecodeDurableRecord decodes an update record with its entry's number (hasSeq false in the
// first format).
func DecodeDurableRecord(b []byte) (u *DurableUpdate, seq uint64, hasSeq bool, err error) {
	r, err := decodeDurableRecord(b)
	if err != nil {
		return nil, 0, false, err
	}
	return &r.DurableUpdate, r.seq, r.hasSeq, nil
}

func AppendDurableRecord(u *DurableUpdate, seq uint64, hasSeq bool) ([]byte, error) {
	return appendDurableRecord(nil, &durableRecord{DurableUpdate: *u, seq: seq, hasSeq: hasSeq})
}
