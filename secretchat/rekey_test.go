package secretchat

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// newTestDH returns a DH half over the published prime from a deterministic seed.
func newTestDH(t testing.TB, seed uint64) *DH {
	t.Helper()
	rnd := make([]byte, RandomSize)
	_, _ = crypto.NewDeterministicReader(seed).Read(rnd)
	dh, err := NewDH(knownParams(), rnd)
	if err != nil {
		t.Fatal(err)
	}
	return dh
}

// pair is both ends of a chat on the vectors' key: a is the chat's originator, b its
// responder.
func pair(t testing.TB) (a, b *Keys) {
	t.Helper()
	key := testKey(t)
	a, _ = NewKeys(Originator, key, t0)
	b, _ = NewKeys(Responder, key, t0)
	return a, b
}

// transfer seals a layer at from and opens it at to, returning the fingerprint used.
func transfer(t *testing.T, from, to *Keys) int64 {
	t.Helper()
	payload, err := from.Seal(nil, sampleLayer(32), crypto.NewDeterministicReader(1))
	if err != nil {
		t.Fatal(err)
	}
	got, fp, err := to.Open(nil, payload)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if diff := cmp.Diff(sampleLayer(32), got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	return fp
}

// handle feeds a to k and fails on an error.
func handle(t *testing.T, k *Keys, a e2e.DecryptedMessageActionClass) Step {
	t.Helper()
	st, err := k.Handle(a, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("handle %T: %v", a, err)
	}
	return st
}

// TestRekeyExchange runs the four steps both ways a responder can learn of the commit: the
// CommitKey itself, or a message under the new key that overtook it.
func TestRekeyExchange(t *testing.T) {
	for _, overtake := range []bool{false, true} {
		a, b := pair(t)
		old := a.Fingerprint()
		req, err := a.Start(newTestDH(t, 1), 42, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Start(newTestDH(t, 2), 43, t0); !errors.Is(err, ErrRekeyBusy) {
			t.Fatalf("second start: %v, want ErrRekeyBusy", err)
		}
		if st := handle(t, b, req); !st.Accept || b.Phase() != PhaseAccepting {
			t.Fatalf("request: step %+v, phase %v", st, b.Phase())
		}
		acc, err := b.Accept(newTestDH(t, 3))
		if err != nil {
			t.Fatal(err)
		}
		st := handle(t, a, acc)
		commit, ok := st.Reply.(*e2e.DecryptedMessageActionCommitKey)
		if !st.Commit || !ok || commit.ExchangeID != 42 || a.Phase() != PhaseCommitting {
			t.Fatalf("accept: step %+v, phase %v", st, a.Phase())
		}
		// A seals CommitKey under the old key, then switches.
		sealedCommit, err := a.Seal(nil, sampleLayer(32), crypto.NewDeterministicReader(5))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Commit(t0.Add(2 * time.Hour)); err != nil {
			t.Fatal(err)
		}
		if a.Fingerprint() == old || a.Fingerprint() != commit.KeyFingerprint || a.Phase() != PhaseCommitted {
			t.Fatalf("after commit: fingerprint %d (old %d), phase %v", a.Fingerprint(), old, a.Phase())
		}
		if u := a.Usage(); u.Messages != 0 || !u.Since.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("usage after commit %+v", u)
		}
		// B's messages under the old key still open at A.
		if fp := transfer(t, b, a); fp != old {
			t.Fatalf("B's old-key message opened with %d", fp)
		}
		if overtake {
			// A message under the new key comes first: B switches on it.
			fp := transfer(t, a, b)
			if !b.Received(fp, t0) || b.Fingerprint() != fp || b.Phase() != PhaseIdle {
				t.Fatalf("overtaking message: fingerprint %d, phase %v", b.Fingerprint(), b.Phase())
			}
			// The CommitKey, under the old key, still opens; then it drops the old key.
			if _, fp, err := b.Open(nil, sealedCommit); err != nil || fp != old {
				t.Fatalf("late commit: %v (fingerprint %d)", err, fp)
			}
			if st := handle(t, b, commit); st != (Step{}) {
				t.Fatalf("late commit step %+v", st)
			}
		} else {
			if _, fp, err := b.Open(nil, sealedCommit); err != nil || fp != old {
				t.Fatalf("commit: %v (fingerprint %d)", err, fp)
			}
			if st := handle(t, b, commit); !st.Switched || b.Fingerprint() != a.Fingerprint() {
				t.Fatalf("commit step %+v", st)
			}
		}
		if _, _, err := b.Open(nil, sealedCommit); !errors.Is(err, ErrFingerprint) {
			t.Fatalf("old key kept at B after the commit: %v", err)
		}
		// B's Noop under the new key, delivered in order, ends A's exchange.
		fp := transfer(t, b, a)
		a.Received(fp, t0)
		a.Delivered(fp)
		if a.Phase() != PhaseIdle || a.State().Previous != nil {
			t.Fatalf("A after the new key: phase %v, previous kept %v", a.Phase(), a.State().Previous != nil)
		}
		if u, want := a.Usage(), map[bool]int32{false: 1, true: 2}[overtake]; u.Messages != want {
			t.Fatalf("A's usage %+v, want %d messages", u, want)
		}
		if _, err := a.Start(newTestDH(t, 7), 44, t0); err != nil {
			t.Fatalf("start after completion: %v", err)
		}
	}
}

// TestRekeyHandle checks each action in each phase.
func TestRekeyHandle(t *testing.T) {
	dh := newTestDH(t, 11)
	other := newTestDH(t, 12)
	good := func(k *Keys) *e2e.DecryptedMessageActionAcceptKey {
		key, err := dh.Key(other.Public())
		if err != nil {
			t.Fatal(err)
		}
		return &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 5, GB: other.Public(), KeyFingerprint: Fingerprint(&key)}
	}
	// setups bring a fresh Keys to a phase with exchange_id 5, each with its own copy of dh
	// (a Keys clears the halves it uses).
	half := func() *DH { return newTestDH(t, 11) }
	setups := map[string]func(k *Keys){
		"idle":      func(*Keys) {},
		"requested": func(k *Keys) { _, _ = k.Start(half(), 5, t0) },
		"accepting": func(k *Keys) { k.Handle(&e2e.DecryptedMessageActionRequestKey{ExchangeID: 5, GA: other.Public()}, t0) },
		"accepted": func(k *Keys) {
			k.Handle(&e2e.DecryptedMessageActionRequestKey{ExchangeID: 5, GA: other.Public()}, t0)
			_, _ = k.Accept(half())
		},
		"committed": func(k *Keys) {
			_, _ = k.Start(half(), 5, t0)
			k.Handle(good(k), t0)
			_ = k.Commit(t0)
		},
	}
	abort := func(id int64) e2e.DecryptedMessageActionClass {
		return &e2e.DecryptedMessageActionAbortKey{ExchangeID: id}
	}
	tests := []struct {
		name   string
		setup  string
		action e2e.DecryptedMessageActionClass
		step   Step
		phase  Phase
		err    error
	}{
		{"request while idle", "idle", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 9, GA: other.Public()}, Step{Accept: true}, PhaseAccepting, nil},
		{"larger request wins over ours", "requested", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 6, GA: other.Public()}, Step{Accept: true}, PhaseAccepting, nil},
		{"smaller request loses to ours", "requested", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 4, GA: other.Public()}, Step{}, PhaseRequested, nil},
		{"negative request is smaller", "requested", &e2e.DecryptedMessageActionRequestKey{ExchangeID: -6, GA: other.Public()}, Step{}, PhaseRequested, nil},
		{"equal requests drop both", "requested", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 5, GA: other.Public()}, Step{Reply: abort(5)}, PhaseIdle, nil},
		{"request while accepting", "accepting", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 8}, Step{Reply: abort(8)}, PhaseAccepting, nil},
		{"request while accepted", "accepted", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 8}, Step{Reply: abort(8)}, PhaseAccepted, nil},
		{"request while committed", "committed", &e2e.DecryptedMessageActionRequestKey{ExchangeID: 8}, Step{Reply: abort(8)}, PhaseCommitted, nil},
		{"accept of an unknown exchange", "idle", &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 5, GB: other.Public()}, Step{Reply: abort(5)}, PhaseIdle, nil},
		{"accept of another exchange", "requested", &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 6, GB: other.Public()}, Step{Reply: abort(6)}, PhaseRequested, nil},
		{"accept with a bad g_b", "requested", &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 5, GB: []byte{2}}, Step{Reply: abort(5)}, PhaseIdle, ErrRekeyPeer},
		{"accept with a wrong fingerprint", "requested", &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 5, GB: other.Public(), KeyFingerprint: 1}, Step{Reply: abort(5)}, PhaseIdle, ErrRekeyPeer},
		{"accept seen again", "committed", &e2e.DecryptedMessageActionAcceptKey{ExchangeID: 5}, Step{}, PhaseCommitted, nil},
		{"commit with a wrong fingerprint", "accepted", &e2e.DecryptedMessageActionCommitKey{ExchangeID: 5, KeyFingerprint: 1}, Step{}, PhaseIdle, ErrRekeyPeer},
		{"commit of another exchange", "accepted", &e2e.DecryptedMessageActionCommitKey{ExchangeID: 6}, Step{}, PhaseAccepted, nil},
		{"commit while idle", "idle", &e2e.DecryptedMessageActionCommitKey{ExchangeID: 6}, Step{}, PhaseIdle, nil},
		{"abort of our request", "requested", abort(5), Step{}, PhaseIdle, nil},
		{"abort while accepting", "accepting", abort(5), Step{}, PhaseIdle, nil},
		{"abort after our accept", "accepted", abort(5), Step{}, PhaseIdle, nil},
		{"abort of another exchange", "requested", abort(6), Step{}, PhaseRequested, nil},
		{"abort after commit is ignored", "committed", abort(5), Step{}, PhaseCommitted, nil},
		{"noop", "committed", &e2e.DecryptedMessageActionNoop{}, Step{}, PhaseCommitted, nil},
		{"other actions", "requested", &e2e.DecryptedMessageActionTyping{}, Step{}, PhaseRequested, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, _ := NewKeys(Originator, testKey(t), t0)
			setups[tt.setup](k)
			step, err := k.Handle(tt.action, t0)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.step, step); diff != "" {
				t.Errorf("step (-want +got):\n%s", diff)
			}
			if k.Phase() != tt.phase {
				t.Errorf("phase %v, want %v", k.Phase(), tt.phase)
			}
		})
	}
}

