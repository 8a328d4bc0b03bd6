package mtgo

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The messages this side sent are kept for the peer's resend requests
// (decryptedMessageActionResend) in memory and in the storage, so that a restart, or a crash
// between sealing a message and sending it, does not leave the peer a gap this side cannot
// fill (every later message would wait behind it forever). Each sealed message is one
// record in secretSentNS, written before the chat record that counts it and before the send
// goes out: one extra write per message (a file's record is written again once the send's
// answer names the uploaded file). The records are slots of a ring, the n-th message sent
// (out_seq_no = 2n + x_out) in slot n mod maxSecretSent, so a new message overwrites the one
// that falls out of the window and no delete is needed; a discarded chat's slots are deleted.
// The stored bytes are the plaintext layer of a secret message: as sensitive as the key the
// chat record holds; never logged nor in an error.
const (
	// maxSecretSent is how many of the last messages sent are kept for resend requests.
	maxSecretSent = 100
	// secretSentNS is the storage namespace of the sent messages; the key is the chat id and
	// the slot, "<chat>.<slot>" in decimal.
	secretSentNS = secretRecordNS + ".sent"
)

// Sent message record, version 1, little endian:
//
//	0  version (1)   1 flags: 1 file   2 zero (2 bytes)
//	4  chat id int32  8 out_seq_no int32
//	12 file id int64  20 file access hash int64 (the inputEncryptedFile; zero without flag 1)
//	28 the decryptedMessageLayer's TL bytes (the rest)
//
// The random_id and whether the message is a service message are read from the layer.
const (
	secretSentV1       = 1
	secretSentHeader   = 28
	secretSentFlagFile = 1
)

func secretSentKey(chat int32, slot int) string {
	return secretRecordKey(chat) + "." + strconv.Itoa(slot)
}

// sentSlot returns the ring slot of this side's message out in a chat that has sent sent
// messages, and whether out is one of the last maxSecretSent of them.
func sentSlot(role secretchat.Role, sent, out int32) (int, bool) {
	xout := int32(0)
	if role == secretchat.Originator {
		xout = 1
	}
	n := out / 2
	if out < 0 || out%2 != xout || n >= sent || n < sent-maxSecretSent {
		return 0, false
	}
	return sentSlotOf(out), true
}

// sentSlotOf is the ring slot of out_seq_no out (not negative).
func sentSlotOf(out int32) int { return int(out/2) % maxSecretSent }

// encodeSecretSent returns the stored form of message out of chat.
func encodeSecretSent(chat, out int32, x *sentSecret) []byte {
	b := make([]byte, secretSentHeader, secretSentHeader+len(x.layer))
	le := binary.LittleEndian
	b[0] = secretSentV1
	le.PutUint32(b[4:], uint32(chat))
	le.PutUint32(b[8:], uint32(out))
	if f, ok := x.file.(*tg.InputEncryptedFile); ok {
		b[1] |= secretSentFlagFile
		le.PutUint64(b[12:], uint64(f.ID))
		le.PutUint64(b[20:], uint64(f.AccessHash))
	}
	return append(b, x.layer...)
}

// decodeSecretSent reads back the record of message out of chat. The bytes come from the
// storage, untrusted: the header, the chat and number it names, and the layer (it must
// decode and carry out as its out_seq_no) are checked; a failure is errSecretRecord, never
// a panic, and no error shows the layer's bytes.
func decodeSecretSent(b []byte, chat, out int32) (*sentSecret, error) {
	le := binary.LittleEndian
	switch {
	case len(b) <= secretSentHeader:
		return nil, fmt.Errorf("%w: sent message of %d bytes", errSecretRecord, len(b))
	case b[0] != secretSentV1:
		return nil, fmt.Errorf("%w: sent message version %d", errSecretRecord, b[0])
	case b[1]&^secretSentFlagFile != 0 || b[2] != 0 || b[3] != 0:
		return nil, fmt.Errorf("%w: sent message flags %#x", errSecretRecord, b[1])
	case int32(le.Uint32(b[4:])) != chat || int32(le.Uint32(b[8:])) != out:
		return nil, fmt.Errorf("%w: sent message %d of chat %d stored as %d of chat %d", errSecretRecord,
			int32(le.Uint32(b[8:])), int32(le.Uint32(b[4:])), out, chat)
	case b[1]&secretSentFlagFile == 0 && !allZero(b[12:secretSentHeader]):
		return nil, fmt.Errorf("%w: sent message file bytes without their flag", errSecretRecord)
	}
	layer, err := secretchat.DecodeLayer(b[secretSentHeader:])
	if err != nil {
		return nil, fmt.Errorf("%w: sent message %d: %w", errSecretRecord, out, err)
	}
	if layer.OutSeqNo != out || layer.Message == nil {
		return nil, fmt.Errorf("%w: sent message %d holds out_seq_no %d", errSecretRecord, out, layer.OutSeqNo)
	}
	x := &sentSecret{layer: append([]byte(nil), b[secretSentHeader:]...), service: isSecretService(layer.Message)}
	x.rid = secretRandomID(layer)
	if b[1]&secretSentFlagFile != 0 {
		x.file = &tg.InputEncryptedFile{ID: int64(le.Uint64(b[12:])), AccessHash: int64(le.Uint64(b[20:]))}
	}
	return x, nil
}

