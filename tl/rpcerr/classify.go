package rpcerr

import (
	"strconv"
	"time"
)

// Action is what a caller does after a call failed with an RPC error.
type Action int

const (
	// ActionFail gives up: repeating the same call cannot succeed, or err carries no RPC error
	// and the caller's own policy decides (see Classify).
	ActionFail Action = iota
	// ActionRetry repeats the call now (a caller may add a short backoff and should bound the
	// repeats): the server failed on its side.
	ActionRetry
	// ActionWait repeats the call after Decision.Wait, if the caller accepts to wait that long
	// (see Decision.WaitWithin).
	ActionWait
	// ActionMigrate repeats the call on data center Decision.DC; Decision.Err.Type says which
	// kind of migration (PHONE_MIGRATE, USER_MIGRATE and NETWORK_MIGRATE move the account's
	// home, FILE_MIGRATE and STATS_MIGRATE move one call).
	ActionMigrate
)

// String returns "fail", "retry", "wait" or "migrate".
func (a Action) String() string {
	switch a {
	case ActionFail:
		return "fail"
	case ActionRetry:
		return "retry"
	case ActionWait:
		return "wait"
	case ActionMigrate:
		return "migrate"
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// Decision is what Classify says to do about an error.
type Decision struct {
	// Action is what to do.
	Action Action
	// Wait is how long to wait before repeating, for ActionWait (at most MaxWait).
	Wait time.Duration
	// DC is the data center to repeat the call on, for ActionMigrate (at least 1).
	DC int
	// Err is the RPC error found in the error's chain, nil when there is none.
	Err *Error
}

// WaitWithin reports whether d is a wait that a caller willing to sleep up to threshold sleeps
// through: Action is ActionWait, threshold is not negative and Wait is at most threshold. A
// negative threshold never sleeps.
func (d Decision) WaitWithin(threshold time.Duration) bool {
	return d.Action == ActionWait && threshold >= 0 && d.Wait <= threshold
}

// Classify says what to do after a call failed with err. It looks only at the RPC error in
// err's chain, so it is the same answer wherever the call was made:
//
//   - flood waits (FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X, ...): ActionWait X seconds;
//   - *_MIGRATE_X with a data center of at least 1: ActionMigrate to X;
//   - internal errors (5xx) and -503 timeouts: ActionRetry;
//   - any other RPC error: ActionFail.
//
// An error without an RPC error (a lost connection, a timed-out attempt, a cancelled context, a
// malformed answer) is ActionFail with Err nil: the server never answered, so whether the call
// may be repeated depends on what the caller knows of the method and the failure. Classify(nil)
// is the zero Decision.
func Classify(err error) Decision {
	e, ok := As(err)
	if !ok {
		return Decision{}
	}
	if d, ok := e.FloodWait(); ok {
		return Decision{Action: ActionWait, Wait: d, Err: e}
	}
	if dc, ok := e.MigrateDC(); ok {
		return Decision{Action: ActionMigrate, DC: dc, Err: e}
	}
	if e.Internal() {
		return Decision{Action: ActionRetry, Err: e}
	}
	return Decision{Action: ActionFail, Err: e}
}
