package world

import (
	"math/big"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretPair is a world with Alice (kA) and Bob (kB), a clock the test moves, and Alice's
// reference to Bob for requesting secret chats.
type secretPair struct {
	w        *World
	now      *time.Time
	kA, kB   KeyID
	alice    int64
	bob      int64
	bobInput tg.InputUserClass
}

func newSecretPair(t *testing.T, cfg Config) *secretPair {
	t.Helper()
	w := newWorld(t, cfg)
	now := w.Now()
	w.cfg.Now = func() time.Time { return now } // moved by tick
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001", Username: "alice"})
	b, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002", Username: "bobby"})
	p := &secretPair{w: w, now: &now, kA: KeyID{1}, kB: KeyID{2}, alice: a.ID, bob: b.ID}
	for key, id := range map[KeyID]int64{p.kA: a.ID, p.kB: b.ID} {
		if err := w.Authorize(key, id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.ResolveUsername(p.kA, "bobby")
	if err != nil {
		t.Fatal(err)
	}
	u := res.Users[0].(*tg.User)
	p.bobInput = &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	return p
}

// public returns a valid g_a or g_b: g to a large exponent derived from seed.
func public(seed int64) []byte {
	e := new(big.Int).Lsh(big.NewInt(seed+1), 1500)
	return new(big.Int).Exp(big.NewInt(DHConfigG), e, crypto.KnownDHPrime).FillBytes(make([]byte, 256))
}

// request has Alice ask Bob for a chat; it returns the chat id.
func (p *secretPair) request(t *testing.T, randomID int32) int32 {
	t.Helper()
	c, err := p.w.RequestEncryption(p.kA, p.bobInput, randomID, public(int64(randomID)))
	if err != nil {
		t.Fatal(err)
	}
	return c.(*tg.EncryptedChatWaiting).ID
}

// accept has Bob accept chat id with his access hash.
func (p *secretPair) accept(t *testing.T, id int32, fingerprint int64) {
	t.Helper()
	in := tg.InputEncryptedChat{ChatID: id, AccessHash: p.w.accessHash(p.bob, peerSecret, int64(id))}
	if _, err := p.w.AcceptEncryption(p.kB, in, public(100+int64(id%100)), fingerprint); err != nil {
		t.Fatal(err)
	}
}

func (p *secretPair) tick(d time.Duration) { *p.now = p.now.Add(d) }

// chatState is one updateEncryption as a test compares it: the chat's state and id.
type chatState struct {
	State string
	ID    int32
}

// chatStates lists the updateEncryption of us in order.
func chatStates(us []tg.UpdateClass) []chatState {
	var out []chatState
	for _, u := range us {
		e, ok := u.(*tg.UpdateEncryption)
		if !ok {
			continue
		}
		switch c := e.Chat.(type) {
		case *tg.EncryptedChatWaiting:
			out = append(out, chatState{"waiting", c.ID})
		case *tg.EncryptedChatRequested:
			out = append(out, chatState{"requested", c.ID})
		case *tg.EncryptedChat:
			out = append(out, chatState{"ready", c.ID})
		case *tg.EncryptedChatDiscarded:
			out = append(out, chatState{"discarded", c.ID})
		}
	}
	return out
}

// diff asks for key's difference from st and fails on anything but a whole difference.
func (p *secretPair) diff(t *testing.T, key KeyID, st tg.UpdatesState) *tg.UpdatesDifference {
	t.Helper()
	d, err := p.w.Difference(key, st.Pts, st.Date, st.Qts, 0)
	if err != nil {
		t.Fatal(err)
	}
	full, ok := d.(*tg.UpdatesDifference)
	if !ok {
		t.Fatalf("difference is %T, want *tg.UpdatesDifference", d)
	}
	return full
}

func (p *secretPair) empty(t *testing.T, key KeyID, st tg.UpdatesState) {
	t.Helper()
	d, err := p.w.Difference(key, st.Pts, st.Date, st.Qts, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.(*tg.UpdatesDifferenceEmpty); !ok {
		t.Fatalf("difference is %+v, want differenceEmpty", d)
	}
}

func (p *secretPair) state(t *testing.T, key KeyID) tg.UpdatesState {
	t.Helper()
	st, err := p.w.State(key)
	if err != nil {
		t.Fatal(err)
	}
	return *st
}

// TestDifferenceReplaysSecretChat: state changes of a secret chat reach a session that was
// offline through getDifference's other_updates, once per date handed out, including one in
// the same second as the date the client holds.
func TestDifferenceReplaysSecretChat(t *testing.T) {
	p := newSecretPair(t, Config{})
	aliceSt, bobSt := p.state(t, p.kA), p.state(t, p.kB)
	id := p.request(t, 1)

	// Bob was offline: the request waits for him, with Alice's user.
	d := p.diff(t, p.kB, bobSt)
	if diff := cmp.Diff([]chatState{{"requested", id}}, chatStates(d.OtherUpdates)); diff != "" {
		t.Fatalf("Bob's difference (-want +got):\n%s", diff)
	}
	if len(d.Users) != 1 || d.Users[0].(*tg.User).ID != p.alice {
		t.Fatalf("Bob's difference users %+v", d.Users)
	}
	if d.State.Date <= bobSt.Date {
		t.Fatalf("state date %d did not move past %d", d.State.Date, bobSt.Date)
	}
	bobSt = d.State
	p.empty(t, p.kB, bobSt)

	// Bob accepts in the same second: Alice's difference carries encryptedChat with g_b.
	p.accept(t, id, 42)
	d = p.diff(t, p.kA, aliceSt)
	want := []chatState{{"waiting", id}, {"ready", id}}
	if diff := cmp.Diff(want, chatStates(d.OtherUpdates)); diff != "" {
		t.Fatalf("Alice's difference (-want +got):\n%s", diff)
	}
	ready := d.OtherUpdates[len(d.OtherUpdates)-1].(*tg.UpdateEncryption).Chat.(*tg.EncryptedChat)
	if ready.KeyFingerprint != 42 || ready.AdminID != p.alice || ready.ParticipantID != p.bob || len(ready.GAOrB) != 256 {
		t.Fatalf("ready chat %+v", ready)
	}
	if len(d.Users) != 1 || d.Users[0].(*tg.User).ID != p.bob {
		t.Fatalf("Alice's difference users %+v", d.Users)
	}
	aliceSt = d.State
	p.empty(t, p.kA, aliceSt)

	// Bob discards in the second Alice's state was handed out: not lost.
	if err := p.w.DiscardEncryption(p.kB, id, true); err != nil {
		t.Fatal(err)
	}
	d = p.diff(t, p.kA, aliceSt)
	if diff := cmp.Diff([]chatState{{"discarded", id}}, chatStates(d.OtherUpdates)); diff != "" {
		t.Fatalf("Alice's difference after the discard (-want +got):\n%s", diff)
	}
	p.empty(t, p.kA, d.State)

	// getState covers what happened before it.
	p.tick(time.Second)
	p.request(t, 2)
	p.empty(t, p.kA, p.state(t, p.kA))
	p.empty(t, p.kB, p.state(t, p.kB))
}

// TestDatedLogBounded: the dated log keeps at most 2*TooLongAfter entries; a client further
// behind gets the newest.
func TestDatedLogBounded(t *testing.T) {
	p := newSecretPair(t, Config{TooLongAfter: 2})
	st := p.state(t, p.kB)
	var ids []int32
	for i := range 5 {
		ids = append(ids, p.request(t, int32(i+1)))
		p.tick(time.Second)
	}
	if n := len(p.w.users[p.bob].box.dated.log.events); n > 4 {
		t.Fatalf("log holds %d entries, cap 4", n)
	}
	got := chatStates(p.diff(t, p.kB, st).OtherUpdates)
	if len(got) == 0 || len(got) > 4 || got[len(got)-1] != (chatState{"requested", ids[4]}) {
		t.Fatalf("difference of a bounded log: %+v", got)
	}
}

// TestDatedAcrossSlices: a difference cut into slices carries every dated update once, in
// order, between the pts events around it.
func TestDatedAcrossSlices(t *testing.T) {
	p := newSecretPair(t, Config{DifferenceLimit: 2})
	st := p.state(t, p.kA)
	res, err := p.w.ResolveUsername(p.kB, "alice")
	if err != nil {
		t.Fatal(err)
	}
	u := res.Users[0].(*tg.User)
	toAlice := &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	var want []chatState
	for i := range 4 {
		p.tick(time.Second)
		if _, err := p.w.SendMessage(p.kB, toAlice, Draft{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		p.tick(time.Second)
		want = append(want, chatState{"waiting", p.request(t, int32(i+1))})
		if _, err := p.w.SendMessage(p.kB, toAlice, Draft{Text: "again"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []chatState
	sliced := 0
	for {
		d, err := p.w.Difference(p.kA, st.Pts, st.Date, st.Qts, 0)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := d.(*tg.UpdatesDifferenceSlice); ok {
			got = append(got, chatStates(s.OtherUpdates)...)
			st = s.IntermediateState
			sliced++
			continue
		}
		got = append(got, chatStates(d.(*tg.UpdatesDifference).OtherUpdates)...)
		break
	}
	if sliced == 0 {
		t.Fatal("no slice")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("dated updates across slices (-want +got):\n%s", diff)
	}
}
