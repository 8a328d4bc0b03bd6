package storage

import (
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// The encodings and checks the file store uses, for Storage implementations in other modules
// (storage/postgres, storage/sqlite, storage/redis), so that every backend validates input
// and reports damage the same way. Decoders return errors matching ErrCorrupt.

// MarshalSession encodes a session after validating it (session.ErrInvalidSession).
func MarshalSession(s session.Session) ([]byte, error) { return appendSession(nil, s) }

// UnmarshalSession decodes MarshalSession's bytes; the result shares no memory with data.
func UnmarshalSession(data []byte) (session.Session, error) { return decodeSession(data) }

// MarshalIdentity encodes an identity.
func MarshalIdentity(id Identity) []byte { return appendIdentity(nil, id) }

// UnmarshalIdentity decodes MarshalIdentity's bytes.
func UnmarshalIdentity(data []byte) (Identity, error) { return decodeIdentity(data) }

// MarshalState encodes an account update state.
func MarshalState(s updates.State) []byte { return appendState(nil, s) }

// UnmarshalState decodes MarshalState's bytes.
func UnmarshalState(data []byte) (updates.State, error) { return decodeState(data) }

// CheckHomeDC checks a home data center number before it is stored (Storage.SetHomeDC):
// 0 to 2^31-1, what every store reads back.
func CheckHomeDC(dc int) error { return checkHomeDC(dc) }

// RecordKey checks a record's namespace and key (see Storage.SaveRecord) and returns the
// single key both are stored under.
func RecordKey(ns, key string) (string, error) { return recordKey(ns, key) }

// CheckRecord checks a record's namespace, key and value size before it is stored
// (ErrRecordTooLarge).
func CheckRecord(ns, key string, value []byte) error {
	if _, err := recordKey(ns, key); err != nil {
		return err
	}
	return checkRecordValue(ns, value)
}