// keepSentLocked keeps message out of s, just sealed, for resend requests: in memory (the
// one that falls out of the window leaves) and in the storage, before the chat record that
// counts it is saved and before it is sent. A failed write is logged: the message goes out,
// and a restart could not answer a request for it.
func (m *secretChats) keepSentLocked(ctx context.Context, s *secretChat, out int32, x *sentSecret) {
	delete(s.sent, out-2*maxSecretSent)
	s.rememberSent(out, x)
	m.storeSentLocked(ctx, s, out, x)
}

// rememberSent keeps x, message out of s, in memory.
func (s *secretChat) rememberSent(out int32, x *sentSecret) {
	if s.sent == nil {
		s.sent = map[int32]*sentSecret{}
	}
	s.sent[out] = x
}

// sentFile records the uploaded file message out of chat id was sent with, for a resend to
// name (in memory and in the storage: a second write, files only).
func (m *secretChats) sentFile(ctx context.Context, id, out int32, file *tg.InputEncryptedFile) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.chats[id]
	if s == nil || s.sent[out] == nil {
		return
	}
	s.sent[out].file = file
	m.storeSentLocked(ctx, s, out, s.sent[out])
}

// storeSentLocked writes x, message out of s, to its slot (the chat's counter already
// counts it).
func (m *secretChats) storeSentLocked(ctx context.Context, s *secretChat, out int32, x *sentSecret) {
	if m.store == nil {
		return
	}
	if err := m.store.SaveRecord(ctx, secretSentNS, secretSentKey(s.id, sentSlotOf(out)), encodeSecretSent(s.id, out, x)); err != nil {
		m.log.Warn("secret message not stored for resend", "chat", s.id, "out_seq_no", out, "err", err)
	}
}

// sentLocked returns message out of s for a resend: from memory, or from the storage after
// a restart (then kept in memory). nil when it is not one of the last maxSecretSent this
// side sent, or its record is missing or damaged (logged).
func (m *secretChats) sentLocked(ctx context.Context, s *secretChat, out int32) *sentSecret {
	if x, ok := s.sent[out]; ok {
		return x
	}
	slot, ok := sentSlot(s.role, s.seq.State().Sent, out)
	if !ok || m.store == nil {
		return nil
	}
	b, found, err := m.store.LoadRecord(ctx, secretSentNS, secretSentKey(s.id, slot))
	var x *sentSecret
	if err == nil && found {
		x, err = decodeSecretSent(b, s.id, out)
		clear(b) // a copy of the plaintext
	}
	if err != nil {
		m.log.Warn("secret message not loaded for resend", "chat", s.id, "out_seq_no", out, "err", err)
		return nil
	}
	if x != nil {
		s.rememberSent(out, x)
	}
	return x
}

// forgetSentLocked deletes the stored messages of s, a chat being discarded: their
// plaintext must not outlive the key. Slot 0 goes last, so a delete that fails leaves it,
// and a later sweep or load of the discarded chat, finding it, deletes them again
// (loadSentLocked). A failure is logged and returned.
func (m *secretChats) forgetSentLocked(ctx context.Context, s *secretChat) error {
	if m.store == nil || s.seq == nil {
		return nil
	}
	for slot := int(min(s.seq.State().Sent, maxSecretSent)) - 1; slot >= 0; slot-- {
		if err := m.store.DeleteRecord(ctx, secretSentNS, secretSentKey(s.id, slot)); err != nil {
			m.log.Warn("secret message record not deleted", "chat", s.id, "err", err)
			return fmt.Errorf("secret chat %d: sent messages not deleted: %w", s.id, err)
		}
	}
	return nil
}

// loadSentLocked finishes, for s just loaded from the storage or swept (secret_sweep.go), a
// discard that failed to delete the stored messages (forgetSentLocked): one read, of slot
// 0, for a discarded chat that sent any. A failure, logged, is returned: records may be
// left.
func (m *secretChats) loadSentLocked(ctx context.Context, s *secretChat) error {
	if m.store == nil || s.state != types.SecretChatDiscarded || s.seq == nil || s.seq.State().Sent == 0 {
		return nil
	}
	b, ok, err := m.store.LoadRecord(ctx, secretSentNS, secretSentKey(s.id, 0))
	clear(b) // plaintext
	switch {
	case err != nil:
		m.log.Warn("secret message record not read", "chat", s.id, "err", err)
		return fmt.Errorf("secret chat %d: sent messages not read: %w", s.id, err)
	case ok:
		return m.forgetSentLocked(ctx, s)
	}
	return nil
}

// secretRandomID is the random_id of the message a layer carries.
func secretRandomID(l *e2e.DecryptedMessageLayer) int64 {
	switch x := l.Message.(type) {
	case *e2e.DecryptedMessage:
		return x.RandomID
	case *e2e.DecryptedMessageService:
		return x.RandomID
	}
	return 0
}
