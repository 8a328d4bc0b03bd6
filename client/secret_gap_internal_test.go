package mtgo

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSecretGapRestart: B gets A's second and third messages (the third with a file) before
// the first and restarts before the first comes. The update engine has counted the two as
// handled, so neither the next catch-up nor A's resend (the same random_id, which the server
// does not deliver twice) brings them again: the new process must have kept them. No job runs
// here, so no resend request fills the gap. They arrive while the client stops too (the
// update path's context cancelled): the chat is stored all the same. Once delivered they
// leave the storage, and a discarded chat leaves none behind.
func TestSecretGapRestart(t *testing.T) {
	for _, stopping := range []bool{false, true} {
		t.Run(fmt.Sprint("stopping ", stopping), func(t *testing.T) {
			ctx := context.Background()
			r := newSecretRelay(t)
			id := r.open(t)
			a := r.parties[0]
			r.hold = true
			for _, s := range []string{"1", "2"} {
				if _, err := a.m.sendText(ctx, id, randomID(), s); err != nil {
					t.Fatal(err)
				}
			}
			f, _ := encryptedInputFile(&tg.InputFile{ID: 1, Parts: 1}, 5)
			doc := &e2e.DecryptedMessageMediaDocument{Thumb: []byte{}, Key: make([]byte, 32), Iv: make([]byte, 32), Caption: "3"}
			if _, err := a.m.send(ctx, id, 9, &e2e.DecryptedMessage{RandomID: 9, Media: doc}, f); err != nil {
				t.Fatal(err)
			}
			held := r.held
			r.hold, r.held = false, nil
			upd := ctx
			if stopping {
				c, cancel := context.WithCancel(ctx)
				cancel()
				upd = c
			}
			for _, i := range []int{2, 1, 2} { // the third twice: kept once
				r.parties[1].m.handle(upd, held[i].up)
			}
			if got := secretTexts(r.parties[1].events()); len(got) != 0 {
				t.Fatalf("delivered before the gap filled: %v", got)
			}
			b := r.restart(1)
			if _, ok := b.m.get(ctx, id); !ok {
				t.Fatal("chat lost")
			}
			b.m.handle(ctx, held[0].up)
			if diff := cmp.Diff([]string{"1", "2", "3"}, secretTexts(b.events())); diff != "" {
				t.Fatalf("delivered after the restart (-want +got):\n%s", diff)
			}
			evs := b.events()
			if m := evs[len(evs)-1].(*types.SecretMessage); m.File == nil || m.File.ID != 9 || m.File.Size != 32 {
				t.Fatalf("kept file %+v", m.File)
			}
			if n := storedGap(t, b, id); n != 0 {
				t.Fatalf("%d records left once delivered", n)
			}

			// Kept again, then the chat is discarded: nothing of it stays stored.
			r.hold = true
			for _, s := range []string{"4", "5"} {
				if _, err := a.m.sendText(ctx, id, randomID(), s); err != nil {
					t.Fatal(err)
				}
			}
			b.m.handle(ctx, r.held[1].up)
			r.hold, r.held = false, nil
			if n := storedGap(t, b, id); n != 2 { // the message and the index
				t.Fatalf("%d records while one message waits", n)
			}
			if err := b.m.discard(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			if n := storedGap(t, b, id); n != 0 {
				t.Fatalf("%d records left after the discard", n)
			}
			if strings.Contains(b.log.String(), "level=WARN") {
				t.Fatalf("warnings:\n%s", b.log)
			}
		})
	}
}

// storedGap counts the records party p's storage holds for chat id's messages kept after a
// gap.
func storedGap(t *testing.T, p *secretParty, id int32) int {
	t.Helper()
	keys := []string{secretRecordKey(id)}
	for out := range int32(40) {
		keys = append(keys, secretGapKey(id, out))
	}
	n := 0
	for _, k := range keys {
		if _, ok, err := p.store.LoadRecord(context.Background(), secretGapNS, k); err != nil {
			t.Fatal(err)
		} else if ok {
			n++
		}
	}
	return n
}

// FuzzSecretGap: stored kept messages and their index come from the storage, untrusted;
// whatever decodes is written and read back the same.
func FuzzSecretGap(f *testing.F) {
	layer := &e2e.DecryptedMessageLayer{RandomBytes: make([]byte, 16), Layer: 73, InSeqNo: 2, OutSeqNo: 3,
		Message: &e2e.DecryptedMessage{RandomID: 5, Message: "hi"}}
	for _, file := range []tg.EncryptedFileClass{&tg.EncryptedFileEmpty{}, &tg.EncryptedFile{ID: 1, AccessHash: 2, Size: 3, DCID: 4, KeyFingerprint: 5}} {
		b, err := encodeSecretGap(7, 3, pendingSecret{layer: layer, date: 100, fp: -9, file: file})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add(encodeSecretGapIndex([]int32{3, 5, 9}), true)
	f.Add([]byte{secretGapV1}, false)
	f.Fuzz(func(t *testing.T, b []byte, index bool) {
		if index {
			outs, err := decodeSecretGapIndex(b)
			if err == nil {
				if again, err := decodeSecretGapIndex(encodeSecretGapIndex(outs)); err != nil || !slices.Equal(outs, again) {
					t.Fatalf("re-encoded index %v: %v, %v", outs, again, err)
				}
			}
			return
		}
		p, err := decodeSecretGap(b, 7, 3)
		if err != nil {
			return
		}
		enc, err := encodeSecretGap(7, 3, p)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		again, err := decodeSecretGap(enc, 7, 3)
		if err != nil {
			t.Fatalf("re-encoded record: %v", err)
		}
		if diff := cmp.Diff(p, again, cmp.AllowUnexported(pendingSecret{})); diff != "" {
			t.Fatalf("re-encoded record (-first +again):\n%s", diff)
		}
	})
}

// TestSecretMessageBeforeRequestAnswer: the peer accepts and writes before the originator
// has handled requestEncryption's answer, so its layer notice and text come for a chat the
// originator does not know yet. They wait with the early acceptance and are delivered once
// the answer is handled: dropped, they would be lost (the peer's resend carries random_ids
// the server has delivered already). The acceptance may also come after them: a
// getDifference hands over the new encrypted messages before its other updates
// (updateEncryption), and before the fix they were dropped then.
func TestSecretMessageBeforeRequestAnswer(t *testing.T) {
	for _, acceptLast := range []bool{false, true} {
		t.Run(fmt.Sprint("acceptance last ", acceptLast), func(t *testing.T) {
			ctx := context.Background()
			r := newSecretRelay(t)
			a, b := r.parties[0], r.parties[1]
			w, s := r.requestUnanswered(t)
			r.holdTo = map[int]bool{0: true}
			if _, err := b.m.accept(ctx, w.ID); err != nil { // tells its layer
				t.Fatal(err)
			}
			if _, err := b.m.sendText(ctx, w.ID, randomID(), "at once"); err != nil {
				t.Fatal(err)
			}
			if acceptLast { // the encryptedChat after the messages, as a difference gives them
				r.held = append(r.held[1:], r.held[0])
			}
			r.release(ctx)
			// The answer is handled now (request's own path).
			a.m.mu.Lock()
			a.m.requesting--
			a.m.chats[w.ID] = s
			a.m.takeEarlyHeldLocked(s)
			if c := a.m.takeEarlyLocked(w.ID); c != nil {
				a.m.completeLocked(ctx, s, c)
			}
			a.m.mu.Unlock()
			if diff := cmp.Diff([]string{"at once"}, secretTexts(a.events())); diff != "" {
				t.Fatalf("originator's messages (-want +got):\n%s\nlog: %s", diff, a.log)
			}
			if c, _ := a.m.get(ctx, w.ID); c.State != types.SecretChatReady || c.Layer == 0 {
				t.Fatalf("chat %+v, want ready with the peer's layer", c)
			}
			if strings.Contains(a.log.String(), "dropped") {
				t.Fatalf("log: %s", a.log)
			}
		})
	}
}

// requestUnanswered makes party 0 request a chat, then takes the chat away from its manager
// (memory and storage) as if requestEncryption's answer had not been handled yet (the call
// counted as waiting), and hands party 1 the request. It returns the chat, and its state to
// put back.
func (r *secretRelay) requestUnanswered(t *testing.T) (*types.SecretChat, *secretChat) {
	t.Helper()
	ctx := context.Background()
	a := r.parties[0]
	r.hold = true
	w, err := a.m.request(ctx, &tg.InputUser{UserID: 2})
	if err != nil {
		t.Fatal(err)
	}
	a.m.mu.Lock()
	s := a.m.chats[w.ID]
	delete(a.m.chats, w.ID)
	a.m.requesting++
	_ = a.store.DeleteRecord(ctx, secretRecordNS, secretRecordKey(w.ID))
	a.m.mu.Unlock()
	r.release(ctx)
	return w, s
}

// TestSecretGapCrash: the process stops (its storage takes no more writes) at each point of
// the writes that deliver kept messages or discard their chat, then restarts and handles
// again the update it was handling (the update engine had not counted it). No message is
// lost, and no kept message, plaintext, stays stored once its chat counts it or is stored
// as discarded: before the fix the index was rewritten before the records were deleted and
// a discarded chat was stored before its kept messages were deleted, so a stop between the
// writes left records that nothing lists, or lists only in an index no load reads.
func TestSecretGapCrash(t *testing.T) {
	for _, discard := range []bool{false, true} {
		for k := 0; ; k++ {
			if k > 50 {
				t.Fatal("the writes never end")
			}
			ctx := context.Background()
			r := newSecretRelay(t)
			id := r.open(t)
			held := r.sendHeld(t, id, "1", "2", "3")
			b := r.parties[1]
			b.m.handle(ctx, held[1].up)
			b.m.handle(ctx, held[2].up)
			st := &stoppingStore{secretStore: b.store, left: k}
			b.m.store = st
			if discard {
				if err := b.m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
			} else {
				b.m.handle(ctx, held[0].up)
			}
			b = r.restart(1)
			if !discard {
				b.m.handle(ctx, held[0].up)
				if got := secretTexts(b.events()); len(got) != 0 && !slices.Equal(got, []string{"1", "2", "3"}) {
					t.Fatalf("stopped after %d writes: delivered after the restart %v", k, got)
				}
			}
			if s := b.stored(t, id); (!discard || s != nil && s.state == types.SecretChatDiscarded) && storedGap(t, b, id) != 0 {
				t.Fatalf("discard %v, stopped after %d writes: %d records left", discard, k, storedGap(t, b, id))
			}
			if !st.stopped {
				break
			}
		}
	}
}

// stoppingStore passes the first left writes (saves and deletes) to the storage and fails
// the others, as a process that stopped there leaves the storage.
type stoppingStore struct {
	secretStore
	left    int
	stopped bool
}

func (s *stoppingStore) write() error {
	if s.left == 0 {
		s.stopped = true
		return fmt.Errorf("stopped")
	}
	s.left--
	return nil
}

func (s *stoppingStore) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.secretStore.SaveRecord(ctx, ns, key, value)
}

func (s *stoppingStore) DeleteRecord(ctx context.Context, ns, key string) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.secretStore.DeleteRecord(ctx, ns, key)
}

