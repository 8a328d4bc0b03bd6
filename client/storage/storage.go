// Package storage keeps what a client must remember between runs: the session (auth key,
// salt, clock offset) of each data center and which one is home, the logged-in identity, the
// peer cache (access hashes, usernames), the update state (pts, qts, seq, date and each
// channel's pts) and small key/value records of other layers (the client's dialogue states).
//
// Two implementations: InMemory, which forgets everything when the program exits, and File,
// one bbolt database per session name (<name>.session) where every write is a transaction, a
// crash at any moment leaves a file that opens, and a second process opening the same session
// gets ErrSessionInUse instead of both running with one auth key.
package storage

import (
	"context"
	"errors"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// Errors of the storage backends.
var (
	// ErrSessionInUse reports a session file locked by another client (in this process or
	// another). Two clients on one auth key would make Telegram revoke it
	// (AUTH_KEY_DUPLICATED), so the second one is refused.
	ErrSessionInUse = errors.New("storage: session in use by another client")
	// ErrCorrupt reports a session file that is not a valid session database, or a record in
	// it that does not decode. The file is left untouched.
	ErrCorrupt = errors.New("storage: session file is corrupt")
	// ErrUnsupportedVersion reports a session file written by a newer, incompatible version.
	ErrUnsupportedVersion = errors.New("storage: session file format not supported")
	// ErrClosed reports a call on a closed storage.
	ErrClosed = errors.New("storage: closed")
)

// Identity is the logged-in account.
type Identity struct {
	// UserID is the account's user id, zero when nobody is logged in.
	UserID int64
	// Bot is true for a bot account.
	Bot bool
}

// Storage is what a client keeps between runs. Client.Storage returns it; both implementations
// of this package satisfy it and are safe for concurrent use.
//
// It is a peers.Store, so the peer cache survives restarts. It cannot be an updates.Store
// itself (both want a method named Save); UpdateState adapts it.
type Storage interface {
	// LoadSession returns the session of data center dc, or an error matching
	// session.ErrNoSession when none is stored.
	LoadSession(ctx context.Context, dc int) (session.Session, error)
	// SaveSession stores s as the session of data center s.DC.
	SaveSession(ctx context.Context, s session.Session) error
	// HomeDC returns the data center the account lives in, 0 when unknown.
	HomeDC(ctx context.Context) (int, error)
	// SetHomeDC records the home data center.
	SetHomeDC(ctx context.Context, dc int) error
	// Identity returns the logged-in account, the zero Identity when none is stored.
	Identity(ctx context.Context) (Identity, error)
	// SetIdentity records the logged-in account.
	SetIdentity(ctx context.Context, id Identity) error

	// peers.Store keeps the peer cache.
	peers.Store

	// LoadUpdates returns the saved update state; ok is false when no account state was
	// saved yet (see updates.Store.Load).
	LoadUpdates(ctx context.Context) (s updates.Saved, ok bool, err error)
	// CommitUpdates applies an update-state commit (see updates.Store.Save).
	CommitUpdates(ctx context.Context, c updates.Commit) error

	// LoadRecord returns the value of key in namespace ns (a record other layers keep, such
	// as the client's dialogue states); ok is false when there is none.
	LoadRecord(ctx context.Context, ns, key string) (value []byte, ok bool, err error)
	// SaveRecord stores value (at most MaxRecordSize bytes, else ErrRecordTooLarge) under key
	// in namespace ns. A namespace is not empty and has no zero byte; namespace and key
	// together are at most MaxRecordKey bytes.
	SaveRecord(ctx context.Context, ns, key string, value []byte) error
	// DeleteRecord removes key from namespace ns; removing a missing key is not an error.
	DeleteRecord(ctx context.Context, ns, key string) error

	// Reset forgets everything: sessions, home DC, identity, peers (their access hashes
	// belong to the account), update state and records. It is what logging out leaves behind.
	Reset(ctx context.Context) error
	// Save makes every write so far durable. Writes are durable when they return already;
	// Save is for callers that want to be explicit before exiting.
	Save() error
	// Close releases the backend (and the file lock). Calls after Close fail with ErrClosed.
	Close() error
}

// UpdateState returns s as the update engine's Store.
func UpdateState(s Storage) updates.Store { return updateState{s} }

type updateState struct{ s Storage }

func (u updateState) Load(ctx context.Context) (updates.Saved, bool, error) {
	return u.s.LoadUpdates(ctx)
}

func (u updateState) Save(ctx context.Context, c updates.Commit) error {
	return u.s.CommitUpdates(ctx, c)
}

var (
	_ Storage = (*InMemory)(nil)
	_ Storage = (*File)(nil)
)