// TestRekeySimultaneous: both parties start at once; both keep the larger exchange_id and
// end with one new key.
func TestRekeySimultaneous(t *testing.T) {
	a, b := pair(t)
	reqA, _ := a.Start(newTestDH(t, 21), 100, t0)
	reqB, _ := b.Start(newTestDH(t, 22), 200, t0)
	if st := handle(t, a, reqB); !st.Accept {
		t.Fatalf("A on B's larger request: %+v", st)
	}
	if st := handle(t, b, reqA); st != (Step{}) || b.Phase() != PhaseRequested {
		t.Fatalf("B on A's smaller request: %+v, phase %v", st, b.Phase())
	}
	acc, err := a.Accept(newTestDH(t, 23))
	if err != nil {
		t.Fatal(err)
	}
	st := handle(t, b, acc)
	if !st.Commit {
		t.Fatalf("B on A's accept: %+v", st)
	}
	if err := b.Commit(t0); err != nil {
		t.Fatal(err)
	}
	if st := handle(t, a, st.Reply); !st.Switched || a.Fingerprint() != b.Fingerprint() {
		t.Fatalf("A on the commit: %+v", st)
	}
	if a.Fingerprint() == Fingerprint(new(testKey(t))) {
		t.Fatal("the key did not change")
	}
}