// TestSecretGapKeepCrash: the process stops (its storage takes no more writes) at each write
// that keeps a message come after a gap, restarts, and then discards the chat, or handles the
// update again (the engine had not counted it) and gets the missing message. Nothing of the
// chat's kept messages stays stored, and none is lost: before the fix the record was written
// before the index that lists it, so a stop between left a record nothing lists, which the
// discard, coming before the update came again, never deleted.
func TestSecretGapKeepCrash(t *testing.T) {
	for _, discard := range []bool{false, true} {
		for k := 0; ; k++ {
			if k > 20 {
				t.Fatal("the writes never end")
			}
			ctx := context.Background()
			r := newSecretRelay(t)
			live := trackStore(r.parties[1], nil)
			id := r.open(t)
			held := r.sendHeld(t, id, "1", "2", "3")
			b := r.parties[1]
			b.m.handle(ctx, held[1].up) // kept and stored
			st := &stoppingStore{secretStore: b.m.store, left: k}
			b.m.store = st
			b.m.handle(ctx, held[2].up) // kept: the storage stops after k writes
			b = r.restart(1)
			trackStore(b, live)
			if discard {
				if err := b.m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
				if left := live.of(secretSentNS, id); len(left) != 0 {
					t.Errorf("stopped after %d writes, discarded: sent records left: %v", k, left)
				}
			} else {
				b.m.handle(ctx, held[2].up)
				b.m.handle(ctx, held[0].up)
				if diff := cmp.Diff([]string{"1", "2", "3"}, secretTexts(b.events())); diff != "" {
					t.Errorf("stopped after %d writes: delivered (-want +got):\n%s", k, diff)
				}
			}
			if left := live.of(secretGapNS, id); len(left) != 0 {
				t.Fatalf("discard %v, stopped after %d writes: records left: %v", discard, k, left)
			}
			if !st.stopped {
				break
			}
		}
	}
}

