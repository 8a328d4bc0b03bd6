package mtgo

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/mtgo-labs/mtgo/client/types"
)

// A discard deletes the chat's stored messages (kept after a gap, secret_gap.go; sent,
// secret_sent.go) and stores the chat as discarded, without its key, and any of those writes
// may fail (the storage briefly away) or the process stop between them. So the chat's id
// goes first into a list, key secretSweepKey in secretRecordNS (the ready index's format:
// encodeSecretReady), and leaves it once the chat is stored discarded and nothing it left
// is stored: while listed, its discard is unfinished. A load of a listed chat stored as not
// discarded (the write that stores it discarded failed or never came) finishes the discard
// before anything uses it (lookupLocked), so a restart never brings the key back; and each
// check of the chats (checkChats: at Connect, then hourly) loads the chats listed, deletes
// what they left (a load of a discarded chat deletes it as well, but a chat nothing loads
// again would keep their plaintext stored for good), and keeps listed only those that still
// left something. With nothing listed a check reads one record and writes nothing.
const secretSweepKey = "sweep"

// sweepLaterLocked lists chat id, whose discard begins (discardLocked). A failure (a full
// list too) is logged, and the chat kept in memory (unlisted) for the next check to list or
// sweep.
func (m *secretChats) sweepLaterLocked(ctx context.Context, id int32) {
	if m.store == nil {
		return
	}
	idx, _, err := m.sweepListLocked(ctx)
	if err == nil {
		if _, ok := idx[id]; ok {
			return
		}
		if len(idx) >= maxSecretReady {
			err = fmt.Errorf("the list is full (%d chats)", maxSecretReady)
		} else {
			idx[id] = struct{}{}
			err = m.saveSweepListLocked(ctx, idx)
		}
	}
	if err != nil {
		m.log.Warn("discarded secret chat not listed for deletion", "chat", id, "err", err)
		if m.unlisted == nil {
			m.unlisted = map[int32]struct{}{}
		}
		m.unlisted[id] = struct{}{}
	}
}

// sweptNowLocked takes chat id, whose discard is finished (stored discarded, nothing left)
// or whose discardEncryption call failed (discard), off the list; a failure is logged, and
// the next check takes it off.
func (m *secretChats) sweptNowLocked(ctx context.Context, id int32) {
	delete(m.unlisted, id)
	if m.store == nil {
		return
	}
	idx, _, err := m.sweepListLocked(ctx)
	if _, ok := idx[id]; err != nil || !ok {
		return
	}
	delete(idx, id)
	if err := m.saveSweepListLocked(ctx, idx); err != nil {
		m.log.Warn("list of discarded secret chats to delete not saved", "err", err)
	}
}

// sweepingLocked reports whether chat id is listed (its discard unfinished): lookupLocked
// asks it of a chat stored as not discarded. The list is read from the storage once, then
// kept in step with its writes (swept); a failure to read it is returned.
func (m *secretChats) sweepingLocked(ctx context.Context, id int32) (bool, error) {
	if m.swept == nil {
		if _, _, err := m.sweepListLocked(ctx); err != nil {
			return false, err
		}
	}
	_, ok := m.swept[id]
	return ok, nil
}

// saveSweepListLocked writes the list (deletes it when empty), and keeps swept in step.
func (m *secretChats) saveSweepListLocked(ctx context.Context, idx map[int32]struct{}) error {
	var err error
	if len(idx) == 0 {
		err = m.store.DeleteRecord(ctx, secretRecordNS, secretSweepKey)
	} else {
		err = m.store.SaveRecord(ctx, secretRecordNS, secretSweepKey, encodeSecretReady(idx))
	}
	if err == nil {
		m.swept = maps.Clone(idx)
	}
	return err
}

