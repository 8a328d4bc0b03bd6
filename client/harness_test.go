package mtgo_test

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// This file holds a test harness that runs the client against the integration server's world
// and method handlers (teletest/services) through an in-memory SessionFactory:
// every call is encoded, handed to the dispatcher as the network server would, and the answer
// decoded, so the client's policy (login flows, flood waits, migrations, dispatch) is tested
// against real Telegram semantics without sockets or crypto. The session layer itself is
// covered by its own tests and by the end-to-end tests over the network server.
//
// The client module's tests import teletest, a module that never imports the client, so
// there is no module cycle.

// TestHarnessExample shows the harness: a world, a bot, a client logged in as that bot.
func TestHarnessExample(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("echo_bot")
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	if me := c.Me(); me == nil || me.ID != bot.ID || !me.IsBot {
		t.Fatalf("Me() = %+v, want bot %d", me, bot.ID)
	}
}

// harness is a world, its dispatcher and a factory of in-memory connections to it.
type harness struct {
	t   testing.TB
	w   *world.World
	d   *services.Dispatcher
	f   *memFactory
	now atomic.Int64
}

func newHarness(t testing.TB) *harness {
	h := &harness{t: t}
	h.now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	w, err := world.New(world.Config{
		Now:  func() time.Time { return time.Unix(0, h.now.Load()) },
		Rand: crypto.NewDeterministicReader(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := services.New(services.Options{World: w})
	if err != nil {
		t.Fatal(err)
	}
	h.w, h.d = w, d
	h.f = &memFactory{h: h}
	return h
}

func (h *harness) bot(username string) world.User {
	h.t.Helper()
	u, err := h.w.CreateBot(world.BotSpec{FirstName: username, Username: username})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func (h *harness) user(spec world.UserSpec) world.User {
	h.t.Helper()
	u, err := h.w.CreateUser(spec)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// testClient is a client with test helpers.
type testClient struct {
	*mtgo.Client
	t testing.TB
}

// client builds a client on the harness; edit adjusts the configuration.
func (h *harness) client(edit ...func(*mtgo.Config)) *testClient {
	h.t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.SleepThreshold = 2 * time.Second
	cfg.RequestTimeout = 10 * time.Second
	if os.Getenv("MTGO_TEST_LOG") != "" {
		cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(os.Stderr, nil), Level: slog.LevelDebug}
	}
	for _, e := range edit {
		e(&cfg)
	}
	cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(h.f))
	c, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(c.Stop)
	return &testClient{Client: c, t: h.t}
}

// Start0 connects and logs in without blocking.
func (c *testClient) Start0(t testing.TB) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.ConnectContext(ctx); err != nil && !errors.Is(err, mtgo.ErrAlreadyConnected) {
		return err
	}
	if c.Me() != nil {
		return nil
	}
	return c.Login(ctx)
}

// memFactory builds memConns and counts them.
type memFactory struct {
	h     *harness
	conns atomic.Int32
	keys  atomic.Int32 // key "exchanges"
	mu    sync.Mutex
	live  []*memConn
	hook  func(cc mtgo.ConnConfig, req tl.Object) error // runs before every request
	// serving counts the server-side goroutines of calls (hook and handler), which outlive a
	// call abandoned by the client until the hook lets them finish.
	serving sync.WaitGroup
}

func (f *memFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	f.conns.Add(1)
	c := &memConn{f: f, cc: cc, ready: make(chan struct{}), done: make(chan struct{})}
	f.mu.Lock()
	f.live = append(f.live, c)
	f.mu.Unlock()
	return c, nil
}

// running returns the connections whose Run has not returned.
func (f *memFactory) running() []*memConn {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*memConn
	for _, c := range f.live {
		select {
		case <-c.done:
		default:
			out = append(out, c)
		}
	}
	return out
}

// memConn is a Conn whose calls go straight to the dispatcher.
type memConn struct {
	f      *memFactory
	cc     mtgo.ConnConfig
	ready  chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	sess   session.Session
	caller *services.Caller
	inited bool
	calls  []string // method names, in order
	// repeatable are the method names of the calls marked safe to send again, in order.
	repeatable []string
}

func (c *memConn) Run(ctx context.Context) error {
	defer close(c.done)
	sess, err := c.cc.Store.Load(ctx)
	if errors.Is(err, session.ErrNoSession) {
		sess = session.Session{DC: c.cc.DC, Addr: c.cc.Addr, TestMode: c.cc.TestMode}
	} else if err != nil {
		return err
	}
	if !sess.HasKey() {
		key := make([]byte, session.AuthKeySize)
		_, _ = crand.Read(key)
		key[0] |= 0x80
		sess.AuthKey = key
		c.f.keys.Add(1)
		if err := c.cc.Store.Save(ctx, sess); err != nil {
			return err
		}
	}
	var v [256]byte
	copy(v[:], sess.AuthKey)
	ak := crypto.NewAuthKey(v)
	c.mu.Lock()
	c.sess = sess
	c.caller = &services.Caller{DC: c.cc.DC, AuthKeyID: world.KeyID(ak.ID), SessionID: 1}
	c.mu.Unlock()
	sub := c.f.h.w.Subscribe(world.KeyID(ak.ID))
	defer sub.Close()
	close(c.ready)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.Ready():
			for _, u := range sub.Take() {
				if c.cc.Updates == nil {
					continue
				}
				var b tl.Buffer
				if err := u.Encode(&b); err != nil {
					return err
				}
				if err := c.cc.Updates.HandleUpdates(ctx, b.Buf); err != nil {
					return err
				}
			}
		}
	}
}

