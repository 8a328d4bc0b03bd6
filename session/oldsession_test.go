package session_test

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/tl"
)

// holdCall has srv echo every call but the one with Payload n, which it hands to the returned
// channel (of one) unanswered.
func holdCall(srv *sessiontest.Server, n int64) <-chan sessiontest.Request {
	held := make(chan sessiontest.Request, 1)
	srv.Handle(func(r sessiontest.Request) {
		var p sessiontest.Payload
		var b tl.Buffer
		b.ResetTo(r.Body)
		if p.Decode(&b) == nil && p.N == n {
			held <- r
			return
		}
		sessiontest.Echo(r)
	})
	return held
}

// stillWaiting fails t if the call whose error first brings has ended: it must wait for its
// answer in the old session.
func stillWaiting(t *testing.T, first <-chan error) {
	t.Helper()
	synctest.Wait()
	select {
	case err := <-first:
		t.Fatalf("first call ended with %v at the new session, want it waiting for its answer", err)
	default:
	}
}

// TestOldSessionAnswer: the local clock jumps an hour ahead while the server runs a call it
// acknowledged. The next call's msg_id is too high (bad_msg_notification 17), the correction
// leaves the clock behind the msg_ids sent, and the session goes on in a new session_id. The
// first call may have run, so it is not sent again; it failed at once with ErrNotRepeated,
// and its answer, which the server sends in the session the call came in, was dropped as
// from a foreign session. Now it is taken; with no answer the call fails with
// ErrNotRepeated once the engine stops waiting, and the connection stays.
func TestOldSessionAnswer(t *testing.T) {
	for _, answer := range []bool{true, false} {
		name := "answered in the old session"
		if !answer {
			name = "never answered"
		}
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := sessiontest.NewServer(t)
				srv.AnswerOldSessions(true)
				held := holdCall(srv, 2) // answered later, or never
				h := start(t, srv, nil)
				if err := h.echo(h.ctx, 1); err != nil {
					t.Fatal(err)
				}
				first := make(chan error, 1)
				go func() { first <- h.echo(h.ctx, 2) }()
				r := <-held
				time.Sleep(time.Second) // the server acknowledges it
				synctest.Wait()
				h.skew.Store(int64(time.Hour))
				if err := h.echo(h.ctx, 3); err != nil {
					t.Fatalf("call after the clock jump: %v", err)
				}
				stillWaiting(t, first)
				began := time.Now()
				if answer {
					r.Reply(r.Body)
				}
				err := <-first
				switch {
				case answer && err != nil:
					t.Fatalf("first call: %v, want its answer from the old session", err)
				case !answer && !errors.Is(err, session.ErrNotRepeated):
					t.Fatalf("first call: %v, want ErrNotRepeated", err)
				case !answer && time.Since(began) > time.Minute:
					t.Errorf("first call failed %v after the new session, want within a minute", time.Since(began))
				}
				if err := h.echo(h.ctx, 4); err != nil {
					t.Fatal(err)
				}
				if n := srv.Connections(); n != 1 {
					t.Errorf("%d connections, want the first kept", n)
				}
			})
		})
	}
}
