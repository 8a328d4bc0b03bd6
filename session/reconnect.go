package session

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// permanent reports whether a failed connection cannot succeed by trying again: the proxy
// refused the credentials, the address to dial is no host name or IP address (a bad
// configuration, refused before anything is sent), or the server's clock is one the session
// will not follow (ErrClockOffset: the key exchange's server_time, or clock corrections
// refused in a row). Run then gives up at once instead of after MaxAttempts.
func permanent(err error) bool {
	return errors.Is(err, proxy.ErrAuth) || errors.Is(err, transport.ErrHost) ||
		errors.Is(err, ErrClockOffset)
}

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
//
// Which connections the limit applies to:
//   - MaxAttempts > 0 (or 0, meaning 8) without Persistent: every connection of the Run, the
//     first one and every redial after a loss. Run returns a *ReconnectError after that many
//     consecutive failures.
//   - MaxAttempts > 0 (or 0) with Persistent: only until the owner called
//     Conn.MarkEstablished, which it does once the connection has done what it was opened
//     for (the client: once its Connect has its answers). Until then a Run that never got
//     through (a wrong address, proxy or key), or whose link went down during its owner's
//     setup, still ends with a *ReconnectError, so the owner's setup fails instead of
//     waiting for ever; from then on a loss is redialed until ctx ends, however long the
//     network stays down, waiting at most MaxInterval (jittered) between attempts.
//   - MaxAttempts < 0: never give up, first connection included.
//
// Some failures end Run whatever the policy, since no redial mends them: the proxy refusing
// the credentials or a server clock the session will not follow (ErrClockOffset; a
// *ReconnectError at once), ErrAuthKeyUnknown, and the server refusing the temporary key's
// binding twice in a row after it had accepted one in this Run (a *ReconnectError at the
// second refusal, wrapping ErrBind and the server's *RPCError).
type ReconnectPolicy struct {
	// MaxAttempts is the number of consecutive failed connection attempts after which Run gives
	// up (default 8; negative means never give up). With Persistent it bounds only the attempts
	// made before the owner called Conn.MarkEstablished.
	MaxAttempts int
	// Persistent lifts MaxAttempts once the owner called Conn.MarkEstablished: the connection
	// is then redialed until ctx ends. A long-running client's link to its home data center
	// wants it; a connection that is cheap to open again on demand does not. A connection
	// having worked is not enough: the owner may still fail its own setup on it.
	Persistent bool
	// InitialInterval is the first wait (default 250 ms).
	InitialInterval time.Duration
	// MaxInterval caps the wait (default 30 s): during a long outage Run dials about once per
	// MaxInterval, each wait picked in [1-Jitter, 1+Jitter] times it.
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

// MarkEstablished tells Run that its connection has been established for the owner's
// purpose (the client calls it once its Connect has its answers): from then on a Persistent
// ReconnectPolicy redials a loss until ctx ends. Before, MaxAttempts failures in a row end
// Run, even after a connection of the Run worked. It may be called from any goroutine, at any
// time; calling it again does nothing.
func (c *Conn) MarkEstablished() { c.established.Store(true) }

// giveUp reports whether Run stops redialing after failures consecutive failed attempts, the
// last one with err; established is true once the owner called Conn.MarkEstablished.
func (p *ReconnectPolicy) giveUp(failures int, established bool, err error) bool {
	switch {
	case permanent(err):
		return true
	case p.MaxAttempts < 0, p.Persistent && established:
		return false
	}
	return failures >= p.MaxAttempts
}

// quietAfter is how many consecutive failures are logged at Info; later ones are logged at
// Info only when their count is a power of two (16, 32, 64...), at Debug otherwise: a link
// that stays down for hours leaves a few records, not one per attempt.
const quietAfter = 8

// lossLevel is the level of the record of the failures-th consecutive failure.
func lossLevel(failures int) slog.Level {
	if failures <= quietAfter || failures&(failures-1) == 0 {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