// TestSecretGapSweep: kept messages the storage could not delete, or read, or holds damaged
// are found again by the next load or the discard, and deleted; none stays stored for good
// (before the fix each case below left records nothing would delete).
func TestSecretGapSweep(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		// fault is installed on B's storage while it keeps 2 and 3 of "1", "2", "3", "4"
		// and then runs step; after a restart, the chat is loaded, then end runs.
		fault func(secretStore) secretStore
		step  func(t *testing.T, r *secretRelay, id int32, held []heldPush)
		end   func(t *testing.T, r *secretRelay, id int32, held []heldPush)
	}{
		{
			// The discard's deletes fail: the chat is stored discarded all the same (its key
			// must go); loading it deletes what it still lists.
			name:  "discard's deletes failed",
			fault: func(s secretStore) secretStore { return &failingStore{secretStore: s, deletes: secretGapNS} },
			step: func(t *testing.T, r *secretRelay, id int32, _ []heldPush) {
				if err := r.parties[1].m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			// A record that cannot be read back is deleted on load; the others are delivered.
			name: "damaged record",
			step: func(t *testing.T, r *secretRelay, id int32, held []heldPush) {
				if err := r.parties[1].store.SaveRecord(ctx, secretGapNS, secretGapKey(id, outOf(t, r, id, held[1])), []byte{9}); err != nil {
					t.Fatal(err)
				}
			},
			end: func(t *testing.T, r *secretRelay, _ int32, held []heldPush) {
				b := r.parties[1]
				b.m.handle(ctx, held[0].up)
				if diff := cmp.Diff([]string{"1"}, secretTexts(b.events())); diff != "" {
					t.Fatalf("delivered (-want +got):\n%s", diff)
				}
				b.m.handle(ctx, held[1].up) // the damaged one, as a resend brings it
				b.m.handle(ctx, held[3].up)
				if diff := cmp.Diff([]string{"1", "2", "3", "4"}, secretTexts(b.events())); diff != "" {
					t.Fatalf("delivered (-want +got):\n%s", diff)
				}
			},
		},
		{
			// A record that fails to load stays listed while another message is kept,
			// and the discard deletes it.
			name: "record not read",
			end: func(t *testing.T, r *secretRelay, id int32, held []heldPush) {
				b := r.parties[1]
				b.m.handle(ctx, held[3].up)
				if err := b.m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			// The index fails to load: a message kept meanwhile keeps the numbers it listed,
			// and the discard deletes them.
			name: "index not read",
			end: func(t *testing.T, r *secretRelay, id int32, held []heldPush) {
				b := r.parties[1]
				b.m.handle(ctx, held[3].up)
				if err := b.m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			live := trackStore(r.parties[1], nil)
			id := r.open(t)
			held := r.sendHeld(t, id, "1", "2", "3", "4")
			second := outOf(t, r, id, held[1])
			b := r.parties[1]
			base := b.m.store
			if tt.fault != nil {
				b.m.store = tt.fault(base)
			}
			b.m.handle(ctx, held[1].up)
			b.m.handle(ctx, held[2].up)
			if tt.step != nil {
				tt.step(t, r, id, held)
			}
			b = r.restart(1)
			trackStore(b, live)
			switch tt.name { // the load fails once, as a storage that is briefly away
			case "record not read":
				b.m.store = &failingStore{secretStore: b.m.store, load: secretGapKey(id, second)}
			case "index not read":
				b.m.store = &failingStore{secretStore: b.m.store, load: secretRecordKey(id)}
			}
			if _, ok := b.m.get(ctx, id); !ok {
				t.Fatal("chat lost")
			}
			if tt.end != nil {
				tt.end(t, r, id, held)
			}
			if left := live.of(secretGapNS, id); len(left) != 0 {
				t.Fatalf("records left: %v", left)
			}
		})
	}
}

// TestSecretGapAskAfterRestart: which resend requests were sent for a gap is not stored; a
// chat loaded with kept messages asks once, deliberately, for the ones missing before them
// (the request of the process that kept them may never have gone out: a job cut by the
// stop). Before the fix nothing asked after a restart until a later message showed the gap
// again. A chat asks once per load, and a later message after the same gap does not ask
// again.
func TestSecretGapAskAfterRestart(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a := r.parties[0]
	for round, texts := range [][]string{{"1", "2", "3"}, {"4", "5", "6", "7"}} {
		held := r.sendHeld(t, id, texts...)
		b := r.parties[1]
		b.m.handle(ctx, held[1].up)
		b.m.handle(ctx, held[2].up) // its resend request job is cut by the restart
		b = r.restart(1)
		for range 2 { // loaded once
			if _, ok := b.m.get(ctx, id); !ok {
				t.Fatal("chat lost")
			}
		}
		if len(held) > 3 {
			b.m.handle(ctx, held[3].up) // after the same gap
		}
		r.runJobs()
		if diff := cmp.Diff(texts, secretTexts(b.events())); diff != "" {
			t.Fatalf("round %d: delivered (-want +got):\n%s", round, diff)
		}
		if n := resendRequests(a); n != round+1 {
			t.Fatalf("round %d: %d resend requests reached A, want %d", round, n, round+1)
		}
	}
}

// TestSecretGapAskFailed: a resend request whose send fails is asked again at the next
// message after the gap, or at the next check of the chats (checkChats, at Connect and on
// the hourly timer). Before the fix its numbers counted as asked: the gap never filled.
func TestSecretGapAskFailed(t *testing.T) {
	ctx := context.Background()
	for _, next := range []string{"message", "check"} {
		t.Run(next, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			held := r.sendHeld(t, id, "1", "2", "3")
			b := r.parties[1]
			b.m.handle(ctx, held[1].up)
			r.failService = 1
			r.runJobs()
			if next == "check" {
				b.m.checkChats(ctx)
			} else {
				b.m.handle(ctx, held[2].up)
			}
			r.runJobs()
			b.m.handle(ctx, held[2].up) // in order now, or a duplicate
			// A asked B again for its failed request too (the number it took).
			texts := slices.DeleteFunc(secretTexts(b.events()), func(s string) bool { return strings.HasPrefix(s, "action ") })
			if diff := cmp.Diff([]string{"1", "2", "3"}, texts); diff != "" {
				t.Fatalf("delivered (-want +got):\n%s\nlog: %s", diff, b.log)
			}
		})
	}
}

