package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test, which it
// signals on every write.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{} // closed and replaced on every write; nil until first waited on
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote != nil {
		close(s.wrote)
		s.wrote = nil
	}
	return s.b.Write(p)
}

// waitFor blocks until the output contains want (true) or ctx ends (false).
func (s *syncBuffer) waitFor(ctx context.Context, want string) bool {
	for {
		s.mu.Lock()
		found := strings.Contains(s.b.String(), want)
		if s.wrote == nil {
			s.wrote = make(chan struct{})
		}
		wrote := s.wrote
		s.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-wrote:
		case <-ctx.Done():
			return false
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServePrintsHowToConnect(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"-dcs", "2", "-ws", "-cdn"}, &out) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	if !out.waitFor(wctx, "Ctrl-C") {
		t.Fatalf("no banner; output so far:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	got := out.String()
	for _, want := range []string{"DC 1  tcp 127.0.0.1:", "DC 2  tcp 127.0.0.1:", "ws ws://127.0.0.1:", "BEGIN RSA PUBLIC KEY", "@test_bot  token ", "phone 9996621234", "CDN data center 203 on 127.0.0.1:", "stopping"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	var out syncBuffer
	if err := serve(context.Background(), []string{"-dcs", "x"}, &out); err == nil {
		t.Fatal("serve accepted -dcs x")
	}
}
