package mtgo

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
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
// as empty: what the listed chats left was never swept. "list full": the list has no room
// for the chat; the process remembers it, and its next check deletes what it left (and drops
// the ids of no discarded chat). Before that fix the chat was listed nowhere.
func TestSecretSweepAtCheck(t *testing.T) {
	ctx := context.Background()
	other := binary.LittleEndian.AppendUint32(nil, 12345) // no chat stored under it
	for _, tt := range []struct {
		name    string
		save    string // the key whose writes fail during the discard
		restart bool
		damage  func([]byte) []byte // of the stored list
		full    bool                // the list holds maxSecretReady other ids before the discard
	}{
		{name: "listed", restart: true},
		{name: "listing failed", save: secretSweepKey},
		{name: "damaged version", restart: true, damage: func(b []byte) []byte { b[0] = 9; return append(b, other...) }},
		{name: "damaged size", restart: true, damage: func(b []byte) []byte { return append(append(b, other...), 1, 2) }},
		{name: "damaged order", restart: true, damage: func(b []byte) []byte { return append(append(b, other...), b[1:5]...) }},
		{name: "list full", full: true},
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
			if tt.full {
				ids := map[int32]struct{}{}
				for i := range int32(maxSecretReady) {
					ids[1<<20+i] = struct{}{}
				}
				if err := b.store.SaveRecord(ctx, secretRecordNS, secretSweepKey, encodeSecretReady(ids)); err != nil {
					t.Fatal(err)
				}
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
			checkWritesNothing(t, b)
		})
	}
}

// checkWritesNothing checks that a check of p's chats, with nothing left to delete or
// write, writes nothing.
func checkWritesNothing(t *testing.T, p *secretParty) {
	t.Helper()
	st := &stoppingStore{secretStore: p.m.store}
	p.m.store = st
	p.m.checkChats(context.Background())
	if st.stopped {
		t.Fatal("a check with nothing left to write wrote")
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
	checkWritesNothing(t, b)
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

// TestSecretDiscardUnsavedRestart: the write that stores a chat discarded fails (the storage
// briefly away), leaving the stored record ready with its key, and the process restarts
// before any check writes it again. The chat the new process loads, or checks, is
// discarded, its key gone from the storage, and nothing the discard left stays listed.
// Before the fix the note to write it again was in memory only: the new process loaded the
// chat ready, key and all.
func TestSecretDiscardUnsavedRestart(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name        string
		peer, check bool // the peer discards (an update); the new process checks, not loads
		again       bool // the new process fails to store it too, and the next one takes it
	}{
		{name: "discarded here, loaded"},
		{name: "discarded by the peer, loaded", peer: true},
		{name: "discarded here, checked", check: true},
		{name: "discarded by the peer, checked", peer: true, check: true},
		{name: "loaded, failed again", again: true},
		{name: "checked, failed again", check: true, again: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			r.exchangeTexts(t, id, "a", "b")
			b := r.parties[1]
			b.m.store = &failingStore{secretStore: b.m.store, save: secretRecordKey(id)}
			if tt.peer {
				b.m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChatDiscarded{ID: id}})
			} else if err := b.m.discard(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			if s := b.stored(t, id); s.state != types.SecretChatReady {
				t.Fatalf("stored %v: the failing write wrote", s.state)
			}
			b = r.restart(1)
			if tt.again {
				b.m.store = &failingStore{secretStore: b.m.store, save: secretRecordKey(id)}
				if tt.check {
					b.m.checkChats(ctx)
				} else {
					b.m.get(ctx, id)
				}
				if s := b.stored(t, id); s.state != types.SecretChatReady {
					t.Fatalf("stored %v: the failing write wrote", s.state)
				}
				b = r.restart(1)
			}
			live := trackStore(b, nil)
			if tt.check {
				b.m.checkChats(ctx)
			} else if c, ok := b.m.get(ctx, id); !ok || c.State != types.SecretChatDiscarded {
				t.Fatalf("loaded %+v, want discarded", c)
			}
			if s := b.stored(t, id); s.state != types.SecretChatDiscarded || s.keys != nil {
				t.Fatalf("stored %v (keys %v), want discarded without a key", s.state, s.keys != nil)
			}
			if sent := live.of(secretSentNS, id); len(sent) != 0 {
				t.Fatalf("sent messages left: %v", sent)
			}
			if _, listed, _ := b.store.LoadRecord(ctx, secretRecordNS, secretSweepKey); listed {
				t.Fatal("the finished discard is still listed")
			}
			checkWritesNothing(t, b)
		})
	}
}