// sendHeld makes party 0 send texts to chat id and returns their updates for party 1, held.
func (r *secretRelay) sendHeld(t *testing.T, id int32, texts ...string) []heldPush {
	t.Helper()
	r.hold = true
	for _, s := range texts {
		if _, err := r.parties[0].m.sendText(context.Background(), id, randomID(), s); err != nil {
			t.Fatal(err)
		}
	}
	held := r.held
	r.hold, r.held = false, nil
	return held
}

// outOf returns the out_seq_no of message h, held for party 1 in chat id.
func outOf(t *testing.T, r *secretRelay, id int32, h heldPush) int32 {
	t.Helper()
	msg := h.up.(*tg.UpdateNewEncryptedMessage).Message.(*tg.EncryptedMessage)
	l, err := r.parties[1].m.decrypt(context.Background(), id, msg.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return l.OutSeqNo
}

// resendRequests counts the resend requests that reached party p's handlers.
func resendRequests(p *secretParty) int {
	n := 0
	for _, e := range p.events() {
		if m, ok := e.(*types.SecretMessage); ok {
			if _, ok := m.Action.(*e2e.DecryptedMessageActionResend); ok {
				n++
			}
		}
	}
	return n
}

// liveStore passes the records to the storage and lists, by namespace, the keys written
// through it and not deleted since.
type liveStore struct {
	secretStore
	keys map[string]map[string]bool
}

// trackStore makes party p's manager write through a liveStore with keys (new when nil) and
// returns it.
func trackStore(p *secretParty, l *liveStore) *liveStore {
	if l == nil {
		l = &liveStore{keys: map[string]map[string]bool{}}
	}
	l.secretStore = p.m.store
	p.m.store = l
	return l
}

func (l *liveStore) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	err := l.secretStore.SaveRecord(ctx, ns, key, value)
	if err == nil {
		if l.keys[ns] == nil {
			l.keys[ns] = map[string]bool{}
		}
		l.keys[ns][key] = true
	}
	return err
}

