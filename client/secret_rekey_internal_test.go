package mtgo

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// keyState is what the tests look at in a party's chat: the fingerprint in use, the
// re-keying phase and whether an old key is kept.
type keyState struct {
	FP    int64
	Phase secretchat.Phase
	Prev  bool
}

func (p *secretParty) keyState(t *testing.T, id int32) keyState {
	t.Helper()
	p.m.mu.Lock()
	defer p.m.mu.Unlock()
	s := p.m.chats[id]
	if s == nil || s.keys == nil {
		t.Fatalf("chat %d has no keys", id)
	}
	st := s.keys.State()
	return keyState{FP: s.keys.Fingerprint(), Phase: st.Phase, Prev: st.Previous != nil}
}

// settled checks that both parties share one key other than old, with nothing in flight,
// and that no re-keying message reached a handler.
func (r *secretRelay) settled(t *testing.T, id int32, old int64) int64 {
	t.Helper()
	a, b := r.parties[0].keyState(t, id), r.parties[1].keyState(t, id)
	if a != b || a.FP == old || a.Phase != secretchat.PhaseIdle || a.Prev {
		t.Fatalf("after re-keying: A %+v, B %+v (old fingerprint %d)", a, b, old)
	}
	for i, p := range r.parties {
		for _, e := range p.events() {
			if m, ok := e.(*types.SecretMessage); ok && m.Action != nil && secretchat.IsRekey(m.Action) {
				t.Fatalf("party %d's handlers got %T", i, m.Action)
			}
		}
		if c, _ := p.m.get(context.Background(), id); c.KeyFingerprint != a.FP {
			t.Fatalf("party %d shows fingerprint %d, uses %d", i, c.KeyFingerprint, a.FP)
		}
	}
	return a.FP
}

// exchangeTexts sends one text each way and checks both arrive.
func (r *secretRelay) exchangeTexts(t *testing.T, id int32, texts ...string) {
	t.Helper()
	ctx := context.Background()
	for i, p := range r.parties {
		before := len(secretTexts(r.parties[1-i].events()))
		if _, err := p.m.sendText(ctx, id, randomID(), texts[i]); err != nil {
			t.Fatal(err)
		}
		r.runJobs()
		got := secretTexts(r.parties[1-i].events())
		if len(got) != before+1 || got[before] != texts[i] {
			t.Fatalf("party %d got %q, want %q last", 1-i, got, texts[i])
		}
	}
}

// TestSecretRekeyByHand: either party starts by hand; the four steps and the Noop run, both
// switch to one new key, the handlers see none of it, and the chat goes on.
func TestSecretRekeyByHand(t *testing.T) {
	ctx := context.Background()
	for _, from := range []int{0, 1} {
		r := newSecretRelay(t)
		id := r.open(t)
		old := r.parties[0].keyState(t, id).FP
		r.exchangeTexts(t, id, "a1", "b1")
		if err := r.parties[from].m.rekey(ctx, id); err != nil {
			t.Fatal(err)
		}
		// The request is out; both sides are busy until the exchange completes.
		for i, p := range r.parties {
			if err := p.m.rekey(ctx, id); !errors.Is(err, ErrSecretRekeyBusy) {
				t.Fatalf("from %d: party %d's second start: %v, want ErrSecretRekeyBusy", from, i, err)
			}
		}
		r.runJobs()
		r.settled(t, id, old)
		r.exchangeTexts(t, id, "a2", "b2")
		if diff := cmp.Diff([]string{"b1", "b2"}, secretTexts(r.parties[0].events())); diff != "" {
			t.Fatalf("A's messages (-want +got):\n%s", diff)
		}
	}
}

