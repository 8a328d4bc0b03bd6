package storagetest

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// ReadCounter passes everything to Storage, counting the record reads (LoadRecord) in Reads:
// what a test of the records' readers wraps a store in.
type ReadCounter struct {
	storage.Storage
	Reads int
}

func (r *ReadCounter) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	r.Reads++
	return r.Storage.LoadRecord(ctx, ns, key)
}