func (l *liveStore) DeleteRecord(ctx context.Context, ns, key string) error {
	err := l.secretStore.DeleteRecord(ctx, ns, key)
	if err == nil {
		delete(l.keys[ns], key)
	}
	return err
}

// of returns the keys of chat id ("<id>" and "<id>.<n>") stored in namespace ns, sorted.
func (l *liveStore) of(ns string, id int32) []string {
	var out []string
	for k := range l.keys[ns] {
		if k == secretRecordKey(id) || strings.HasPrefix(k, secretRecordKey(id)+".") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// failingStore fails every delete in namespace deletes, the first load of key load, and
// every write of key save.
type failingStore struct {
	secretStore
	deletes, load, save string
}

func (f *failingStore) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	if key == f.save {
		return fmt.Errorf("storage away")
	}
	return f.secretStore.SaveRecord(ctx, ns, key, value)
}

func (f *failingStore) DeleteRecord(ctx context.Context, ns, key string) error {
	if ns == f.deletes {
		return fmt.Errorf("storage away")
	}
	return f.secretStore.DeleteRecord(ctx, ns, key)
}

func (f *failingStore) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	if ns == secretGapNS && key == f.load {
		f.load = ""
		return nil, false, fmt.Errorf("storage away")
	}
	return f.secretStore.LoadRecord(ctx, ns, key)
}

// TestSecretGapDiscardedLoadReads: loading a discarded chat that left nothing stored only
// reads (the sweeps of its kept and sent messages find none): a lookup writes nothing.
func TestSecretGapDiscardedLoadReads(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	r.exchangeTexts(t, id, "a", "b")
	if err := r.parties[1].m.discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	for i := range r.parties {
		p := r.restart(i)
		st := &stoppingStore{secretStore: p.m.store}
		p.m.store = st
		if c, ok := p.m.get(ctx, id); !ok || c.State != types.SecretChatDiscarded {
			t.Fatalf("party %d: chat %+v, want discarded", i, c)
		}
		if st.stopped {
			t.Fatalf("party %d: loading the discarded chat wrote", i)
		}
	}
}

// TestSecretGapIndexDamaged: the index of a chat's kept messages is damaged in the storage.
// The records it listed are found again (the storage cannot list keys: the numbers near the
// next one expected are read), delivered when the gap fills, or deleted by a discard; none
// is lost, none left stored. Before the fix a damaged index read as listing nothing: the
// kept messages were never delivered, and the index written next (or the discard's delete)
// left their records where nothing finds them.
func TestSecretGapIndexDamaged(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name             string
		discard, failing bool // failing: a read fails while the records are looked for
	}{{name: "deliver"}, {name: "discard", discard: true}, {name: "read failed", failing: true}} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			live := trackStore(r.parties[1], nil)
			id := r.open(t)
			held := r.sendHeld(t, id, "1", "2", "3", "4", "5")
			third := outOf(t, r, id, held[2])
			b := r.parties[1]
			b.m.handle(ctx, held[1].up)
			b.m.handle(ctx, held[2].up)
			if err := b.store.SaveRecord(ctx, secretGapNS, secretRecordKey(id), []byte{secretGapV1, 1, 2}); err != nil {
				t.Fatal(err)
			}
			b = r.restart(1)
			trackStore(b, live)
			if tt.failing { // the damaged index stays, and is read again before it is written
				b.m.store = &failingStore{secretStore: b.m.store, load: secretGapKey(id, third)}
			}
			if _, ok := b.m.get(ctx, id); !ok {
				t.Fatal("chat lost")
			}
			b.m.handle(ctx, held[4].up) // kept too: the index written now lists all three
			if tt.discard {
				if err := b.m.discard(ctx, id, false); err != nil {
					t.Fatal(err)
				}
			} else {
				b.m.handle(ctx, held[0].up)
				b.m.handle(ctx, held[3].up)
				if diff := cmp.Diff([]string{"1", "2", "3", "4", "5"}, secretTexts(b.events())); diff != "" {
					t.Fatalf("delivered (-want +got):\n%s", diff)
				}
			}
			if left := live.of(secretGapNS, id); len(left) != 0 {
				t.Fatalf("records left: %v", left)
			}
			if !strings.Contains(b.log.String(), "index damaged") {
				t.Fatalf("damage not logged:\n%s", b.log)
			}
		})
	}
}

