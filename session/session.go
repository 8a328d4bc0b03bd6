package session

import (
	"errors"
	"fmt"
	"time"
)

// AuthKeySize is the length in bytes of an MTProto auth key.
const AuthKeySize = 256

// ErrInvalidSession reports a Session value that cannot be used, such as an auth key of the
// wrong length.
var ErrInvalidSession = errors.New("session: invalid session")

// Session is the persistent state of one MTProto session with one data center: everything a
// client must store to reconnect without a new auth key exchange.
//
// The zero value is a session with no key; connecting with it runs the key exchange first.
type Session struct {
	// DC is the data center id (1..5 in production, also in test mode).
	DC int
	// Addr is the "host:port" address the session was connected to.
	Addr string
	// TestMode is true for sessions with Telegram's test data centers.
	TestMode bool
	// AuthKey is the 256-byte permanent auth key, empty before the first key exchange.
	AuthKey []byte
	// Salt is the last known server salt.
	Salt int64
	// TimeOffset is the server clock minus the local clock, measured during the key exchange
	// and corrected by bad_msg_notification.
	TimeOffset time.Duration
	// UserID is the logged-in user (or bot) id, zero before login.
	UserID int64
	// Bot is true when UserID is a bot account.
	Bot bool
}

// HasKey reports whether the session carries an auth key.
func (s Session) HasKey() bool { return len(s.AuthKey) > 0 }

// Clone returns a copy of s that shares no memory with it.
func (s Session) Clone() Session {
	if s.AuthKey != nil {
		s.AuthKey = append([]byte(nil), s.AuthKey...)
	}
	return s
}

// Validate reports whether s can be used to connect: an auth key, when present, must be
// AuthKeySize bytes long and the DC id must not be negative.
func (s Session) Validate() error {
	if n := len(s.AuthKey); n != 0 && n != AuthKeySize {
		return fmt.Errorf("%w: auth key is %d bytes, want %d", ErrInvalidSession, n, AuthKeySize)
	}
	if s.DC < 0 {
		return fmt.Errorf("%w: dc %d", ErrInvalidSession, s.DC)
	}
	return nil
}