func TestRekeyAcceptErrors(t *testing.T) {
	k, _ := NewKeys(Responder, testKey(t), t0)
	if _, err := k.Accept(newTestDH(t, 1)); !errors.Is(err, ErrRekeyState) {
		t.Fatalf("accept while idle: %v", err)
	}
	k.Handle(&e2e.DecryptedMessageActionRequestKey{ExchangeID: 3, GA: []byte{1, 2}}, t0)
	reply, err := k.Accept(newTestDH(t, 1))
	if !errors.Is(err, ErrRekeyPeer) || k.Phase() != PhaseIdle {
		t.Fatalf("bad g_a: %v, phase %v", err, k.Phase())
	}
	if diff := cmp.Diff(e2e.DecryptedMessageActionClass(&e2e.DecryptedMessageActionAbortKey{ExchangeID: 3}), reply); diff != "" {
		t.Fatalf("reply (-want +got):\n%s", diff)
	}
	if err := k.Commit(t0); !errors.Is(err, ErrRekeyState) {
		t.Fatalf("commit while idle: %v", err)
	}
	if _, err := k.Start(nil, 1, t0); !errors.Is(err, ErrRekeyState) {
		t.Fatalf("start without DH: %v", err)
	}
	if a := k.Abort(); a != nil {
		t.Fatalf("abort while idle: %+v", a)
	}
	_, _ = k.Start(newTestDH(t, 2), 9, t0)
	if a := k.Abort(); a == nil || a.ExchangeID != 9 || k.Phase() != PhaseIdle {
		t.Fatalf("abort of own request: %+v, phase %v", a, k.Phase())
	}
}

