package mtgo

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestSecretSweepAtCheck: a discard whose deletes fail (the storage briefly away) stores the
// chat discarded with its kept and sent messages left; after a restart, the first check of
// the chats (checkChats: at Connect, then hourly) deletes them, though nothing loads that
// chat again, and the next check only reads. Before the fix only a load of the discarded
// chat deleted them: a chat never loaded again left their plaintext stored for good.
// "listing failed": the write of the list that has the checks sweep the chat fails too; the
// process remembers the chat, and its next check (the storage back) deletes what it left.
// Before that fix the chat was listed nowhere, and the plaintext stayed for good.
// "damaged": the stored list is damaged before the restart (another id in it too); the ids
// it still holds are swept, and the list written again. Before that fix a damaged list read
// as empty: what the listed chats left was never swept.
func TestSecretSweepAtCheck(t *testing.T) {
	ctx := context.Background()
	other := binary.LittleEndian.AppendUint32(nil, 12345) // no chat stored under it
	for _, tt := range []struct {
		name    string
		save    string // the key whose writes fail during the discard
		restart bool
		damage  func([]byte) []byte // of the stored list
	}{
		{name: "listed", restart: true},
		{name: "listing failed", save: secretSweepKey},
		{name: "damaged version", restart: true, damage: func(b []byte) []byte { b[0] = 9; return append(b, other...) }},
		{name: "damaged size", restart: true, damage: func(b []byte) []byte { return append(append(b, other...), 1, 2) }},
		{name: "damaged order", restart: true, damage: func(b []byte) []byte { return append(append(b, other...), b[1:5]...) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			b := r.parties[1]
			live := trackStore(b, nil)
			r.exchangeTexts(t, id, "a", "b")
			held := r.sendHeld(t, id, "1", "2")
			b.m.handle(ctx, held[1].up) // kept after the gap
			if len(live.of(secretGapNS, id)) == 0 || len(live.of(secretSentNS, id)) == 0 {
				t.Fatalf("stored before the discard: kept %v, sent %v", live.of(secretGapNS, id), live.of(secretSentNS, id))
			}
			base := b.m.store
			b.m.store = &failingStore{secretStore: &failingStore{secretStore: base, deletes: secretSentNS}, deletes: secretGapNS, save: tt.save}
			if err := b.m.discard(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			if len(live.of(secretGapNS, id)) == 0 || len(live.of(secretSentNS, id)) == 0 {
				t.Fatal("the failing deletes deleted")
			}
			b.m.store = base
			if tt.damage != nil {
				list, _, err := b.store.LoadRecord(ctx, secretRecordNS, secretSweepKey)
				if err == nil {
					err = b.store.SaveRecord(ctx, secretRecordNS, secretSweepKey, tt.damage(list))
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if tt.restart {
				b = r.restart(1)
				trackStore(b, live)
			}
			b.m.checkChats(ctx)
			if kept, sent := live.of(secretGapNS, id), live.of(secretSentNS, id); len(kept) != 0 || len(sent) != 0 {
				t.Fatalf("left after the check: kept %v, sent %v", kept, sent)
			}
			st := &stoppingStore{secretStore: b.m.store}
			b.m.store = st
			b.m.checkChats(ctx)
			if st.stopped {
				t.Fatal("a check with nothing left to delete wrote")
			}
		})
	}
}

// TestSecretSweepUnsavedDiscard: the write that stores a chat discarded fails (the storage
// briefly away), leaving the stored record ready with its key. The next check of the chats
// stores it discarded, and the key leaves the storage. Before the fix nothing wrote it
// again: a restart loaded the chat ready, key and all.
func TestSecretSweepUnsavedDiscard(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	b := r.parties[1]
	base := b.m.store
	b.m.store = &failingStore{secretStore: base, save: secretRecordKey(id)}
	if err := b.m.discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if s := b.stored(t, id); s.state != types.SecretChatReady {
		t.Fatalf("stored %v: the failing write wrote", s.state)
	}
	b.m.store = base
	b.m.checkChats(ctx)
	if s := b.stored(t, id); s.state != types.SecretChatDiscarded || s.keys != nil {
		t.Fatalf("stored %v (keys %v) after the check, want discarded without a key", s.state, s.keys != nil)
	}
	b = r.restart(1)
	if c, ok := b.m.get(ctx, id); !ok || c.State != types.SecretChatDiscarded {
		t.Fatalf("after a restart: %+v, want discarded", c)
	}
	st := &stoppingStore{secretStore: b.m.store}
	b.m.store = st
	b.m.checkChats(ctx)
	if st.stopped {
		t.Fatal("a check with nothing left to write wrote")
	}
}

// FuzzSecretSweepList: a damaged list of chats to sweep gives, without a panic, at most
// maxSecretReady ids, each a whole int32 of the record after its version byte.
func FuzzSecretSweepList(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{9})
	f.Add(encodeSecretReady(map[int32]struct{}{77: {}, 12345: {}}))
	f.Add([]byte{secretReadyV1, 1, 0, 0, 0, 1, 0, 0, 0, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx := salvageSweepList(b)
		if len(idx) > maxSecretReady || len(b) >= 5 && len(idx) == 0 {
			t.Fatalf("%d ids from %d bytes", len(idx), len(b))
		}
		words := map[int32]bool{}
		for i := 1; i+4 <= len(b); i += 4 {
			words[int32(binary.LittleEndian.Uint32(b[i:]))] = true
		}
		for id := range idx {
			if !words[id] {
				t.Fatalf("id %d not in the record", id)
			}
		}
	})
}
