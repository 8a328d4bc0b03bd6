//go:build unix

package storage

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// haveFlock: lockForCheck locks.
const haveFlock = true

// lockForCheck takes the same exclusive lock bbolt takes (flock), waiting up to timeout, so the
// file is checked while no other client writes it. The caller releases it with unlock before
// bbolt opens the file, since bbolt's lock on its own descriptor would conflict with it.
func lockForCheck(f *os.File, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR):
			return err
		case time.Now().After(deadline):
			return errLocked
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
