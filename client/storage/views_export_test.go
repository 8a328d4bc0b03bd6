package storage

import "time"

// Test hooks of the durable queue and dedup keys.

func SetDurableNow(q *DurableQueue, now func() time.Time) { q.now = now }

func SetDedupNow(d *DedupKeys, now func() time.Time) { d.now = now }

func AppendDurableIndex(ids []string) []byte { return appendDurableIndex(nil, ids) }

func AppendDurableUpdate(u *DurableUpdate) ([]byte, error) { return appendDurableUpdate(nil, u) }
