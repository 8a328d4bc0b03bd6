package session

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// The RPC error type lives in package rpcerr of the tl module, so that the layers above the
// session (peers, updates, media) read RPC errors without importing the session. The session
// reports every rpc_error answer as an *rpcerr.Error; the names below keep older code compiling.

// RPCError is an rpc_error answer from the server.
//
// Deprecated: use rpcerr.Error.
type RPCError = rpcerr.Error

// ParseRPCError builds an RPCError from the code and message of an rpc_error.
//
// Deprecated: use rpcerr.Parse.
func ParseRPCError(code int, message string) *RPCError { return rpcerr.Parse(code, message) }

// AsRPCError returns the *RPCError in err's chain, if any.
//
// Deprecated: use rpcerr.As.
func AsRPCError(err error) (*RPCError, bool) { return rpcerr.As(err) }

// IsType reports whether err carries an *RPCError whose Type is one of types.
//
// Deprecated: use rpcerr.IsType.
func IsType(err error, types ...string) bool { return rpcerr.IsType(err, types...) }

// FloodWait returns the wait demanded by a flood error in err's chain.
//
// Deprecated: use rpcerr.FloodWait.
func FloodWait(err error) (time.Duration, bool) { return rpcerr.FloodWait(err) }

// MigrateDC returns the target data center of a *_MIGRATE_X error in err's chain.
//
// Deprecated: use rpcerr.MigrateDC.
func MigrateDC(err error) (int, bool) { return rpcerr.MigrateDC(err) }
