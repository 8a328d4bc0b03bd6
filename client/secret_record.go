package mtgo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
)

// secretRecordNS is the storage namespace of secret chats; the key is the chat id in decimal.
const secretRecordNS = "mtgo.secretchat"

// Record format, version 1, fixed size, little endian:
//
//	0   version (1)       1  role (0 originator, 1 responder)   2 state   3 zero
//	4   chat id int32     8  access hash int64                 16 peer user id int64
//	24  date (unix) int64 32 layer int32                       36 ttl seconds int32
//	40  key fingerprint int64
//	48  seq sent int32    52 seq received int32                56 seq peer in_seq_no int32
//	60  key (256 bytes; zero in a discarded chat)
const (
	secretRecordV1   = 1
	secretRecordSize = 60 + 256
)

// errSecretRecord reports a stored secret chat record that cannot be read back.
var errSecretRecord = errors.New("mtgo: damaged secret chat record")

func secretRecordKey(id int32) string { return strconv.FormatInt(int64(id), 10) }

// encodeSecretRecord returns the stored form of a ready or discarded chat.
func encodeSecretRecord(s *secretChat) []byte {
	b := make([]byte, secretRecordSize)
	le := binary.LittleEndian
	b[0] = secretRecordV1
	b[1] = byte(s.role)
	b[2] = byte(s.state)
	le.PutUint32(b[4:], uint32(s.id))
	le.PutUint64(b[8:], uint64(s.accessHash))
	le.PutUint64(b[16:], uint64(s.userID))
	le.PutUint64(b[24:], uint64(s.date))
	le.PutUint32(b[32:], uint32(s.layer))
	le.PutUint32(b[36:], uint32(s.ttl))
	le.PutUint64(b[40:], uint64(s.fingerprint))
	var st secretchat.SeqState
	if s.seq != nil {
		st = s.seq.State()
	}
	le.PutUint32(b[48:], uint32(st.Sent))
	le.PutUint32(b[52:], uint32(st.Received))
	le.PutUint32(b[56:], uint32(st.PeerIn))
	if s.state == types.SecretChatReady {
		copy(b[60:], s.key.Value[:])
	}
	return b
}

// decodeSecretRecord reads a record back. The bytes come from storage, which is untrusted:
// every field is checked (size, version, role, state, the key against its fingerprint, the
// sequence numbers against the role) and a failure is errSecretRecord, never a panic.
func decodeSecretRecord(b []byte) (*secretChat, error) {
	if len(b) != secretRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", errSecretRecord, len(b), secretRecordSize)
	}
	if b[0] != secretRecordV1 {
		return nil, fmt.Errorf("%w: version %d", errSecretRecord, b[0])
	}
	role := secretchat.Role(b[1])
	if role != secretchat.Originator && role != secretchat.Responder {
		return nil, fmt.Errorf("%w: role %d", errSecretRecord, b[1])
	}
	state := types.SecretChatState(b[2])
	if (state != types.SecretChatReady && state != types.SecretChatDiscarded) || b[3] != 0 {
		return nil, fmt.Errorf("%w: state %d", errSecretRecord, b[2])
	}
	le := binary.LittleEndian
	s := &secretChat{
		id:          int32(le.Uint32(b[4:])),
		accessHash:  int64(le.Uint64(b[8:])),
		userID:      int64(le.Uint64(b[16:])),
		date:        int64(le.Uint64(b[24:])),
		layer:       int32(le.Uint32(b[32:])),
		ttl:         int32(le.Uint32(b[36:])),
		fingerprint: int64(le.Uint64(b[40:])),
		role:        role,
		state:       state,
	}
	if s.layer < 0 || s.ttl < 0 {
		return nil, fmt.Errorf("%w: negative layer or ttl", errSecretRecord)
	}
	st := secretchat.SeqState{Sent: int32(le.Uint32(b[48:])), Received: int32(le.Uint32(b[52:])), PeerIn: int32(le.Uint32(b[56:]))}
	seq, err := secretchat.NewSeq(role, st)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSecretRecord, err)
	}
	s.seq = seq
	if state == types.SecretChatReady {
		s.key = crypto.NewAuthKey([256]byte(b[60:]))
		if secretchat.Fingerprint(&s.key) != s.fingerprint {
			return nil, fmt.Errorf("%w: key does not match its fingerprint", errSecretRecord)
		}
	}
	return s, nil
}
