package engine

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
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

// TestAttemptCtxTimerKeptSet checks the timer an attempt leaves set when it ends: the next
// attempt on the same attemptCtx expires at its own deadline, whether the timer is still set
// for an earlier deadline, set for a later one (the latest a time.Duration holds too, which
// must not wrap into the past), or has fired in between.
func TestAttemptCtxTimerKeptSet(t *testing.T) {
	tests := []struct {
		name   string
		first  time.Duration // the first attempt's timeout; it ends at once
		gap    time.Duration // between the first's end and the second's start
		second time.Duration // the second attempt's timeout
	}{
		{"timer set for an earlier deadline", 10 * time.Second, 5 * time.Second, 10 * time.Second},
		{"timer set for a later deadline", time.Hour, 0, time.Second},
		{"timer set for the longest timeout", math.MaxInt64, time.Second, time.Second},
		{"timer fired between the attempts", time.Second, 2 * time.Second, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var pool attemptPool
				a := newAttemptCtx()
				time.Sleep(time.Second) // a's deadlines count from when it was made
				a.start(context.Background(), tc.first)
				if d, _ := a.Deadline(); d.Before(time.Now().Add(min(tc.first, time.Hour))) {
					t.Errorf("first deadline %v, before its timeout %v", d, tc.first)
				}
				a.end(&pool)
				time.Sleep(tc.gap)
				a.start(context.Background(), tc.second)
				if d, _ := a.Deadline(); !d.Equal(time.Now().Add(tc.second)) {
					t.Errorf("deadline %v, want %v", d, time.Now().Add(tc.second))
				}
				time.Sleep(tc.second - time.Nanosecond)
				synctest.Wait()
				if a.Err() != nil {
					t.Fatalf("expired %v before its deadline", time.Nanosecond)
				}
				time.Sleep(time.Nanosecond)
				synctest.Wait()
				select {
				case <-a.Done():
				default:
					t.Fatal("not done at its deadline")
				}
				if err := a.Err(); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Err = %v, want DeadlineExceeded", err)
				}
			})
		})
	}
}

// TestAttemptCtxEndRacesExpiry ends attempts around their deadlines from several goroutines
// (for the race detector): an attempt is done exactly when Err reports it expired, and never
// before its deadline.
func TestAttemptCtxEndRacesExpiry(t *testing.T) {
	e := &Engine{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				b := e.boundAttempt(context.Background(), time.Duration((g*500+i)%40)*time.Microsecond, true)
				if i%3 == 0 {
					<-b.ctx.Done()
				}
				err := b.ctx.Err()
				d, _ := b.ctx.Deadline()
				select {
				case <-b.ctx.Done():
					if err == nil && b.ctx.Err() == nil {
						t.Error("done without an error")
					}
				default:
					if err != nil {
						t.Errorf("Err %v while not done", err)
					}
				}
				if err != nil && time.Now().Before(d) {
					t.Errorf("expired before its deadline %v", d)
				}
				b.end()
				if t.Failed() {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkBoundAttempt is the bound of one call's attempt on a context that is never
// cancelled: taking a pooled attemptCtx, starting and ending it.
func BenchmarkBoundAttempt(b *testing.B) {
	e := &Engine{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		e.boundAttempt(ctx, time.Minute, true).end()
	}
}

// heldCtx is a caller's context whose collection the tests watch.
type heldCtx struct {
	context.Context
	_ [64]byte
}

// TestAttemptCtxReleasesParent: an ended pooled attempt whose timer is still set for an hour
// keeps neither the caller's context nor, once the engine's attempts are stopped, its timer.
func TestAttemptCtxReleasesParent(t *testing.T) {
	var p attemptPool
	parent := &heldCtx{Context: context.Background()}
	gone := make(chan struct{})
	runtime.AddCleanup(parent, func(ch chan struct{}) { close(ch) }, gone)
	a := p.start(parent, time.Hour)
	a.end(&p)
	parent = nil
	runtime.GC()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the caller's context is kept after its attempt ended")
	}
	p.stop()
	a.mu.Lock()
	armed := a.armed
	a.mu.Unlock()
	if armed || a.timer.Stop() {
		t.Fatal("timer still set after stop")
	}
	b := p.start(context.Background(), time.Hour) // a call still running when the engine stops
	p.stop()
	b.end(&p)
	if b.timer.Stop() {
		t.Fatal("timer of an attempt ended after stop still set")
	}
}