// TestSecretGapFarAhead: a peer whose numbers jump (hostile, or broken) sends 100 messages
// far ahead of the next one expected, then its real ones, the first of which is late. The
// far ones are dropped, not kept (nothing stored), and the real ones are kept and asked for
// as ever: both delivered. Before the fix the far ones took the 100 kept slots for good, the
// real second message found none, and the resend request sent for the first far one covered
// every number below it (and was refused by the peer), so no request asked for the real gap.
func TestSecretGapFarAhead(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	live := trackStore(b, nil)
	s := a.m.chats[id]
	st := s.seq.State()
	far := st
	far.Sent += 5000
	var err error
	if s.seq, err = secretchat.NewSeq(s.role, far); err != nil {
		t.Fatal(err)
	}
	junk := make([]string, maxSecretPending)
	for i := range junk {
		junk[i] = fmt.Sprint("far ", i)
	}
	jumped := r.sendHeld(t, id, junk...)
	if s.seq, err = secretchat.NewSeq(s.role, st); err != nil {
		t.Fatal(err)
	}
	held := r.sendHeld(t, id, "1", "2")
	for _, h := range jumped {
		b.m.handle(ctx, h.up)
	}
	b.m.handle(ctx, held[1].up)
	r.runJobs()
	b.m.handle(ctx, held[0].up) // in order, or a duplicate once the resend brought it
	texts := slices.DeleteFunc(secretTexts(b.events()), func(s string) bool { return strings.HasPrefix(s, "action ") })
	if diff := cmp.Diff([]string{"1", "2"}, texts); diff != "" {
		t.Fatalf("delivered (-want +got):\n%s", diff)
	}
	if n := len(b.m.chats[id].pending); n != 0 {
		t.Fatalf("%d messages still kept", n)
	}
	if left := live.of(secretGapNS, id); len(left) != 0 {
		t.Fatalf("records left: %v", left)
	}
	if !strings.Contains(b.log.String(), "too far ahead") {
		t.Fatalf("drop not logged:\n%s", b.log)
	}
}

// TestSecretGapFarAheadHonest: an honest peer's last message arrives first, more than
// secretGapAhead past the next number expected (101 messages before it missing): it is
// dropped and the window after the last delivered message is asked for. Once that window
// has come, the rest up to the dropped message must be asked for too, though the peer sends
// nothing more: else the dropped message, which the update engine has counted, is lost.
// "restart": the process stops right after the drop (its resend request job cut): the chat
// record keeps the farthest number dropped, and the load asks on toward it. Before that fix
// it lived in memory only, and nothing asked until the peer wrote again.
func TestSecretGapFarAheadHonest(t *testing.T) {
	ctx := context.Background()
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprint("restart ", restart), func(t *testing.T) {
			r := newSecretRelay(t)
			for _, p := range r.parties { // no re-keying: its messages would be held among the texts
				p.m.policy.Messages = 10 * maxSecretPending
			}
			id := r.open(t)
			b := r.parties[1]
			want := make([]string, maxSecretPending+2)
			for i := range want {
				want[i] = fmt.Sprint(i + 1)
			}
			held := r.sendHeld(t, id, want...)
			b.m.handle(ctx, held[len(held)-1].up) // far ahead: dropped, the next 100 asked for
			if restart {
				b = r.restart(1)
				b.m.policy.Messages = 10 * maxSecretPending
				if _, ok := b.m.get(ctx, id); !ok {
					t.Fatal("chat lost")
				}
			}
			b.m.handle(ctx, held[0].up) // the peer keeps its last 100 only: these come late
			b.m.handle(ctx, held[1].up)
			r.runJobs()
			texts := slices.DeleteFunc(secretTexts(b.events()), func(s string) bool { return strings.HasPrefix(s, "action ") })
			if diff := cmp.Diff(want, texts); diff != "" {
				t.Fatalf("delivered (-want +got):\n%s", diff)
			}
			if !restart && !strings.Contains(b.log.String(), "too far ahead") {
				t.Fatalf("drop not logged:\n%s", b.log)
			}
			if s := b.stored(t, id); s.farAhead != 0 {
				t.Fatalf("stored farAhead %d once every message came, want 0", s.farAhead)
			}
		})
	}
}