func TestPolicyDue(t *testing.T) {
	week := 7 * 24 * time.Hour
	tests := []struct {
		name string
		p    Policy
		u    Usage
		now  time.Time
		want bool
	}{
		{"fresh", DefaultPolicy, Usage{Since: t0}, t0, false},
		{"100 messages", DefaultPolicy, Usage{Messages: 100, Encrypted: true, Since: t0}, t0, false},
		{"101 messages", DefaultPolicy, Usage{Messages: 101, Since: t0}, t0, true},
		{"a week", DefaultPolicy, Usage{Messages: 1, Encrypted: true, Since: t0}, t0.Add(week), false},
		{"over a week", DefaultPolicy, Usage{Messages: 1, Encrypted: true, Since: t0}, t0.Add(week + time.Second), true},
		{"over a week, nothing encrypted", DefaultPolicy, Usage{Messages: 5, Since: t0}, t0.Add(2 * week), false},
		{"lowered threshold", Policy{Messages: 3}, Usage{Messages: 4, Since: t0}, t0, true},
		{"rules off", Policy{}, Usage{Messages: 1 << 30, Encrypted: true, Since: t0}, t0.Add(100 * week), false},
	}
	for _, tt := range tests {
		if got := tt.p.Due(tt.u, tt.now); got != tt.want {
			t.Errorf("%s: Due = %v, want %v", tt.name, got, tt.want)
		}
	}
	k, _ := NewKeys(Originator, testKey(t), t0)
	for range 4 {
		k.Received(k.Fingerprint(), t0)
	}
	if !k.Due(Policy{Messages: 3}, t0) {
		t.Fatal("Keys.Due after 4 messages with a threshold of 3")
	}
	_, _ = k.Start(newTestDH(t, 1), 1, t0)
	if k.Due(Policy{Messages: 3}, t0) {
		t.Fatal("due while an exchange is in flight")
	}
}

