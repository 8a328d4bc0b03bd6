package mtgo

import (
	"bytes"
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

// lostSecond makes A send "1", lose the second message as lost names it, and send "3" after
// a restart; it returns the chat id and the new A. B holds "3" behind the gap and has asked
// for the second one (the job waits in B's queue).
func lostSecond(t *testing.T, r *secretRelay, lost string) (int32, *secretParty) {
	t.Helper()
	ctx := context.Background()
	id := r.open(t)
	a := r.parties[0]
	if _, err := a.m.sendText(ctx, id, randomID(), "1"); err != nil {
		t.Fatal(err)
	}
	switch lost {
	case "sent, lost on the way":
		r.holdTo = map[int]bool{1: true}
		if _, err := a.m.sendText(ctx, id, 2, "2"); err != nil {
			t.Fatal(err)
		}
	case "file, lost on the way":
		r.holdTo = map[int]bool{1: true}
		f, _ := encryptedInputFile(&tg.InputFile{ID: 1, Parts: 1}, 5)
		doc := &e2e.DecryptedMessageMediaDocument{Thumb: []byte{}, Key: make([]byte, 32), Iv: make([]byte, 32), Caption: "2"}
		if _, err := a.m.send(ctx, id, 2, &e2e.DecryptedMessage{RandomID: 2, Message: "2", Media: doc}, f); err != nil {
			t.Fatal(err)
		}
	case "sealed, never sent": // the process ends between the seal and the send
		if _, _, err := a.m.encrypt(ctx, id, 2, &e2e.DecryptedMessage{RandomID: 2, Message: "2"}); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown loss %q", lost)
	}
	r.holdTo, r.held = nil, nil // what was on the way is gone
	a = r.restart(0)
	if _, err := a.m.sendText(ctx, id, randomID(), "3"); err != nil {
		t.Fatal(err)
	}
	return id, a
}

// TestSecretResendAfterRestart: A's second message never reaches B (lost on the way, a file,
// or sealed by a process that ended before sending it); A restarts; B's resend request is
// answered from A's storage and B gets all three in order, the file by the uploaded one.
func TestSecretResendAfterRestart(t *testing.T) {
	for _, lost := range []string{"sent, lost on the way", "file, lost on the way", "sealed, never sent"} {
		t.Run(lost, func(t *testing.T) {
			r := newSecretRelay(t)
			id, a := lostSecond(t, r, lost)
			b := r.parties[1]
			if diff := cmp.Diff([]string{"1"}, secretTexts(b.events())); diff != "" {
				t.Fatalf("B before the resend (-want +got):\n%s", diff)
			}
			r.runJobs()
			if diff := cmp.Diff([]string{"1", "2", "3"}, secretTexts(b.events())); diff != "" {
				t.Fatalf("B's messages (-want +got):\n%s\nA's log: %s", diff, a.log)
			}
			if lost == "file, lost on the way" {
				m := b.events()[len(b.events())-2].(*types.SecretMessage)
				if m.File == nil || m.File.ID != 9 {
					t.Fatalf("resent file %+v", m.File)
				}
			}
			r.exchangeTexts(t, id, "a4", "b4")
		})
	}
}

// TestSecretResendDamagedRecord: a stored message that cannot be read back is skipped with
// a logged error (no panic, no plaintext in the log); the chat goes on.
func TestSecretResendDamagedRecord(t *testing.T) {
	ctx := context.Background()
	for name, damage := range map[string]func([]byte) []byte{
		"version":   func(b []byte) []byte { b[0] = 9; return b },
		"truncated": func(b []byte) []byte { return b[:len(b)-3] },
		"empty":     func([]byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			r := newSecretRelay(t)
			id, a := lostSecond(t, r, "sent, lost on the way")
			key := secretSentKey(id, sentSlotOf(5)) // A's second message: out_seq_no 5, after its layer (1) and the first (3)
			b, ok, err := a.store.LoadRecord(ctx, secretSentNS, key)
			if err != nil || !ok {
				t.Fatalf("no stored record: %v", err)
			}
			layer := bytes.Clone(b[secretSentHeader:])
			if err := a.store.SaveRecord(ctx, secretSentNS, key, damage(b)); err != nil {
				t.Fatal(err)
			}
			r.runJobs()
			if diff := cmp.Diff([]string{"1"}, secretTexts(r.parties[1].events())); diff != "" {
				t.Fatalf("B's messages (-want +got):\n%s", diff)
			}
			log := a.log.String()
			if !strings.Contains(log, "secret message not loaded for resend") || !strings.Contains(log, errSecretRecord.Error()) {
				t.Fatalf("log %s, want the damaged record", log)
			}
			if form, leaked := redact.Leak(log, layer); leaked {
				t.Fatalf("plaintext in the log, %s", form)
			}
		})
	}
}

