package mtp

import (
	"errors"
	"fmt"
)

var (
	// ErrHealthTimeout reports that the peer stopped answering pings (client) or stopped sending
	// them within the announced disconnect delay (server). The connection must be dropped.
	ErrHealthTimeout = errors.New("mtp: connection health timeout")
	// ErrNotRepeated fails a call that the server may already have executed when the message
	// had to be sent again with a new msg_id; repeating it silently could run it twice. Calls
	// enqueued with CallOptions.Repeatable are re-sent instead.
	ErrNotRepeated = errors.New("mtp: call may have run on the server and is not safe to repeat")
	// ErrCallTimeout fails a call with CallOptions.Timeout that was not answered in time.
	ErrCallTimeout = errors.New("mtp: no answer within the call's timeout")
	// ErrResendLimit fails a call whose message the server kept reporting lost (with
	// new_session_created or msgs_state_info) after Config.MaxResends sends.
	ErrResendLimit = errors.New("mtp: message lost too many times")
	// ErrTooLarge rejects a message body above Config.MaxMessageSize.
	ErrTooLarge = errors.New("mtp: message too large")
	// ErrBadCall rejects an Enqueue with a zero or duplicate CallID or a body that is not TL
	// (shorter than 4 bytes or not a multiple of 4).
	ErrBadCall = errors.New("mtp: bad call")
	// ErrUnpack reports a gzip_packed value that is corrupt or inflates above the cap.
	ErrUnpack = errors.New("mtp: gzip_packed rejected")
	// ErrClockOffset reports a server time the engine will not set its clock to (see ClockOffset
	// and Config.MaxClockOffset). The calls a bad_msg_notification 16 or 17 rejected fail with
	// it (and their *BadMsgError) when the correction it asks for is refused, and Receive fails
	// with it after clockRefusalLimit (4) such refusals in a row: the connection is of no use
	// until the server's clock, or the local one, is right.
	ErrClockOffset = errors.New("mtp: server clock offset refused")
	// ErrMalformed reports a result the engine could not parse (a truncated rpc_result or
	// rpc_error).
	ErrMalformed = errors.New("mtp: malformed message")
)

// BadMsgError fails a call when the server kept rejecting its message with
// bad_msg_notification: after Config.MaxResends attempts, or with a code the engine cannot
// correct.
type BadMsgError struct {
	// Code is the error_code of the last bad_msg_notification.
	Code int
	// MsgID is the rejected msg_id.
	MsgID int64
}

// Error implements error.
func (e *BadMsgError) Error() string {
	return fmt.Sprintf("mtp: message %#x rejected by the server: bad_msg_notification %d (%s)", e.MsgID, e.Code, BadMsgText(e.Code))
}

// BadMsgText describes a bad_msg_notification error code.
func BadMsgText(code int) string {
	switch code {
	case 16:
		return "msg_id too low"
	case 17:
		return "msg_id too high"
	case 18:
		return "msg_id has wrong low bits"
	case 19:
		return "container msg_id reused"
	case 20:
		return "message too old"
	case 32:
		return "msg_seqno too low"
	case 33:
		return "msg_seqno too high"
	case 34:
		return "even msg_seqno expected odd"
	case 35:
		return "odd msg_seqno expected even"
	case 48:
		return "incorrect server salt"
	case 64:
		return "invalid container"
	}
	return "unknown code"
}