// TestRestoreKeys: each phase survives State and RestoreKeys, or becomes an abort.
func TestRestoreKeys(t *testing.T) {
	a, b := pair(t)
	req, _ := a.Start(newTestDH(t, 31), 7, t0)
	handle(t, b, req)
	for _, tt := range []struct {
		name  string
		k     *Keys
		phase Phase
		abort bool
	}{
		{"requested", a, PhaseIdle, true},
		{"accepting", b, PhaseIdle, true},
	} {
		k, abort, err := RestoreKeys(tt.k.role, tt.k.State())
		if err != nil || k.Phase() != tt.phase || (abort != nil) != tt.abort || (abort != nil && abort.ExchangeID != 7) {
			t.Fatalf("%s: %v, phase %v, abort %+v", tt.name, err, k.Phase(), abort)
		}
	}
	acc, _ := b.Accept(newTestDH(t, 32))
	rb, abort, err := RestoreKeys(Responder, b.State())
	if err != nil || abort != nil || rb.Phase() != PhaseAccepted {
		t.Fatalf("accepted: %v, %+v, %v", err, abort, rb.Phase())
	}
	st := handle(t, a, acc)
	_ = a.Commit(t0)
	ra, abort, err := RestoreKeys(Originator, a.State())
	if err != nil || abort != nil || ra.Phase() != PhaseCommitted || ra.Fingerprint() != a.Fingerprint() {
		t.Fatalf("committed: %v, %+v, %v", err, abort, ra.Phase())
	}
	// The restored pair finishes the exchange.
	if st := handle(t, rb, st.Reply); !st.Switched {
		t.Fatalf("restored responder on commit: %+v", st)
	}
	fp := transfer(t, rb, ra)
	ra.Delivered(fp)
	if ra.Phase() != PhaseIdle || rb.Fingerprint() != ra.Fingerprint() {
		t.Fatalf("restored pair: phase %v", ra.Phase())
	}

	key := testKey(t)
	for _, st := range []KeysState{
		{},
		{Key: key, Phase: PhaseAccepted},
		{Key: key, Next: &key},
		{Key: key, Phase: PhaseCommitted},
		{Key: key, Phase: 99},
		{Key: key, Usage: Usage{Messages: -1}},
	} {
		if _, _, err := RestoreKeys(Originator, st); !errors.Is(err, ErrRekeyState) {
			t.Errorf("%+v: %v, want ErrRekeyState", st, err)
		}
	}
	if _, _, err := RestoreKeys(Role(5), KeysState{Key: key}); !errors.Is(err, ErrRole) {
		t.Errorf("bad role: %v", err)
	}
}

// Seal and Open allocate nothing with room in dst, like Encrypt and Decrypt.
func TestRekeyAllocs(t *testing.T) {
	a, b := pair(t)
	layer := sampleLayer(64)
	rnd := crypto.NewDeterministicReader(1)
	buf := make([]byte, 0, EncryptedSize(len(layer)))
	out := make([]byte, 0, EncryptedSize(len(layer)))
	payload, _ := a.Seal(nil, layer, rnd)
	seal := testing.AllocsPerRun(100, func() { _, _ = a.Seal(buf[:0], layer, rnd) })
	open := testing.AllocsPerRun(100, func() { _, _, _ = b.Open(out[:0], payload) })
	if seal != 0 || open != 0 {
		t.Fatalf("allocations: seal %v, open %v", seal, open)
	}
}

// TestKeysClearDH: a DH half a Keys took (Start) or was given (Accept) has its exponent
// overwritten once the new key is made or the exchange ends: completed, aborted, expired,
// dropped for a larger simultaneous request, or failed on the peer's values.
func TestKeysClearDH(t *testing.T) {
	peer := newTestDH(t, 70).Public()
	tests := []struct {
		name string
		run  func(t *testing.T, a, b *Keys) []*DH
	}{
		{"completed", func(t *testing.T, a, b *Keys) []*DH {
			da, db := newTestDH(t, 71), newTestDH(t, 72)
			req, _ := a.Start(da, 1, t0)
			handle(t, b, req)
			acc, err := b.Accept(db)
			if err != nil {
				t.Fatal(err)
			}
			handle(t, a, acc)
			return []*DH{da, db}
		}},
		{"aborted", func(t *testing.T, a, _ *Keys) []*DH {
			da := newTestDH(t, 73)
			_, _ = a.Start(da, 1, t0)
			if a.Abort() == nil {
				t.Fatal("nothing aborted")
			}
			return []*DH{da}
		}},
		{"expired", func(t *testing.T, a, _ *Keys) []*DH {
			da := newTestDH(t, 74)
			_, _ = a.Start(da, 1, t0)
			if a.Expire(DefaultPolicy, t0.Add(48*time.Hour)) == nil {
				t.Fatal("nothing expired")
			}
			return []*DH{da}
		}},
		{"peer's AbortKey", func(t *testing.T, a, _ *Keys) []*DH {
			da := newTestDH(t, 75)
			_, _ = a.Start(da, 1, t0)
			handle(t, a, &e2e.DecryptedMessageActionAbortKey{ExchangeID: 1})
			return []*DH{da}
		}},
		{"larger simultaneous request", func(t *testing.T, a, _ *Keys) []*DH {
			da := newTestDH(t, 76)
			_, _ = a.Start(da, 1, t0)
			handle(t, a, &e2e.DecryptedMessageActionRequestKey{ExchangeID: 2, GA: peer})
			return []*DH{da}
		}},
		{"bad g_b", func(t *testing.T, a, _ *Keys) []*DH {
			da := newTestDH(t, 77)
			_, _ = a.Start(da, 1, t0)
			if _, err := a.Handle(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: 1, GB: []byte{2}}, t0); err == nil {
				t.Fatal("bad g_b accepted")
			}
			return []*DH{da}
		}},
		{"bad g_a", func(t *testing.T, _, b *Keys) []*DH {
			db := newTestDH(t, 78)
			handle(t, b, &e2e.DecryptedMessageActionRequestKey{ExchangeID: 1, GA: []byte{2}})
			if _, err := b.Accept(db); err == nil {
				t.Fatal("bad g_a accepted")
			}
			return []*DH{db}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := pair(t)
			for i, d := range tt.run(t, a, b) {
				if _, err := d.Key(peer); !errors.Is(err, ErrCleared) {
					t.Errorf("DH %d still computes: %v", i, err)
				}
			}
		})
	}
}

