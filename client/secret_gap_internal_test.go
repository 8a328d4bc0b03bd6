package mtgo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
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
			r.hold = true
			for _, s := range []string{"1", "2", "3"} {
				if _, err := r.parties[0].m.sendText(ctx, id, randomID(), s); err != nil {
					t.Fatal(err)
				}
			}
			held := r.held
			r.hold, r.held = false, nil
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
