package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// permanent reports whether a failed connection cannot succeed by trying again: the proxy
// refused the credentials. Run then gives up at once instead of after MaxAttempts.
func permanent(err error) bool { return errors.Is(err, proxy.ErrAuth) }

// ErrReconnectFailed matches (with errors.Is) the *ReconnectError Run returns when the
// connection could not be restored within ReconnectPolicy.MaxAttempts.
var ErrReconnectFailed = errors.New("session: reconnect failed")

// ReconnectError reports that the connection stayed down after Attempts tries; Err is the last
// failure. Pending calls fail with it too.
type ReconnectError struct {
	Attempts int
	Err      error
}

// Error implements error.
func (e *ReconnectError) Error() string {
	return fmt.Sprintf("session: reconnect failed after %d attempts: %v", e.Attempts, e.Err)
}

// Unwrap returns the last failure.
func (e *ReconnectError) Unwrap() error { return e.Err }

// Is matches ErrReconnectFailed.
func (e *ReconnectError) Is(target error) bool { return target == ErrReconnectFailed }

// ReconnectPolicy bounds how a broken connection is restored: exponential backoff with jitter
// between attempts (github.com/cenkalti/backoff/v4), at most MaxAttempts consecutive failures.
// A connection that worked (received a packet) resets the count.
type ReconnectPolicy struct {
	// MaxAttempts is the number of consecutive failed connection attempts after which Run gives
	// up (default 8; negative means never give up).
	MaxAttempts int
	// InitialInterval is the first wait (default 250 ms).
	InitialInterval time.Duration
	// MaxInterval caps the wait (default 30 s).
	MaxInterval time.Duration
	// Jitter is the randomization factor: each wait is picked in [1-Jitter, 1+Jitter] times the
	// nominal interval (default 0.5).
	Jitter float64
}

func (p *ReconnectPolicy) setDefaults() {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 8
	}
	if p.InitialInterval <= 0 {
		p.InitialInterval = 250 * time.Millisecond
	}
	if p.MaxInterval <= 0 {
		p.MaxInterval = 30 * time.Second
	}
	if p.Jitter <= 0 || p.Jitter > 1 {
		p.Jitter = 0.5
	}
}

func (p *ReconnectPolicy) backoff() backoff.BackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(p.InitialInterval),
		backoff.WithMaxInterval(p.MaxInterval),
		backoff.WithRandomizationFactor(p.Jitter),
		backoff.WithMultiplier(2),
		backoff.WithMaxElapsedTime(0),
	)
}