// sweepListLocked reads the list of chats to sweep (empty when none is stored) and reports
// whether it is damaged. A damaged one is logged and read for the ids it still holds
// (salvageSweepList): sweeping an id that is no discarded chat's deletes nothing and drops
// it, while one read as empty would leave what the listed chats left stored for good. The
// list is written again by the next sweep.
func (m *secretChats) sweepListLocked(ctx context.Context) (map[int32]struct{}, bool, error) {
	b, ok, err := m.store.LoadRecord(ctx, secretRecordNS, secretSweepKey)
	if err != nil {
		return map[int32]struct{}{}, false, err
	}
	idx, damaged := map[int32]struct{}{}, false
	if ok {
		if idx, err = decodeSecretReady(b); err != nil {
			idx, damaged = salvageSweepList(b), true
			m.log.Warn("list of discarded secret chats to delete damaged; the ids it holds are swept", "ids", len(idx), "err", err)
		}
	}
	m.swept = maps.Clone(idx)
	return idx, damaged, nil
}

// salvageSweepList returns the ids a damaged list still holds (salvageWords), at most
// maxSecretReady.
func salvageSweepList(b []byte) map[int32]struct{} {
	idx := map[int32]struct{}{}
	for _, id := range salvageWords(b, maxSecretReady) {
		idx[id] = struct{}{}
	}
	return idx
}

// unsavedLocked notes discarded chat id, whose record failed to save: the storage still
// holds it with its key, which a restart would load. The next check saves it again
// (sweepLocked).
func (m *secretChats) unsavedLocked(id int32) {
	if m.unsaved == nil {
		m.unsaved = map[int32]struct{}{}
	}
	m.unsaved[id] = struct{}{}
}

// sweepLocked saves again the discarded chats whose record failed to save (unsaved), then
// deletes what the discards of the listed chats, and of the ones this process failed to
// list (unlisted), left, and writes the list again with the chats that still left
// something. A failure is logged: the chat stays listed, or in memory.
func (m *secretChats) sweepLocked(ctx context.Context) {
	if m.store == nil {
		return
	}
	for id := range m.unsaved {
		if s := m.chats[id]; s == nil || s.state != types.SecretChatDiscarded || m.saveLocked(ctx, s) == nil {
			delete(m.unsaved, id)
		}
	}
	idx, damaged, err := m.sweepListLocked(ctx)
	if err != nil {
		m.log.Warn("discarded secret chats not swept", "err", err)
		return
	}
	stored := maps.Clone(idx)
	maps.Copy(idx, m.unlisted)
	for id := range idx {
		if m.sweptLocked(ctx, id) {
			delete(idx, id)
		}
	}
	if damaged || !maps.Equal(idx, stored) {
		err = m.saveSweepListLocked(ctx, idx)
	}
	if err != nil {
		m.log.Warn("list of discarded secret chats to delete not saved", "err", err)
		maps.DeleteFunc(m.unlisted, func(id int32, _ struct{}) bool { _, left := idx[id]; return !left })
		return
	}
	m.unlisted = nil
}

// sweptLocked deletes what the discard of chat id left stored and reports whether nothing is
// left. A chat whose discardEncryption call is out, or whose record failed to save again
// (unsaved), is not done. One stored as not
// discarded has its discard finished by the load (lookupLocked); one not discarded in memory
// is no discard of this list's (none stores a chat so); a chat record gone or damaged says
// nothing more.
func (m *secretChats) sweptLocked(ctx context.Context, id int32) bool {
	if m.discarding[id] > 0 { // listed before its discardEncryption call (discard)
		return false
	}
	s, err := m.lookupLocked(ctx, id)
	switch {
	case errors.Is(err, errSecretRecord):
		m.log.Warn("discarded secret chat not swept", "chat", id, "err", err)
		return true
	case err != nil:
		m.log.Warn("discarded secret chat not swept", "chat", id, "err", err)
		return false
	case s == nil || s.state != types.SecretChatDiscarded:
		return true
	}
	if _, ok := m.unsaved[id]; ok {
		return false
	}
	return errors.Join(m.forgetGapLocked(ctx, s), m.loadSentLocked(ctx, s)) == nil
}
