package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// secretPair is a ready secret chat between Alice (on a session file, so she can restart)
// and Bob, with the messages each gets and the key switches each makes.
type secretPair struct {
	t                *testing.T
	alice, bob       *testClient
	aliceCfg         func(*mtgo.Config)
	id               int32
	aliceGot, bobGot chan *types.SecretMessage
	aliceSw, bobSw   chan int64
	aliceInit        int64
	cl               *teletest.Cluster
}

func newSecretPair(t *testing.T, phone string, bobCfg ...func(*mtgo.Config)) *secretPair {
	cl := cluster(t)
	path := filepath.Join(t.TempDir(), "alice")
	p := &secretPair{t: t, aliceCfg: func(cfg *mtgo.Config) { cfg.InMemory = false; cfg.SessionName = path },
		aliceGot: make(chan *types.SecretMessage, 16), bobGot: make(chan *types.SecretMessage, 16),
		aliceSw: make(chan int64, 8), bobSw: make(chan int64, 8), cl: cl}
	p.alice, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: phone + "0"}, p.aliceCfg)
	p.bob, _ = e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: phone + "1", Username: "rekey_bob" + phone}, bobCfg...)
	p.hook(p.alice, p.aliceGot, p.aliceSw)
	p.hook(p.bob, p.bobGot, p.bobSw)
	p.bob.OnSecretChatRequest(func(ctx *mtgo.Context, sc *types.SecretChat) error {
		if _, err := ctx.Client.AcceptSecretChat(ctx, sc.ID); err != nil {
			return err
		}
		_, err := ctx.Client.SendSecretMessage(ctx, sc.ID, "ready")
		return err
	})
	sc, err := p.alice.RequestSecretChat(ctxT(t), "@rekey_bob"+phone)
	if err != nil {
		t.Fatal(err)
	}
	p.id = sc.ID
	if m := recv(t, p.aliceGot, "Bob's first message"); m.Text != "ready" {
		t.Fatalf("first message %+v", m)
	}
	p.aliceInit = p.fingerprint(p.alice)
	return p
}

// hook records c's secret messages (failing on any re-keying action) and key switches.
func (p *secretPair) hook(c *testClient, got chan *types.SecretMessage, sw chan int64) {
	c.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error {
		if m.Action != nil && secretchat.IsRekey(m.Action) {
			p.t.Errorf("a handler got %T", m.Action)
		}
		keepSecret(got, m)
		return nil
	})
	mtgo.OnSecretKeySwitch(c.Client, func(_ int32, fp int64) { sw <- fp })
}

func (p *secretPair) fingerprint(c *testClient) int64 {
	p.t.Helper()
	sc, ok := c.GetSecretChat(p.id)
	if !ok || sc.State != types.SecretChatReady {
		p.t.Fatalf("chat %+v, %v", sc, ok)
	}
	return sc.KeyFingerprint
}

// say sends text from one party and waits for it at the other (service messages the
// handlers see on the way are skipped).
func (p *secretPair) say(from *testClient, to chan *types.SecretMessage, text string) {
	p.t.Helper()
	if _, err := from.SendSecretMessage(ctxT(p.t), p.id, text); err != nil {
		p.t.Fatal(err)
	}
	m := recv(p.t, to, text)
	for m.Action != nil { // resend requests after messages that crossed on the way
		m = recv(p.t, to, text)
	}
	if m.Text != text {
		p.t.Fatalf("got %q, want %q", m.Text, text)
	}
}

// switched waits for one key switch at each side and checks they agree on a new key.
func (p *secretPair) switched(old int64) int64 {
	p.t.Helper()
	a, b := recv(p.t, p.aliceSw, "Alice's switch"), recv(p.t, p.bobSw, "Bob's switch")
	if a != b || a == old {
		p.t.Fatalf("switched to %d and %d (old %d)", a, b, old)
	}
	if fa, fb := p.fingerprint(p.alice), p.fingerprint(p.bob); fa != a || fb != a {
		p.t.Fatalf("GetSecretChat shows %d and %d, keys %d", fa, fb, a)
	}
	return a
}

// holdFirst holds the first re-keying message of type A that c sends until release is
// closed (or the send's context ends); out gets a value once it is held.
func holdFirst[A e2e.DecryptedMessageActionClass](c *testClient) (out, release chan struct{}) {
	out, release = make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	mtgo.SetSecretSendGate(c.Client, func(ctx context.Context, _ int32, a e2e.DecryptedMessageActionClass) {
		if _, ok := a.(A); ok {
			once.Do(func() {
				out <- struct{}{}
				select {
				case <-release:
				case <-ctx.Done():
				}
			})
		}
	})
	return out, release
}

