package mtgo

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretRelay is a scripted server for two parties: it answers the secret chat methods and
// pushes the updates the other party would get straight into its manager (synchronously,
// unless hold is set: then pushes wait in held until the test releases them).
type secretRelay struct {
	t       *testing.T
	parties [2]*secretParty
	chatID  int32
	ga      []byte
	gb      []byte
	// corruptFP makes the relay change the fingerprint in the answers (to 0: the responder's
	// acceptEncryption answer; 1: the originator's update).
	corruptFP map[int]bool
	hold      bool
	holdTo    map[int]bool // hold only the pushes to these parties
	// afterAccept runs when the relay has handled acceptEncryption and told the originator,
	// before the responder has the answer.
	afterAccept func()
	held        []heldPush
	calls       []string
	dhCalls     int
	// failService fails the next so many messages.sendEncryptedService calls.
	failService int
	// onDiscard runs when the relay takes discardEncryption, before it answers; an error
	// fails the call (the chat is not discarded).
	onDiscard func() error
}

type heldPush struct {
	to int
	up tg.UpdateClass
}

// secretParty is one user: its manager, storage, log and what its handlers got.
type secretParty struct {
	m     *secretChats
	store *storage.InMemory
	log   *bytes.Buffer
	mu    sync.Mutex
	got   []any
	jobs  []func(context.Context)
}

func (p *secretParty) events() []any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]any(nil), p.got...)
}

// sideInvoker is one party's connection to the relay.
type sideInvoker struct {
	r    *secretRelay
	side int
}

func newSecretRelay(t *testing.T) *secretRelay {
	r := &secretRelay{t: t, chatID: 77, corruptFP: map[int]bool{}}
	for i := range r.parties {
		r.parties[i] = r.newParty(i, storage.NewInMemory())
	}
	return r
}

func (r *secretRelay) newParty(side int, st *storage.InMemory) *secretParty {
	p := &secretParty{store: st, log: &bytes.Buffer{}}
	log := &Logger{l: slog.New(slog.NewTextHandler(p.log, nil))}
	p.m = newSecretChats(tg.NewClient(sideInvoker{r, side}), st, log, crand.Reader, func(_ updateKind, v any) {
		p.mu.Lock()
		p.got = append(p.got, v)
		p.mu.Unlock()
	}, func(job func(context.Context)) {
		p.mu.Lock()
		p.jobs = append(p.jobs, job)
		p.mu.Unlock()
	})
	return p
}

// runJobs runs the jobs the managers spawned (and the ones those spawn) until none is left.
func (r *secretRelay) runJobs() {
	for {
		var job func(context.Context)
		for _, p := range r.parties {
			p.mu.Lock()
			if len(p.jobs) > 0 && job == nil {
				job, p.jobs = p.jobs[0], p.jobs[1:]
			}
			p.mu.Unlock()
		}
		if job == nil {
			return
		}
		job(context.Background())
	}
}

func (r *secretRelay) push(to int, up tg.UpdateClass) {
	if r.hold || r.holdTo[to] {
		r.held = append(r.held, heldPush{to, up})
		return
	}
	r.parties[to].m.handle(context.Background(), up)
}

func (s sideInvoker) Invoke(_ context.Context, in tl.Encoder, out tl.Decoder) error {
	r, other := s.r, 1-s.side
	r.calls = append(r.calls, fmt.Sprintf("%d:%T", s.side, in))
	switch q := in.(type) {
	case *tg.MessagesGetDHConfigRequest:
		r.dhCalls++
		random := make([]byte, q.RandomLength)
		_, _ = crand.Read(random)
		box := out.(*tg.MessagesDHConfigClassBox)
		if q.Version == 1 {
			box.MessagesDHConfig = &tg.MessagesDHConfigNotModified{Random: random}
		} else {
			box.MessagesDHConfig = &tg.MessagesDHConfig{G: 3, P: crypto.KnownDHPrime.Bytes(), Version: 1, Random: random}
		}
	case *tg.MessagesRequestEncryptionRequest:
		r.ga = q.GA
		out.(*tg.EncryptedChatClassBox).EncryptedChat = &tg.EncryptedChatWaiting{ID: r.chatID, AccessHash: 5, Date: 100, AdminID: 1, ParticipantID: 2}
		r.push(other, &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: r.chatID, AccessHash: 6, Date: 100, AdminID: 1, ParticipantID: 2, GA: q.GA}})
	case *tg.MessagesAcceptEncryptionRequest:
		r.gb = q.GB
		fp := q.KeyFingerprint
		answer, update := fp, fp
		if r.corruptFP[0] {
			answer++
		}
		if r.corruptFP[1] {
			update++
		}
		out.(*tg.EncryptedChatClassBox).EncryptedChat = &tg.EncryptedChat{ID: r.chatID, AccessHash: 6, Date: 100, AdminID: 1, ParticipantID: 2, GAOrB: r.ga, KeyFingerprint: answer}
		r.push(other, &tg.UpdateEncryption{Chat: &tg.EncryptedChat{ID: r.chatID, AccessHash: 5, Date: 100, AdminID: 1, ParticipantID: 2, GAOrB: q.GB, KeyFingerprint: update}})
		if r.afterAccept != nil {
			r.afterAccept()
		}
	case *tg.MessagesSendEncryptedRequest:
		out.(*tg.MessagesSentEncryptedMessageClassBox).MessagesSentEncryptedMessage = &tg.MessagesSentEncryptedMessage{Date: 200}
		r.push(other, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{RandomID: q.RandomID, ChatID: q.Peer.ChatID, Date: 200, Bytes: q.Data, File: &tg.EncryptedFileEmpty{}}})
	case *tg.MessagesSendEncryptedServiceRequest:
		if r.failService > 0 {
			r.failService--
			return errors.New("relay: service message refused")
		}
		out.(*tg.MessagesSentEncryptedMessageClassBox).MessagesSentEncryptedMessage = &tg.MessagesSentEncryptedMessage{Date: 200}
		r.push(other, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessageService{RandomID: q.RandomID, ChatID: q.Peer.ChatID, Date: 200, Bytes: q.Data}})
	case *tg.MessagesSendEncryptedFileRequest:
		f := &tg.EncryptedFile{ID: 9, AccessHash: 10, Size: 32, DCID: 2}
		switch x := q.File.(type) {
		case *tg.InputEncryptedFileUploaded:
			f.KeyFingerprint = x.KeyFingerprint
		case *tg.InputEncryptedFileBigUploaded:
			f.KeyFingerprint = x.KeyFingerprint
		}
		out.(*tg.MessagesSentEncryptedMessageClassBox).MessagesSentEncryptedMessage = &tg.MessagesSentEncryptedFile{Date: 200, File: f}
		r.push(other, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{RandomID: q.RandomID, ChatID: q.Peer.ChatID, Date: 200, Bytes: q.Data, File: f}})
	case *tg.MessagesReadEncryptedHistoryRequest:
		out.(*tg.BoolBox).Bool = true
		r.push(other, &tg.UpdateEncryptedMessagesRead{ChatID: q.Peer.ChatID, MaxDate: q.MaxDate, Date: 300})
	case *tg.MessagesSetEncryptedTypingRequest:
		out.(*tg.BoolBox).Bool = true
		if q.Typing {
			r.push(other, &tg.UpdateEncryptedChatTyping{ChatID: q.Peer.ChatID})
		}
	case *tg.MessagesDiscardEncryptionRequest:
		if r.onDiscard != nil {
			if err := r.onDiscard(); err != nil {
				return err
			}
		}
		out.(*tg.BoolBox).Bool = true
		r.push(other, &tg.UpdateEncryption{Chat: &tg.EncryptedChatDiscarded{ID: q.ChatID}})
	default:
		return fmt.Errorf("relay: unexpected %T", in)
	}
	return nil
}

