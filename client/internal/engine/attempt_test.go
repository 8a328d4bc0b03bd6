package engine

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBoundAttempt(t *testing.T) {
	e := &Engine{}
	soon, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cancellable, stop := context.WithCancel(context.Background())
	defer stop()
	tests := []struct {
		name        string
		parent      context.Context
		contextFree bool // the connection keeps no context after a call
		same        bool // the parent itself bounds the attempt
		pooled      bool
	}{
		{"earlier deadline", soon, true, true, false},
		{"never cancelled", context.Background(), true, false, true},
		{"never cancelled, connection may keep it", context.Background(), false, false, false},
		{"cancellable", cancellable, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := e.boundAttempt(tc.parent, time.Hour, tc.contextFree)
			defer b.end()
			if got := b.ctx == tc.parent; got != tc.same {
				t.Errorf("parent used: %v, want %v", got, tc.same)
			}
			if got := b.a != nil; got != tc.pooled {
				t.Errorf("pooled: %v, want %v", got, tc.pooled)
			}
			d, ok := b.ctx.Deadline()
			if !ok || time.Until(d) > time.Hour {
				t.Errorf("deadline %v, %v: want within the hour", d, ok)
			}
			if err := b.ctx.Err(); err != nil {
				t.Errorf("Err before the deadline: %v", err)
			}
		})
	}
}

func TestAttemptCtxExpires(t *testing.T) {
	e := &Engine{}
	b := e.boundAttempt(context.Background(), time.Millisecond, true)
	<-b.ctx.Done()
	if err := b.ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err = %v, want DeadlineExceeded", err)
	}
	b.end() // fired: dropped, not pooled
	b = e.boundAttempt(context.Background(), time.Hour, true)
	defer b.end()
	if b.ctx.Err() != nil {
		t.Fatal("an expired context was reused")
	}
	select {
	case <-b.ctx.Done():
		t.Fatal("a new bound is already done")
	default:
	}
}

func TestAttemptCtxReused(t *testing.T) {
	e := &Engine{}
	if n := testing.AllocsPerRun(100, func() {
		b := e.boundAttempt(context.Background(), time.Hour, true)
		if b.ctx.Err() != nil {
			t.Fatal("done early")
		}
		b.end()
	}); n > 2 { // 0 when pooled; the race detector's pool drops some (context.WithTimeout: 4)
		t.Errorf("%v allocations per attempt, want 0", n)
	}
}