// TestE2ESecretRekey: Alice re-keys by hand while a message Bob sealed under the old key is
// still on its way (it arrives after her switch and is read); messages flow both ways on the
// new key; Bob's lowered threshold starts the next exchange by itself; Alice restarts on her
// session file after that switch and still reads and writes.
func TestE2ESecretRekey(t *testing.T) {
	p := newSecretPair(t, "1555202")
	old := p.aliceInit

	// Hold Alice's CommitKey until Bob, who has sent AcceptKey and still uses the old key,
	// sends a message.
	commitOut, release := holdFirst[*e2e.DecryptedMessageActionCommitKey](p.alice)
	if err := p.alice.RekeySecretChat(ctxT(t), p.id); err != nil {
		t.Fatal(err)
	}
	if err := p.alice.RekeySecretChat(ctxT(t), p.id); !errors.Is(err, mtgo.ErrSecretRekeyBusy) {
		t.Fatalf("second start: %v, want ErrSecretRekeyBusy", err)
	}
	recv(t, commitOut, "Alice's commit")
	aliceNew := recv(t, p.aliceSw, "Alice's switch")
	if p.fingerprint(p.bob) != old {
		t.Fatal("Bob switched before the commit reached him")
	}
	p.say(p.bob, p.aliceGot, "sealed under the old key")
	close(release)
	if bobNew := recv(t, p.bobSw, "Bob's switch"); bobNew != aliceNew || aliceNew == old {
		t.Fatalf("switched to %d and %d (old %d)", aliceNew, bobNew, old)
	}
	if a, b := p.fingerprint(p.alice), p.fingerprint(p.bob); a != aliceNew || b != aliceNew {
		t.Fatalf("GetSecretChat shows %d and %d, key %d", a, b, aliceNew)
	}
	p.say(p.alice, p.bobGot, "on the new key")
	p.say(p.bob, p.aliceGot, "likewise")

	// Bob's threshold: the next exchange starts by itself once he crosses it.
	mtgo.SetSecretRekeyPolicy(p.bob.Client, secretchat.Policy{Messages: 6})
	for i := 0; i < 4; i++ {
		p.say(p.alice, p.bobGot, fmt.Sprint("a", i))
		p.say(p.bob, p.aliceGot, fmt.Sprint("b", i))
	}
	second := p.switched(aliceNew)
	mtgo.SetSecretRekeyPolicy(p.bob.Client, secretchat.DefaultPolicy)

	// Alice restarts on her session file after the switch.
	p.alice.Stop()
	alice2 := e2eClient(t, p.cl, p.aliceCfg)
	p.alice = alice2
	p.hook(alice2, p.aliceGot, p.aliceSw)
	if err := alice2.Start0(t); err != nil {
		t.Fatal(err)
	}
	if fp := p.fingerprint(alice2); fp != second {
		t.Fatalf("after restart: fingerprint %d, want %d", fp, second)
	}
	p.say(p.bob, p.aliceGot, "after the restart")
	p.say(alice2, p.bobGot, "still here")
	if v, err := alice2.SecretChatVisualization(p.id); err != nil || len(v) != 36 {
		t.Fatalf("visualization after re-keying: %v", err)
	}
}

// TestE2ESecretRekeyRestartOvertaken: Bob's CommitKey is held back while his next message,
// under the new key, overtakes it; Alice switches on that message and keeps it for its turn,
// then restarts before the CommitKey comes. Her update state counts the message as handled
// (no catch-up brings it again, and Bob's resend would carry a random_id the server has
// delivered already), so her new process must have kept it: it arrives once the CommitKey
// does, and the chat goes on.
func TestE2ESecretRekeyRestartOvertaken(t *testing.T) {
	p := newSecretPair(t, "1555206")
	commitOut, release := holdFirst[*e2e.DecryptedMessageActionCommitKey](p.bob)
	if err := p.bob.RekeySecretChat(ctxT(t), p.id); err != nil {
		t.Fatal(err)
	}
	recv(t, commitOut, "Bob's commit")
	bobNew := recv(t, p.bobSw, "Bob's switch")
	if _, err := p.bob.SendSecretMessage(ctxT(t), p.id, "overtaking"); err != nil {
		t.Fatal(err)
	}
	if a := recv(t, p.aliceSw, "Alice's switch"); a != bobNew || a == p.aliceInit {
		t.Fatalf("Alice switched to %d, Bob to %d (old %d)", a, bobNew, p.aliceInit)
	}
	if fp := p.fingerprint(p.alice); fp != bobNew { // and her update path is done with it
		t.Fatalf("Alice shows %d, want %d", fp, bobNew)
	}
	p.alice.Stop()
	close(release) // the CommitKey goes out while Alice is away

	alice2 := e2eClient(t, p.cl, p.aliceCfg)
	p.alice = alice2
	p.hook(alice2, p.aliceGot, p.aliceSw)
	if err := alice2.Start0(t); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, p.aliceGot, "the message that overtook the commit"); m.Text != "overtaking" {
		t.Fatalf("got %q, want the message that overtook the commit", m.Text)
	}
	p.say(p.bob, p.aliceGot, "after the restart")
	p.say(alice2, p.bobGot, "still here")
	if fp := p.fingerprint(alice2); fp != bobNew {
		t.Fatalf("after restart: fingerprint %d, want %d", fp, bobNew)
	}
}

