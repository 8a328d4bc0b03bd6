package sqlstore

import (
	"bytes"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// TestStoreRedacted: a Store whose cache holds an encoded session prints no part of its key.
func TestStoreRedacted(t *testing.T) {
	key := bytes.Repeat([]byte{0x6b, 0xe2, 0x17, 0x9d}, 64)
	s := &Store{name: "main", d: Dialect{Name: "test"}}
	s.cache.sessions = map[int][]byte{2: key}
	if err := redact.Check(s, key); err != nil {
		t.Error(err)
	}
}
