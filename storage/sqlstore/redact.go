package sqlstore

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// printable is what a Store shows: its dialect and session name. fmt would print its
// unexported cache raw, the stored sessions' auth keys included.
func (s *Store) printable() redact.Fields {
	var dialect, name string
	if s != nil {
		dialect, name = s.d.Name, s.name
	}
	return redact.Of("sqlstore.Store", slog.String("Dialect", dialect), slog.String("Name", name))
}

// String prints the store without its sessions.
func (s *Store) String() string { return s.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *Store) Format(st fmt.State, verb rune) { s.printable().Format(st, verb) }

// LogValue implements slog.LogValuer without the sessions.
func (s *Store) LogValue() slog.Value { return s.printable().LogValue() }
