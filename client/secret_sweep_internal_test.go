package mtgo

import (
	"context"
	"testing"
)

// TestSecretSweepAtCheck: a discard whose deletes fail (the storage briefly away) stores the
// chat discarded with its kept and sent messages left; after a restart, the first check of
// the chats (checkChats: at Connect, then hourly) deletes them, though nothing loads that
// chat again, and the next check only reads. Before the fix only a load of the discarded
// chat deleted them: a chat never loaded again left their plaintext stored for good.
func TestSecretSweepAtCheck(t *testing.T) {
	ctx := context.Background()
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
	b.m.store = &failingStore{secretStore: &failingStore{secretStore: b.m.store, deletes: secretSentNS}, deletes: secretGapNS}
	if err := b.m.discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if len(live.of(secretGapNS, id)) == 0 || len(live.of(secretSentNS, id)) == 0 {
		t.Fatal("the failing deletes deleted")
	}
	b = r.restart(1)
	trackStore(b, live)
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
}