// TestE2ESecretRekeySimultaneous: both users start re-keying and both requests are out
// before either arrives; the larger exchange_id wins on both sides and they switch once, to
// the same key.
func TestE2ESecretRekeySimultaneous(t *testing.T) {
	p := newSecretPair(t, "1555203")
	old := p.aliceInit
	var wg sync.WaitGroup
	wg.Add(2)
	both := make(chan struct{})
	for _, c := range []*testClient{p.alice, p.bob} {
		var once sync.Once
		mtgo.SetSecretSendGate(c.Client, func(ctx context.Context, _ int32, a e2e.DecryptedMessageActionClass) {
			if _, ok := a.(*e2e.DecryptedMessageActionRequestKey); ok {
				once.Do(func() {
					wg.Done()
					select {
					case <-both:
					case <-ctx.Done():
					}
				})
			}
		})
	}
	errs := make(chan error, 2)
	for _, c := range []*testClient{p.alice, p.bob} {
		go func() { errs <- c.RekeySecretChat(ctxT(t), p.id) }()
	}
	wg.Wait() // both requests sealed, neither sent
	close(both)
	for range 2 {
		if err := recv(t, errs, "start"); err != nil {
			t.Fatal(err)
		}
	}
	fp := p.switched(old)
	p.say(p.alice, p.bobGot, "one key")
	p.say(p.bob, p.aliceGot, "for both")
	select {
	case x := <-p.aliceSw:
		t.Fatalf("Alice switched again, to %d", x)
	case x := <-p.bobSw:
		t.Fatalf("Bob switched again, to %d", x)
	default:
	}
	if p.fingerprint(p.alice) != fp {
		t.Fatal("fingerprint moved")
	}
}

// TestE2ESecretRekeyConfig: Bob's Config.SecretRekey lowers the message rule to 10; the
// exchange starts by itself once his key has been used for more than 10 messages, both
// switch to one new key, and the chat goes on.
func TestE2ESecretRekeyConfig(t *testing.T) {
	p := newSecretPair(t, "1555204", func(cfg *mtgo.Config) { cfg.SecretRekey = secretchat.Policy{Messages: 10} })
	for i := range 6 {
		p.say(p.alice, p.bobGot, fmt.Sprint("a", i))
		p.say(p.bob, p.aliceGot, fmt.Sprint("b", i))
	}
	p.switched(p.aliceInit)
	p.say(p.alice, p.bobGot, "on the new key")
	p.say(p.bob, p.aliceGot, "likewise")
}

// TestE2ESecretRekeyIdle: a chat nobody writes in for more than a week re-keys when the
// client starts: Alice, whose key encrypted a message, restarts eight days later (her clock
// moved) and starts an exchange without any message sent; both switch to one key and talk.
func TestE2ESecretRekeyIdle(t *testing.T) {
	p := newSecretPair(t, "1555205")
	p.say(p.alice, p.bobGot, "before the week")
	if p.fingerprint(p.alice) != p.aliceInit {
		t.Fatal("re-keyed early")
	}
	p.alice.Stop()
	alice2 := e2eClient(t, p.cl, p.aliceCfg)
	p.alice = alice2
	p.hook(alice2, p.aliceGot, p.aliceSw)
	later := time.Now().Add(8 * 24 * time.Hour)
	mtgo.SetSecretClock(alice2.Client, func() time.Time { return later })
	if err := alice2.Start0(t); err != nil {
		t.Fatal(err)
	}
	p.switched(p.aliceInit)
	p.say(p.bob, p.aliceGot, "after the week")
	p.say(p.alice, p.bobGot, "on the new key")
}
