package mtgo

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
)

// GetSecretChats lists this account's secret chats that are not discarded, newest first (by
// the chat's date): ready ones, waiting ones (this account requested them; the peer has not
// accepted) and requested ones (the peer asked; AcceptSecretChat accepts), each with its
// State. Chats in the storage are loaded (as GetSecretChat loads one), so the list survives a
// restart. A ready chat stored by a version of this client without the listing's index is
// listed once something loads it: its next update, or GetSecretChat. It fails when the
// storage cannot be read.
func (c *Client) GetSecretChats(ctx context.Context) ([]*types.SecretChat, error) {
	return c.secrets().list(ctx)
}

// The ready chats are listed in one index record (key secretReadyKey in secretRecordNS), as
// the unfinished ones are (secret_pending.go): the storage has no listing of its own.
// Format: version (1), then the ids, int32 little endian, strictly increasing. At most
// maxSecretReady ids (the record stays under storage.MaxRecordSize); a chat that becomes
// ready past it is kept but not listed (logged).
const (
	secretReadyKey = "ready"
	secretReadyV1  = 1
	maxSecretReady = (storage.MaxRecordSize - 1) / 4
)

func encodeSecretReady(idx map[int32]struct{}) []byte {
	ids := make([]int32, 0, len(idx))
	for id := range idx {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b := make([]byte, 1, 1+4*len(ids))
	b[0] = secretReadyV1
	for _, id := range ids {
		b = binary.LittleEndian.AppendUint32(b, uint32(id))
	}
	return b
}

// decodeSecretReady reads the index back; the bytes come from storage and are checked
// (version, size, count, order): a failure is errSecretRecord.
func decodeSecretReady(b []byte) (map[int32]struct{}, error) {
	switch {
	case len(b) == 0 || b[0] != secretReadyV1:
		return nil, fmt.Errorf("%w: ready index version", errSecretRecord)
	case (len(b)-1)%4 != 0 || (len(b)-1)/4 > maxSecretReady:
		return nil, fmt.Errorf("%w: ready index of %d bytes", errSecretRecord, len(b))
	}
	idx := make(map[int32]struct{}, (len(b)-1)/4)
	var last int32
	for e := b[1:]; len(e) > 0; e = e[4:] {
		id := int32(binary.LittleEndian.Uint32(e))
		if len(idx) > 0 && id <= last {
			return nil, fmt.Errorf("%w: ready index out of order at chat %d", errSecretRecord, id)
		}
		idx[id], last = struct{}{}, id
	}
	return idx, nil
}

// readyIndexLocked returns the index of ready chats, loaded from the storage on first use. A
// storage error is returned and the load tried again next time (writing an index then would
// drop the chats it lists); a damaged index is logged and started afresh.
func (m *secretChats) readyIndexLocked(ctx context.Context) (map[int32]struct{}, error) {
	if m.ready != nil || m.store == nil {
		return m.ready, nil
	}
	b, ok, err := m.store.LoadRecord(ctx, secretRecordNS, secretReadyKey)
	if err != nil {
		return nil, fmt.Errorf("mtgo: ready secret chat index: %w", err)
	}
	m.ready = map[int32]struct{}{}
	if ok {
		idx, err := decodeSecretReady(b)
		if err != nil {
			m.log.Warn("ready secret chat index not loaded", "err", err)
			return m.ready, nil
		}
		m.ready = idx
	}
	return m.ready, nil
}

// trackReadyLocked keeps s's entry in the ready index in step with its state (saveLocked,
// and lookupLocked for chats stored before the index); the index is written only when it
// changes.
func (m *secretChats) trackReadyLocked(ctx context.Context, s *secretChat) {
	idx, err := m.readyIndexLocked(ctx)
	if err != nil {
		m.log.Warn("ready secret chat index not loaded", "chat", s.id, "err", err)
		return
	}
	if m.store == nil {
		return
	}
	_, listed := idx[s.id]
	switch ready := s.state == types.SecretChatReady; {
	case ready == listed:
		return
	case ready && len(idx) >= maxSecretReady:
		m.log.Warn("ready secret chat not listed: the index is full", "chat", s.id, "max", maxSecretReady)
		return
	case ready:
		idx[s.id] = struct{}{}
	default:
		delete(idx, s.id)
	}
	if err := m.store.SaveRecord(ctx, secretRecordNS, secretReadyKey, encodeSecretReady(idx)); err != nil {
		m.log.Warn("ready secret chat index not saved", "err", err)
	}
}

// list returns the snapshots of the chats that are not discarded: the ones in memory and the
// ones both indexes name, newest first (ties by id). A chat that cannot be loaded is logged
// and left out.
func (m *secretChats) list(ctx context.Context) ([]*types.SecretChat, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ready, err := m.readyIndexLocked(ctx)
	if err != nil {
		return nil, err
	}
	ids := make(map[int32]struct{}, len(m.chats)+len(ready))
	for id := range m.chats {
		ids[id] = struct{}{}
	}
	for id := range ready {
		ids[id] = struct{}{}
	}
	if m.store != nil {
		for id := range m.unfinishedLocked(ctx) {
			ids[id] = struct{}{}
		}
	}
	out := make([]*types.SecretChat, 0, len(ids))
	for id := range ids {
		s, err := m.lookupLocked(ctx, id)
		if err != nil {
			m.log.Warn("secret chat not loaded", "chat", id, "err", err)
		}
		if s != nil && s.state != types.SecretChatDiscarded {
			out = append(out, s.view())
		}
	}
	slices.SortFunc(out, func(a, b *types.SecretChat) int {
		return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(b.ID, a.ID))
	})
	return out, nil
}
