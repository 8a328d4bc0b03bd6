package session

import (
	"fmt"

	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

// ExportString returns s as a portable session string in MTGo's own format (see package
// session/strings): DC, address, test flag, auth key, user id and bot flag, with a checksum. The
// salt and time offset are not carried; they are learned again on the first connection.
func ExportString(s Session) (string, error) {
	if !s.HasKey() {
		return "", fmt.Errorf("%w: no auth key to export", ErrInvalidSession)
	}
	str, err := sessionstrings.Export(sessionstrings.Data{
		DC: s.DC, Addr: s.Addr, TestMode: s.TestMode, AuthKey: s.AuthKey, UserID: s.UserID, Bot: s.Bot,
	})
	if err != nil {
		return "", fmt.Errorf("session: export string: %w", err)
	}
	return str, nil
}

// ImportString reads a session string of any format package session/strings knows (MTGo,
// Pyrogram, Telethon, GramJS, mtcute). Addr is empty when the format has no address (Pyrogram):
// the caller then picks the DC's address.
func ImportString(str string) (Session, error) {
	d, err := sessionstrings.Import(str)
	if err != nil {
		return Session{}, fmt.Errorf("session: import string: %w", err)
	}
	s := Session{DC: d.DC, Addr: d.Addr, TestMode: d.TestMode, AuthKey: d.AuthKey, UserID: d.UserID, Bot: d.Bot}
	if err := s.Validate(); err != nil {
		return Session{}, err
	}
	return s, nil
}
