package storage

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// LockFile takes the exclusive lock (flock where the system has it) of the file at path,
// creating the file, waiting up to timeout for another holder to let go: ErrSessionInUse if
// it does not. The lock dies with its process, so a crashed holder never blocks a session.
// Stores in other modules that keep a session in a file (storage/sqlite) use it beside their
// data file; unlock releases it.
func LockFile(path string, timeout time.Duration) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: open lock file: %w", err)
	}
	if err := lockForCheck(f, timeout); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%w: %s", ErrSessionInUse, path)
		}
		return nil, fmt.Errorf("storage: lock %s: %w", path, err)
	}
	return func() error {
		unlockFile(f)
		return f.Close()
	}, nil
}
