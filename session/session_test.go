package session

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSessionValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Session
		ok   bool
	}{
		{"empty", Session{}, true},
		{"key", Session{DC: 2, AuthKey: make([]byte, AuthKeySize)}, true},
		{"short key", Session{DC: 2, AuthKey: make([]byte, 255)}, false},
		{"negative dc", Session{DC: -1}, false},
	}
	for _, tt := range tests {
		err := tt.s.Validate()
		if (err == nil) != tt.ok || err != nil && !errors.Is(err, ErrInvalidSession) {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	var m MemoryStore
	if _, err := m.Load(ctx); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load on empty store = %v, want ErrNoSession", err)
	}
	key := make([]byte, AuthKeySize)
	key[0] = 7
	in := Session{DC: 2, Addr: "149.154.167.51:443", AuthKey: key, Salt: 42, TimeOffset: time.Second, UserID: 9, Bot: true}
	if err := m.Save(ctx, in); err != nil {
		t.Fatal(err)
	}
	key[0] = 8 // the store must not alias the caller's key
	got, err := m.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in.AuthKey = append([]byte{7}, key[1:]...)
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	got.AuthKey[1] = 1
	again, _ := m.Load(ctx)
	if again.AuthKey[1] != 0 {
		t.Error("Load returned an aliased key")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Load(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with cancelled ctx = %v", err)
	}
	if err := m.Save(cctx, in); !errors.Is(err, context.Canceled) {
		t.Errorf("Save with cancelled ctx = %v", err)
	}
}

func TestSessionStringRoundTrip(t *testing.T) {
	key := make([]byte, AuthKeySize)
	for i := range key {
		key[i] = byte(i)
	}
	in := Session{DC: 4, Addr: "149.154.167.91:443", TestMode: true, AuthKey: key, UserID: 777, Bot: true,
		Salt: 5, TimeOffset: time.Second}
	str, err := ExportString(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ImportString(str)
	if err != nil {
		t.Fatal(err)
	}
	in.Salt, in.TimeOffset = 0, 0 // not carried
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := ExportString(Session{DC: 2}); !errors.Is(err, ErrInvalidSession) {
		t.Errorf("export without key = %v", err)
	}
	if _, err := ImportString(str[:len(str)-3]); err == nil {
		t.Error("truncated string imported")
	}
}
