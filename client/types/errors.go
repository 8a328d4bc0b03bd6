package types

import "errors"

var (
	// ErrContextNoClient reports a bound method called on a value not created by a client.
	// Package mtgo re-exports it.
	ErrContextNoClient = errors.New("mtgo: value not bound to a client")
	// ErrContextNoChat reports a method that needs a chat on a value without one. Package
	// mtgo re-exports it.
	ErrContextNoChat = errors.New("mtgo: no chat in context")
)
