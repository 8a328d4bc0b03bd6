package mtgo

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A message that comes after a gap waits for the missing ones (secretChat.pending). Once the
// manager has taken its update, the update engine counts it as handled and saves the qts past
// it: after a restart neither updates.getDifference brings it again, nor does the peer's
// resend, which carries the message's random_id, one the server has delivered already and
// does not deliver twice. Kept in memory only, the message would be lost, and every later one
// would wait behind it for good. So each kept message is also stored, before the update path
// returns, and a chat loaded after a restart takes them back.
//
// Namespace secretGapNS holds, per chat, one record per kept message, "<chat>.<out_seq_no>",
// and an index, "<chat>", that lists their numbers. A message is written before the index
// that lists it (a stop between leaves a record the index does not list, written again when
// the update comes again: the engine had not counted it); once delivered, the chat record
// that counts it is saved, then its record deleted, then the index rewritten, so a stop
// between the writes leaves numbers the chat counts already (dropped on load), never a lost
// message nor a delivered one's plaintext that no index lists. The records hold decrypted
// layers, as sensitive as the key the chat record holds: never logged nor in an error; a
// discarded chat's are deleted before the chat is stored as discarded (its index is never
// loaded again).
const secretGapNS = secretRecordNS + ".gap"

// Kept message record, version 1, little endian:
//
//	0  version (1)   1 flags: 1 file   2 zero (2 bytes)
//	4  chat id int32  8 out_seq_no int32  12 date int32
//	16 fingerprint of the key that opened it int64
//	24 file id int64  32 access hash int64  40 size int64  48 dc id int32
//	52 file key fingerprint int32 (the encryptedFile; zero without flag 1)
//	56 the decryptedMessageLayer's TL bytes (the rest)
//
// Index record, version 1: the version byte, then the out_seq_no of each kept message
// (int32, little endian, ascending, at most maxSecretPending).
const (
	secretGapV1       = 1
	secretGapHeader   = 56
	secretGapFlagFile = 1
)

func secretGapKey(chat, out int32) string {
	return secretRecordKey(chat) + "." + strconv.FormatInt(int64(out), 10)
}

// encodeSecretGap returns the stored form of p, message out of chat.
func encodeSecretGap(chat, out int32, p pendingSecret) ([]byte, error) {
	b := make([]byte, secretGapHeader)
	le := binary.LittleEndian
	b[0] = secretGapV1
	le.PutUint32(b[4:], uint32(chat))
	le.PutUint32(b[8:], uint32(out))
	le.PutUint32(b[12:], uint32(p.date))
	le.PutUint64(b[16:], uint64(p.fp))
	if f, ok := p.file.(*tg.EncryptedFile); ok {
		b[1] |= secretGapFlagFile
		le.PutUint64(b[24:], uint64(f.ID))
		le.PutUint64(b[32:], uint64(f.AccessHash))
		le.PutUint64(b[40:], uint64(f.Size))
		le.PutUint32(b[48:], uint32(f.DCID))
		le.PutUint32(b[52:], uint32(f.KeyFingerprint))
	}
	return secretchat.EncodeLayer(b, p.layer)
}

// decodeSecretGap reads back kept message out of chat. The bytes come from the storage,
// untrusted: the header, the chat and number it names, and the layer (it must decode and
// carry out) are checked; a failure is errSecretRecord, never a panic, and no error shows
// the layer's bytes.
func decodeSecretGap(b []byte, chat, out int32) (pendingSecret, error) {
	le := binary.LittleEndian
	switch {
	case len(b) <= secretGapHeader:
		return pendingSecret{}, fmt.Errorf("%w: kept message of %d bytes", errSecretRecord, len(b))
	case b[0] != secretGapV1:
		return pendingSecret{}, fmt.Errorf("%w: kept message version %d", errSecretRecord, b[0])
	case b[1]&^secretGapFlagFile != 0 || b[2] != 0 || b[3] != 0:
		return pendingSecret{}, fmt.Errorf("%w: kept message flags %#x", errSecretRecord, b[1])
	case int32(le.Uint32(b[4:])) != chat || int32(le.Uint32(b[8:])) != out:
		return pendingSecret{}, fmt.Errorf("%w: kept message %d of chat %d stored as %d of chat %d", errSecretRecord,
			int32(le.Uint32(b[8:])), int32(le.Uint32(b[4:])), out, chat)
	case b[1]&secretGapFlagFile == 0 && !allZero(b[24:secretGapHeader]):
		return pendingSecret{}, fmt.Errorf("%w: kept message file bytes without their flag", errSecretRecord)
	}
	layer, err := secretchat.DecodeLayer(b[secretGapHeader:])
	if err != nil {
		return pendingSecret{}, fmt.Errorf("%w: kept message %d: %w", errSecretRecord, out, err)
	}
	if layer.OutSeqNo != out || layer.Message == nil {
		return pendingSecret{}, fmt.Errorf("%w: kept message %d holds out_seq_no %d", errSecretRecord, out, layer.OutSeqNo)
	}
	p := pendingSecret{layer: layer, date: int32(le.Uint32(b[12:])), fp: int64(le.Uint64(b[16:])), file: &tg.EncryptedFileEmpty{}}
	if b[1]&secretGapFlagFile != 0 {
		p.file = &tg.EncryptedFile{ID: int64(le.Uint64(b[24:])), AccessHash: int64(le.Uint64(b[32:])),
			Size: int64(le.Uint64(b[40:])), DCID: int32(le.Uint32(b[48:])), KeyFingerprint: int32(le.Uint32(b[52:]))}
	}
	return p, nil
}

