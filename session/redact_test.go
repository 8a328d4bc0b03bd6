package session_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/session"
)

func TestSessionRedacted(t *testing.T) {
	key := make([]byte, session.AuthKeySize)
	for i := range key {
		key[i] = byte(i*53 + 17)
	}
	s := session.Session{DC: 2, Addr: "149.154.167.50:443", AuthKey: key, Salt: 7, UserID: 42}
	short := session.Session{DC: 2, AuthKey: bytes.Repeat(key[:8], 4)} // invalid length: no id shown
	opts := session.Options{Session: s}
	// Check also prints each inside a struct: slog JSON marshals a held Session, and fmt
	// prints a held *Options under %s with no method asked below it.
	for _, v := range []any{s, &s, short, []session.Session{s}, map[int]session.Session{2: s}, &opts} {
		if err := redact.Check(v, key); err != nil {
			t.Error(err)
		}
	}
	if got := s.String(); !strings.Contains(got, "149.154.167.50:443") || !strings.Contains(got, "id ") {
		t.Errorf("String() = %q, want the address and the key id", got)
	}
}

// TestConnRedacted: a Conn and its engine hold the key in unexported fields, which fmt would
// print raw.
func TestConnRedacted(t *testing.T) {
	key := bytes.Repeat([]byte{0xc3, 0x18, 0x7a, 0xe5}, session.AuthKeySize/4)
	conn, err := session.New(session.Options{Session: session.Session{DC: 2, Addr: "x:1", AuthKey: key}})
	if err != nil {
		t.Fatal(err)
	}
	if err := redact.Check(conn, key); err != nil {
		t.Error(err)
	}
}
