package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
)

// ctxWaitingHandler holds the first push until its context ends, as a handler waiting for
// room in a queue of its own does, and records every push with whether its context had ended.
type ctxWaitingHandler struct {
	mu  sync.Mutex
	got []string
}

func (h *ctxWaitingHandler) HandleUpdates(ctx context.Context, body []byte) error {
	h.mu.Lock()
	first := len(h.got) == 0
	h.mu.Unlock()
	if first {
		<-ctx.Done()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, string(body[4:])+" ended="+boolString(ctx.Err() != nil))
	return nil
}

func boolString(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// TestRunGivingUpEndsPushContext: when Run gives the connection up (a *ReconnectError, its own
// context still live), the update handler's context ends before Run waits for the pushes still
// queued, and each of them is handed over. Before, the context ended only after that wait, so a
// handler waiting within it held Run (and the pushes behind it) until Run's caller gave up.
func TestRunGivingUpEndsPushContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &ctxWaitingHandler{}
		h := start(t, nil, func(o *session.Options) {
			o.Updates = rec
			o.Reconnect.MaxAttempts = 1
		})
		if err := h.echo(h.ctx, 1); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"aaaa", "bbbb", "cccc"} {
			h.srv.Push(append([]byte{0x78, 0x56, 0x34, 0x12}, s...))
		}
		synctest.Wait() // the handler holds the first; the others are queued
		h.srv.CutAll()
		synctest.Wait()
		var err error
		select {
		case err = <-h.runErr:
		default:
			t.Fatal("Run still waits for the update handler after giving the connection up")
		}
		if re := (*session.ReconnectError)(nil); !errors.As(err, &re) {
			t.Fatalf("Run = %v, want a *ReconnectError", err)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		want := []string{"aaaa ended=yes", "bbbb ended=yes", "cccc ended=yes"}
		if diff := cmp.Diff(want, rec.got); diff != "" {
			t.Errorf("pushes handed over (-want +got):\n%s", diff)
		}
	})
}