// TestSecretGapOnlyLost: after a restart the one kept message's record fails to load (the
// storage briefly away), so the chat keeps nothing in memory and only lists it. When the
// gap before it fills, it is read back and delivered: not left for a restart while the
// peer's next messages wait behind it.
func TestSecretGapOnlyLost(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	live := trackStore(r.parties[1], nil)
	id := r.open(t)
	held := r.sendHeld(t, id, "1", "2")
	second := outOf(t, r, id, held[1])
	b := r.parties[1]
	b.m.handle(ctx, held[1].up)
	b = r.restart(1)
	trackStore(b, live)
	b.m.store = &failingStore{secretStore: b.m.store, load: secretGapKey(id, second)}
	if _, ok := b.m.get(ctx, id); !ok {
		t.Fatal("chat lost")
	}
	b.m.handle(ctx, held[0].up)
	if diff := cmp.Diff([]string{"1", "2"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("delivered (-want +got):\n%s", diff)
	}
	if left := live.of(secretGapNS, id); len(left) != 0 {
		t.Fatalf("records left: %v", left)
	}
}

// TestSecretGapLostAsks: after a restart every kept message's record fails to load (the
// storage briefly away), so the chat keeps none in memory and only lists them. The load asks
// the peer for the messages missing before the listed ones, as it does before kept ones:
// else nothing asks until the peer writes again, and the listed messages wait behind the gap.
func TestSecretGapLostAsks(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	live := trackStore(r.parties[1], nil)
	id := r.open(t)
	a := r.parties[0]
	held := r.sendHeld(t, id, "1", "2")
	second := outOf(t, r, id, held[1])
	b := r.parties[1]
	b.m.handle(ctx, held[1].up) // its resend request job is cut by the restart
	b = r.restart(1)
	trackStore(b, live)
	b.m.store = &failingStore{secretStore: b.m.store, load: secretGapKey(id, second)}
	if _, ok := b.m.get(ctx, id); !ok {
		t.Fatal("chat lost")
	}
	r.runJobs()
	if n := resendRequests(a); n != 1 {
		t.Fatalf("%d resend requests reached A, want 1", n)
	}
	if diff := cmp.Diff([]string{"1", "2"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("delivered (-want +got):\n%s", diff)
	}
	if left := live.of(secretGapNS, id); len(left) != 0 {
		t.Fatalf("records left: %v", left)
	}
}

// TestSecretRecordFarAhead: a ready chat's farAhead round-trips in its record (at 888, zero
// in a record written before it: such records load as ever), and a stored one the chat
// cannot be waiting for (below the next number expected, of this side's parity, in a
// discarded chat) is damage.
func TestSecretRecordFarAhead(t *testing.T) {
	s := testSecretChat(t)
	exp := s.seq.Expected()
	s.farAhead = exp + 2*secretGapAhead + 2
	b := encodeSecretRecord(s)
	got, err := decodeSecretRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.farAhead != s.farAhead {
		t.Fatalf("farAhead %d, want %d", got.farAhead, s.farAhead)
	}
	put := func(b []byte, far int32) []byte {
		x := bytes.Clone(b)
		binary.LittleEndian.PutUint32(x[secretRecordSizeV2:], uint32(far))
		return x
	}
	if got, err := decodeSecretRecord(put(b, 0)); err != nil || got.farAhead != 0 {
		t.Fatalf("a record without farAhead: %v, farAhead %d", err, got.farAhead)
	}
	d := testDiscardedChat(t)
	wantDamaged(t, []damagedRecord{
		{"this side's parity", put(b, s.farAhead+1)},
		{"negative", put(b, -2)},
		{"in a discarded chat", put(encodeSecretRecord(d), d.seq.Expected()+2)},
	}, nil)
}

// receivedTo returns p's chat id, set to have received n messages from its peer.
func receivedTo(t *testing.T, p *secretParty, id, n int32) *secretChat {
	t.Helper()
	s := p.m.chats[id]
	st := s.seq.State()
	st.Received = n
	var err error
	if s.seq, err = secretchat.NewSeq(s.role, st); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSecretGapProbeReach: how far a damaged index's records are looked for. The next
// number expected is 2000; a kept message's record is stored at off from it, and the index
// is damaged, either still naming the number (its version byte wrong) or not (cut). Found,
// a record below the next number expected is deleted on load (its message counted already),
// one above is kept for its turn. Within secretGapProbe either way a record is found; past
// it, only while the damaged index names it. The limit: one past the window that the
// damage cut from the index is not found and its record stays stored (the storage cannot
// list keys). Before the salvage, nothing past the window was found.
func TestSecretGapProbeReach(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name         string
		off          int32
		named, found bool
	}{
		{name: "below, in the window", off: -secretGapProbe, found: true},
		{name: "above, in the window", off: secretGapProbe, found: true},
		{name: "below, past the window, named", off: -secretGapProbe - 2, named: true, found: true},
		{name: "above, past the window, named", off: secretGapProbe + 2, named: true, found: true},
		{name: "below, past the window, cut", off: -secretGapProbe - 2},
		{name: "above, past the window, cut", off: secretGapProbe + 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			b := r.parties[1]
			s := receivedTo(t, b, id, 1000)
			b.m.saveLocked(ctx, s)
			out := s.seq.Expected() + tt.off
			layer := &e2e.DecryptedMessageLayer{RandomBytes: make([]byte, secretRandomBytes), Layer: 144, OutSeqNo: out,
				Message: &e2e.DecryptedMessage{RandomID: 1, Message: "kept"}}
			rec, err := encodeSecretGap(id, out, pendingSecret{layer: layer, file: &tg.EncryptedFileEmpty{}})
			if err != nil {
				t.Fatal(err)
			}
			index := []byte{secretGapV1, 1, 2}
			if tt.named {
				index = binary.LittleEndian.AppendUint32([]byte{9}, uint32(out))
			}
			for key, v := range map[string][]byte{secretGapKey(id, out): rec, secretRecordKey(id): index} {
				if err := b.store.SaveRecord(ctx, secretGapNS, key, v); err != nil {
					t.Fatal(err)
				}
			}
			b = r.restart(1)
			if _, ok := b.m.get(ctx, id); !ok {
				t.Fatal("chat lost")
			}
			_, kept := b.m.chats[id].pending[out]
			_, left, _ := b.store.LoadRecord(ctx, secretGapNS, secretGapKey(id, out))
			if found := kept || !left; found != tt.found || kept != (tt.found && tt.off > 0) {
				t.Fatalf("record at %+d: kept %v, left stored %v; want found %v", tt.off, kept, left, tt.found)
			}
		})
	}
}

// TestSecretGapListedFarAsksWindow: the index lists a number far past the window after the
// next one expected (a record kept before keeping was bounded, a damaged index's salvage,
// or damage), whose record fails to load. The load asks for the window only, then on
// toward it as each fills (askFarLocked): one request up to it would span more than a peer
// resends (resendLocked refuses it), and the real gap before it would never be asked again.
func TestSecretGapListedFarAsksWindow(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	held := r.sendHeld(t, id, "1", "2")
	second := outOf(t, r, id, held[1])
	far := second + 10*secretGapAhead
	b := r.parties[1]
	b.m.handle(ctx, held[1].up) // its resend request job is cut by the restart
	if err := b.m.store.SaveRecord(ctx, secretGapNS, secretRecordKey(id), encodeSecretGapIndex([]int32{second, far})); err != nil {
		t.Fatal(err)
	}
	b = r.restart(1)
	b.m.store = &failingStore{secretStore: b.m.store, load: secretGapKey(id, far)}
	if _, ok := b.m.get(ctx, id); !ok {
		t.Fatal("chat lost")
	}
	r.runJobs()
	if diff := cmp.Diff([]string{"1", "2"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("delivered (-want +got):\n%s", diff)
	}
}

// countingStore counts the reads of its storage.
type countingStore struct {
	secretStore
	reads int
}

func (c *countingStore) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	c.reads++
	return c.secretStore.LoadRecord(ctx, ns, key)
}

// TestSecretGapRebuiltSticks: a damaged index is rebuilt from as many records as its probe
// can find: every number of the peer's parity within secretGapProbe of the next one
// expected, either way, and maxSecretGapListed more past the window that the damaged index
// still names. The rebuilt index lists them all, and the next read takes it as written: one
// read, no probe. Before the fix an index of more than maxSecretGapListed numbers read as
// damaged, so each read of it probed again (~600 reads), and found only the numbers past
// the window that the first maxSecretGapListed words of the rebuilt index named. The
// rebuilt index damaged in turn is rebuilt with all it names.
func TestSecretGapRebuiltSticks(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	b := r.parties[1]
	b.m.mu.Lock()
	defer b.m.mu.Unlock()
	s := receivedTo(t, b, id, 1000)
	exp := s.seq.Expected()
	var want []int32
	damaged := []byte{9} // a wrong version: the words still name the numbers past the window
	for n := exp - secretGapProbe; n <= exp+secretGapProbe; n += 2 {
		want = append(want, n)
	}
	for i := range int32(maxSecretGapListed) {
		n := exp + secretGapProbe + 2 + 2*i
		want = append(want, n)
		damaged = binary.LittleEndian.AppendUint32(damaged, uint32(n))
	}
	for _, n := range want {
		if err := b.store.SaveRecord(ctx, secretGapNS, secretGapKey(id, n), []byte{secretGapV1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.store.SaveRecord(ctx, secretGapNS, secretRecordKey(id), damaged); err != nil {
		t.Fatal(err)
	}
	outs, _, err := b.m.gapIndexLocked(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Fatalf("rebuilt (-want +got):\n%s", diff)
	}
	cs := &countingStore{secretStore: b.m.store}
	b.m.store = cs
	if outs, _, err = b.m.gapIndexLocked(ctx, s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Fatalf("read again (-want +got):\n%s", diff)
	}
	if cs.reads != 1 {
		t.Fatalf("the rebuilt index read again in %d reads, want 1", cs.reads)
	}
	rebuilt, _, err := b.store.LoadRecord(ctx, secretGapNS, secretRecordKey(id))
	if err != nil {
		t.Fatal(err)
	}
	rebuilt[0] = 9 // damaged again: every number it lists is still named
	if err := b.store.SaveRecord(ctx, secretGapNS, secretRecordKey(id), rebuilt); err != nil {
		t.Fatal(err)
	}
	if outs, _, err = b.m.gapIndexLocked(ctx, s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, outs); diff != "" {
		t.Fatalf("rebuilt again (-want +got):\n%s", diff)
	}
}
