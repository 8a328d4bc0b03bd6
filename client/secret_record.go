package mtgo

import (
	"bytes"
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

// Record format, version 3, fixed size, little endian:
//
//	0   version (3)       1  role (0 originator, 1 responder)   2 state   3 zero
//	4   chat id int32     8  access hash int64                 16 peer user id int64
//	24  date (unix) int64 32 layer int32                       36 ttl seconds int32
//	40  key fingerprint int64
//	48  seq sent int32    52 seq received int32                56 seq peer in_seq_no int32
//	60  key in use (256 bytes; zero in a discarded chat)
//	316 visualization of the first key (36 bytes)
//	352 key in use since (unix) int64   360 messages under it int32
//	364 flags: 1 it encrypted a message, 2 previous key kept, 4 next key held,
//	    8 this side's layer notice still owed (none went out yet)
//	365 re-keying phase (secretchat.Phase)   366 zero (2 bytes)
//	368 exchange_id int64
//	376 previous key (256 bytes)         632 next key (256 bytes)
//	888 waiting: the DH generator int32; ready: the farthest out_seq_no of the peer dropped
//	    as too far ahead and not come yet (farAhead, secret_gap.go; zero when none)
//	892 waiting: the DH prime (256 bytes)
//	1148 waiting: this side's exponent a; requested: the peer's g_a (256 bytes, big-endian)
//
// Ready and discarded chats leave 892.. zero, discarded chats also 60..316 and 352..892;
// waiting and requested chats (the key exchange unfinished) leave 40..888 zero. The decoder
// checks every part a state leaves zero. The exponent is as secret as the key in a ready record and
// stored with the same care (the storage already holds the auth key); it is wiped from memory
// once the key is made or the chat discarded. Version 2 is the first 888 bytes (ready and
// discarded chats only); version 1 the first 316 bytes alone, written before re-keying
// existed: its key is the chat's first key, used for every message counted in the sequence
// numbers since the chat's date. A re-keying exchange that holds a DH exponent (requested,
// accepting) is stored by its phase and exchange_id only and aborted on load
// (secretchat.RestoreKeys). Flag 8 came later without a new version: a record without it
// owes the notice only while it counts no message sent (the notice was always the first one
// sealed), as its writer assumed. So did a ready chat's farAhead (888): a record without it
// has zero there, and asks nothing toward a dropped message.
const (
	secretRecordV1     = 1
	secretRecordV2     = 2
	secretRecordV3     = 3
	secretRecordSizeV1 = 60 + 256
	secretRecordSizeV2 = 632 + 256
	secretRecordSize   = 1148 + 256
)

// secretRecordSizes is the size of each version's record.
var secretRecordSizes = map[byte]int{secretRecordV1: secretRecordSizeV1, secretRecordV2: secretRecordSizeV2, secretRecordV3: secretRecordSize}

const (
	secretFlagEncrypted = 1 << iota
	secretFlagPrevious
	secretFlagNext
	secretFlagOwed
)

// errSecretRecord reports a stored secret chat record that cannot be read back.
var errSecretRecord = errors.New("mtgo: damaged secret chat record")

func secretRecordKey(id int32) string { return strconv.FormatInt(int64(id), 10) }

// unfinished reports a chat whose key exchange has not completed: waiting or requested.
func (s *secretChat) unfinished() bool {
	return s.state == types.SecretChatWaiting || s.state == types.SecretChatRequested
}

// encodeSecretRecord returns the stored form of a chat.
func encodeSecretRecord(s *secretChat) []byte {
	b := make([]byte, secretRecordSize)
	le := binary.LittleEndian
	b[0] = secretRecordV3
	b[1] = byte(s.role)
	b[2] = byte(s.state)
	le.PutUint32(b[4:], uint32(s.id))
	le.PutUint64(b[8:], uint64(s.accessHash))
	le.PutUint64(b[16:], uint64(s.userID))
	le.PutUint64(b[24:], uint64(s.date))
	le.PutUint32(b[32:], uint32(s.layer))
	le.PutUint32(b[36:], uint32(s.ttl))
	switch s.state {
	case types.SecretChatWaiting:
		st := s.dh.State()
		le.PutUint32(b[888:], uint32(st.G))
		copy(b[892:], st.P[:])
		copy(b[1148:], st.Exponent[:])
		st.Clear()
		return b
	case types.SecretChatRequested:
		if len(s.ga) <= 256 { // a longer g_a fails the DH checks anyway: stored as zero
			copy(b[secretRecordSize-len(s.ga):], s.ga)
		}
		return b
	}
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
	if s.seq != nil && s.farAhead >= s.seq.Expected() { // once come, it says nothing
		le.PutUint32(b[888:], uint32(s.farAhead))
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
	if !s.told {
		b[364] |= secretFlagOwed
	}
	b[365] = byte(ks.Phase)
	le.PutUint64(b[368:], uint64(ks.Exchange))
	return b
}

// decodeSecretRecord reads a record of any version back. The bytes come from storage, which
// is untrusted: every field is checked (size, version, role, state, the key against its
// fingerprint, the sequence numbers against the role, the re-keying state, a waiting chat's
// DH group and exponent, the parts a state leaves zero) and a failure is errSecretRecord,
// never a panic. A re-keying exchange that cannot survive the restart is left in
// restoreAbort.
func decodeSecretRecord(b []byte) (*secretChat, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", errSecretRecord)
	}
	size, ok := secretRecordSizes[b[0]]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: version %d", errSecretRecord, b[0])
	case len(b) != size:
		return nil, fmt.Errorf("%w: %d bytes", errSecretRecord, len(b))
	}
	role := secretchat.Role(b[1])
	if role != secretchat.Originator && role != secretchat.Responder {
		return nil, fmt.Errorf("%w: role %d", errSecretRecord, b[1])
	}
	state := types.SecretChatState(b[2])
	if state < types.SecretChatWaiting || state > types.SecretChatDiscarded || b[3] != 0 {
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
	if s.unfinished() {
		return decodeUnfinished(s, b)
	}
	if len(b) == secretRecordSize && !allZero(b[secretRecordSizeV2+4:]) {
		return nil, fmt.Errorf("%w: key exchange bytes in a %v chat", errSecretRecord, state)
	}
	st := secretchat.SeqState{Sent: int32(le.Uint32(b[48:])), Received: int32(le.Uint32(b[52:])), PeerIn: int32(le.Uint32(b[56:]))}
	seq, err := secretchat.NewSeq(role, st)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSecretRecord, err)
	}
	s.seq = seq
	if len(b) == secretRecordSize {
		if s.farAhead, err = decodeFarAhead(s, b); err != nil {
			return nil, err
		}
	}
	// This side's layer notice is the first message it seals in a chat: none sent, none told.
	s.told = st.Sent > 0 && (len(b) == secretRecordSizeV1 || b[364]&secretFlagOwed == 0)
	if state != types.SecretChatReady {
		return decodeDiscarded(s, b)
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

// decodeFarAhead reads the farAhead of a version 3 record (888): zero, or a number of the
// peer's still to come (its parity, not below the next one expected); a discarded chat's is
// zero.
func decodeFarAhead(s *secretChat, b []byte) (int32, error) {
	far := int32(binary.LittleEndian.Uint32(b[secretRecordSizeV2:]))
	exp := s.seq.Expected()
	if far != 0 && (s.state != types.SecretChatReady || far < exp || (far-exp)&1 != 0) {
		return 0, fmt.Errorf("%w: far-ahead number %d in a %v chat expecting %d", errSecretRecord, far, s.state, exp)
	}
	return far, nil
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
	if flags&^(secretFlagEncrypted|secretFlagPrevious|secretFlagNext|secretFlagOwed) != 0 || b[366] != 0 || b[367] != 0 {
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

// decodeDiscarded reads the rest of a discarded chat's record: its visualization (from
// version 2). The chat keeps no key, so the key (60..316) and, from version 2, the re-keying
// part (352..888) are zero, as encodeSecretRecord leaves them; anything else there is damage.
func decodeDiscarded(s *secretChat, b []byte) (*secretChat, error) {
	if !allZero(b[60:secretRecordSizeV1]) {
		return nil, fmt.Errorf("%w: key bytes in a %v chat", errSecretRecord, s.state)
	}
	if len(b) == secretRecordSizeV1 {
		return s, nil
	}
	if !allZero(b[352:secretRecordSizeV2]) {
		return nil, fmt.Errorf("%w: re-keying bytes in a %v chat", errSecretRecord, s.state)
	}
	s.visual = [36]byte(b[316:])
	return s, nil
}

// decodeUnfinished reads the rest of a waiting or requested chat's record (version 3): the
// originator's DH half, with every check of a new one, or the peer's g_a.
func decodeUnfinished(s *secretChat, b []byte) (*secretChat, error) {
	want := secretchat.Originator
	if s.state == types.SecretChatRequested {
		want = secretchat.Responder
	}
	switch {
	case len(b) != secretRecordSize:
		return nil, fmt.Errorf("%w: %v chat in a version %d record", errSecretRecord, s.state, b[0])
	case s.role != want:
		return nil, fmt.Errorf("%w: %v chat of the %v", errSecretRecord, s.state, s.role)
	case !allZero(b[40:secretRecordSizeV2]):
		return nil, fmt.Errorf("%w: key bytes in a %v chat", errSecretRecord, s.state)
	}
	if s.state == types.SecretChatRequested {
		if !allZero(b[secretRecordSizeV2:1148]) {
			return nil, fmt.Errorf("%w: DH bytes in a requested chat", errSecretRecord)
		}
		s.ga = bytes.Clone(b[1148:])
		return s, nil
	}
	st := secretchat.DHState{G: int32(binary.LittleEndian.Uint32(b[888:])), P: [256]byte(b[892:]), Exponent: [256]byte(b[1148:])}
	dh, err := secretchat.RestoreDH(st)
	st.Clear()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSecretRecord, err)
	}
	s.dh = dh
	return s, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
