package mtgo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// restart replaces party i by a new manager over the same storage, as a new process.
func (r *secretRelay) restart(i int) *secretParty {
	r.parties[i] = r.newParty(i, r.parties[i].store)
	return r.parties[i]
}

// stored returns the chat as party p's storage holds it (nil when it holds none).
func (p *secretParty) stored(t *testing.T, id int32) *secretChat {
	t.Helper()
	b, ok, err := p.store.LoadRecord(context.Background(), secretRecordNS, secretRecordKey(id))
	if err != nil || !ok {
		return nil
	}
	s, err := decodeSecretRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// exchangeLeft reports that p's chat id still holds a part of the key exchange (the
// exponent or the peer's g_a).
func (p *secretParty) exchangeLeft(id int32) bool {
	p.m.mu.Lock()
	defer p.m.mu.Unlock()
	s := p.m.chats[id]
	return s.dh != nil || s.ga != nil
}

// ready checks that both parties hold chat id ready with one key and that text flows both
// ways; it returns the key's fingerprint.
func (r *secretRelay) ready(t *testing.T, id int32) int64 {
	t.Helper()
	ctx := context.Background()
	a, _ := r.parties[0].m.get(ctx, id)
	b, _ := r.parties[1].m.get(ctx, id)
	if a == nil || b == nil || a.State != types.SecretChatReady || b.State != types.SecretChatReady || a.KeyFingerprint != b.KeyFingerprint {
		t.Fatalf("chats %+v and %+v, want both ready on one key", a, b)
	}
	r.exchangeTexts(t, id, "from A", "from B")
	return a.KeyFingerprint
}

// TestSecretWaitingRestart: A restarts while its request waits; the peer's acceptance, coming
// while the new process runs or while none does (delivered on its return, as getDifference
// would, after B's first message), completes the key from the stored exponent, which is then
// wiped; the message that came first is delivered then.
func TestSecretWaitingRestart(t *testing.T) {
	ctx := context.Background()
	for _, down := range []bool{false, true} {
		t.Run(fmt.Sprint("acceptance while down: ", down), func(t *testing.T) {
			r := newSecretRelay(t)
			w := r.request(t)
			if st := r.parties[0].stored(t, w.ID); st == nil || st.state != types.SecretChatWaiting || st.dh == nil {
				t.Fatalf("stored waiting chat %+v", st)
			}
			r.holdTo = map[int]bool{0: down}
			if !down {
				r.restart(0)
			}
			if _, err := r.parties[1].m.accept(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
			a := r.parties[0]
			if down {
				if _, err := r.parties[1].m.sendText(ctx, w.ID, 1, "early"); err != nil {
					t.Fatal(err)
				}
				a = r.restart(0)
				r.held = append(r.held[1:], r.held[0]) // the messages first, in order; the acceptance last
				r.release(ctx)
				if diff := cmp.Diff([]string{"early"}, secretTexts(a.events())); diff != "" {
					t.Fatalf("message before the acceptance (-want +got):\n%s", diff)
				}
			}
			if a.exchangeLeft(w.ID) {
				t.Fatal("exponent kept after the key was made")
			}
			r.ready(t, w.ID)
			if st := a.stored(t, w.ID); st.state != types.SecretChatReady {
				t.Fatalf("stored state %v", st.state)
			}
			if n := len(a.m.unfinished); n != 0 {
				t.Fatalf("%d unfinished chats listed after completion", n)
			}
		})
	}
}

// TestSecretRequestedRestart: B restarts between the request and its answer; the request is
// not announced again (not even when the update comes again) and AcceptSecretChat works.
func TestSecretRequestedRestart(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	w := r.request(t)
	if n := len(r.parties[1].events()); n != 1 {
		t.Fatalf("%d events before the restart, want the request", n)
	}
	b := r.restart(1)
	b.m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: w.ID, AccessHash: 6, Date: 100, AdminID: 1, ParticipantID: 2, GA: r.ga}})
	if evs := b.events(); len(evs) != 0 {
		t.Fatalf("request announced again: %v", evs)
	}
	c, ok := b.m.get(ctx, w.ID)
	if !ok || c.State != types.SecretChatRequested || c.UserID != 1 || c.AccessHash != 6 || c.Date.Unix() != 100 || c.Originator {
		t.Fatalf("requested chat after the restart: %+v", c)
	}
	if _, err := b.m.accept(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if b.exchangeLeft(w.ID) {
		t.Fatal("g_a kept after accepting")
	}
	r.ready(t, w.ID)
}