// TestSecretDiscardStops: the process stops (its storage takes no more writes) after each
// write of a discard, once one write went through, and restarts. The chat the new process
// loads is discarded, its key and the messages it kept or sent gone from the storage. Before
// the fix the record was written last: a stop before it left the chat stored ready, and the
// new process loaded it ready, key and all. (A stop before any write leaves the chat as it
// was; the peer's discard update comes again then, the engine had not counted it.)
func TestSecretDiscardStops(t *testing.T) {
	ctx := context.Background()
	for n := 1; ; n++ {
		r := newSecretRelay(t)
		id := r.open(t)
		r.exchangeTexts(t, id, "a", "b")
		held := r.sendHeld(t, id, "1", "2")
		b := r.parties[1]
		live := trackStore(b, nil)
		b.m.handle(ctx, held[1].up) // kept after the gap
		st := &stoppingStore{secretStore: b.m.store, left: n}
		b.m.store = st
		if err := b.m.discard(ctx, id, false); err != nil {
			t.Fatal(err)
		}
		if !st.stopped {
			if n == 1 {
				t.Fatal("a discard with one write")
			}
			break
		}
		b = r.restart(1)
		trackStore(b, live)
		if c, ok := b.m.get(ctx, id); !ok || c.State != types.SecretChatDiscarded {
			t.Fatalf("stop after %d writes: loaded %+v, want discarded", n, c)
		}
		if s := b.stored(t, id); s.state != types.SecretChatDiscarded || s.keys != nil {
			t.Fatalf("stop after %d writes: stored %v (keys %v), want discarded without a key", n, s.state, s.keys != nil)
		}
		if kept, sent := live.of(secretGapNS, id), live.of(secretSentNS, id); len(kept) != 0 || len(sent) != 0 {
			t.Fatalf("stop after %d writes: left kept %v, sent %v", n, kept, sent)
		}
	}
}

// doneStore refuses what a done context asks, as a database driver does, and fails the load
// of the chat record under key fail once.
type doneStore struct {
	secretStore
	fail string
}

func (d *doneStore) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	if ns == secretRecordNS && key == d.fail {
		d.fail = ""
		return nil, false, errors.New("storage away")
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return d.secretStore.LoadRecord(ctx, ns, key)
}

func (d *doneStore) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.secretStore.SaveRecord(ctx, ns, key, value)
}

func (d *doneStore) DeleteRecord(ctx context.Context, ns, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.secretStore.DeleteRecord(ctx, ns, key)
}

// TestSecretDiscardNotLoaded: a discard whose chat is not in memory and whose load fails
// (the storage briefly away), and one whose caller gives up (its context done) once the
// server has discarded the chat. The chat the next process loads is discarded, its key
// gone from the storage. Before the fix the first did nothing more, and the second's writes
// all failed: the chat stayed stored ready, key and all.
func TestSecretDiscardNotLoaded(t *testing.T) {
	for _, tt := range []struct {
		name         string
		peer, cancel bool
	}{
		{name: "discarded here, load failed"},
		{name: "discarded by the peer, load failed", peer: true},
		{name: "discarded here, caller gone", cancel: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			b := r.restart(1) // the chat is in the storage only
			st := &doneStore{secretStore: b.m.store, fail: secretRecordKey(id)}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				st.fail = ""
				cancel()
			}
			defer cancel()
			b.m.store = st
			if tt.peer {
				b.m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChatDiscarded{ID: id}})
			} else if err := b.m.discard(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			b = r.restart(1)
			if c, ok := b.m.get(context.Background(), id); !ok || c.State != types.SecretChatDiscarded {
				t.Fatalf("loaded %+v, want discarded", c)
			}
			if s := b.stored(t, id); s.state != types.SecretChatDiscarded || s.keys != nil {
				t.Fatalf("stored %v (keys %v), want discarded without a key", s.state, s.keys != nil)
			}
		})
	}
}