// TestSecretSentWindow: the storage keeps the last maxSecretSent messages, the older ones
// overwritten; after a restart the last is answered from it and the first is not; a
// discarded chat leaves none.
func TestSecretSentWindow(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a := r.parties[0]
	const n = maxSecretSent + 5
	for i := range n {
		if _, err := a.m.sendText(ctx, id, int64(i+1), "m"); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(p *secretParty) int {
		var k int
		for slot := range maxSecretSent + 1 {
			if _, ok, _ := p.store.LoadRecord(ctx, secretSentNS, secretSentKey(id, slot)); ok {
				k++
			}
		}
		return k
	}
	if k := stored(a); k != maxSecretSent {
		t.Fatalf("%d records stored, want %d", k, maxSecretSent)
	}
	a = r.restart(0)
	a.m.mu.Lock()
	s, err := a.m.chatLocked(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// A's layer went first (out_seq_no 1), so message i+1 went as 2*i+3.
	first, last := a.m.sentLocked(ctx, s, 3), a.m.sentLocked(ctx, s, 2*(n-1)+3)
	beyond := a.m.sentLocked(ctx, s, 2*n+3)
	a.m.mu.Unlock()
	if first != nil || beyond != nil {
		t.Fatalf("out of the window: first %v, next %v", first, beyond)
	}
	if last == nil || last.rid != n || last.service {
		t.Fatalf("last message %+v", last)
	}
	if err := a.m.discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if k := stored(a); k != 0 {
		t.Fatalf("%d records left after the discard", k)
	}
}

func TestSecretSentSlot(t *testing.T) {
	for _, tt := range []struct {
		role      secretchat.Role
		sent, out int32
		slot      int
		ok        bool
	}{
		{secretchat.Originator, 1, 1, 0, true},
		{secretchat.Originator, 1, 0, 0, false}, // the responder's parity
		{secretchat.Originator, 1, 3, 0, false}, // not sent yet
		{secretchat.Responder, 3, 4, 2, true},
		{secretchat.Responder, maxSecretSent + 1, 0, 0, false}, // out of the window
		{secretchat.Responder, maxSecretSent + 1, 2, 1, true},
		{secretchat.Responder, maxSecretSent + 1, 2 * maxSecretSent, 0, true},
		{secretchat.Responder, 5, -2, 0, false},
	} {
		slot, ok := sentSlot(tt.role, tt.sent, tt.out)
		if slot != tt.slot || ok != tt.ok {
			t.Errorf("sentSlot(%v, %d, %d) = %d, %v, want %d, %v", tt.role, tt.sent, tt.out, slot, ok, tt.slot, tt.ok)
		}
	}
}

// testSentLayer returns the layer bytes of a message with out_seq_no out.
func testSentLayer(t testing.TB, out int32, msg e2e.DecryptedMessageClass) []byte {
	b, err := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{RandomBytes: make([]byte, secretRandomBytes), Layer: secretchat.Layer, InSeqNo: 0, OutSeqNo: out, Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSecretSentRecord: text, service and file messages round-trip; one row per damage,
// each errSecretRecord without the plaintext in the error.
func TestSecretSentRecord(t *testing.T) {
	text := &sentSecret{rid: 5, layer: testSentLayer(t, 3, &e2e.DecryptedMessage{RandomID: 5, Message: "zq7Xr0wLm3Pk9vTa"})}
	service := &sentSecret{rid: 6, service: true, layer: testSentLayer(t, 3, &e2e.DecryptedMessageService{RandomID: 6, Action: &e2e.DecryptedMessageActionNoop{}})}
	file := &sentSecret{rid: 5, layer: text.layer, file: &tg.InputEncryptedFile{ID: 9, AccessHash: -10}}
	opts := cmp.AllowUnexported(sentSecret{})
	for _, x := range []*sentSecret{text, service, file} {
		got, err := decodeSecretSent(encodeSecretSent(7, 3, x), 7, 3)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(x, got, opts); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	}
	b := encodeSecretSent(7, 3, text)
	mutate := func(i int, v byte) []byte {
		x := bytes.Clone(b)
		x[i] = v
		return x
	}
	for _, tt := range []struct {
		name      string
		b         []byte
		chat, out int32
	}{
		{"empty", nil, 7, 3},
		{"header only", b[:secretSentHeader], 7, 3},
		{"version", mutate(0, 2), 7, 3},
		{"unknown flag", mutate(1, 4), 7, 3},
		{"reserved", mutate(3, 1), 7, 3},
		{"another chat", b, 8, 3},
		{"another number", b, 7, 5},
		{"file bytes without their flag", mutate(14, 1), 7, 3},
		{"layer cut", b[:len(b)-1], 7, 3},
		{"trailing bytes", append(bytes.Clone(b), 0, 0, 0, 0), 7, 3},
		{"layer's own number", encodeSecretSent(7, 5, text), 7, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeSecretSent(tt.b, tt.chat, tt.out)
			if !errors.Is(err, errSecretRecord) {
				t.Fatalf("err %v, want errSecretRecord", err)
			}
			if form, leaked := redact.Leak(err.Error(), []byte("zq7Xr0wLm3Pk9vTa")); leaked {
				t.Fatalf("plaintext in the error, %s", form)
			}
		})
	}
}

func FuzzSecretSent(f *testing.F) {
	layer := testSentLayer(f, 3, &e2e.DecryptedMessage{RandomID: 5, Message: "hi"})
	f.Add(encodeSecretSent(7, 3, &sentSecret{rid: 5, layer: layer}))
	f.Add(encodeSecretSent(7, 3, &sentSecret{rid: 5, layer: layer, file: &tg.InputEncryptedFile{ID: 1, AccessHash: 2}}))
	f.Add([]byte{secretSentV1})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := decodeSecretSent(b, 7, 3)
		if err != nil {
			return
		}
		// What decodes is stored and read again as the same message.
		again, err := decodeSecretSent(encodeSecretSent(7, 3, x), 7, 3)
		if err != nil {
			t.Fatalf("re-encoded record: %v", err)
		}
		if diff := cmp.Diff(x, again, cmp.AllowUnexported(sentSecret{})); diff != "" {
			t.Fatalf("re-encoded record (-first +again):\n%s", diff)
		}
	})
}

// TestSecretEarlyBound: encryptedChat updates for chats no request names are kept at most
// secretEarlyAge and at most maxSecretEarly: a new one to a full map drops the oldest (it is
// never the new one that is ignored).
func TestSecretEarlyBound(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	m := r.parties[0].m
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	accepted := func(id int32) {
		m.handle(ctx, &tg.UpdateEncryption{Chat: &tg.EncryptedChat{ID: id, AccessHash: 1, GAOrB: []byte{2}}})
	}
	for i := range int32(maxSecretEarly) {
		now = now.Add(time.Second)
		accepted(1000 + i)
	}
	now = now.Add(time.Second)
	accepted(5) // the map is full: the oldest (1000) goes
	accepted(1001)
	m.mu.Lock()
	_, oldest := m.early[1000]
	_, newest := m.early[5]
	n := len(m.early)
	m.mu.Unlock()
	if oldest || !newest || n != maxSecretEarly {
		t.Fatalf("oldest kept %v, newest kept %v, %d kept", oldest, newest, n)
	}
	// Past the age, the next update finds only itself.
	now = now.Add(secretEarlyAge + time.Second)
	accepted(6)
	m.mu.Lock()
	n = len(m.early)
	c := m.takeEarlyLocked(6)
	m.mu.Unlock()
	if n != 1 || c == nil || c.ID != 6 {
		t.Fatalf("%d kept after the age, chat 6: %v", n, c)
	}
}

// orderStore notes each record saved through it among the relay's calls.
type orderStore struct {
	secretStore
	r *secretRelay
}

func (o *orderStore) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	o.r.calls = append(o.r.calls, "save "+ns)
	return o.secretStore.SaveRecord(ctx, ns, key, value)
}