func TestSecretRekeyErrors(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a := r.parties[0]
	if err := a.m.rekey(ctx, 404); !errors.Is(err, ErrSecretChatNotFound) {
		t.Fatalf("unknown chat: %v", err)
	}
	w, err := a.m.request(ctx, &tg.InputUser{UserID: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.m.rekey(ctx, w.ID); !errors.Is(err, ErrSecretChatState) {
		t.Fatalf("waiting chat: %v", err)
	}
	// A ready chat, on a relay of its own (a relay's chats all have one id: another request
	// here would discard the waiting chat, failing with ErrSecretChatState for that reason).
	r = newSecretRelay(t)
	a = r.parties[0]
	id := r.open(t)
	a.m.mu.Lock()
	if s := a.m.chats[id]; s.state != types.SecretChatReady {
		t.Fatalf("chat %d is %v, want ready", id, s.state)
	}
	a.m.chats[id].layer = 17 // the peer announced a layer without re-keying
	a.m.mu.Unlock()
	// Older than secretchat.MinLayer too: ErrSecretLayer, as for every such peer.
	if err := a.m.rekey(ctx, id); !errors.Is(err, ErrSecretChatState) || !errors.Is(err, ErrSecretLayer) {
		t.Fatalf("peer on layer 17: %v, want ErrSecretChatState and ErrSecretLayer", err)
	}
}

// TestSecretRekeyOldKeyLate: a message B sealed under the old key (after its AcceptKey,
// before the CommitKey reached it) reaches A after B's first message under the new key: A
// still opens it with the old key, delivers both in order, and only then drops the old key.
func TestSecretRekeyOldKeyLate(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	old := a.keyState(t, id).FP
	if err := a.m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.holdTo = map[int]bool{1: true} // A's CommitKey waits
	r.runJobs()
	if st := a.keyState(t, id); st.Phase != secretchat.PhaseCommitted || !st.Prev || st.FP == old {
		t.Fatalf("A after committing: %+v", st)
	}
	sealed, _, err := b.m.encrypt(ctx, id, 77, &e2e.DecryptedMessage{RandomID: 77, Message: "sealed before"})
	if err != nil {
		t.Fatal(err)
	}
	peer, late := sealed.peer, sealed.data
	r.holdTo = map[int]bool{0: true} // B's Noop waits
	for _, h := range r.held {
		b.m.handle(ctx, h.up)
	}
	r.held = nil
	r.runJobs()
	if len(r.held) != 1 {
		t.Fatalf("%d pushes to A, want B's Noop", len(r.held))
	}
	a.m.handle(ctx, r.held[0].up) // under the new key, after a gap
	if st := a.keyState(t, id); st.Phase != secretchat.PhaseCommitted || !st.Prev {
		t.Fatalf("A dropped the old key with a message under it missing: %+v", st)
	}
	a.m.handle(ctx, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{ChatID: peer.ChatID, Date: 300, Bytes: late, File: &tg.EncryptedFileEmpty{}}})
	r.holdTo, r.held = nil, nil
	r.runJobs()
	if diff := cmp.Diff([]string{"sealed before"}, secretTexts(a.events())); diff != "" {
		t.Fatalf("A's messages (-want +got):\n%s", diff)
	}
	r.settled(t, id, old)
	r.exchangeTexts(t, id, "a", "b")
}

// TestSecretRekeyCommitOvertaken: A's first message under the new key reaches B before the
// CommitKey: B switches on it, answers under the new key, and delivers both in order.
func TestSecretRekeyCommitOvertaken(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	old := a.keyState(t, id).FP
	if err := a.m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	// B's AcceptKey reaches A; A's CommitKey and next message wait.
	r.holdTo = map[int]bool{1: true}
	r.runJobs()
	if _, err := a.m.sendText(ctx, id, 5, "new key"); err != nil {
		t.Fatal(err)
	}
	r.holdTo = nil
	held := r.held
	r.held = nil
	if len(held) != 2 {
		t.Fatalf("%d held pushes, want CommitKey and the text", len(held))
	}
	b.m.handle(ctx, held[1].up) // the text first
	if st := b.keyState(t, id); st.FP == old || !st.Prev {
		t.Fatalf("B after the overtaking message: %+v", st)
	}
	b.m.handle(ctx, held[0].up)
	r.runJobs()
	if diff := cmp.Diff([]string{"new key"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("B's messages (-want +got):\n%s", diff)
	}
	r.settled(t, id, old)
}

// TestSecretRekeySimultaneous: both parties start before either sees the other's request;
// the larger exchange_id wins on both sides and they end with one new key.
func TestSecretRekeySimultaneous(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	old := r.parties[0].keyState(t, id).FP
	r.hold = true
	for _, p := range r.parties {
		if err := p.m.rekey(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	r.release(ctx)
	r.runJobs()
	r.settled(t, id, old)
	r.exchangeTexts(t, id, "a", "b")
}

// TestSecretRekeyAuto: with the threshold lowered, crossing it starts re-keying by itself,
// once; the new key's counters start from zero.
func TestSecretRekeyAuto(t *testing.T) {
	r := newSecretRelay(t)
	id := r.open(t)
	r.parties[0].m.policy = secretchat.Policy{Messages: 5}
	old := r.parties[0].keyState(t, id).FP
	r.exchangeTexts(t, id, "a1", "b1") // 4 messages under the key: the two layers told, two texts
	if st := r.parties[0].keyState(t, id); st.FP != old {
		t.Fatalf("re-keyed before the threshold: %+v", st)
	}
	r.exchangeTexts(t, id, "a2", "b2") // 6: over the line
	fp := r.settled(t, id, old)
	r.parties[0].m.mu.Lock()
	u := r.parties[0].m.chats[id].keys.Usage()
	r.parties[0].m.mu.Unlock()
	if u.Messages > 3 {
		t.Fatalf("usage of the new key %+v", u)
	}
	r.exchangeTexts(t, id, "a3", "b3")
	r.exchangeTexts(t, id, "a4", "b4")
	r.exchangeTexts(t, id, "a5", "b5")
	r.settled(t, id, fp) // and again for the next key
}

// TestSecretRekeyRestart: a restart after the switch keeps the new key; a restart with a
// request in flight aborts it, and the peer, released, takes the next one.
func TestSecretRekeyRestart(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	old := r.parties[0].keyState(t, id).FP
	if err := r.parties[0].m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	fp := r.settled(t, id, old)
	r.parties[0] = r.newParty(0, r.parties[0].store)
	r.exchangeTexts(t, id, "a", "b")
	if st := r.parties[0].keyState(t, id); st.FP != fp {
		t.Fatalf("after restart: %+v, want fingerprint %d", st, fp)
	}

	// A asks, then restarts before B sees the request.
	r.hold = true
	if err := r.parties[0].m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.parties[0] = r.newParty(0, r.parties[0].store)
	if _, ok := r.parties[0].m.get(ctx, id); !ok { // loads the chat, posts the abort
		t.Fatal("chat lost on restart")
	}
	r.runJobs()
	r.release(ctx)
	r.runJobs()
	for i, p := range r.parties {
		if st := p.keyState(t, id); st.FP != fp || st.Phase != secretchat.PhaseIdle {
			t.Fatalf("party %d after the aborted exchange: %+v", i, st)
		}
	}
	if err := r.parties[0].m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	r.settled(t, id, fp)
	r.exchangeTexts(t, id, "a2", "b2")
}

// TestSecretRekeyBadPeer: an AcceptKey whose g_b fails the checks ends the exchange and, as
// the docs recommend, the chat; nothing secret is logged.
func TestSecretRekeyBadPeer(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	r.hold = true
	if err := a.m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.hold, r.held = false, nil
	a.m.mu.Lock()
	exchange := a.m.chats[id].keys.Exchange()
	key := *a.m.chats[id].keys.Key()
	a.m.mu.Unlock()
	bad := &e2e.DecryptedMessageService{RandomID: 3, Action: &e2e.DecryptedMessageActionAcceptKey{ExchangeID: exchange, GB: []byte{2}, KeyFingerprint: 1}}
	sealed, _, err := b.m.encrypt(ctx, id, 3, bad)
	if err != nil {
		t.Fatal(err)
	}
	peer, data := sealed.peer, sealed.data
	a.m.handle(ctx, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessageService{ChatID: peer.ChatID, Bytes: data}})
	r.runJobs()
	for i, p := range r.parties {
		if c, _ := p.m.get(ctx, id); c.State != types.SecretChatDiscarded {
			t.Fatalf("party %d: chat %v after a bad AcceptKey", i, c.State)
		}
	}
	if !strings.Contains(a.log.String(), "re-keying failed") {
		t.Fatalf("not logged: %q", a.log.String())
	}
	if form, leaked := redact.Leak(a.log.String(), key.Value[:]); leaked {
		t.Fatalf("key in the log (%s)", form)
	}
}

// TestSecretRekeyUnanswered: A's request never reaches B; past Policy.Wait, the next message
// A sends gives it up (AbortKey), and RekeySecretChat gives up the next one too before
// starting a third. Once B gets everything in order, the last exchange completes.
func TestSecretRekeyUnanswered(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	now := time.Unix(1_800_000_000, 0)
	for _, p := range r.parties {
		p.m.now = func() time.Time { return now }
	}
	id := r.open(t)
	a := r.parties[0]
	old := a.keyState(t, id).FP
	r.holdTo = map[int]bool{1: true}
	if err := a.m.rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		after time.Duration
		phase secretchat.Phase
	}{
		{23 * time.Hour, secretchat.PhaseRequested}, // within the day: still waiting
		{2 * time.Hour, secretchat.PhaseIdle},       // 25 hours: given up
	}
	for _, s := range steps {
		now = now.Add(s.after)
		if _, err := a.m.sendText(ctx, id, randomID(), "ping"); err != nil {
			t.Fatal(err)
		}
		if st := a.keyState(t, id); st.Phase != s.phase || st.FP != old {
			t.Fatalf("after %v more: %+v, want phase %v", s.after, st, s.phase)
		}
	}
	if !strings.Contains(a.log.String(), "unanswered") {
		t.Fatalf("abort not logged: %q", a.log.String())
	}
	if err := a.m.rekey(ctx, id); err != nil { // a new request goes out
		t.Fatal(err)
	}
	now = now.Add(25 * time.Hour)
	if err := a.m.rekey(ctx, id); err != nil { // gives up the second, starts a third
		t.Fatalf("start after the limit: %v", err)
	}
	r.runJobs()
	r.release(ctx)
	r.runJobs()
	r.settled(t, id, old)
	r.exchangeTexts(t, id, "a", "b")
}

// TestSecretRekeyPolicyDefaults: each zero field of Config.SecretRekey takes
// secretchat.DefaultPolicy's value; the others are kept.
func TestSecretRekeyPolicyDefaults(t *testing.T) {
	d := secretchat.DefaultPolicy
	for _, tt := range []struct{ in, want secretchat.Policy }{
		{secretchat.Policy{}, d},
		{secretchat.Policy{Messages: 10}, secretchat.Policy{Messages: 10, Age: d.Age, Wait: d.Wait}},
		{secretchat.Policy{Age: time.Hour, Wait: time.Minute}, secretchat.Policy{Messages: d.Messages, Age: time.Hour, Wait: time.Minute}},
	} {
		if got := secretRekeyPolicy(tt.in); got != tt.want {
			t.Errorf("secretRekeyPolicy(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