// TestSecretDropUnfinishedDeleteFails: an unfinished chat dropped past its age whose record
// fails to delete (the storage briefly away) still holds this side's exponent, and nothing
// indexes it any more. The next check of the chats stores it discarded, the exponent gone.
// Before the fix the record stayed stored, exponent and all, for good.
func TestSecretDropUnfinishedDeleteFails(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	now := time.Unix(100+3600, 0)
	b := r.parties[1]
	b.m.now = func() time.Time { return now }
	r.chatID = 5000
	if _, err := b.m.request(ctx, &tg.InputUser{UserID: 1}); err != nil {
		t.Fatal(err)
	}
	if s := b.stored(t, 5000); s == nil || s.dh == nil {
		t.Fatalf("stored %+v, want waiting with the exponent", s)
	}
	now = now.Add(8 * 24 * time.Hour) // the next request drops the waiting one
	store := b.m.store
	b.m.store = &failingStore{secretStore: store, deletes: secretRecordNS}
	b.m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: 9000, AccessHash: 1, Date: int32(now.Unix()), AdminID: 1, ParticipantID: 2, GA: []byte{2}}})
	b.m.store = store
	b.m.checkChats(ctx)
	if s := b.stored(t, 5000); s != nil && (s.state != types.SecretChatDiscarded || s.dh != nil) {
		t.Fatalf("stored %v (exponent %v), want discarded without it, or gone", s.state, s.dh != nil)
	}
	b = r.restart(1)
	if c, ok := b.m.get(ctx, 5000); ok && c.State != types.SecretChatDiscarded {
		t.Fatalf("loaded %+v after a restart", c)
	}
	checkWritesNothing(t, b)
}

// TestSecretDiscardListedFirst: DiscardSecretChat lists the chat before it asks the server.
// The process stops once the server has discarded the chat, before the discard's first
// write here (its storage takes no more writes), and restarts: the chat the new process
// loads is discarded, its key gone from the storage; a check of the chats while the call is
// out does not take it off the list. A call the server refuses leaves the chat ready, and
// not listed. Before the fix the first write came after the server's answer: the chat
// stayed stored ready, key and all.
func TestSecretDiscardListedFirst(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name          string
		check, refuse bool // a check runs while the call is out; the server refuses
	}{
		{name: "stop after the answer"},
		{name: "check during the call", check: true},
		{name: "refused", refuse: true},
		{name: "check during a refused call", check: true, refuse: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			r.exchangeTexts(t, id, "a", "b")
			b := r.parties[1]
			r.onDiscard = func() error {
				if tt.check {
					b.m.checkChats(ctx)
				}
				if tt.refuse {
					return errors.New("relay: refused")
				}
				b.m.store = &stoppingStore{secretStore: b.m.store}
				return nil
			}
			err := b.m.discard(ctx, id, false)
			if tt.refuse != (err != nil) {
				t.Fatalf("discard: %v", err)
			}
			r.onDiscard = nil
			want := types.SecretChatDiscarded
			if tt.refuse {
				want = types.SecretChatReady
				if _, listed, _ := b.store.LoadRecord(ctx, secretRecordNS, secretSweepKey); listed {
					t.Fatal("a refused discard is listed")
				}
			}
			b = r.restart(1)
			if c, ok := b.m.get(ctx, id); !ok || c.State != want {
				t.Fatalf("loaded %+v, want %v", c, want)
			}
			if s := b.stored(t, id); s.state != want || (s.keys != nil) != tt.refuse {
				t.Fatalf("stored %v (keys %v), want %v", s.state, s.keys != nil, want)
			}
			// The load that finished the discard asks the server again (the stop may have
			// come before it took the call).
			calls := len(r.calls)
			r.runJobs()
			if again := slices.Contains(r.calls[calls:], "1:*tg.MessagesDiscardEncryptionRequest"); again == tt.refuse {
				t.Fatalf("discarded on the server again: %v, want %v", again, !tt.refuse)
			}
			checkWritesNothing(t, b)
		})
	}
}
