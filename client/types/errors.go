package types

import (
	"errors"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
)

var (
	// ErrContextNoClient reports a bound method called on a value not created by a client.
	// Package mtgo re-exports it.
	ErrContextNoClient = errors.New("mtgo: value not bound to a client")
	// ErrContextNoChat reports a method that needs a chat on a value without one. Package
	// mtgo re-exports it.
	ErrContextNoChat = errors.New("mtgo: no chat in context")
	// ErrContextNoMessage reports a method that needs a message on a value without one.
	// Package mtgo re-exports it.
	ErrContextNoMessage = errors.New("mtgo: no message in context")
	// ErrContextEditInline reports an edit of an inline message by numeric id. Package mtgo
	// re-exports it.
	ErrContextEditInline = errors.New("mtgo: inline messages are edited by inline message id")
	// ErrBusinessUnsupported reports an action on a business message that Telegram does not
	// take through a business connection (invokeWithBusinessConnection wraps no
	// messages.forwardMessages nor messages.sendReaction): done as the bot itself it would act
	// on the bot's own message with the same id. Package mtgo re-exports it.
	ErrBusinessUnsupported = errors.New("not possible through a business connection")
	// ErrDate reports a time a request cannot carry: Telegram dates are Unix seconds in 32
	// bits, 1901-12-13T20:45:52Z to 2038-01-19T03:14:07Z, and a time outside, cut to them,
	// would name another date. The error names the field and the time. Package mtgo re-exports
	// it.
	ErrDate = tgdate.ErrDate
	// ErrOutOfRange reports a count, size or duration a request's 32-bit field cannot carry
	// (cut to it, a larger one would keep its low bits and be another value) or that has no
	// meaning there, such as a negative duration. The error names the field, the value and
	// the range; durations go out in whole seconds, rounded down. Package mtgo re-exports it.
	ErrOutOfRange = wirenum.ErrRange
)