func encodeSecretGapIndex(outs []int32) []byte {
	b := make([]byte, 1, 1+4*len(outs))
	b[0] = secretGapV1
	for _, out := range outs {
		b = binary.LittleEndian.AppendUint32(b, uint32(out))
	}
	return b
}

// decodeSecretGapIndex reads an index back; the bytes come from the storage and are checked
// (version, size, count, ascending numbers): a failure is errSecretRecord.
func decodeSecretGapIndex(b []byte) ([]int32, error) {
	switch {
	case len(b) == 0 || b[0] != secretGapV1:
		return nil, fmt.Errorf("%w: kept message index version", errSecretRecord)
	case (len(b)-1)%4 != 0 || (len(b)-1)/4 > maxSecretPending:
		return nil, fmt.Errorf("%w: kept message index of %d bytes", errSecretRecord, len(b))
	}
	outs := make([]int32, 0, (len(b)-1)/4)
	for i := 1; i < len(b); i += 4 {
		out := int32(binary.LittleEndian.Uint32(b[i:]))
		if len(outs) > 0 && out <= outs[len(outs)-1] {
			return nil, fmt.Errorf("%w: kept message index out of order", errSecretRecord)
		}
		outs = append(outs, out)
	}
	return outs, nil
}

// keepGapLocked keeps p, message out of s that came after a gap, in memory and in the
// storage (the record, then the index), unless the chat keeps maxSecretPending already (the
// peer must send it again). A message kept already is not written again. A failed write is
// logged: the message waits in memory.
func (m *secretChats) keepGapLocked(ctx context.Context, s *secretChat, out int32, p pendingSecret) {
	if _, ok := s.pending[out]; ok || len(s.pending) >= maxSecretPending {
		return
	}
	if s.pending == nil {
		s.pending = map[int32]pendingSecret{}
	}
	s.pending[out] = p
	if m.store == nil {
		return
	}
	b, err := encodeSecretGap(s.id, out, p)
	if err == nil {
		err = m.store.SaveRecord(ctx, secretGapNS, secretGapKey(s.id, out), b)
		clear(b) // plaintext
	}
	if err == nil {
		err = m.saveGapIndexLocked(ctx, s)
	}
	if err != nil {
		m.log.Warn("secret message kept after a gap not stored", "chat", s.id, "out_seq_no", out, "err", err)
	}
}

// saveGapIndexLocked writes the index of the messages s keeps (deletes it when none is).
func (m *secretChats) saveGapIndexLocked(ctx context.Context, s *secretChat) error {
	if len(s.pending) == 0 {
		return m.store.DeleteRecord(ctx, secretGapNS, secretRecordKey(s.id))
	}
	outs := make([]int32, 0, len(s.pending))
	for out := range s.pending {
		outs = append(outs, out)
	}
	slices.Sort(outs)
	return m.store.SaveRecord(ctx, secretGapNS, secretRecordKey(s.id), encodeSecretGapIndex(outs))
}

// dropGapLocked removes the stored messages outs of s, taken out of s.pending: their records,
// then the index (a record is never left unlisted, where no load would find it). Delivered
// ones go once the chat record that counts them is saved (a stop between the writes leaves
// numbers the chat counts: dropped on the next load); a discarded chat's before it is stored
// as discarded (its index is never loaded again). A failure is logged.
func (m *secretChats) dropGapLocked(ctx context.Context, s *secretChat, outs []int32) {
	if m.store == nil || len(outs) == 0 {
		return
	}
	var err error
	for _, out := range outs {
		if err = m.store.DeleteRecord(ctx, secretGapNS, secretGapKey(s.id, out)); err != nil {
			break
		}
	}
	if err == nil {
		err = m.saveGapIndexLocked(ctx, s)
	}
	if err != nil {
		m.log.Warn("secret messages kept after a gap not deleted", "chat", s.id, "err", err)
	}
}

// loadGapLocked takes back the messages a ready chat, just loaded from the storage, kept
// after a gap. Those the chat has received meanwhile (a crash between the writes) are
// deleted; a damaged record or index is logged and skipped.
func (m *secretChats) loadGapLocked(ctx context.Context, s *secretChat) {
	if m.store == nil || s.state != types.SecretChatReady || s.seq == nil {
		return
	}
	b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretRecordKey(s.id))
	var outs []int32
	if err == nil && ok {
		outs, err = decodeSecretGapIndex(b)
	}
	if err != nil {
		m.log.Warn("secret messages kept after a gap not loaded", "chat", s.id, "err", err)
		return
	}
	var stale []int32
	for _, out := range outs {
		if out < s.seq.Expected() {
			stale = append(stale, out)
			continue
		}
		b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretGapKey(s.id, out))
		var p pendingSecret
		if err == nil && ok {
			p, err = decodeSecretGap(b, s.id, out)
			clear(b)
		}
		switch {
		case err != nil:
			m.log.Warn("secret message kept after a gap not loaded", "chat", s.id, "out_seq_no", out, "err", err)
		case ok:
			if s.pending == nil {
				s.pending = map[int32]pendingSecret{}
			}
			s.pending[out] = p
		}
	}
	m.dropGapLocked(ctx, s, stale)
}