func (c *memConn) Session() session.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.Clone()
}

func (c *memConn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error {
	select {
	case <-c.ready:
	case <-c.done:
		return session.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	var b tl.Buffer
	c.mu.Lock()
	if !c.inited && c.cc.Init != nil {
		prefix, err := c.cc.Init.Prefix()
		if err != nil {
			c.mu.Unlock()
			return err
		}
		b.Buf = append(b.Buf, prefix...)
	}
	c.mu.Unlock()
	if err := in.Encode(&b); err != nil {
		return err
	}
	req, err := services.DecodeRequest(b.Buf)
	if err != nil {
		return err
	}
	name := methodOf(req)
	c.mu.Lock()
	c.calls = append(c.calls, name)
	if repeatable {
		c.repeatable = append(c.repeatable, name)
	}
	c.mu.Unlock()

	type answer struct {
		res tl.Encoder
		err error
	}
	ch := make(chan answer, 1)
	c.f.serving.Add(1)
	go func() {
		defer c.f.serving.Done()
		if hook := c.f.hook; hook != nil {
			if err := hook(c.cc, req); err != nil {
				ch <- answer{err: err}
				return
			}
		}
		res, err := c.f.h.d.Handle(ctx, c.caller, req)
		ch <- answer{res, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return session.ErrClosed
	}
	if a.err != nil {
		var closed *connClosed
		if errors.As(a.err, &closed) {
			return session.ErrClosed
		}
		if errors.Is(a.err, errCut) {
			// As the session does after a cut that may have lost the answer: a repeatable call
			// is sent again on the next connection, any other fails.
			if repeatable {
				return c.InvokeWith(ctx, in, out, repeatable)
			}
			return fmt.Errorf("%s: %w", name, session.ErrNotRepeated)
		}
		e := services.AsRPCError(a.err, nil)
		return rpcerr.Parse(e.Code, e.Message)
	}
	c.mu.Lock()
	c.inited = true
	c.mu.Unlock()
	var rb tl.Buffer
	if err := a.res.Encode(&rb); err != nil {
		return err
	}
	var db tl.Buffer
	db.ResetTo(rb.Buf)
	return out.Decode(&db)
}

// errCut is returned by a hook to simulate a connection cut after the server received the call
// but before its answer arrived.
var errCut = errors.New("connection cut before the answer")

// connClosed is returned by a hook to simulate a connection that dies mid-call.
type connClosed struct{}

func (*connClosed) Error() string { return "connection closed" }

// methodOf names the innermost query of a request.
func methodOf(req tl.Object) string {
	if o, ok := tg.UnwrapQuery(req).(tl.Object); ok {
		return o.TypeName()
	}
	return req.TypeName()
}
