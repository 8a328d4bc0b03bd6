package mtgo

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
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
// and an index, "<chat>", that lists their numbers; the storage cannot list keys, so the
// index is how a load or a discard finds the records, and every record is listed before it
// is written and until it is deleted. A message's number is written into the index before
// its record (a stop between leaves a number without a record, dropped from the index on
// load; the update comes again, the engine had not counted it); once delivered, the chat
// record that counts it is saved, then its record deleted, then the index rewritten, so a
// stop between the writes leaves numbers the chat counts already (deleted on load), never a
// lost message nor a record no index lists. A record that cannot be read back is deleted on
// load; one whose load fails stays listed (gapLost), as do the numbers of an index whose load
// failed (gapUnread: read again before the index is next written); a damaged index is
// rebuilt from the records found near the next number expected (probeGapLocked). The
// records hold decrypted layers, as sensitive as the key the chat record holds: never
// logged nor in an error. A discarded chat's are deleted, with every number the stored
// index lists, before the chat is stored as discarded, and again by any load of the
// discarded chat while its index is left (a delete that failed).
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
// (int32, little endian, ascending, at most maxSecretGapIndexed).
const (
	secretGapV1       = 1
	secretGapHeader   = 56
	secretGapFlagFile = 1
	// maxSecretGapListed bounds what keeping lists: maxSecretPending messages kept, and as
	// many listed by an index read late (saveGapIndexLocked); a chat keeps no more once it
	// keeps or lists maxSecretPending.
	maxSecretGapListed = 2 * maxSecretPending
	// maxSecretGapIndexed bounds an index as read: one rebuilt from a damaged one
	// (gapIndexLocked) lists every record its probe found, up to every number of the peer's
	// parity within secretGapProbe of the next one expected, either way, and
	// maxSecretGapListed more past them that the damaged index named. Read back as written,
	// the rebuilt index sticks: the next read does not probe again. Only a storage holding
	// records no index of ours listed can make a probe find more (a damaged rebuilt index
	// names up to maxSecretGapIndexed past the window); that index reads as damaged, and
	// each read probes again.
	maxSecretGapIndexed = secretGapProbe + 1 + maxSecretGapListed
)

// secretGapAhead is how far ahead of the next number expected a message after a gap may be
// (out_seq_no - expected) to be kept: maxSecretPending messages, every number of which fits
// the kept slots, so whatever the peer sends, the slots never fill while one of the next
// messages is missing. A message farther ahead is dropped (receiveLocked): a peer whose
// number jumps could otherwise take the slots for good (their gap never fills) and make
// every later message after a gap be dropped, and the resend request it made would cover the
// numbers up to it, so that no request asked for a real gap before them. An honest peer
// ahead by more than that misses more messages than this side keeps or a peer keeps for
// resend requests (maxSecretSent): the window is asked for instead, and the next ones, up
// to the dropped message, as each fills (askFarLocked).
const secretGapAhead = 2 * maxSecretPending

// askFarLocked asks for the next secretGapAhead numbers after the last message delivered,
// up to the farthest one dropped as too far ahead (farAhead), once every number asked for
// before has come: the peer sends a message only once, and nothing else would ever ask for
// the dropped one, which the update engine has counted. One request per window: a peer
// whose numbers jump makes at most one request per maxSecretPending messages it sends.
func (m *secretChats) askFarLocked(s *secretChat) {
	if s.state != types.SecretChatReady || s.farAhead == 0 {
		return
	}
	exp := s.seq.Expected()
	switch {
	case s.farAhead < exp:
		s.farAhead = 0 // come
	case exp >= s.askNext:
		m.askResendLocked(s, int32(min(int64(s.farAhead), int64(exp)+secretGapAhead-2)))
	}
}