// TestSecretSentWrittenFirst: a sealed message is stored before the chat record whose
// counter counts it (a crash between the two leaves the number free, never a counted
// message the storage lacks), and both before the send.
func TestSecretSentWrittenFirst(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a := r.parties[0]
	a.m.store = &orderStore{secretStore: a.store, r: r}
	r.calls = nil
	if _, err := a.m.sendText(ctx, id, 1, "1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"save " + secretSentNS, "save " + secretRecordNS, "0:*tg.MessagesSendEncryptedRequest"}
	if diff := cmp.Diff(want, r.calls); diff != "" {
		t.Fatalf("order (-want +got):\n%s", diff)
	}
}

// TestSecretSentDiscardFailed: the discard's deletes of the sent messages fail (the storage
// is briefly away); the chat is stored discarded all the same (its key must go), and the
// next load of the discarded chat deletes them. Before the fix their plaintext stayed stored
// for good: no load looked for the records of a discarded chat.
func TestSecretSentDiscardFailed(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	live := trackStore(r.parties[0], nil)
	id := r.open(t)
	a := r.parties[0]
	r.exchangeTexts(t, id, "a", "b")
	if len(live.of(secretSentNS, id)) == 0 {
		t.Fatal("no sent message stored")
	}
	a.m.store = &failingStore{secretStore: a.m.store, deletes: secretSentNS}
	if err := a.m.discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if s := a.stored(t, id); s == nil || s.state != types.SecretChatDiscarded {
		t.Fatalf("stored chat %+v, want discarded", s)
	}
	a = r.restart(0)
	trackStore(a, live)
	for range 2 { // loaded once
		if c, ok := a.m.get(ctx, id); !ok || c.State != types.SecretChatDiscarded {
			t.Fatalf("chat %+v, want discarded", c)
		}
	}
	if left := live.of(secretSentNS, id); len(left) != 0 {
		t.Fatalf("records left: %v", left)
	}
	if strings.Contains(a.log.String(), "level=WARN") {
		t.Fatalf("warnings:\n%s", a.log)
	}
}

// TestSecretResendRepeated: a peer asking again and again for the same messages gets each
// once per secretResendAgain under one key. Before, every request, a message of a few bytes,
// made this side send up to maxSecretSent messages again: a hostile peer could make the
// account flood the server, which then slows it down in every chat. Past the pause, the
// request is answered again.
func TestSecretResendRepeated(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	now := time.Now()
	a.m.now = func() time.Time { return now }
	r.exchangeTexts(t, id, "a1", "b1") // A sent its layer notice and a1
	for i, want := range []int{2, 0, 0, 2} {
		if i == 3 {
			now = now.Add(secretResendAgain)
		}
		before := len(r.calls)
		ask := &e2e.DecryptedMessageService{RandomID: randomID(), Action: &e2e.DecryptedMessageActionResend{StartSeqNo: 0, EndSeqNo: 10}}
		if _, err := b.m.send(ctx, id, ask.RandomID, ask, nil); err != nil {
			t.Fatal(err)
		}
		r.runJobs()
		got := 0
		for _, c := range r.calls[before:] {
			if strings.HasPrefix(c, "0:") {
				got++
			}
		}
		if got != want {
			t.Fatalf("request %d: A sent %d messages again, want %d (calls %v)", i, got, want, r.calls[before:])
		}
	}
	r.exchangeTexts(t, id, "a2", "b2")
}
