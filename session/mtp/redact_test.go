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

// TestConfigRedacted: a Config held by pointer in a struct and printed with %s (a verb fmt
// refuses for pointers, printing what they point to with no method asked) shows no key.
func TestConfigRedacted(t *testing.T) {
	cfg := Config{AuthKey: testKey, SessionID: 7, Salt: 9}
	for _, v := range []any{cfg, &cfg} { // Check also prints each inside a struct
		if err := redact.Check(v, testKey.Value[:]); err != nil {
			t.Error(err)
		}
	}
}