// gapNear reports whether out, the number of a message from the peer of ready chat s, is
// close enough to the next one expected to be kept after a gap (secretGapAhead).
func (s *secretChat) gapNear(out int32) bool {
	return int64(out)-int64(s.seq.Expected()) <= secretGapAhead
}

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
	case (len(b)-1)%4 != 0 || (len(b)-1)/4 > maxSecretGapIndexed:
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
// storage (the index that lists it, then the record), unless the chat keeps or lists
// maxSecretPending already (the peer must send it again). A message kept already is not
// written again. A failed write is logged: the message waits in memory.
func (m *secretChats) keepGapLocked(ctx context.Context, s *secretChat, out int32, p pendingSecret) {
	if _, ok := s.pending[out]; ok || len(s.pending)+len(s.gapLost) >= maxSecretPending {
		return
	}
	if s.pending == nil {
		s.pending = map[int32]pendingSecret{}
	}
	s.pending[out] = p
	s.gapLost = slices.DeleteFunc(s.gapLost, func(n int32) bool { return n == out })
	if m.store == nil {
		return
	}
	err := m.saveGapIndexLocked(ctx, s)
	if err == nil {
		var b []byte
		if b, err = encodeSecretGap(s.id, out, p); err == nil {
			err = m.store.SaveRecord(ctx, secretGapNS, secretGapKey(s.id, out), b)
			clear(b) // plaintext
		}
	}
	if err != nil {
		m.log.Warn("secret message kept after a gap not stored", "chat", s.id, "out_seq_no", out, "err", err)
	}
}

// gapListed returns, ascending, the numbers the index of s lists: the messages it keeps and
// the ones whose record did not load.
func (s *secretChat) gapListed() []int32 {
	outs := slices.AppendSeq(slices.Clone(s.gapLost), maps.Keys(s.pending))
	slices.Sort(outs)
	return slices.Compact(outs)
}

// saveGapIndexLocked writes the index of s (deletes it when it lists nothing). While the
// stored index could not be read, it is read first, and the numbers it lists stay listed:
// an index written without them would leave their records where no load finds them.
func (m *secretChats) saveGapIndexLocked(ctx context.Context, s *secretChat) error {
	if s.gapUnread {
		outs, _, err := m.gapIndexLocked(ctx, s)
		if err != nil {
			return err
		}
		s.gapUnread = false
		for _, out := range outs {
			if _, ok := s.pending[out]; !ok && !slices.Contains(s.gapLost, out) {
				s.gapLost = append(s.gapLost, out)
			}
		}
	}
	outs := s.gapListed()
	if len(outs) == 0 {
		return m.store.DeleteRecord(ctx, secretGapNS, secretRecordKey(s.id))
	}
	return m.store.SaveRecord(ctx, secretGapNS, secretRecordKey(s.id), encodeSecretGapIndex(outs))
}

// gapIndexLocked reads the stored index of s and reports whether there is one; an error only
// when the storage fails. A damaged index is not trusted, nor simply replaced (the records
// it listed would stay stored where nothing finds them): the records are looked for
// (probeGapLocked), the index written again with the numbers found, and those returned; the
// damage is logged. A storage failure while looking is an error: the damaged index stays,
// and the next read looks again.
func (m *secretChats) gapIndexLocked(ctx context.Context, s *secretChat) ([]int32, bool, error) {
	b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretRecordKey(s.id))
	if err != nil || !ok {
		return nil, false, err
	}
	outs, derr := decodeSecretGapIndex(b)
	if derr == nil {
		return outs, true, nil
	}
	if outs, err = m.probeGapLocked(ctx, s, b); err != nil {
		return nil, true, fmt.Errorf("kept message index damaged (%w), records not looked for: %w", derr, err)
	}
	m.log.Warn("secret messages kept after a gap: index damaged, rebuilt", "chat", s.id, "found", len(outs), "err", derr)
	if len(outs) > 0 {
		err = m.store.SaveRecord(ctx, secretGapNS, secretRecordKey(s.id), encodeSecretGapIndex(outs))
	} else {
		err = m.store.DeleteRecord(ctx, secretGapNS, secretRecordKey(s.id))
	}
	if err != nil { // the records stay; the next read looks for them again
		m.log.Warn("secret messages kept after a gap: index not rebuilt", "chat", s.id, "err", err)
	}
	return outs, true, nil
}

// secretGapProbe is how far from the next number expected from the peer, either way, a
// damaged index's records are looked for: an index lists at most maxSecretGapListed
// numbers.
//
// Where records can be: a message is kept only within secretGapAhead past the next number
// expected, which only grows, so every record still to deliver is within the window. Below
// it are records of messages delivered already, left listed while their deletes fail (each
// in-order message tries again): more than maxSecretGapListed messages may pass meanwhile.
// Past the window, too, are messages kept before the keeping was bounded (a3a1cf8). Those
// the damaged index still names (salvageWords) are read as well; one it no longer names
// is not found, and its record stays stored where nothing looks (the storage cannot list
// keys: TestSecretGapProbeReach pins this).
const secretGapProbe = 2 * maxSecretGapListed

