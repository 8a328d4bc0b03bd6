package postgres

import "time"

// SetOwnHeartbeat sets how often the lock connection of stores opened with Open and OpenDB
// is checked, until the returned function restores it.
func SetOwnHeartbeat(d time.Duration) (restore func()) {
	old := ownHeartbeat
	ownHeartbeat = d
	return func() { ownHeartbeat = old }
}

// FenceKey is the text whose hashtextextended is the session's write fence key.
var FenceKey = fenceKey

// NonceTry is the function with which the fence tries the lock connection's nonce.
const NonceTry = nonceTry
