package mtgo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
)

// secretRecordNS is the storage namespace of secret chats; the key is the chat id in decimal.
const secretRecordNS = "mtgo.secretchat"

// Record format, version 2, fixed size, little endian:
//
//	0   version (2)       1  role (0 originator, 1 responder)   2 state   3 zero
//	4   chat id int32     8  access hash int64                 16 peer user id int64
//	24  date (unix) int64 32 layer int32                       36 ttl seconds int32
//	40  key fingerprint int64
//	48  seq sent int32    52 seq received int32                56 seq peer in_seq_no int32
//	60  key in use (256 bytes; zero in a discarded chat)
//	316 visualization of the first key (36 bytes)
//	352 key in use since (unix) int64   360 messages under it int32
//	364 flags: 1 it encrypted a message, 2 previous key kept, 4 next key held
//	365 re-keying phase (secretchat.Phase)   366 zero (2 bytes)
//	368 exchange_id int64
//	376 previous key (256 bytes)         632 next key (256 bytes)
//
// Version 1 is the first 316 bytes alone, written before re-keying existed: its key is the
// chat's first key, used for every message counted in the sequence numbers since the chat's
// date. An exchange that holds a DH exponent (requested, accepting) is stored by its phase and
// exchange_id only and aborted on load (secretchat.RestoreKeys); exponents are never stored.
const (
	secretRecordV1     = 1
	secretRecordV2     = 2
	secretRecordSizeV1 = 60 + 256
	secretRecordSize   = 632 + 256
)

const (
	secretFlagEncrypted = 1 << iota
	secretFlagPrevious
	secretFlagNext
)

// errSecretRecord reports a stored secret chat record that cannot be read back.
var errSecretRecord = errors.New("mtgo: damaged secret chat record")

func secretRecordKey(id int32) string { return strconv.FormatInt(int64(id), 10) }

// encodeSecretRecord returns the stored form of a ready or discarded chat.
func encodeSecretRecord(s *secretChat) []byte {
	b := make([]byte, secretRecordSize)
	le := binary.LittleEndian
	b[0] = secretRecordV2
	b[1] = byte(s.role)
	b[2] = byte(s.state)
	le.PutUint32(b[4:], uint32(s.id))
	le.PutUint64(b[8:], uint64(s.accessHash))
	le.PutUint64(b[16:], uint64(s.userID))
	le.PutUint64(b[24:], uint64(s.date))
	le.PutUint32(b[32:], uint32(s.layer))
	le.PutUint32(b[36:], uint32(s.ttl))
	le.PutUint64(b[40:], uint64(s.keyFingerprint()))
	var st secretchat.SeqState
	if s.seq != nil {
		st = s.seq.State()
	}
	le.PutUint32(b[48:], uint32(st.Sent))
	le.PutUint32(b[52:], uint32(st.Received))
	le.PutUint32(b[56:], uint32(st.PeerIn))
	copy(b[316:], s.visual[:])
	if s.state != types.SecretChatReady || s.keys == nil {
		return b
	}
	ks := s.keys.State()
	copy(b[60:], ks.Key.Value[:])
	le.PutUint64(b[352:], uint64(ks.Usage.Since.Unix()))
	le.PutUint32(b[360:], uint32(ks.Usage.Messages))
	if ks.Usage.Encrypted {
		b[364] |= secretFlagEncrypted
	}
	if ks.Previous != nil {
		b[364] |= secretFlagPrevious
		copy(b[376:], ks.Previous.Value[:])
	}
	if ks.Next != nil {
		b[364] |= secretFlagNext
		copy(b[632:], ks.Next.Value[:])
	}
	b[365] = byte(ks.Phase)
	le.PutUint64(b[368:], uint64(ks.Exchange))
	return b
}

// decodeSecretRecord reads a record of either version back. The bytes come from storage,
// which is untrusted: every field is checked (size, version, role, state, the key against
// its fingerprint, the sequence numbers against the role, the re-keying state) and a failure
// is errSecretRecord, never a panic. A re-keying exchange that cannot survive the restart
// is left in restoreAbort.
func decodeSecretRecord(b []byte) (*secretChat, error) {
	switch {
	case len(b) == secretRecordSizeV1 && b[0] == secretRecordV1, len(b) == secretRecordSize && b[0] == secretRecordV2:
	case len(b) > 0 && b[0] != secretRecordV1 && b[0] != secretRecordV2:
		return nil, fmt.Errorf("%w: version %d", errSecretRecord, b[0])
	default:
		return nil, fmt.Errorf("%w: %d bytes", errSecretRecord, len(b))
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
	if state != types.SecretChatReady {
		if len(b) == secretRecordSize {
			s.visual = [36]byte(b[316:])
		}
		return s, nil
	}
	key := crypto.NewAuthKey([256]byte(b[60:]))
	if secretchat.Fingerprint(&key) != s.fingerprint || key.IsZero() {
		return nil, fmt.Errorf("%w: key does not match its fingerprint", errSecretRecord)
	}
	var ks secretchat.KeysState
	if len(b) == secretRecordSizeV1 {
		ks, s.visual = secretV1Keys(key, s.date, st), secretchat.Visual288(&key, &key)
	} else if ks, err = secretV2Keys(key, b); err != nil {
		return nil, err
	} else {
		s.visual = [36]byte(b[316:])
	}
	s.keys, s.restoreAbort, err = secretchat.RestoreKeys(role, ks)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSecretRecord, err)
	}
	return s, nil
}

// secretV1Keys is the key state of a version 1 record: its key is the chat's first key,
// in use since the chat's date for every message sent and received.
func secretV1Keys(key crypto.AuthKey, date int64, st secretchat.SeqState) secretchat.KeysState {
	n := min(int64(st.Sent)+int64(st.Received), math.MaxInt32)
	return secretchat.KeysState{Key: key, Usage: secretchat.Usage{Messages: int32(n), Encrypted: st.Sent > 0, Since: time.Unix(date, 0)}}
}

// secretV2Keys reads the re-keying part of a version 2 record.
func secretV2Keys(key crypto.AuthKey, b []byte) (secretchat.KeysState, error) {
	le := binary.LittleEndian
	flags := b[364]
	if flags&^(secretFlagEncrypted|secretFlagPrevious|secretFlagNext) != 0 || b[366] != 0 || b[367] != 0 {
		return secretchat.KeysState{}, fmt.Errorf("%w: re-keying flags %#x", errSecretRecord, flags)
	}
	ks := secretchat.KeysState{
		Key: key,
		Usage: secretchat.Usage{
			Messages:  int32(le.Uint32(b[360:])),
			Encrypted: flags&secretFlagEncrypted != 0,
			Since:     time.Unix(int64(le.Uint64(b[352:])), 0),
		},
		Phase:    secretchat.Phase(b[365]),
		Exchange: int64(le.Uint64(b[368:])),
	}
	optional := func(flag byte, at int) (*crypto.AuthKey, error) {
		if flags&flag == 0 {
			if [256]byte(b[at:]) != [256]byte{} {
				return nil, fmt.Errorf("%w: key bytes without their flag", errSecretRecord)
			}
			return nil, nil
		}
		k := crypto.NewAuthKey([256]byte(b[at:]))
		if k.IsZero() {
			return nil, fmt.Errorf("%w: zero key", errSecretRecord)
		}
		return &k, nil
	}
	var err error
	if ks.Previous, err = optional(secretFlagPrevious, 376); err != nil {
		return ks, err
	}
	if ks.Next, err = optional(secretFlagNext, 632); err != nil {
		return ks, err
	}
	return ks, nil
}
