package storagetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

// loadedStore is a store whose batches cost the same at any size, on a machine whose load
// rises for the last batches: each SavePeers stands for a constant cost (a sleep) that the
// load multiplies from its 91st call on, whichever store makes it.
type loadedStore struct {
	storage.Storage
	m *loadedMachine
}

// loadedMachine counts the batches saved on it.
type loadedMachine struct {
	mu sync.Mutex
	n  int
}

func (s loadedStore) SavePeers(ctx context.Context, ps []peers.Peer) error {
	s.m.mu.Lock()
	s.m.n++
	cost := 5 * time.Millisecond
	if s.m.n > 90 {
		cost *= 8 // a load that came between the first tenth and the last
	}
	s.m.mu.Unlock()
	time.Sleep(cost) // the batch's cost, not a synchronisation
	return s.Storage.SavePeers(ctx, ps)
}

// TestLargeLinearUnderLoad: the linear-cost check of the large peer set does not fail a store
// whose batches cost the same at any size because the machine got busier during the last
// tenth; before, it compared the last tenth's batches with the first tenth's, timed under
// another load.
func TestLargeLinearUnderLoad(t *testing.T) {
	m := &loadedMachine{}
	testLarge(t, Backend{
		Open: func(testing.TB, string) (storage.Storage, error) {
			return loadedStore{storage.NewInMemory(), m}, nil
		},
		LargePeers:  100_000,
		LargeLinear: true,
	})
}
