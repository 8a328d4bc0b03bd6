package invoke

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
)

// script is a Target that answers attempts from a list and records what the policy did.
type script struct {
	answers []error // one per attempt; nil succeeds
	log     []string
	moveErr error
}

func (s *script) Attempt(_ context.Context, rt Route, _ tl.Encoder, _ tl.Decoder, _ time.Duration) error {
	s.log = append(s.log, fmt.Sprintf("attempt dc=%d media=%v", rt.DC, rt.Media))
	if len(s.answers) == 0 {
		return nil
	}
	err := s.answers[0]
	s.answers = s.answers[1:]
	return err
}

func (s *script) MigrateHome(_ context.Context, dc int) error {
	s.log = append(s.log, fmt.Sprintf("home -> %d", dc))
	return s.moveErr
}

func (s *script) Reauthorize(dc int) { s.log = append(s.log, fmt.Sprintf("reauthorize %d", dc)) }

var (
	errClosed  = errors.New("closed")
	errLost    = errors.New("connection lost")
	errKeyGone = fmt.Errorf("%w: %w", session.ErrClosed, session.ErrAuthKeyUnknown)
)

// typed wraps the policy's typed errors so the test can tell them apart.
type typed struct {
	kind string
	dc   int
	wait time.Duration
}

func (e *typed) Error() string { return fmt.Sprintf("%s dc=%d wait=%s", e.kind, e.dc, e.wait) }

func policy() *Policy {
	return &Policy{
		SleepThreshold: 10 * time.Second,
		Errors: Errors{
			FloodWait:       func(w time.Duration, _ string, _ error) error { return &typed{kind: "flood", wait: w} },
			Migration:       func(dc int, _ error) error { return &typed{kind: "migration", dc: dc} },
			UnsafeMigration: func(dc int, _ string) error { return &typed{kind: "unsafe", dc: dc} },
		},
		Final: []error{errClosed},
		Log:   slog.New(slog.DiscardHandler),
	}
}

func TestPolicy(t *testing.T) {
	read := &tg.HelpGetConfigRequest{}
	send := &tg.MessagesSendMessageRequest{}
	callback := &tg.MessagesGetBotCallbackAnswerRequest{}
	managed := Options{Managed: true, Retries: 1}
	tests := []struct {
		name    string
		in      tl.Encoder
		o       Options
		answers []error
		moveErr error
		want    []string
		wantErr string // "" success; else the typed kind, or the error text
	}{
		{"success", read, managed, nil, nil, []string{"attempt dc=0 media=false"}, ""},
		{"flood wait slept through", read, managed, []error{rpcerr.New(420, "FLOOD_WAIT", 3)}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=0 media=false"}, ""},
		{"flood wait above threshold", read, managed, []error{rpcerr.New(420, "FLOOD_WAIT", 60)}, nil,
			[]string{"attempt dc=0 media=false"}, "flood"},
		{"raw calls return flood waits", read, Options{Retries: 3}, []error{rpcerr.New(420, "FLOOD_WAIT", 3)}, nil,
			[]string{"attempt dc=0 media=false"}, "rpc error 420: FLOOD_WAIT_3"},
		{"file migrate uses a per-DC media session", read, managed, []error{rpcerr.New(303, "FILE_MIGRATE", 4)}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=4 media=true"}, ""},
		{"phone migrate moves the home", send, managed, []error{rpcerr.New(303, "PHONE_MIGRATE", 5)}, nil,
			[]string{"attempt dc=0 media=false", "home -> 5", "attempt dc=0 media=false"}, ""},
		{"failed move", send, managed, []error{rpcerr.New(303, "USER_MIGRATE", 5)}, errLost,
			[]string{"attempt dc=0 media=false", "home -> 5"}, "migration"},
		{"idempotent call repeated after the home moved", read, managed, []error{&conn.Migrated{DC: 3, Err: errLost}}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=0 media=false"}, ""},
		{"other call not repeated after the home moved", send, managed, []error{&conn.Migrated{DC: 3, Err: errLost}}, nil,
			[]string{"attempt dc=0 media=false"}, "unsafe"},
		{"internal error uses a retry", send, managed, []error{rpcerr.Parse(500, "INTERNAL")}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=0 media=false"}, ""},
		{"retries run out", send, managed, []error{rpcerr.Parse(500, "INTERNAL"), rpcerr.Parse(500, "INTERNAL")}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=0 media=false"}, "rpc error 500: INTERNAL"},
		{"lost answer of an idempotent call uses a retry", read, managed, []error{errLost}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=0 media=false"}, ""},
		{"lost answer of getBotCallbackAnswer is not repeated", callback, managed, []error{errLost}, nil,
			[]string{"attempt dc=0 media=false"}, "connection lost"},
		{"final errors end the call", read, managed, []error{errClosed}, nil,
			[]string{"attempt dc=0 media=false"}, "closed"},
		{"401 on a per-DC session re-authorizes once", read, managed,
			[]error{rpcerr.New(303, "FILE_MIGRATE", 4), rpcerr.Parse(401, "AUTH_KEY_UNREGISTERED"), rpcerr.Parse(401, "AUTH_KEY_UNREGISTERED")}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=4 media=true", "reauthorize 4", "attempt dc=4 media=true"},
			"mtgo: help.getConfig: dc 4 refused the authorization imported again: rpc error 401: AUTH_KEY_UNREGISTERED"},
		{"forgotten key of a per-DC session repeats once", read, Options{Managed: true},
			[]error{rpcerr.New(303, "FILE_MIGRATE", 4), errKeyGone, errKeyGone}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=4 media=true", "attempt dc=4 media=true"}, errKeyGone.Error()},
		{"forgotten key of the home connection is not repeated", read, Options{Managed: true}, []error{errKeyGone}, nil,
			[]string{"attempt dc=0 media=false"}, errKeyGone.Error()},
		{"forgotten key does not repeat a call that may not run twice", send, Options{Managed: true},
			[]error{rpcerr.New(303, "FILE_MIGRATE", 4), errKeyGone}, nil,
			[]string{"attempt dc=0 media=false", "attempt dc=4 media=true"}, errKeyGone.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &script{answers: tt.answers, moveErr: tt.moveErr}
				err := policy().Run(t.Context(), s, Route{}, tt.in, nil, tt.o)
				if d := cmp.Diff(tt.want, s.log); d != "" {
					t.Errorf("steps (-want +got):\n%s", d)
				}
				var got string
				var te *typed
				switch {
				case err == nil:
				case errors.As(err, &te):
					got = te.kind
				default:
					got = err.Error()
				}
				if got != tt.wantErr {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
			})
		})
	}
}

// TestPolicySleepEndsWithOwner checks that a flood wait being slept through ends when the
// owner stops, with the first final error.
func TestPolicySleepEndsWithOwner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stopped := make(chan struct{})
		p := policy()
		p.Stopped = stopped
		s := &script{answers: []error{rpcerr.New(420, "FLOOD_WAIT", 5)}}
		done := make(chan error, 1)
		go func() {
			done <- p.Run(t.Context(), s, Route{}, &tg.HelpGetConfigRequest{}, nil, Options{Managed: true})
		}()
		synctest.Wait() // asleep in the flood wait
		close(stopped)
		if err := <-done; !errors.Is(err, errClosed) {
			t.Fatalf("Run after the owner stopped = %v, want errClosed", err)
		}
	})
}
