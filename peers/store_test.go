package peers_test

import (
	"testing"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/peers/peerstest"
)

func TestMemoryStore(t *testing.T) {
	peerstest.Run(t, func(t *testing.T) peers.Store { return &peers.MemoryStore{} })
}
