package mtp

import "fmt"

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventResult delivers the answer to Call: Body is the result object (unpacked).
	EventResult EventKind = iota + 1
	// EventRPCError delivers an rpc_error answer to Call: ErrorCode and ErrorMessage.
	EventRPCError
	// EventFailed reports that Call failed without an answer: Err says why.
	EventFailed
	// EventUpdate delivers a message the server sent on its own (updates): Body.
	EventUpdate
	// EventNewSession reports new_session_created (client) with FirstMsgID: updates may have
	// been lost and should be fetched again.
	EventNewSession
	// EventRequest delivers a client's request to a server engine: MsgID and Body (unpacked,
	// still wrapped in invokeWithLayer and similar if the client sent it so). Answer with
	// Reply or ReplyError.
	EventRequest
	// EventDestroySession reports a client's destroy_session (server) about SessionID,
	// another session of the same auth key; the loop, which knows the sessions, forgets that
	// one if it can and answers with AnswerDestroySession.
	EventDestroySession
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventResult:
		return "result"
	case EventRPCError:
		return "rpc_error"
	case EventFailed:
		return "failed"
	case EventUpdate:
		return "update"
	case EventNewSession:
		return "new_session"
	case EventRequest:
		return "request"
	case EventDestroySession:
		return "destroy_session"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is something the engine reports to its loop. Which fields are set depends on Kind.
type Event struct {
	Kind EventKind
	// Call is the call the event belongs to (EventResult, EventRPCError, EventFailed).
	Call CallID
	// MsgID is the msg_id of the call's message, of a client request (EventRequest or
	// EventDestroySession) or the first_msg_id of a new session (EventNewSession).
	MsgID int64
	// SessionID is the session a client asks to destroy (EventDestroySession).
	SessionID int64
	// Body is the TL object: a result, an update or a request. See the package documentation
	// for its lifetime.
	Body []byte
	// ErrorCode and ErrorMessage are the fields of an rpc_error.
	ErrorCode    int
	ErrorMessage string
	// Err is why a call failed (EventFailed).
	Err error
}