// No key (current, previous, next) shows when a Keys or its state is printed.
func TestKeysRedacted(t *testing.T) {
	a, b := pair(t)
	req, _ := a.Start(newTestDH(t, 41), 1, t0)
	handle(t, b, req)
	acc, _ := b.Accept(newTestDH(t, 42))
	handle(t, a, acc)
	_ = a.Commit(t0)
	key := testKey(t)
	for _, k := range []*Keys{a, b} {
		st := k.State()
		for _, v := range []any{k, st, &st} { // Check also prints each inside a struct
			if err := redact.Check(v, key.Value[:], k.cur.Value[:], b.next.Value[:]); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestExpire: this party's unanswered request is given up after Policy.Wait, and only that.
func TestExpire(t *testing.T) {
	day := 24 * time.Hour
	k, _ := NewKeys(Originator, testKey(t), t0)
	if a := k.Expire(DefaultPolicy, t0.Add(100*day)); a != nil {
		t.Fatalf("idle: %+v", a)
	}
	_, _ = k.Start(newTestDH(t, 61), 8, t0)
	for _, tt := range []struct {
		name string
		p    Policy
		now  time.Time
	}{
		{"within the limit", DefaultPolicy, t0.Add(day)},
		{"rule off", Policy{Messages: 100}, t0.Add(100 * day)},
	} {
		if a := k.Expire(tt.p, tt.now); a != nil || k.Phase() != PhaseRequested {
			t.Fatalf("%s: %+v, phase %v", tt.name, a, k.Phase())
		}
	}
	a := k.Expire(DefaultPolicy, t0.Add(day+time.Second))
	if a == nil || a.ExchangeID != 8 || k.Phase() != PhaseIdle || k.Busy() {
		t.Fatalf("expired: %+v, phase %v", a, k.Phase())
	}
	// The peer's late AcceptKey is answered with AbortKey; a new exchange can start.
	step, err := k.Handle(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: 8, GB: newTestDH(t, 62).Public()}, t0)
	if err != nil || step.Reply == nil {
		t.Fatalf("late accept: %+v, %v", step, err)
	}
	if _, err := k.Start(newTestDH(t, 63), 9, t0.Add(2*day)); err != nil {
		t.Fatal(err)
	}
	// A request of the peer (this party accepting) never expires here.
	r, _ := NewKeys(Responder, testKey(t), t0)
	handle(t, r, &e2e.DecryptedMessageActionRequestKey{ExchangeID: 5, GA: newTestDH(t, 64).Public()})
	if a := r.Expire(DefaultPolicy, t0.Add(100*day)); a != nil || r.Phase() != PhaseAccepting {
		t.Fatalf("peer's request: %+v, phase %v", a, r.Phase())
	}
}
