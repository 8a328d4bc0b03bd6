package session

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
)

// lockProbe is a log handler that reports whether the update queue's mutex was held while
// it logged: a slow log sink would then hold the handler's goroutine as well as the loop.
type lockProbe struct {
	q      *updateQueue
	logged atomic.Int32
	held   atomic.Int32
}

func (p *lockProbe) Enabled(context.Context, slog.Level) bool { return true }
func (p *lockProbe) WithAttrs([]slog.Attr) slog.Handler       { return p }
func (p *lockProbe) WithGroup(string) slog.Handler            { return p }
func (p *lockProbe) Handle(context.Context, slog.Record) error {
	p.logged.Add(1)
	if p.q.mu.TryLock() {
		p.q.mu.Unlock()
	} else {
		p.held.Add(1)
	}
	return nil
}

// A full queue logs its drops without holding its mutex.
func TestUpdateQueueLogsDropsUnlocked(t *testing.T) {
	held, release := make(chan struct{}), make(chan struct{})
	q := &updateQueue{handle: func(u updateMsg) {
		if string(u.body) == "first" {
			close(held)
			<-release
		}
	}}
	p := &lockProbe{q: q}
	q.log = slog.New(p)
	q.push(updateMsg{body: []byte("first")})
	<-held
	for range maxQueuedUpdates + 2 {
		q.push(updateMsg{body: []byte("x")})
	}
	close(release)
	q.close()
	if n := p.logged.Load(); n != 2 {
		t.Errorf("%d records logged, want 2 (the first drop, the count)", n)
	}
	if n := p.held.Load(); n != 0 {
		t.Errorf("%d records logged with the queue's mutex held", n)
	}
}
