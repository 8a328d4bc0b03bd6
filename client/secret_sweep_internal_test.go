package mtgo

import (
	"context"
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
func TestSecretSweepAtCheck(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		save    string // the key whose writes fail during the discard
		restart bool
	}{{name: "listed", restart: true}, {name: "listing failed", save: secretSweepKey}} {
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
