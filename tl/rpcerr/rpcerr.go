// Package rpcerr is Telegram's rpc_error answer as a Go error, and the one policy that says what
// a caller does after one: repeat the call, wait, move to another data center, or give up.
//
// It imports only the standard library, so that every layer that makes calls (the client's
// Invoke, the media transfer workers, peers and updates) can read RPC errors without importing
// the session layer.
//
// Telegram's messages often carry a number, as in FLOOD_WAIT_30 or PHONE_MIGRATE_4. [Parse] takes
// the number out into Argument and leaves the message's shape in Type: a trailing number goes
// with its underscore (FLOOD_WAIT_30 has Type FLOOD_WAIT), a number inside the message becomes X
// (FILE_PART_3_MISSING has Type FILE_PART_X_MISSING).
package rpcerr

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Error is an rpc_error answer from the server: the call reached Telegram and failed there.
// It fails that call only; the connection stays usable.
//
// Match with errors.As, or with errors.Is against an *Error pattern whose zero fields are
// wildcards:
//
//	errors.Is(err, &rpcerr.Error{Type: "PHONE_CODE_INVALID"})
//	errors.Is(err, &rpcerr.Error{Code: 420})
type Error struct {
	// Code is the numeric error code (400, 401, 403, 420, 500, -503, ...).
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

// Parse builds an Error from the code and message of an rpc_error. Any message is accepted: a
// number too large for an int is left in Type, and the work is linear in the message length.
func Parse(code int, message string) *Error {
	e := &Error{Code: code, Message: message, Type: message}
	start := 0 // start of the current underscore-separated field
	for start <= len(message) {
		end := strings.IndexByte(message[start:], '_')
		if end < 0 {
			end = len(message)
		} else {
			end += start
		}
		field := message[start:end]
		if allDigits(field) {
			n, err := strconv.Atoi(field)
			if err != nil {
				return e // too large to be an argument; keep the message as the type
			}
			e.Argument, e.HasArgument = n, true
			switch {
			case end == len(message) && start == 0:
				e.Type = ""
			case end == len(message):
				e.Type = message[:start-1]
			default:
				e.Type = message[:start] + "X" + message[end:]
			}
			return e
		}
		start = end + 1
	}
	return e
}

// New builds the Error a server sends for type typ (as Parse reports it) carrying the number
// arg: an X field of typ takes the number where that reads back as typ (FILE_PART_X_MISSING and
// 3 give FILE_PART_3_MISSING), otherwise the number is appended (FLOOD_WAIT and 30 give
// FLOOD_WAIT_30). A negative arg is written as 0: Telegram's arguments are counts, seconds and
// data center numbers. For a message without a number use [Parse].
func New(code int, typ string, arg int) *Error {
	num := strconv.Itoa(max(arg, 0))
	if i := xField(typ); i >= 0 {
		if e := Parse(code, typ[:i]+num+typ[i+1:]); e.Type == typ {
			return e
		}
	}
	if typ == "" {
		return Parse(code, num)
	}
	return Parse(code, typ+"_"+num)
}

// xField returns the index of the first underscore-separated field of s that is exactly "X",
// or -1.
func xField(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 'X' && (i == 0 || s[i-1] == '_') && (i+1 == len(s) || s[i+1] == '_') {
			return i
		}
	}
	return -1
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
func (e *Error) Error() string {
	return "rpc error " + strconv.Itoa(e.Code) + ": " + e.Message
}

// Is reports whether target is an *Error pattern matching e: each non-zero field of the
// pattern among Code, Type and Argument must equal e's.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
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

// MaxWait is the longest wait FloodWait reports: a larger argument is clamped to it instead of
// overflowing time.Duration into a negative (no wait at all).
const MaxWait = time.Duration(math.MaxInt64 / int64(time.Second) * int64(time.Second))

// FloodWait returns how long to wait before repeating the call, for FLOOD_WAIT_X,
// FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X and similar errors, at most MaxWait.
func (e *Error) FloodWait() (time.Duration, bool) {
	if !e.HasArgument {
		return 0, false
	}
	for _, t := range floodTypes {
		if e.Type == t {
			if int64(e.Argument) > int64(MaxWait/time.Second) {
				return MaxWait, true
			}
			return time.Duration(e.Argument) * time.Second, true
		}
	}
	return 0, false
}

// MigrateDC returns the data center named by a *_MIGRATE_X error (PHONE_MIGRATE_X,
// USER_MIGRATE_X, NETWORK_MIGRATE_X, FILE_MIGRATE_X, STATS_MIGRATE_X): the call must be
// repeated there. A data center number below 1 is not a valid target and reports false.
func (e *Error) MigrateDC() (int, bool) {
	if !e.HasArgument || e.Argument < 1 || !strings.HasSuffix(e.Type, "_MIGRATE") {
		return 0, false
	}
	return e.Argument, true
}

// Internal reports whether the server failed on its side: a 5xx code or a -503 timeout. The
// call may or may not have run.
func (e *Error) Internal() bool {
	return (e.Code >= 500 && e.Code < 600) || e.Code == -503
}

// Temporary reports whether the same call may succeed if repeated later without change:
// internal server errors (5xx and -503 timeouts) and flood waits.
func (e *Error) Temporary() bool {
	if e.Internal() {
		return true
	}
	_, ok := e.FloodWait()
	return ok
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e, true
	}
	return nil, false
}

// IsType reports whether err carries an *Error whose Type is one of types.
func IsType(err error, types ...string) bool {
	e, ok := As(err)
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

// FloodWait returns the wait demanded by a flood error in err's chain (see Error.FloodWait).
func FloodWait(err error) (time.Duration, bool) {
	if e, ok := As(err); ok {
		return e.FloodWait()
	}
	return 0, false
}

// MigrateDC returns the target data center of a *_MIGRATE_X error in err's chain.
func MigrateDC(err error) (int, bool) {
	if e, ok := As(err); ok {
		return e.MigrateDC()
	}
	return 0, false
}
