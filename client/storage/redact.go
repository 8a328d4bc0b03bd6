package storage

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// printable is what an InMemory shows: its type name. fmt would print its
// unexported sessions map raw, auth keys included, without asking Session to redact itself.
func (s *InMemory) printable() redact.Fields { return redact.Of("storage.InMemory") }

// String prints the type name, nothing of the sessions.
func (s *InMemory) String() string { return s.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *InMemory) Format(st fmt.State, verb rune) { s.printable().Format(st, verb) }

// LogValue implements slog.LogValuer without the sessions.
func (s *InMemory) LogValue() slog.Value { return s.printable().LogValue() }
