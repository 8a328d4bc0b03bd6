//go:build !unix

package storage

import (
	"os"
	"time"
)

// haveFlock: lockForCheck does nothing.
const haveFlock = false

// lockForCheck does nothing where flock is not available: the check then reads the file
// without a lock, and bbolt's own lock still refuses a second client.
func lockForCheck(*os.File, time.Duration) error { return nil }

func unlockFile(*os.File) {}
