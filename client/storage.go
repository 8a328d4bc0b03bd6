package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/session"
)

// Storage keeps what the client must remember between runs: the session of each data center
// (auth key, salt, clock offset, and for the home one the logged-in identity) and which data
// center is home. Package client/storage provides the in-memory and file implementations.
type Storage interface {
	// LoadSession returns the session of data center dc, or an error wrapping
	// session.ErrNoSession when none is stored.
	LoadSession(ctx context.Context, dc int) (session.Session, error)
	// SaveSession stores s as the session of data center s.DC.
	SaveSession(ctx context.Context, s session.Session) error
	// HomeDC returns the data center the account lives in, 0 when unknown.
	HomeDC(ctx context.Context) (int, error)
	// SetHomeDC records the home data center.
	SetHomeDC(ctx context.Context, dc int) error
	// Save flushes pending writes to durable storage.
	Save() error
	// Close releases the backend (and its file lock).
	Close() error
}