// request makes party 0 ask party 1 for a chat and returns it, waiting.
func (r *secretRelay) request(t *testing.T) *types.SecretChat {
	t.Helper()
	w, err := r.parties[0].m.request(context.Background(), &tg.InputUser{UserID: 2})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// release delivers the held pushes in order and stops holding.
func (r *secretRelay) release(ctx context.Context) {
	held := r.held
	r.hold, r.holdTo, r.held = false, nil, nil
	for _, h := range held {
		r.parties[h.to].m.handle(ctx, h.up)
	}
}

// open makes a ready chat between the two parties and returns its id.
func (r *secretRelay) open(t *testing.T) int32 {
	t.Helper()
	ctx := context.Background()
	w := r.request(t)
	if w.State != types.SecretChatWaiting || !w.Originator {
		t.Fatalf("requested chat %+v", w)
	}
	if _, err := r.parties[1].m.accept(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	r.runJobs() // the originator's ready job tells its layer, as the responder did on accepting
	return w.ID
}

// openQuiet is open without running the originator's ready job.
func (r *secretRelay) openQuiet(t *testing.T) int32 {
	t.Helper()
	w := r.request(t)
	if _, err := r.parties[1].m.accept(context.Background(), w.ID); err != nil {
		t.Fatal(err)
	}
	return w.ID
}

// sendText sends a text message through the manager, as SendSecretMessage does.
func (m *secretChats) sendText(ctx context.Context, id int32, rid int64, text string) (int64, error) {
	_, err := m.send(ctx, id, rid, &e2e.DecryptedMessage{RandomID: rid, Message: text}, nil)
	return rid, err
}

// TestSecretEntities: every entity kind of the secret layer converts to its main API twin and
// back to itself; main API kinds without a twin, and mentions of ids past 32 bits, are left
// out; nothing panics on a value that does not encode.
func TestSecretEntities(t *testing.T) {
	secret := []e2e.MessageEntityClass{
		&e2e.MessageEntityUnknown{Offset: 1, Length: 2}, &e2e.MessageEntityMention{Offset: 1, Length: 2},
		&e2e.MessageEntityHashtag{Offset: 1, Length: 2}, &e2e.MessageEntityBotCommand{Offset: 1, Length: 2},
		&e2e.MessageEntityURL{Offset: 1, Length: 2}, &e2e.MessageEntityEmail{Offset: 1, Length: 2},
		&e2e.MessageEntityBold{Offset: 1, Length: 2}, &e2e.MessageEntityItalic{Offset: 1, Length: 2},
		&e2e.MessageEntityCode{Offset: 1, Length: 2}, &e2e.MessageEntityPre{Offset: 1, Length: 2, Language: "go"},
		&e2e.MessageEntityTextURL{Offset: 1, Length: 2, URL: "https://t.me"},
		&e2e.MessageEntityMentionName{Offset: 1, Length: 2, UserID: 42},
		&e2e.MessageEntityPhone{Offset: 1, Length: 2}, &e2e.MessageEntityCashtag{Offset: 1, Length: 2},
		&e2e.MessageEntityBankCard{Offset: 1, Length: 2}, &e2e.MessageEntityUnderline{Offset: 1, Length: 2},
		&e2e.MessageEntityStrike{Offset: 1, Length: 2}, &e2e.MessageEntityBlockquote{Offset: 1, Length: 2},
		&e2e.MessageEntitySpoiler{Offset: 1, Length: 2}, &e2e.MessageEntityCustomEmoji{Offset: 1, Length: 2, DocumentID: 7},
	}
	var b tl.Buffer
	for _, e := range secret { // every kind starts with offset and length (e2eSpan)
		if off, n := e2eSpan(&b, e); off != 1 || n != 2 {
			t.Errorf("%s spans %d+%d, want 1+2", e.TypeName(), off, n)
		}
	}
	plain := plainEntities("abc", secret)
	if len(plain) != len(secret) {
		t.Fatalf("%d of %d entities converted: %v", len(plain), len(secret), plain)
	}
	for i, p := range plain {
		if !strings.EqualFold(p.TypeName(), secret[i].TypeName()) {
			t.Errorf("%s became %s", secret[i].TypeName(), p.TypeName())
		}
	}
	if diff := cmp.Diff(secret, secretEntities(plain)); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}

	in := []tg.MessageEntityClass{
		&tg.MessageEntityBold{Offset: 0, Length: 2},
		&tg.InputMessageEntityMentionName{Offset: 3, Length: 1, UserID: &tg.InputUserSelf{}},
		&tg.InputMessageEntityMentionName{Offset: 3, Length: 1, UserID: &tg.InputUser{UserID: 9}},
		&tg.MessageEntityMentionName{Offset: 3, Length: 1, UserID: 1 << 40},
		&tg.MessageEntityBlockquote{Collapsed: true, Offset: 5, Length: 1},
		&tg.MessageEntityTextURL{Offset: 4, Length: 3, URL: "https://t.me"},
		&tg.MessageEntityFormattedDate{Offset: 1, Length: 1},
		nil,
	}
	want := []e2e.MessageEntityClass{
		&e2e.MessageEntityBold{Offset: 0, Length: 2},
		&e2e.MessageEntityMentionName{Offset: 3, Length: 1, UserID: 9},
		&e2e.MessageEntityBlockquote{Offset: 5, Length: 1},
		&e2e.MessageEntityTextURL{Offset: 4, Length: 3, URL: "https://t.me"},
	}
	if diff := cmp.Diff(want, secretEntities(in)); diff != "" {
		t.Fatalf("entities (-want +got):\n%s", diff)
	}
	if got := secretEntities(nil); got != nil {
		t.Fatalf("no entities: %v", got)
	}
	if got := plainEntities("abc", []e2e.MessageEntityClass{&e2e.MessageEntityMentionName{UserID: -1}, nil}); got != nil {
		t.Fatalf("bad mentions: %v", got)
	}
}

func secretTexts(evs []any) []string {
	var out []string
	for _, e := range evs {
		if m, ok := e.(*types.SecretMessage); ok {
			if OpeningNotice(m) {
				continue // each side's layer, told when the chat is made (TestSecretLayerAnnounce)
			}
			if m.Action != nil {
				out = append(out, fmt.Sprintf("action %T", m.Action))
			} else {
				out = append(out, m.Text)
			}
		}
	}
	return out
}

func TestSecretChatLifecycle(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a, b := r.parties[0], r.parties[1]
	id := r.open(t)

	req, ok := b.events()[0].(*types.SecretChat)
	if !ok || req.State != types.SecretChatRequested || req.Originator || req.ID != id {
		t.Fatalf("request event %+v", b.events())
	}
	ca, _ := a.m.get(ctx, id)
	cb, _ := b.m.get(ctx, id)
	if ca.State != types.SecretChatReady || cb.State != types.SecretChatReady {
		t.Fatalf("states %v %v, want ready", ca.State, cb.State)
	}
	if ca.KeyFingerprint == 0 || ca.KeyFingerprint != cb.KeyFingerprint {
		t.Fatalf("fingerprints %x %x", ca.KeyFingerprint, cb.KeyFingerprint)
	}
	va, err := a.m.visual(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	vb, _ := b.m.visual(ctx, id)
	if len(va) != 36 || !bytes.Equal(va, vb) {
		t.Fatalf("visualizations differ: %x %x", va, vb)
	}
	if r.dhCalls != 2 {
		t.Fatalf("%d getDhConfig calls, want 2", r.dhCalls)
	}

	// Text both ways, a layer notification, in order.
	for _, s := range []struct {
		from int
		text string
	}{{0, "hello"}, {1, "hi"}, {0, "again"}, {1, "bye"}} {
		if _, err := r.parties[s.from].m.sendText(ctx, id, randomID(), s.text); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.m.send(ctx, id, 1, &e2e.DecryptedMessageService{RandomID: 1, Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: secretchat.Layer}}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hi", "bye"}, secretTexts(a.events())); diff != "" {
		t.Fatalf("originator got (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"hello", "again", "action *e2e.DecryptedMessageActionNotifyLayer"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("responder got (-want +got):\n%s", diff)
	}
	if cb, _ := b.m.get(ctx, id); cb.Layer != secretchat.Layer {
		t.Fatalf("layer %d after the notification", cb.Layer)
	}

	// A restart: new managers over the same storage go on with the same key and numbers.
	r.parties[0] = r.newParty(0, a.store)
	r.parties[1] = r.newParty(1, b.store)
	a, b = r.parties[0], r.parties[1]
	if _, err := a.m.sendText(ctx, id, 5, "after restart"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"after restart"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("after restart (-want +got):\n%s", diff)
	}

	// Discard: both sides forget the key; sending fails.
	if err := b.m.discard(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	for i, p := range r.parties {
		c, _ := p.m.get(ctx, id)
		if c.State != types.SecretChatDiscarded {
			t.Fatalf("party %d: state %v after discard", i, c.State)
		}
		if _, err := p.m.sendText(ctx, id, 6, "x"); !errors.Is(err, ErrSecretChatState) {
			t.Fatalf("party %d: send after discard: %v", i, err)
		}
	}
	// Discarded stays discarded after a restart.
	if c, _ := r.newParty(0, a.store).m.get(ctx, id); c == nil || c.State != types.SecretChatDiscarded {
		t.Fatalf("reloaded discarded chat: %+v", c)
	}
}

func TestSecretChatFingerprintMismatch(t *testing.T) {
	ctx := context.Background()
	for _, side := range []int{0, 1} {
		t.Run(fmt.Sprint("corrupt for side ", side), func(t *testing.T) {
			r := newSecretRelay(t)
			r.corruptFP[1-side] = true // 0: the responder's answer, 1: the originator's update
			w, err := r.parties[0].m.request(ctx, &tg.InputUser{UserID: 2})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.parties[1].m.accept(ctx, w.ID)
			if side == 1 && !errors.Is(err, ErrSecretFingerprint) {
				t.Fatalf("accept: %v, want ErrSecretFingerprint", err)
			}
			c, _ := r.parties[side].m.get(ctx, w.ID)
			if c.State != types.SecretChatDiscarded {
				t.Fatalf("state %v, want discarded", c.State)
			}
			if side == 0 && !strings.Contains(r.parties[0].log.String(), "err=") {
				t.Fatalf("mismatch not logged: %q", r.parties[0].log.String())
			}
		})
	}
}

func TestSecretChatStateErrors(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a, b := r.parties[0], r.parties[1]
	w, err := a.m.request(ctx, &tg.InputUser{UserID: 2})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  func() error
		want error
	}{
		{"send while waiting", func() error { _, err := a.m.sendText(ctx, w.ID, 1, "x"); return err }, ErrSecretChatState},
		{"visual while waiting", func() error { _, err := a.m.visual(ctx, w.ID); return err }, ErrSecretChatState},
		{"originator accepts", func() error { _, err := a.m.accept(ctx, w.ID); return err }, ErrSecretChatState},
		{"accept unknown", func() error { _, err := b.m.accept(ctx, 999); return err }, ErrSecretChatNotFound},
		{"send unknown", func() error { _, err := b.m.sendText(ctx, 999, 1, "x"); return err }, ErrSecretChatNotFound},
		{"decrypt unknown", func() error { _, err := b.m.decrypt(ctx, 999, nil); return err }, ErrSecretChatNotFound},
		{"accept twice", func() error {
			if _, err := b.m.accept(ctx, w.ID); err != nil {
				return err
			}
			_, err := b.m.accept(ctx, w.ID)
			return err
		}, ErrSecretChatState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
	// A second request reuses the cached prime: getDhConfig answers not modified.
	if _, err := a.m.dhParams(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSecretChatEarlyAccept: the peer's acceptance arrives before requestEncryption's answer
// was handled; the key is completed once it is.
func TestSecretChatEarlyAccept(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	a := r.parties[0]
	// Simulate: a's manager sees encryptedChat for chat 77 before it knows the chat.
	w, s := r.requestUnanswered(t)
	if _, err := r.parties[1].m.accept(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	a.m.mu.Lock()
	if len(a.m.early) != 1 {
		t.Fatalf("%d early chats, want 1", len(a.m.early))
	}
	a.m.chats[w.ID] = s
	if c := a.m.takeEarlyLocked(w.ID); c != nil {
		a.m.completeLocked(ctx, s, c)
	}
	a.m.mu.Unlock()
	if c, _ := a.m.get(ctx, w.ID); c.State != types.SecretChatReady {
		t.Fatalf("state %v", c.State)
	}
}

// TestSecretMessageDuringAccept: the originator may write as soon as it sees the
// acceptance, and its message may reach the responder before the responder has the answer
// of its own acceptEncryption: the message waits for the key instead of being dropped.
func TestSecretMessageDuringAccept(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	w := r.request(t)
	r.afterAccept = func() {
		if _, err := r.parties[0].m.sendText(ctx, w.ID, 1, "at once"); err != nil {
			t.Errorf("originator's first message: %v", err)
		}
	}
	if _, err := r.parties[1].m.accept(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	r.afterAccept = nil
	if _, err := r.parties[0].m.sendText(ctx, w.ID, 2, "then"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"at once", "then"}, secretTexts(r.parties[1].events())); diff != "" {
		t.Fatalf("responder's messages (-want +got):\n%s\nlog: %s", diff, r.parties[1].log)
	}
	// Each side hears once that the chat is ready; the responder before the first message.
	if diff := cmp.Diff([]string{"ready"}, secretLifecycle(r.parties[0].events())); diff != "" {
		t.Errorf("originator's chat events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"requested", "ready", "at once", "then"}, secretLifecycle(r.parties[1].events())); diff != "" {
		t.Errorf("responder's events (-want +got):\n%s", diff)
	}
}

// secretLifecycle lists the chat states and message texts the handlers got, in order.
func secretLifecycle(evs []any) []string {
	var out []string
	for _, e := range evs {
		switch e := e.(type) {
		case *types.SecretChat:
			out = append(out, e.State.String())
		case *types.SecretMessage:
			if !OpeningNotice(e) {
				out = append(out, e.Text)
			}
		}
	}
	return out
}

// TestSecretMessageOrder delivers the originator's messages out of order and twice: the
// responder's handlers get each once, in sequence order.
func TestSecretMessageOrder(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	r.hold = true
	for _, s := range []string{"1", "2", "3", "4"} {
		if _, err := a.m.sendText(ctx, id, randomID(), s); err != nil {
			t.Fatal(err)
		}
	}
	r.hold = false
	h := r.held
	for _, i := range []int{2, 0, 0, 3, 1, 2, 1} {
		b.m.handle(ctx, h[i].up)
	}
	if diff := cmp.Diff([]string{"1", "2", "3", "4"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("delivered (-want +got):\n%s", diff)
	}
	b.m.mu.Lock()
	defer b.m.mu.Unlock()
	if n := len(b.m.chats[id].pending); n != 0 {
		t.Fatalf("%d messages still pending", n)
	}
}

// TestSecretResend loses messages on the way: the receiver asks for them
// (decryptedMessageActionResend) and the sender sends them again with their sequence numbers,
// text and files alike, so everything arrives once and in order.
func TestSecretResend(t *testing.T) {
	ctx := context.Background()
	for _, from := range []int{0, 1} {
		t.Run(fmt.Sprint("from ", from), func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			snd, rcv := r.parties[from], r.parties[1-from]
			r.hold = true
			for _, s := range []string{"1", "2", "3", "4"} {
				if _, err := snd.m.sendText(ctx, id, randomID(), s); err != nil {
					t.Fatal(err)
				}
			}
			f, _ := encryptedInputFile(&tg.InputFile{ID: 1, Parts: 1}, 5)
			doc := &e2e.DecryptedMessageMediaDocument{Thumb: []byte{}, Key: make([]byte, 32), Iv: make([]byte, 32), Caption: "5"}
			if _, err := snd.m.send(ctx, id, 9, &e2e.DecryptedMessage{RandomID: 9, Message: "5", Media: doc}, f); err != nil {
				t.Fatal(err)
			}
			if _, err := snd.m.sendText(ctx, id, randomID(), "6"); err != nil {
				t.Fatal(err)
			}
			held := r.held
			r.hold, r.held = false, nil
			for _, i := range []int{1, 3, 5} { // 1, 3 and 5 (the file) are lost
				rcv.m.handle(ctx, held[i].up)
			}
			if got := secretTexts(rcv.events()); len(got) != 0 {
				t.Fatalf("delivered before the gap filled: %v", got)
			}
			r.runJobs()
			if diff := cmp.Diff([]string{"1", "2", "3", "4", "5", "6"}, secretTexts(rcv.events())); diff != "" {
				t.Fatalf("delivered (-want +got):\n%s", diff)
			}
			last := rcv.events()[len(rcv.events())-2].(*types.SecretMessage)
			if last.File == nil || last.File.ID != 9 {
				t.Fatalf("resent file %+v", last.File)
			}
			var resends int
			for _, e := range snd.events() {
				if m, ok := e.(*types.SecretMessage); ok {
					if _, ok := m.Action.(*e2e.DecryptedMessageActionResend); ok {
						resends++
					}
				}
			}
			if resends == 0 {
				t.Fatal("no resend request reached the sender")
			}
		})
	}
}

// TestSecretResendConcurrentGaps: both parties lose a message of the other, so each one's
// resend request comes after a gap at the other. As the docs require (seq_no, "avoiding
// concurrent gaps"), a resend request is answered as soon as it arrives, in order or not:
// both gaps fill and every message is delivered once, in order.
func TestSecretResendConcurrentGaps(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	r.hold = true
	if _, err := a.m.sendText(ctx, id, randomID(), "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.m.sendText(ctx, id, randomID(), "b1"); err != nil {
		t.Fatal(err)
	}
	r.hold, r.held = false, nil // both lost
	if _, err := a.m.sendText(ctx, id, randomID(), "a2"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.m.sendText(ctx, id, randomID(), "b2"); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	texts := func(p *secretParty) []string {
		var out []string
		for _, s := range secretTexts(p.events()) {
			if !strings.HasPrefix(s, "action ") {
				out = append(out, s)
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"b1", "b2"}, texts(a)); diff != "" {
		t.Errorf("A's messages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a1", "a2"}, texts(b)); diff != "" {
		t.Errorf("B's messages (-want +got):\n%s", diff)
	}
	r.exchangeTexts(t, id, "a3", "b3")
}

// failAfter reads from crand for n bytes, then fails.
type failAfter struct{ n int }

func (f *failAfter) Read(b []byte) (int, error) {
	if f.n < len(b) {
		return 0, errors.New("no randomness")
	}
	f.n -= len(b)
	return crand.Read(b)
}

// TestSecretSealFailure: a message that fails to encrypt takes no sequence number: the next
// one is delivered (before, the peer waited for the lost number forever).
func TestSecretSealFailure(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	a.m.rnd = &failAfter{n: secretRandomBytes} // random_bytes, then not the padding
	if _, err := a.m.sendText(ctx, id, randomID(), "lost"); err == nil {
		t.Fatal("sent without randomness")
	}
	a.m.rnd = crand.Reader
	if _, err := a.m.sendText(ctx, id, randomID(), "next"); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	if diff := cmp.Diff([]string{"next"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("B's messages (-want +got):\n%s", diff)
	}
}

// TestSecretResendRange: a resend request whose range reaches the end of int32, or spans it,
// is answered (or refused) at once: the manager does not loop under its lock, and the chat
// goes on.
func TestSecretResendRange(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name       string
		start, end int32
	}{
		{"up to the largest", math.MaxInt32 - 2, math.MaxInt32},
		{"the whole range", math.MinInt32, math.MaxInt32},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newSecretRelay(t)
			id := r.open(t)
			a, b := r.parties[0], r.parties[1]
			ask := &e2e.DecryptedMessageService{RandomID: 4, Action: &e2e.DecryptedMessageActionResend{StartSeqNo: tt.start, EndSeqNo: tt.end}}
			if _, err := b.m.send(ctx, id, ask.RandomID, ask, nil); err != nil {
				t.Fatal(err)
			}
			r.runJobs()
			r.exchangeTexts(t, id, "a", "b")
			want := []string{"action *e2e.DecryptedMessageActionResend", "b"}
			if diff := cmp.Diff(want, secretTexts(a.events())); diff != "" {
				t.Fatalf("A's handlers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSecretBadPayloads: what fails to decrypt or to check is logged under "err" and
// dropped; nothing reaches the handlers and the chat goes on.
func TestSecretBadPayloads(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	r.hold = true
	if _, err := a.m.sendText(ctx, id, 1, "good"); err != nil {
		t.Fatal(err)
	}
	r.hold = false
	good := r.held[0].up.(*tg.UpdateNewEncryptedMessage).Message.(*tg.EncryptedMessage)
	// The responder's own message, encrypted as the responder: wrong role for b to read.
	sealed, _, err := b.m.encrypt(ctx, id, 2, &e2e.DecryptedMessage{RandomID: 2, Message: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	own := sealed.data
	flip := func(i int) []byte {
		x := bytes.Clone(good.Bytes)
		x[i] ^= 1
		return x
	}
	// A valid payload whose layer carries the wrong parity of out_seq_no.
	b.m.mu.Lock()
	key := *b.m.chats[id].keys.Key()
	b.m.mu.Unlock()
	plain, _ := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{RandomBytes: make([]byte, 16), Layer: secretchat.Layer, InSeqNo: 0, OutSeqNo: 2, Message: &e2e.DecryptedMessage{RandomID: 3}})
	parity, _ := secretchat.Encrypt(nil, &key, secretchat.Originator, plain, crand.Reader)
	notLayer, _ := secretchat.Encrypt(nil, &key, secretchat.Originator, []byte{1, 2, 3, 4}, crand.Reader)
	tests := []struct {
		name  string
		chat  int32
		bytes []byte
	}{
		{"empty", id, nil},
		{"short", id, good.Bytes[:20]},
		{"fingerprint", id, flip(0)},
		{"msg_key", id, flip(10)},
		{"ciphertext", id, flip(40)},
		{"unaligned", id, good.Bytes[:len(good.Bytes)-1]},
		{"wrong role", id, own},
		{"seq parity", id, parity},
		{"not a layer", id, notLayer},
		{"unknown chat", 12345, good.Bytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.log.Reset()
			b.m.handle(ctx, &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{ChatID: tt.chat, Bytes: tt.bytes, File: &tg.EncryptedFileEmpty{}}})
			if len(secretTexts(b.events())) != 0 {
				t.Fatalf("delivered: %v", secretTexts(b.events()))
			}
			if !strings.Contains(b.log.String(), "err=") {
				t.Fatalf("not logged under err: %q", b.log.String())
			}
		})
	}
	// The chat still works.
	b.m.handle(ctx, r.held[0].up)
	if diff := cmp.Diff([]string{"good"}, secretTexts(b.events())); diff != "" {
		t.Fatalf("after bad payloads (-want +got):\n%s", diff)
	}
	// DecryptSecretMessage's path reads the same payload again without the sequence checks.
	layer, err := b.m.decrypt(ctx, id, good.Bytes)
	if err != nil || layer.Message.(*e2e.DecryptedMessage).Message != "good" {
		t.Fatalf("decrypt: %v %+v", err, layer)
	}
}

func TestSecretFileCrypto(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := make([]byte, n)
			_, _ = crand.Read(data)
			cipher, key, iv, err := encryptSecretFile(data, crand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if len(cipher)%16 != 0 || len(cipher) < n {
				t.Fatalf("%d bytes of ciphertext for %d", len(cipher), n)
			}
			f := &types.SecretFile{Key: key, IV: iv, KeyFingerprint: secretFileFingerprint(key, iv), PlainSize: int64(n)}
			got, err := decryptSecretFile(f, cipher)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("round trip: %v", err)
			}
			bad := *f
			bad.KeyFingerprint++
			if _, err := decryptSecretFile(&bad, cipher); !errors.Is(err, ErrSecretFingerprint) {
				t.Fatalf("wrong fingerprint: %v", err)
			}
			bad = *f
			bad.PlainSize = int64(len(cipher) + 1)
			if _, err := decryptSecretFile(&bad, cipher); err == nil {
				t.Fatal("size beyond the ciphertext accepted")
			}
			bad = *f
			bad.Key = key[:16]
			if _, err := decryptSecretFile(&bad, cipher); err == nil {
				t.Fatal("short key accepted")
			}
		})
	}
	// The fingerprint by the docs' definition, written out.
	key, iv := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if got, want := secretFileFingerprint(key, iv), secretFileFingerprint(key, iv); got != want || got == secretFileFingerprint(iv, key) {
		t.Fatal("fingerprint not a function of key then iv")
	}
}

// TestSecretFileMessage sends a file descriptor through the relay and reads it back.
func TestSecretFileMessage(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	key, iv := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	fp := secretFileFingerprint(key, iv)
	in, err := encryptedInputFile(&tg.InputFile{ID: 1, Parts: 1, MD5Checksum: "x"}, fp)
	if err != nil {
		t.Fatal(err)
	}
	doc := &e2e.DecryptedMessageMediaDocument{Thumb: []byte{}, MimeType: "text/plain", Size: 20, Key: key, Iv: iv, Caption: "cap",
		Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "a.txt"}}}
	if _, err := a.m.send(ctx, id, 8, &e2e.DecryptedMessage{RandomID: 8, Media: doc}, in); err != nil {
		t.Fatal(err)
	}
	evs := b.events()
	m := evs[len(evs)-1].(*types.SecretMessage)
	want := &types.SecretFile{ID: 9, AccessHash: 10, DCID: 2, Size: 32, KeyFingerprint: fp, Key: key, IV: iv, PlainSize: 20, MimeType: "text/plain", FileName: "a.txt", Kind: types.KindDocument}
	if diff := cmp.Diff(want, m.File); diff != "" || m.Text != "cap" || m.RandomID != 8 {
		t.Fatalf("file (-want +got):\n%s text %q", diff, m.Text)
	}
	if _, err := encryptedInputFile(&tg.InputFileBig{ID: 1, Parts: 2}, fp); err != nil {
		t.Fatal(err)
	}
	if _, err := encryptedInputFile(&tg.InputFileStoryDocument{}, fp); err == nil {
		t.Fatal("unexpected upload kind accepted")
	}
}

// testSecretChat returns a ready chat with a random key and one message sent.
func testSecretChat(t testing.TB) *secretChat {
	var raw [256]byte
	_, _ = crand.Read(raw[:])
	key := crypto.NewAuthKey(raw)
	seq, _ := secretchat.NewSeq(secretchat.Responder, secretchat.SeqState{})
	_, _, _ = seq.Next()
	keys, _ := secretchat.NewKeys(secretchat.Responder, key, time.Unix(1700000100, 0))
	_, _ = keys.Seal(nil, make([]byte, 16), crand.Reader)
	return &secretChat{id: 7, accessHash: -3, userID: 42, date: 1700000000, role: secretchat.Responder,
		state: types.SecretChatReady, layer: 144, ttl: 10, fingerprint: secretchat.Fingerprint(&key), keys: keys,
		visual: secretchat.Visual288(&key, &key), seq: seq}
}

func TestSecretRecord(t *testing.T) {
	s := testSecretChat(t)
	b := encodeSecretRecord(s)
	got, err := decodeSecretRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.view(), got.view()); diff != "" || got.seq.State() != s.seq.State() || got.visual != s.visual {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(s.keys.State(), got.keys.State()); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	mutate := func(i int, v byte) []byte {
		x := bytes.Clone(b)
		x[i] = v
		return x
	}
	tests := []damagedRecord{
		{"empty", nil},
		{"short", b[:len(b)-1]},
		{"long", append(bytes.Clone(b), 0)},
		{"version", mutate(0, 4)},
		{"version 1 at version 3's size", mutate(0, 1)},
		{"version 2 at version 3's size", mutate(0, 2)},
		{"version 3 at version 1's size", b[:secretRecordSizeV1]},
		{"version 3 at version 2's size", b[:secretRecordSizeV2]},
		{"exchange bytes in a ready chat", mutate(1200, 1)},
		{"role", mutate(1, 2)},
		{"state waiting", mutate(2, byte(types.SecretChatWaiting))},
		{"reserved", mutate(3, 1)},
		{"negative layer", mutate(35, 0x80)},
		{"seq peer in_seq_no", mutate(56, 1)},
		{"key", mutate(100, b[100]^1)},
		{"negative message count", mutate(363, 0x80)},
		{"unknown flag", mutate(364, 0x80)},
		{"reserved after phase", mutate(366, 1)},
		{"previous key without its flag", mutate(400, 1)},
		{"previous flag without a key", mutate(364, b[364]|secretFlagPrevious)},
		{"next flag without a key", mutate(364, b[364]|secretFlagNext)},
		{"next key bytes without their flag", mutate(700, 1)},
		{"unknown phase", mutate(365, 99)},
		{"committed without a previous key", mutate(365, byte(secretchat.PhaseCommitted))},
	}
	wantDamaged(t, tests, nil)
}

// damagedRecord is a stored record some damage made unreadable.
type damagedRecord struct {
	name string
	b    []byte
}

// wantDamaged checks that each record fails with errSecretRecord and that no error shows
// secret.
func wantDamaged(t *testing.T, rows []damagedRecord, secret []byte) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeSecretRecord(tt.b)
			if !errors.Is(err, errSecretRecord) {
				t.Fatalf("err %v, want errSecretRecord", err)
			}
			if form, leaked := redact.Leak(err.Error(), secret); secret != nil && leaked {
				t.Fatalf("the secret in the error, %s", form)
			}
		})
	}
}

// asVersion returns c's record as an older version wrote it: cut to that version's size.
func asVersion(c *secretChat, v byte) []byte {
	b := encodeSecretRecord(c)[:secretRecordSizes[v]]
	b[0] = v
	return b
}

// A version 1 record (before re-keying) still loads: its key is the first key, used for
// every message its sequence numbers count since the chat's date.
func TestSecretRecordV1(t *testing.T) {
	s := testSecretChat(t)
	got, err := decodeSecretRecord(asVersion(s, secretRecordV1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.view(), got.view()); diff != "" || got.visual != s.visual {
		t.Fatalf("v1 (-want +got):\n%s", diff)
	}
	want := secretchat.KeysState{Key: *s.keys.Key(), Usage: secretchat.Usage{Messages: 1, Encrypted: true, Since: time.Unix(s.date, 0)}}
	if diff := cmp.Diff(want, got.keys.State()); diff != "" {
		t.Fatalf("v1 keys (-want +got):\n%s", diff)
	}
	again, err := decodeSecretRecord(encodeSecretRecord(got))
	if err != nil || again.keys.Fingerprint() != s.keys.Fingerprint() {
		t.Fatalf("v1 saved as v2: %v", err)
	}
}

// An exchange holding a DH exponent is stored by its id and aborted on load; one holding only
// keys resumes.
func TestSecretRecordRekey(t *testing.T) {
	s := testSecretChat(t)
	params := secretchat.DHParams{G: 3, P: crypto.KnownDHPrime.Bytes()}
	rnd := make([]byte, secretchat.RandomSize)
	_, _ = crand.Read(rnd)
	dh, err := secretchat.NewDH(params, rnd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.keys.Start(dh, 99, time.Unix(3, 0)); err != nil {
		t.Fatal(err)
	}
	got, err := decodeSecretRecord(encodeSecretRecord(s))
	if err != nil {
		t.Fatal(err)
	}
	if got.restoreAbort == nil || got.restoreAbort.ExchangeID != 99 || got.keys.Phase() != secretchat.PhaseIdle {
		t.Fatalf("requested exchange after load: abort %+v, phase %v", got.restoreAbort, got.keys.Phase())
	}
	// The peer's side: it accepted, holding the next key.
	peer := testSecretChat(t)
	peer.keys, _ = secretchat.NewKeys(secretchat.Originator, *s.keys.Key(), time.Unix(1, 0))
	peer.role = secretchat.Originator
	peer.seq, _ = secretchat.NewSeq(secretchat.Originator, secretchat.SeqState{})
	req := &e2e.DecryptedMessageActionRequestKey{ExchangeID: 99, GA: dh.Public()}
	if _, err := peer.keys.Handle(req, time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	_, _ = crand.Read(rnd)
	dh2, _ := secretchat.NewDH(params, rnd)
	if _, err := peer.keys.Accept(dh2); err != nil {
		t.Fatal(err)
	}
	got, err = decodeSecretRecord(encodeSecretRecord(peer))
	if err != nil {
		t.Fatal(err)
	}
	if got.restoreAbort != nil || got.keys.Phase() != secretchat.PhaseAccepted {
		t.Fatalf("accepted exchange after load: abort %+v, phase %v", got.restoreAbort, got.keys.Phase())
	}
	if diff := cmp.Diff(peer.keys.State(), got.keys.State()); diff != "" {
		t.Fatalf("accepted keys (-want +got):\n%s", diff)
	}
}

// testDiscardedChat is testSecretChat once discarded: its record keeps the fingerprint,
// sequence numbers and visualization, and no key.
func testDiscardedChat(t testing.TB) *secretChat {
	s := testSecretChat(t)
	s.state, s.keys = types.SecretChatDiscarded, nil
	return s
}

// TestSecretRecordDiscarded: a discarded chat's record, of every version, leaves the key
// and (from version 2) the re-keying part zero; a byte set there is damage, reported as
// errSecretRecord like every other check, not read past.
func TestSecretRecordDiscarded(t *testing.T) {
	s := testDiscardedChat(t)
	var tests []damagedRecord
	for _, v := range []byte{secretRecordV1, secretRecordV2, secretRecordV3} {
		b := asVersion(s, v)
		got, err := decodeSecretRecord(b)
		if err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		if diff := cmp.Diff(s.view(), got.view()); diff != "" || got.visual != s.visual && v != secretRecordV1 {
			t.Fatalf("version %d (-want +got):\n%s", v, diff)
		}
		at := []int{60, 100, 315}
		if v != secretRecordV1 {
			at = append(at, 352, 360, 364, 365, 366, 368, 400, 700, 887)
		}
		for _, i := range at {
			x := bytes.Clone(b)
			x[i] = 1
			tests = append(tests, damagedRecord{fmt.Sprintf("version %d byte %d", v, i), x})
		}
	}
	wantDamaged(t, tests, nil)
}

func FuzzSecretRecord(f *testing.F) {
	s := testSecretChat(f)
	b := encodeSecretRecord(s)
	f.Add(b)
	f.Add(asVersion(s, secretRecordV1))
	f.Add(encodeSecretRecord(&secretChat{id: 2, role: secretchat.Responder, state: types.SecretChatDiscarded}))
	gone := testDiscardedChat(f)
	for _, v := range []byte{secretRecordV1, secretRecordV2, secretRecordV3} {
		f.Add(asVersion(gone, v))
	}
	for _, i := range []int{100, 364, 700} { // damaged: bytes where a discarded chat has none
		b := encodeSecretRecord(gone)
		b[i] = 1
		f.Add(b)
	}
	waiting, requested := testUnfinishedChats(f)
	f.Add(encodeSecretRecord(waiting))
	f.Add(encodeSecretRecord(requested))
	f.Add(asVersion(s, secretRecordV2))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSecretRecord(b)
		if err != nil {
			return
		}
		// What decodes saves and loads again as the same chat.
		again, err := decodeSecretRecord(encodeSecretRecord(s))
		if err != nil {
			t.Fatalf("re-encoded record: %v", err)
		}
		if diff := cmp.Diff(s.view(), again.view()); diff != "" {
			t.Fatalf("re-encoded record (-first +again):\n%s", diff)
		}
	})
}
