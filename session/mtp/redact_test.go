package mtp

import (
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// TestEngineRedacted: the engine holds the key in its unexported configuration, which fmt would
// print raw.
func TestEngineRedacted(t *testing.T) {
	p := newPair(t, nil)
	for _, e := range []*Engine{p.c, p.s} {
		if err := redact.Check(e, testKey.Value[:]); err != nil {
			t.Error(err)
		}
	}
}