// TestSecretUnfinishedDiscard: a waiting chat the peer declines, after a restart, is stored
// discarded and leaves the index.
func TestSecretUnfinishedDiscard(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	w := r.request(t)
	a := r.restart(0)
	if err := r.parties[1].m.discard(ctx, w.ID, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.m.get(ctx, w.ID); c.State != types.SecretChatDiscarded {
		t.Fatalf("state %v", c.State)
	}
	if n := len(a.m.unfinished); n != 0 {
		t.Fatalf("%d unfinished chats listed", n)
	}
	if st := r.restart(0).stored(t, w.ID); st.state != types.SecretChatDiscarded || st.dh != nil {
		t.Fatalf("stored %+v", st)
	}
}

// TestSecretUnfinishedBound: requests nobody accepts are kept up to maxSecretUnfinished, and
// for secretUnfinishedAge; the others are forgotten and discarded on the server. Waiting
// chats count apart.
func TestSecretUnfinishedBound(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	now := time.Unix(100+3600, 0) // the relay dates B's own request 100
	b := r.parties[1]
	b.m.now = func() time.Time { return now }
	requested := func(id int32, date time.Time) {
		b.m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: id, AccessHash: 1, Date: int32(date.Unix()), AdminID: 1, ParticipantID: 2, GA: []byte{2}}})
	}
	// B's own request, waiting: not dropped by the peers' requests.
	r.chatID = 5000
	if _, err := b.m.request(ctx, &tg.InputUser{UserID: 1}); err != nil {
		t.Fatal(err)
	}
	requested(1, now.Add(-8*24*time.Hour)) // past the age already
	for i := range int32(maxSecretUnfinished + 2) {
		requested(100+i, now.Add(time.Duration(i)*time.Second))
	}
	r.runJobs()
	gone := []int32{1, 100, 101} // the stale one, then the oldest two
	kept := []int32{102, 100 + maxSecretUnfinished + 1, 5000}
	b = r.restart(1)
	b.m.now = func() time.Time { return now }
	for _, id := range gone {
		if _, ok := b.m.get(ctx, id); ok {
			t.Errorf("chat %d kept", id)
		}
	}
	for _, id := range kept {
		if _, ok := b.m.get(ctx, id); !ok {
			t.Errorf("chat %d dropped", id)
		}
	}
	var discards int
	for _, c := range r.calls {
		if strings.HasPrefix(c, "1:*tg.MessagesDiscardEncryptionRequest") {
			discards++
		}
	}
	if discards != len(gone) {
		t.Fatalf("%d discards on the server, want %d", discards, len(gone))
	}
	b.m.mu.Lock()
	n := len(b.m.unfinishedLocked(ctx))
	b.m.mu.Unlock()
	if n != maxSecretUnfinished+1 {
		t.Fatalf("%d chats listed, want %d", n, maxSecretUnfinished+1)
	}
	// A week later the next request drops all the others, B's own too.
	now = now.Add(8 * 24 * time.Hour)
	requested(9000, now)
	b.m.mu.Lock()
	n = len(b.m.unfinished)
	b.m.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d chats listed a week later, want 1", n)
	}
}

func TestSecretIndex(t *testing.T) {
	idx := map[int32]unfinishedChat{-5: {1, types.SecretChatWaiting}, 7: {1 << 40, types.SecretChatRequested}}
	b := encodeSecretIndex(idx)
	got, err := decodeSecretIndex(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(idx, got, cmp.AllowUnexported(unfinishedChat{})); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	dup := append(bytes.Clone(b), b[1:1+secretIndexEntry]...)
	long := append([]byte{secretIndexV1}, make([]byte, secretIndexEntry*(2*maxSecretUnfinished+1))...)
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{2}, b[1:]...),
		"size":      b[:len(b)-1],
		"state":     append(bytes.Clone(b[:len(b)-1]), byte(types.SecretChatReady)),
		"duplicate": dup,
		"too many":  long,
	} {
		if _, err := decodeSecretIndex(bad); !errors.Is(err, errSecretRecord) {
			t.Errorf("%s: %v, want errSecretRecord", name, err)
		}
	}
}

// testUnfinishedChats returns a waiting chat (with its exponent) and a requested one.
func testUnfinishedChats(t testing.TB) (waiting, requested *secretChat) {
	params := secretchat.DHParams{G: 3, P: crypto.KnownDHPrime.Bytes()}
	rnd := bytes.Repeat([]byte{0x37}, secretchat.RandomSize)
	dh, err := secretchat.NewDH(params, rnd)
	if err != nil {
		t.Fatal(err)
	}
	waiting = &secretChat{id: 9, accessHash: 4, userID: 2, date: 1700000000, role: secretchat.Originator, state: types.SecretChatWaiting, dh: dh}
	requested = &secretChat{id: 10, accessHash: 5, userID: 1, date: 1700000001, role: secretchat.Responder, state: types.SecretChatRequested, ga: dh.Public()[1:]}
	return waiting, requested
}

