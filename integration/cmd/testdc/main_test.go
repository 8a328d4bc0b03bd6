package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
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

func TestServePrintsHowToConnect(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"-dcs", "2", "-ws", "-cdn"}, &out) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner; output so far:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
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