// probeGapLocked returns, ascending, the numbers of the kept messages of s stored within
// secretGapProbe of the next number expected (one read per number of the peer's parity,
// 2*maxSecretGapListed+1 at most) or named by damaged, the bytes of the damaged index
// (salvageWords: one read each, maxSecretGapIndexed at most): how a damaged index is
// rebuilt, as the storage cannot list keys. None for a chat without sequence numbers.
func (m *secretChats) probeGapLocked(ctx context.Context, s *secretChat, damaged []byte) ([]int32, error) {
	if s.seq == nil {
		return nil, nil
	}
	exp := int64(s.seq.Expected())
	lo, hi := exp-secretGapProbe, min(exp+secretGapProbe, math.MaxInt32)
	if lo < 0 {
		lo = exp & 1
	}
	var outs []int32
	probe := func(n int64) error {
		b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretGapKey(s.id, int32(n)))
		clear(b) // plaintext
		if ok {
			outs = append(outs, int32(n))
		}
		return err
	}
	for n := lo; n <= hi; n += 2 {
		if err := probe(n); err != nil {
			return nil, err
		}
	}
	for _, n := range salvageWords(damaged, maxSecretGapIndexed) {
		if n := int64(n); n >= 0 && (n-exp)&1 == 0 && (n < lo || n > hi) {
			if err := probe(n); err != nil {
				return nil, err
			}
		}
	}
	slices.Sort(outs)
	return slices.Compact(outs), nil
}

// salvageWords returns what a damaged list of int32 (an index of kept messages, the sweep
// list) still holds: each whole int32 after the version byte, in the record's order, at
// most limit (linear in the record).
func salvageWords(b []byte, limit int) []int32 {
	var out []int32
	for e := b[min(len(b), 1):]; len(e) >= 4 && len(out) < limit; e = e[4:] {
		out = append(out, int32(binary.LittleEndian.Uint32(e)))
	}
	return out
}

