package storage

// Test hooks of the durable queue's records.

// DurableMeta is the queue's index record: entries Head to Tail-1, Count with their update.
type DurableMeta struct{ Head, Tail, Count uint64 }

func DecodeDurableMeta(b []byte) (DurableMeta, error) {
	m, err := decodeDurableMeta(b)
	return DurableMeta{m.head, m.tail, m.count}, err
}

func AppendDurableMeta(m DurableMeta) []byte {
	return appendDurableMeta(nil, durableMeta{m.Head, m.Tail, m.Count})
}

func DecodeDurableEntry(b []byte) (string, error) { return decodeDurableEntry(b) }

func AppendDurableEntry(id string) []byte { return appendDurableEntry(nil, id) }

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
