// Package invoke is the client's call policy: it repeats a call after flood waits up to a
// threshold, follows migrations, re-authorizes a per-DC session once after a 401 (and repeats
// a call once on a new key after its data center forgot the session's), and spends a
// retry budget on transient failures, deciding from rpcerr.Classify so that the client and
// the media module read RPC errors the same way.
package invoke

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/wire"
)

// MaxMigrations bounds the data center moves one call may cause.
const MaxMigrations = 5

// Route says where a call goes: the home connection (DC 0), or a per-DC session.
type Route struct {
	DC    int
	Media bool
}

// Options are the knobs of one call.
type Options struct {
	// Retries is how often a transient failure may be repeated.
	Retries int
	// Timeout bounds each attempt; 0 takes the target's default.
	Timeout time.Duration
	// Managed enables flood-wait sleeping, migrations and re-authorization (Invoke);
	// InvokeRaw clears it.
	Managed bool
}

// Target is what the policy drives: single attempts and the moves it decides on.
type Target interface {
	// Attempt makes one try of in on the route's connection, bounded by timeout (0: the
	// default).
	Attempt(ctx context.Context, rt Route, in tl.Encoder, out tl.Decoder, timeout time.Duration) error
	// MigrateHome moves the home connection to dc.
	MigrateHome(ctx context.Context, dc int) error
	// Reauthorize forgets the authorization of dc's per-DC sessions, so the next call imports
	// it again.
	Reauthorize(dc int)
}

// Errors build the client's typed errors.
type Errors struct {
	FloodWait       func(wait time.Duration, method string, err error) error
	Migration       func(dc int, err error) error
	UnsafeMigration func(dc int, method string) error
}

// Policy runs calls on a Target.
type Policy struct {
	// SleepThreshold is the longest flood wait slept through; negative never sleeps.
	SleepThreshold time.Duration
	// Errors build the typed errors.
	Errors Errors
	// Final are errors that end a call at once (the client stopped, not connected).
	Final []error
	// Stopped ends sleeps early with Final[0] when closed.
	Stopped <-chan struct{}
	// Log receives the policy's decisions.
	Log *slog.Logger
	// Counters, when set, counts calls and flood waits.
	Counters *Counters
}

// Counters count what the policy did, for the client's load snapshot.
type Counters struct {
	// Calls counts the calls run (not their repetitions).
	Calls atomic.Int64
	// FloodWaits counts FLOOD_WAIT answers, slept through or returned.
	FloodWaits atomic.Int64
}

// Run makes the call, repeating it as the policy allows.
func (p *Policy) Run(ctx context.Context, t Target, rt Route, in tl.Encoder, out tl.Decoder, o Options) error {
	retries := max(o.Retries, 0)
	if p.Counters != nil {
		p.Counters.Calls.Add(1)
	}
	migrations := 0
	reauthorized, rekeyed := false, false
	for {
		err := t.Attempt(ctx, rt, in, out, o.Timeout)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || p.final(err) {
			return err
		}
		method := wire.MethodName(in)
		var mig *conn.Migrated
		if errors.As(err, &mig) {
			if !tg.IsIdempotent(in) {
				return p.Errors.UnsafeMigration(mig.DC, method)
			}
			p.Log.Debug("repeating call after migration", "method", method, "dc", mig.DC)
			continue
		}
		if errors.Is(err, session.ErrAuthKeyUnknown) && rt.DC != 0 && o.Managed && !rekeyed && tg.IsIdempotent(in) {
			// The data center forgot the per-DC session's auth key, which the target
			// dropped: the next attempt makes a new one and imports the authorization.
			rekeyed = true
			p.Log.Info("repeating call on a new auth key", "method", method, "dc", rt.DC)
			continue
		}
		d := rpcerr.Classify(err)
		if d.Err == nil {
			// No answer from the server: repeat only what may run twice.
			if retries > 0 && tg.IsIdempotent(in) {
				retries--
				p.Log.Debug("repeating call after failure", "method", method, "err", err)
				continue
			}
			return err
		}
		switch {
		case d.Action == rpcerr.ActionWait && o.Managed:
			if p.Counters != nil {
				p.Counters.FloodWaits.Add(1)
			}
			if !d.WaitWithin(p.SleepThreshold) {
				return p.Errors.FloodWait(d.Wait, method, err)
			}
			p.Log.Info("flood wait", "method", method, "wait", d.Wait)
			if err := p.sleep(ctx, d.Wait); err != nil {
				return err
			}
			continue
		case d.Action == rpcerr.ActionMigrate && o.Managed:
			if migrations++; migrations > MaxMigrations {
				return p.Errors.Migration(d.DC, err)
			}
			switch d.Err.Type {
			case "FILE_MIGRATE", "STATS_MIGRATE":
				rt = Route{DC: d.DC, Media: d.Err.Type == "FILE_MIGRATE"}
			default: // PHONE_MIGRATE, USER_MIGRATE, NETWORK_MIGRATE
				if err := t.MigrateHome(ctx, d.DC); err != nil {
					return p.Errors.Migration(d.DC, err)
				}
				rt = Route{}
			}
			p.Log.Info("migrated call", "method", method, "type", d.Err.Type, "dc", d.DC)
			continue
		case d.Err.Code == 401 && rt.DC != 0 && o.Managed && !reauthorized:
			// The per-DC session lost its imported authorization: import it again once.
			reauthorized = true
			t.Reauthorize(rt.DC)
			continue
		case d.Err.Code == 401 && rt.DC != 0 && o.Managed:
			return fmt.Errorf("mtgo: %s: dc %d refused the authorization imported again: %w", method, rt.DC, err)
		case d.Action == rpcerr.ActionRetry && retries > 0:
			retries--
			continue
		}
		return err
	}
}

func (p *Policy) final(err error) bool {
	for _, f := range p.Final {
		if errors.Is(err, f) {
			return true
		}
	}
	return false
}

// sleep waits d, returning early with an error when ctx ends or the owner stops.
func (p *Policy) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-p.Stopped:
		return p.Final[0]
	}
}
