package storage

import (
	"bytes"
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/session"
)

// TestInMemoryRedacted: an InMemory holding a session prints no part of its auth key.
func TestInMemoryRedacted(t *testing.T) {
	key := bytes.Repeat([]byte{0x3f, 0xa9, 0x61, 0xd4}, session.AuthKeySize/4)
	s := NewInMemory()
	if err := s.SaveSession(context.Background(), session.Session{DC: 2, Addr: "x:1", AuthKey: key}); err != nil {
		t.Fatal(err)
	}
	if err := redact.Check(s, key); err != nil {
		t.Error(err)
	}
}
