package session_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// syncBuffer is a bytes.Buffer a log handler may write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBindRefusedWarns: a temporary key whose binding the server refuses (here: the permanent
// key is unknown to it) is logged at warn level with the server's error, never the keys;
// a connection that fails is only info, but this one is no network failure, and the client
// above hears of it no other way (the session closes the connection itself).
func TestBindRefusedWarns(t *testing.T) {
	srv := sessiontest.NewServer(t)
	var logs syncBuffer
	perm := bytes.Repeat([]byte{0x5a}, session.AuthKeySize)
	h := start(t, srv, func(o *session.Options) {
		o.Session.AuthKey = perm
		o.TempKeyTTL = time.Hour
		o.Reconnect.MaxAttempts = 1
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	if err := <-h.runErr; !errors.Is(err, session.ErrBind) {
		t.Fatalf("Run = %v, want ErrBind", err)
	}
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "binding") || !strings.Contains(out, "PERM_AUTH_KEY_INVALID") {
		t.Fatalf("no warning naming the refused binding:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if n := strings.Count(line, " dc="); n != 1 {
			t.Errorf("record names the data center %d times, want once: %s", n, line)
		}
	}
	if strings.Contains(strings.ToLower(out), hex.EncodeToString(perm[:8])) {
		t.Fatalf("the log shows the permanent key:\n%s", out)
	}
}

// TestBindRefusedGivesUp: a binding refused on every connection ends Run after
// Reconnect.MaxAttempts connections, like failed dials; the answers that carried the refusal
// do not make the connections count as working, which would retry forever.
func TestBindRefusedGivesUp(t *testing.T) {
	srv := sessiontest.NewServer(t)
	h := start(t, srv, func(o *session.Options) {
		o.Session.AuthKey = bytes.Repeat([]byte{0x5a}, session.AuthKeySize)
		o.TempKeyTTL = time.Hour
		o.Reconnect.MaxAttempts = 3
	})
	var re *session.ReconnectError
	if err := <-h.runErr; !errors.As(err, &re) || re.Attempts != 3 || !errors.Is(err, session.ErrBind) {
		t.Fatalf("Run = %v, want a *ReconnectError after 3 refused bindings", err)
	}
}