// dropGapLocked removes the stored messages outs of s, delivered and taken out of s.pending,
// with the listed ones whose record did not load and that the chat counts now: their
// records, then the index (a record is never left unlisted, where no load would find it).
// They go once the chat record that counts them is saved (a stop between the writes leaves
// numbers the chat counts: dropped on the next load). A record not deleted stays listed; a
// failure is logged.
func (m *secretChats) dropGapLocked(ctx context.Context, s *secretChat, outs []int32) {
	if m.store == nil {
		return
	}
	exp := s.seq.Expected()
	for _, out := range s.gapLost {
		if out < exp {
			outs = append(outs, out)
		}
	}
	if len(outs) == 0 {
		return
	}
	s.gapLost = slices.DeleteFunc(s.gapLost, func(n int32) bool { return n < exp })
	var err error
	for i, out := range outs {
		if err = m.store.DeleteRecord(ctx, secretGapNS, secretGapKey(s.id, out)); err != nil {
			s.gapLost = append(s.gapLost, outs[i:]...)
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

// forgetGapLocked deletes every stored kept message of s, a chat being discarded or loaded
// discarded: the ones it keeps or lists in memory and the ones the stored index lists (a
// stop, or a failed write, may leave some that memory does not know), then the index, once
// every record it lists is gone. Called before the chat is stored as discarded; a failure
// is logged and returned, and the index left for a later sweep or load of the discarded
// chat to try again (secret_sweep.go).
func (m *secretChats) forgetGapLocked(ctx context.Context, s *secretChat) error {
	if m.store == nil {
		return nil
	}
	stored, found, err := m.gapIndexLocked(ctx, s) // on a failure, the known ones go all the same
	if err == nil && !found && len(s.pending) == 0 && len(s.gapLost) == 0 {
		return nil // nothing stored: a load of a discarded chat writes nothing
	}
	for _, out := range slices.Concat(s.gapListed(), stored) {
		if derr := m.store.DeleteRecord(ctx, secretGapNS, secretGapKey(s.id, out)); derr != nil {
			err = derr
			break
		}
	}
	if err == nil {
		err = m.store.DeleteRecord(ctx, secretGapNS, secretRecordKey(s.id))
	}
	if err != nil {
		m.log.Warn("secret messages kept after a gap not deleted", "chat", s.id, "err", err)
		return fmt.Errorf("secret chat %d: kept messages not deleted: %w", s.id, err)
	}
	return nil
}

// loadGapLocked takes back the messages a chat, just loaded from the storage, kept after a
// gap. A discarded chat's are deleted (forgetGapLocked: its discard may have failed to).
// Of a ready chat's: those the chat has received meanwhile (a crash between the writes)
// and damaged ones are deleted, numbers without a record (a stop between the index and the
// record) dropped from the index; one that fails to load stays listed, and a failure to read
// the index is noted (gapUnread); both are logged. Which resend requests asked for the gap
// is not stored: the chat asks once again now, for every message missing before the ones it
// keeps (the request before the restart may never have gone out), then once per number
// (askGapLocked).
func (m *secretChats) loadGapLocked(ctx context.Context, s *secretChat) {
	switch {
	case m.store == nil:
		return
	case s.state == types.SecretChatDiscarded:
		m.forgetGapLocked(ctx, s)
		return
	case s.state != types.SecretChatReady || s.seq == nil:
		return
	}
	outs, _, err := m.gapIndexLocked(ctx, s)
	if err != nil {
		s.gapUnread = true
		m.log.Warn("secret messages kept after a gap not loaded", "chat", s.id, "err", err)
		return
	}
	var drop []int32
	missing := false
	for _, out := range outs {
		if out < s.seq.Expected() {
			drop = append(drop, out)
			continue
		}
		b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretGapKey(s.id, out))
		switch {
		case err != nil:
			m.log.Warn("secret message kept after a gap not loaded", "chat", s.id, "out_seq_no", out, "err", err)
			s.gapLost = append(s.gapLost, out)
			continue
		case !ok:
			missing = true
			continue
		}
		p, err := decodeSecretGap(b, s.id, out)
		clear(b)
		if err != nil {
			m.log.Warn("secret message kept after a gap dropped", "chat", s.id, "out_seq_no", out, "err", err)
			drop = append(drop, out)
			continue
		}
		if s.pending == nil {
			s.pending = map[int32]pendingSecret{}
		}
		s.pending[out] = p
	}
	if len(drop) > 0 {
		m.dropGapLocked(ctx, s, drop)
	} else if missing {
		if err := m.saveGapIndexLocked(ctx, s); err != nil {
			m.log.Warn("secret messages kept after a gap not listed", "chat", s.id, "err", err)
		}
	}
	m.askGapLocked(s)
}

// lostGapLocked reads back message out of s, whose turn has come, when the index lists it but
// its record was not loaded (gapLost: its load failed, or the index's): without it the
// message would wait for a resend, or the next load, though stored. It is taken out of
// gapLost; false when it is not listed there or still cannot be read (logged), and then it
// stays listed.
func (m *secretChats) lostGapLocked(ctx context.Context, s *secretChat, out int32) (pendingSecret, bool) {
	if m.store == nil || !slices.Contains(s.gapLost, out) {
		return pendingSecret{}, false
	}
	b, ok, err := m.store.LoadRecord(ctx, secretGapNS, secretGapKey(s.id, out))
	if err != nil || !ok {
		if err != nil {
			m.log.Warn("secret message kept after a gap not loaded", "chat", s.id, "out_seq_no", out, "err", err)
		}
		return pendingSecret{}, false
	}
	p, err := decodeSecretGap(b, s.id, out)
	clear(b) // plaintext
	if err != nil {
		m.log.Warn("secret message kept after a gap not loaded", "chat", s.id, "out_seq_no", out, "err", err)
		return pendingSecret{}, false
	}
	s.gapLost = slices.DeleteFunc(s.gapLost, func(n int32) bool { return n == out })
	return p, true
}

// askGapLocked asks the peer of ready chat s for the messages missing before the last one s
// keeps or lists (one whose record did not load counts: a load whose every record failed
// keeps none in memory, and its gap would wait for the peer's next message), those no
// request of this process asked for (askResendLocked), and toward a message dropped as too
// far ahead (askFarLocked). A load asks so, and each check of the chats (checkChats), after
// a request whose send failed. A number listed past the window (secretGapAhead: kept before
// keeping was bounded, or named by a damaged index) is asked toward as a dropped one is,
// window by window: a request spanning more than a peer resends is refused whole, and the
// gap before it would never be asked for again.
func (m *secretChats) askGapLocked(s *secretChat) {
	if s.state == types.SecretChatReady && (len(s.pending) > 0 || len(s.gapLost) > 0) {
		last := slices.Max(s.gapListed())
		if !s.gapNear(last) && (last-s.seq.Expected())&1 == 0 {
			s.farAhead = max(s.farAhead, last-2)
		}
		m.askResendLocked(s, int32(min(int64(last)-2, int64(s.seq.Expected())+secretGapAhead-2)))
	}
	m.askFarLocked(s)
}