// TestSecretRecordUnfinished: waiting and requested chats round-trip (the exponent makes the
// same public value, g_a the same number); one row per damage; the exponent never prints.
func TestSecretRecordUnfinished(t *testing.T) {
	waiting, requested := testUnfinishedChats(t)
	for _, s := range []*secretChat{waiting, requested} {
		b := encodeSecretRecord(s)
		got, err := decodeSecretRecord(b)
		if err != nil {
			t.Fatalf("%v: %v", s.state, err)
		}
		if diff := cmp.Diff(s.view(), got.view()); diff != "" {
			t.Fatalf("%v round trip (-want +got):\n%s", s.state, diff)
		}
		if s.dh != nil && !bytes.Equal(got.dh.Public(), s.dh.Public()) {
			t.Fatal("restored exponent makes another g_a")
		}
		if s.ga != nil && !bytes.Equal(bytes.TrimLeft(got.ga, "\x00"), s.ga) {
			t.Fatalf("g_a %x, want %x", got.ga, s.ga)
		}
	}
	exp := waiting.dh.State().Exponent
	if err := redact.Check(waiting, exp[:]); err != nil {
		t.Fatal(err)
	}
	w, q := encodeSecretRecord(waiting), encodeSecretRecord(requested)
	mutate := func(b []byte, i int, v byte) []byte {
		x := bytes.Clone(b)
		x[i] = v
		return x
	}
	tests := []damagedRecord{
		{"waiting in a version 2 record", mutate(w[:secretRecordSizeV2], 0, secretRecordV2)},
		{"waiting responder", mutate(w, 1, byte(secretchat.Responder))},
		{"requested originator", mutate(q, 1, byte(secretchat.Originator))},
		{"key bytes in a waiting chat", mutate(w, 100, 1)},
		{"fingerprint in a requested chat", mutate(q, 40, 1)},
		{"zero exponent", append(bytes.Clone(w[:1148]), make([]byte, 256)...)},
		{"generator", mutate(w, 888, 9)},
		{"prime", mutate(w, 1147, w[1147]^2)},
		{"DH bytes in a requested chat", mutate(q, 900, 1)},
		{"state", mutate(w, 2, 9)},
	}
	wantDamaged(t, tests, exp[:])
}

// A version 2 record (before unfinished chats were stored) still loads, ready or discarded.
func TestSecretRecordV2(t *testing.T) {
	s := testSecretChat(t)
	gone := &secretChat{id: 2, role: secretchat.Responder, state: types.SecretChatDiscarded, fingerprint: 5, visual: [36]byte{1}}
	gone.seq, _ = secretchat.NewSeq(secretchat.Responder, secretchat.SeqState{})
	for _, c := range []*secretChat{s, gone} {
		got, err := decodeSecretRecord(asVersion(c, secretRecordV2))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.view(), got.view()); diff != "" || got.visual != c.visual {
			t.Fatalf("v2 (-want +got):\n%s", diff)
		}
		if c.keys != nil {
			if diff := cmp.Diff(c.keys.State(), got.keys.State()); diff != "" {
				t.Fatalf("v2 keys (-want +got):\n%s", diff)
			}
		}
	}
}

func FuzzSecretIndex(f *testing.F) {
	f.Add(encodeSecretIndex(map[int32]unfinishedChat{1: {2, types.SecretChatWaiting}}))
	f.Add([]byte{secretIndexV1})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := decodeSecretIndex(b)
		if err != nil {
			return
		}
		again, err := decodeSecretIndex(encodeSecretIndex(idx))
		if err != nil || len(again) != len(idx) {
			t.Fatalf("re-encoded index: %v", err)
		}
	})
}

// TestSecretRecordNotice: whether this side's layer notice went out survives a restart, and
// records written before it was stored still load: they owe it only while they count no
// message sent.
func TestSecretRecordNotice(t *testing.T) {
	tests := []struct {
		name string
		told bool
		b    func(s *secretChat) []byte
		want bool
	}{
		{"told", true, encodeSecretRecord, true},
		{"sealed, not sent", false, encodeSecretRecord, false},
		{"version 3 without the flag", false, func(s *secretChat) []byte {
			b := encodeSecretRecord(s)
			b[364] &^= secretFlagOwed
			return b
		}, true},
		{"version 2", false, func(s *secretChat) []byte {
			b := asVersion(s, secretRecordV2)
			b[364] &^= secretFlagOwed // its writer knew no such flag
			return b
		}, true},
		{"version 1", false, func(s *secretChat) []byte { return asVersion(s, secretRecordV1) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSecretChat(t) // one message sent
			s.told = tt.told
			got, err := decodeSecretRecord(tt.b(s))
			if err != nil {
				t.Fatal(err)
			}
			if got.told != tt.want {
				t.Fatalf("told %v, want %v", got.told, tt.want)
			}
		})
	}
	s := testSecretChat(t)
	s.seq, _ = secretchat.NewSeq(s.role, secretchat.SeqState{})
	s.keys, _ = secretchat.NewKeys(s.role, *s.keys.Key(), time.Unix(1700000100, 0))
	if got, err := decodeSecretRecord(encodeSecretRecord(s)); err != nil || got.told || !got.owesNotice() {
		t.Fatalf("nothing sent: told %v, err %v", got.told, err)
	}
}
