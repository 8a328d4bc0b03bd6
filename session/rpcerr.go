package session

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// RPCError is an rpc_error answer from the server: the call reached Telegram and failed there.
// It fails that call only; the connection stays usable.
//
// Telegram's messages often carry a number, as in FLOOD_WAIT_30 or PHONE_MIGRATE_4. The number
// is parsed into Argument and removed from Type: a trailing number is dropped with its
// underscore (FLOOD_WAIT_30 has Type FLOOD_WAIT), a number inside the message is replaced by X
// (FILE_PART_3_MISSING has Type FILE_PART_X_MISSING).
//
// Match with errors.As, or with errors.Is against an *RPCError pattern whose zero fields are
// wildcards:
//
//	errors.Is(err, &session.RPCError{Type: "PHONE_CODE_INVALID"})
//	errors.Is(err, &session.RPCError{Code: 420})
type RPCError struct {
	// Code is the numeric error code (400, 401, 403, 420, 500, ...).
	Code int
	// Message is the message exactly as the server sent it.
	Message string
	// Type is Message with its numeric argument taken out.
	Type string
	// Argument is the number carried by Message, zero when HasArgument is false.
	Argument int
	// HasArgument reports whether Message carried a number.
	HasArgument bool
}

// ParseRPCError builds an RPCError from the code and message of an rpc_error.
func ParseRPCError(code int, message string) *RPCError {
	e := &RPCError{Code: code, Message: message, Type: message}
	parts := strings.Split(message, "_")
	for i, p := range parts {
		if !allDigits(p) {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			break // too large to be an argument; keep the message as the type
		}
		e.Argument, e.HasArgument = n, true
		if i == len(parts)-1 {
			e.Type = strings.Join(parts[:i], "_")
		} else {
			parts[i] = "X"
			e.Type = strings.Join(parts, "_")
		}
		break
	}
	return e
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Error implements error.
func (e *RPCError) Error() string {
	return "rpc error " + strconv.Itoa(e.Code) + ": " + e.Message
}

// Is reports whether target is an *RPCError pattern matching e: each non-zero field of the
// pattern among Code, Type and Argument must equal e's.
func (e *RPCError) Is(target error) bool {
	t, ok := target.(*RPCError)
	if !ok || t == nil {
		return false
	}
	if t.Code != 0 && t.Code != e.Code {
		return false
	}
	if t.Type != "" && t.Type != e.Type {
		return false
	}
	if t.Argument != 0 && t.Argument != e.Argument {
		return false
	}
	return true
}

// floodTypes are the error types whose argument is a number of seconds to wait before
// repeating the call.
var floodTypes = [...]string{"FLOOD_WAIT", "FLOOD_PREMIUM_WAIT", "SLOWMODE_WAIT", "FLOOD_TEST_PHONE_WAIT", "TAKEOUT_INIT_DELAY"}

// FloodWait returns how long to wait before repeating the call, for FLOOD_WAIT_X,
// FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X and similar errors.
func (e *RPCError) FloodWait() (time.Duration, bool) {
	if !e.HasArgument {
		return 0, false
	}
	for _, t := range floodTypes {
		if e.Type == t {
			return time.Duration(e.Argument) * time.Second, true
		}
	}
	return 0, false
}

// MigrateDC returns the data center named by a *_MIGRATE_X error (PHONE_MIGRATE_X,
// USER_MIGRATE_X, NETWORK_MIGRATE_X, FILE_MIGRATE_X, STATS_MIGRATE_X): the call must be
// repeated there.
func (e *RPCError) MigrateDC() (int, bool) {
	if !e.HasArgument || !strings.HasSuffix(e.Type, "_MIGRATE") {
		return 0, false
	}
	return e.Argument, true
}

// Temporary reports whether the same call may succeed if repeated later without change:
// internal server errors (500 and -503 timeouts) and flood waits.
func (e *RPCError) Temporary() bool {
	if e.Code == 500 || e.Code == -503 {
		return true
	}
	_, ok := e.FloodWait()
	return ok
}

// AsRPCError returns the *RPCError in err's chain, if any.
func AsRPCError(err error) (*RPCError, bool) {
	var e *RPCError
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsType reports whether err carries an *RPCError whose Type is one of types.
func IsType(err error, types ...string) bool {
	e, ok := AsRPCError(err)
	if !ok {
		return false
	}
	for _, t := range types {
		if e.Type == t {
			return true
		}
	}
	return false
}

// FloodWait returns the wait demanded by a flood error in err's chain (see RPCError.FloodWait).
func FloodWait(err error) (time.Duration, bool) {
	if e, ok := AsRPCError(err); ok {
		return e.FloodWait()
	}
	return 0, false
}

// MigrateDC returns the target data center of a *_MIGRATE_X error in err's chain.
func MigrateDC(err error) (int, bool) {
	if e, ok := AsRPCError(err); ok {
		return e.MigrateDC()
	}
	return 0, false
}
