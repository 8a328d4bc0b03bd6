package services

import (
	"errors"
	"log/slog"

	"github.com/mtgo-labs/mtgo/teletest/world"
)

// RPCError is the rpc_error a handler answers with (code and Telegram message). It is the
// world's error type, so errors from the world pass through unchanged.
type RPCError = world.RPCError

// Errors produced by the dispatcher itself.
var (
	// ErrMethodNotImplemented answers a method the test server does not implement.
	ErrMethodNotImplemented = &RPCError{Code: 400, Message: "METHOD_NOT_IMPLEMENTED"}
	// ErrInputMethodInvalid answers a request that is not a function (a constructor sent as
	// a query) or that nests wrappers without a query.
	ErrInputMethodInvalid = &RPCError{Code: 400, Message: "INPUT_METHOD_INVALID"}
	// ErrConnectionNotInited answers a call made before initConnection where Telegram requires
	// it (for the server this only matters for auth calls; see Options.RequireInit).
	ErrConnectionNotInited = &RPCError{Code: 400, Message: "CONNECTION_NOT_INITED"}
	// ErrInternal answers a handler failure that is not a Telegram error (a bug in the test
	// server); the cause is logged.
	ErrInternal = &RPCError{Code: 500, Message: "INTERNAL_SERVER_ERROR"}
	// ErrHandlerPanic answers a call whose handler panicked (a bug in the test server):
	// 500 INTERNAL is Telegram's answer to its own internal failures. The panic and its
	// stack are logged at error level; the dispatcher keeps serving.
	ErrHandlerPanic = &RPCError{Code: 500, Message: "INTERNAL"}
)

// AsRPCError turns any error a Handler returns into the rpc_error to send: an *RPCError
// (possibly wrapped) is returned as is; anything else becomes ErrInternal and is logged on
// log (which may be nil).
func AsRPCError(err error, log *slog.Logger) *RPCError {
	var e *RPCError
	if errors.As(err, &e) {
		return e
	}
	if log != nil {
		log.Error("test server handler failed", slog.Any("err", err))
	}
	return ErrInternal
}
