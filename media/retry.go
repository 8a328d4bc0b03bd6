package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// verdict is what a transfer loop does after a failed call.
type verdict uint8

const (
	fail     verdict = iota // give up: the error is final for this part
	retry                   // transient: repeat after a backoff, counting an attempt
	flood                   // FLOOD_WAIT: sleep the demanded time, then repeat
	migrate                 // FILE_MIGRATE_X: repeat on data center X
	refresh                 // FILE_REFERENCE_EXPIRED: ask the refresher, then repeat
	cdnToken                // the CDN file token is no longer valid: ask the master again
)

// judge classifies err: rpcerr.Classify's decision, refined by what only a transfer knows
// (file references, CDN tokens, which migrations apply to files). A cancelled context always
// fails.
func judge(ctx context.Context, err error) (verdict, rpcerr.Decision) {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return fail, rpcerr.Decision{}
	}
	d := rpcerr.Classify(err)
	if d.Err == nil {
		var fatal *fatalError
		var decode *tl.DecodeError
		if errors.As(err, &fatal) || errors.As(err, &decode) || errors.Is(err, ErrChunkTooLarge) {
			return fail, d // a malformed answer is not fixed by asking again
		}
		return retry, d // lost connection, timeout of one attempt, ...
	}
	switch d.Err.Type {
	case "FILE_REFERENCE_EXPIRED", "FILE_REFERENCE_X_EXPIRED", "FILE_REFERENCE_INVALID":
		return refresh, d
	case "FILE_TOKEN_INVALID", "CDN_UPLOAD_TIMEOUT":
		return cdnToken, d
	}
	switch d.Action {
	case rpcerr.ActionWait:
		return flood, d
	case rpcerr.ActionMigrate:
		if d.Err.Type == "FILE_MIGRATE" {
			return migrate, d
		}
	case rpcerr.ActionRetry:
		return retry, d
	}
	return fail, d
}

// pacer counts the repeats of one part and sleeps before each: flood waits up to
// Options.FloodSleepThreshold (at most maxFloods of them) and transient failures with a
// doubling backoff (at most Options.Retries). Its log lines name the part as what (the
// attribute key) and index; nothing is built for them unless one is written.
type pacer struct {
	opt      *Options
	log      *slog.Logger
	what     string
	index    int64
	floods   int
	failures int
}

func newPacer(c *Client, what string, index int64) pacer {
	return pacer{opt: &c.opt, log: c.log, what: what, index: index}
}

// again handles the flood and retry verdicts: it sleeps and returns nil when the part should
// be repeated, and the error to fail the part with otherwise (err for other verdicts).
func (p *pacer) again(ctx context.Context, v verdict, d rpcerr.Decision, err error) error {
	switch {
	case v == flood && !d.WaitWithin(p.opt.FloodSleepThreshold):
		return fmt.Errorf("%w: %s: %w", ErrFloodWait, d.Wait, err)
	case v == flood && p.floods < maxFloods:
		p.floods++
		p.log.Debug("flood wait", p.what, p.index, "wait", d.Wait)
		return sleep(ctx, d.Wait)
	case v == retry && p.failures < p.opt.Retries:
		p.failures++
		p.log.Debug("repeating after a failure", p.what, p.index, "failures", p.failures, "err", err)
		return sleep(ctx, backoff(p.opt.RetryDelay, p.failures))
	}
	return err
}

// fatalError marks a local error no repetition can fix (a malformed answer, a hash mismatch).
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

func fatal(err error) error { return &fatalError{err: err} }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff returns the pause before repeat number n (from 1): base doubled each time, capped
// at 30 times base.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < 30*base; i++ {
		d *= 2
	}
	return min(d, 30*base)
}
