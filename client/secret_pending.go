package mtgo

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Unfinished secret chats (waiting: this side asked and the peer has not accepted;
// requested: the peer asked and this side has not accepted) are stored like the others so
// that a restart does not lose them, and listed in one index record so that they cannot pile
// up: other users can send requests nobody accepts. Of each kind the newest
// maxSecretUnfinished are kept, none older than secretUnfinishedAge (by the chat's date);
// the others are dropped when the next unfinished chat is stored: forgotten (record deleted)
// and discarded on the server (messages.discardEncryption, best effort, so the peer learns
// the chat will not come).
const (
	maxSecretUnfinished = 100
	secretUnfinishedAge = 7 * 24 * time.Hour
	// secretIndexKey is the index's key in secretRecordNS (chat records are decimal ids).
	secretIndexKey = "unfinished"
)

// Index format: version (1), then per chat 13 bytes: id int32, date (unix) int64, state
// (types.SecretChatState, waiting or requested), little endian.
const (
	secretIndexV1    = 1
	secretIndexEntry = 13
)

// unfinishedChat is one index entry.
type unfinishedChat struct {
	date  int64
	state types.SecretChatState
}

func encodeSecretIndex(idx map[int32]unfinishedChat) []byte {
	ids := make([]int32, 0, len(idx))
	for id := range idx {
		ids = append(ids, id)
	}
	slices.Sort(ids) // one map, one encoding
	b := make([]byte, 1, 1+secretIndexEntry*len(idx))
	b[0] = secretIndexV1
	for _, id := range ids {
		b = binary.LittleEndian.AppendUint32(b, uint32(id))
		b = binary.LittleEndian.AppendUint64(b, uint64(idx[id].date))
		b = append(b, byte(idx[id].state))
	}
	return b
}

// decodeSecretIndex reads the index back; the bytes come from storage and are checked
// (version, size, count, states, no id twice): a failure is errSecretRecord.
func decodeSecretIndex(b []byte) (map[int32]unfinishedChat, error) {
	switch {
	case len(b) == 0 || b[0] != secretIndexV1:
		return nil, fmt.Errorf("%w: index version", errSecretRecord)
	case (len(b)-1)%secretIndexEntry != 0 || (len(b)-1)/secretIndexEntry > 2*maxSecretUnfinished:
		return nil, fmt.Errorf("%w: index of %d bytes", errSecretRecord, len(b))
	}
	idx := map[int32]unfinishedChat{}
	for e := b[1:]; len(e) > 0; e = e[secretIndexEntry:] {
		id := int32(binary.LittleEndian.Uint32(e))
		c := unfinishedChat{date: int64(binary.LittleEndian.Uint64(e[4:])), state: types.SecretChatState(e[12])}
		if _, dup := idx[id]; dup || (c.state != types.SecretChatWaiting && c.state != types.SecretChatRequested) {
			return nil, fmt.Errorf("%w: index entry of chat %d", errSecretRecord, id)
		}
		idx[id] = c
	}
	return idx, nil
}

// unfinishedLocked returns the index, loaded from the storage on first use (a damaged one is
// logged and started afresh).
func (m *secretChats) unfinishedLocked(ctx context.Context) map[int32]unfinishedChat {
	if m.unfinished != nil {
		return m.unfinished
	}
	m.unfinished = map[int32]unfinishedChat{}
	if m.store == nil {
		return m.unfinished
	}
	b, ok, err := m.store.LoadRecord(ctx, secretRecordNS, secretIndexKey)
	if err == nil && ok {
		var idx map[int32]unfinishedChat
		if idx, err = decodeSecretIndex(b); err == nil {
			m.unfinished = idx
		}
	}
	if err != nil {
		m.log.Warn("secret chat index not loaded", "err", err)
	}
	return m.unfinished
}

// trackLocked keeps s's index entry in step with its state (called before s is saved): an
// unfinished chat is listed, and the bound applied to the others; a finished one leaves.
func (m *secretChats) trackLocked(ctx context.Context, s *secretChat) {
	idx := m.unfinishedLocked(ctx)
	if s.unfinished() {
		if c, ok := idx[s.id]; ok && c == (unfinishedChat{s.date, s.state}) {
			return
		}
		idx[s.id] = unfinishedChat{s.date, s.state}
		m.pruneLocked(ctx, s.id)
	} else if _, ok := idx[s.id]; ok {
		delete(idx, s.id)
	} else {
		return
	}
	m.saveIndexLocked(ctx)
}

func (m *secretChats) saveIndexLocked(ctx context.Context) {
	if m.store == nil {
		return
	}
	if err := m.store.SaveRecord(ctx, secretRecordNS, secretIndexKey, encodeSecretIndex(m.unfinished)); err != nil {
		m.log.Warn("secret chat index not saved", "err", err)
	}
}

// pruneLocked drops the unfinished chats past the bound (older than secretUnfinishedAge, or
// beyond the newest maxSecretUnfinished of their kind), never keep.
func (m *secretChats) pruneLocked(ctx context.Context, keep int32) {
	type entry struct {
		id int32
		unfinishedChat
	}
	var list []entry
	for id, c := range m.unfinished {
		list = append(list, entry{id, c})
	}
	slices.SortFunc(list, func(a, b entry) int { // newest first; ties by id, for one order
		return cmp.Or(cmp.Compare(b.date, a.date), cmp.Compare(b.id, a.id))
	})
	oldest := m.now().Add(-secretUnfinishedAge).Unix()
	kept := map[types.SecretChatState]int{}
	for _, e := range list {
		kept[e.state]++
		if e.id != keep && (e.date < oldest || kept[e.state] > maxSecretUnfinished) {
			m.dropUnfinishedLocked(ctx, e.id)
		}
	}
}

// dropUnfinishedLocked forgets unfinished chat id: its index entry, its record, the chat in
// memory (marked discarded for a call holding it), and discards it on the server in a job.
// A chat whose record shows it finished meanwhile keeps its record. A record that fails to
// delete, holding the exchange's secret, is listed as an unfinished discard
// (secret_sweep.go): the next check, or load, stores it discarded without it.
func (m *secretChats) dropUnfinishedLocked(ctx context.Context, id int32) {
	delete(m.unfinished, id)
	s, err := m.lookupLocked(ctx, id)
	if err != nil || s == nil || !s.unfinished() {
		return
	}
	m.log.Info("unfinished secret chat dropped", "chat", id, "state", s.state)
	s.forgetExchange()
	s.state = types.SecretChatDiscarded
	delete(m.chats, id)
	if m.store != nil {
		if err := m.store.DeleteRecord(ctx, secretRecordNS, secretRecordKey(id)); err != nil {
			m.log.Warn("secret chat record not deleted", "chat", id, "err", err)
			m.sweepLaterLocked(ctx, id)
		}
	}
	m.discardOnServer(id)
}

// An encryptedChat update may come before the answer of the requestEncryption that made the
// chat (the peer accepted at once); it is kept until the answer is handled. Updates for
// chats no request of this process will name (another device's, or a request whose answer
// never came) would stay for ever, so the kept ones are bounded: at most maxSecretEarly,
// none older than secretEarlyAge, the oldest dropped when a new one comes to a full map.
// secretEarlyAge is far longer than a requestEncryption call can take (a 60-second attempt,
// a FLOOD_WAIT slept through, a few retries): an update kept longer has no call waiting.
const (
	maxSecretEarly = 100
	secretEarlyAge = 10 * time.Minute
)

// earlyChat is an encryptedChat kept until its request's answer, and when it came. The
// peer may write at once too: its messages that come meanwhile are kept with it (up to
// maxSecretPending; c is nil while only they came), for the chat once its key is made. Dropped, they would be lost: the
// update engine counts them as handled, and the peer's resend carries a random_id the server
// does not deliver twice.
type earlyChat struct {
	c    *tg.EncryptedChat
	at   time.Time
	held []tg.EncryptedMessageClass
}

// keepEarlyLocked keeps c (with the messages kept for its chat already).
func (m *secretChats) keepEarlyLocked(c *tg.EncryptedChat) {
	e := m.earlyLocked(c.ID)
	e.c = c
	m.early[c.ID] = e
}

// earlyLocked returns the entry of chat id, a new one when none is kept: it drops the entries
// past secretEarlyAge, then, if the map is still full, the oldest, and dates the entry now.
func (m *secretChats) earlyLocked(id int32) earlyChat {
	now := m.now()
	var (
		oldest int32
		at     time.Time
	)
	for id, e := range m.early {
		switch {
		case now.Sub(e.at) > secretEarlyAge:
			m.dropEarlyLocked(id)
		case at.IsZero() || e.at.Before(at):
			oldest, at = id, e.at
		}
	}
	if _, seen := m.early[id]; !seen && len(m.early) >= maxSecretEarly {
		m.dropEarlyLocked(oldest)
	}
	e := m.early[id]
	e.at = now
	return e
}

// dropEarlyLocked forgets the entry of chat id; the messages it kept are lost (logged).
func (m *secretChats) dropEarlyLocked(id int32) {
	if n := len(m.early[id].held); n > 0 {
		m.log.Warn("secret messages dropped", "chat", id, "messages", n, "err", ErrSecretChatNotFound)
	}
	delete(m.early, id)
}

// holdEarlyLocked keeps msg, a message for chat id that this process does not know yet, with
// the chat's kept encryptedChat, or, while a requestEncryption call waits for its answer, in
// a new entry without one: the encryptedChat may come after it (a difference hands over the
// new encrypted messages before its other updates). It reports whether it did (false when
// neither, or the entry holds maxSecretPending messages already).
func (m *secretChats) holdEarlyLocked(id int32, msg tg.EncryptedMessageClass) bool {
	e, ok := m.early[id]
	switch {
	case ok && len(e.held) >= maxSecretPending, !ok && m.requesting == 0:
		return false
	case !ok:
		e = m.earlyLocked(id)
	}
	e.held = append(e.held, msg)
	m.early[id] = e
	return true
}

// takeEarlyHeldLocked moves the messages kept with chat id's encryptedChat to s, whose
// release delivers them once the key is made (releaseHeldLocked).
func (m *secretChats) takeEarlyHeldLocked(s *secretChat) {
	if e, ok := m.early[s.id]; ok && len(e.held) > 0 {
		s.held = append(s.held, e.held...)
		e.held = nil
		m.early[s.id] = e
	}
}

// takeEarlyLocked returns and forgets the encryptedChat kept for chat id, nil when none.
func (m *secretChats) takeEarlyLocked(id int32) *tg.EncryptedChat {
	e, ok := m.early[id]
	if !ok {
		return nil
	}
	delete(m.early, id)
	return e.c
}
