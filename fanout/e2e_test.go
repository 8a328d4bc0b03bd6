package fanout

import (
	"context"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The end-to-end test: the in-process Telegram cluster, one gateway (and a standby), three
// workers, many messages across many chats; a worker is killed and the gateway restarted
// mid-run. Every message is handled, each chat in order, and the only duplicates are
// updates a killed worker had handled without its ack reaching the server.

// e2eTimeout bounds the end-to-end run.
var e2eTimeout = 8 * time.Minute

// e2eScale returns the number of chats and messages per chat: 500 x 40 under MTGO_CI.
func e2eScale() (chats, perChat int) {
	if os.Getenv("MTGO_CI") != "" {
		return 500, 40
	}
	return 40, 10
}

// sharedStore is one in-memory session store with a session lock, as the shared database
// backends have: open fails with ErrSessionInUse while a holder has not closed it.
type sharedStore struct {
	mem  *storage.InMemory
	lock sync.Mutex
}

func (s *sharedStore) open(context.Context) (storage.Storage, error) {
	if !s.lock.TryLock() {
		return nil, storage.ErrSessionInUse
	}
	return lockedStore{s.mem, &s.lock}, nil
}

// e2eRig is the cluster, the stream and the clients' configuration.
type e2eRig struct {
	t      *testing.T
	scen   *teletest.Scenario
	w      *world.World
	bot    teletest.Someone
	url    string
	cfg    Config
	shared *sharedStore
}

func (r *e2eRig) clientConfig() mtgo.Config {
	cfg := mtgo.DefaultConfig
	cl := r.scen.Cluster()
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	cfg.RequestTimeout = 30 * time.Second
	if os.Getenv("MTGO_TEST_LOG") != "" {
		cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(os.Stderr, nil), Level: slog.LevelDebug}
	}
	return cfg
}

// gateway is a running gateway process.
type gateway struct {
	c  *mtgo.Client
	g  *Gateway
	st storage.Storage
}

// startGateway waits for the session lock, then connects the update engine's client with
// the gateway as its dispatcher.
func (r *e2eRig) startGateway(ctx context.Context) (*gateway, error) {
	st, err := AcquireSession(ctx, r.shared.open, 10*time.Millisecond)
	if err != nil {
		return nil, err
	}
	_, js := connect(r.t, r.url)
	g, err := NewGateway(ctx, js, r.cfg)
	if err != nil {
		return nil, err
	}
	st = g.DeferCommits(st) // commits follow the stream's acknowledgements; Close flushes
	cfg := r.clientConfig()
	cfg.Storage = st
	cfg.BotToken = r.bot.Token
	c, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		return nil, err
	}
	g.Attach(c)
	if err := c.ConnectContext(ctx); err != nil {
		return nil, err
	}
	if err := c.Login(ctx); err != nil && !errors.Is(err, mtgo.ErrAlreadyAuthed) {
		return nil, err
	}
	return &gateway{c: c, g: g, st: st}, nil
}

// stop ends the gateway process: the client stops, the lock frees.
func (g *gateway) stop() {
	g.c.Stop()
	_ = g.st.Close()
}

// handling is one run of the handlers on a message.
type handling struct {
	worker int
	seq    int
}

// e2eRecorder records every handling by update key, and the first handling of each
// message per chat in order.
type e2eRecorder struct {
	mu     sync.Mutex
	byKey  map[string][]handling
	chats  map[int64][]int
	unique atomic.Int64
	want   int64
	third  chan struct{} // closed at a third of want
	done   chan struct{}
}

func (r *e2eRecorder) record(worker int, chat int64, seq int, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byKey[key] = append(r.byKey[key], handling{worker, seq})
	if len(r.byKey[key]) > 1 {
		return
	}
	r.chats[chat] = append(r.chats[chat], seq)
	n := r.unique.Add(1)
	if n == r.want/3 {
		close(r.third)
	}
	if n == r.want {
		close(r.done)
	}
}

func TestEndToEndGatewayWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short")
	}
	chats, perChat := e2eScale()
	total := chats * perChat
	srv := startServer(t)
	// the senders outrun the gateway by thousands of updates: let the server queue them all
	// (its default drops beyond 1 024, and a dropped tail is noticed only by the engine's idle
	// timer), and let the standby catch up on them all (beyond TooLongAfter the server
	// answers differenceTooLong and the updates in between are gone, as Telegram does)
	scen := teletest.New(t, teletest.Config{World: func(c *world.Config) {
		c.MaxQueued, c.TooLongAfter = 1<<20, 1<<20
	}})
	r := &e2eRig{
		t: t, scen: scen, w: scen.Cluster().World(), url: srv.ClientURL(),
		bot:    scen.BotAccount(world.BotSpec{Username: "fanout_bot"}),
		cfg:    Config{Shards: 16, AckWait: 2 * time.Second},
		shared: &sharedStore{mem: storage.NewInMemory()},
	}
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()

	first, err := r.startGateway(ctx)
	if err != nil {
		t.Fatal(err)
	}
	standby := make(chan *gateway, 1)
	go func() {
		g, err := r.startGateway(ctx)
		if err != nil {
			t.Error(err)
		}
		standby <- g
	}()

	rec := &e2eRecorder{byKey: map[string][]handling{}, chats: map[int64][]int{}, want: int64(total),
		third: make(chan struct{}), done: make(chan struct{})}
	type workerProc struct {
		c      *mtgo.Client
		kill   func()
		cancel context.CancelFunc
		done   chan struct{}
	}
	var workers []*workerProc
	var readies []<-chan struct{}
	for i := range 3 {
		own := storage.NewInMemory()
		if err := ShareAuthorization(ctx, r.shared.mem, own); err != nil {
			t.Fatal(err)
		}
		cfg := r.clientConfig()
		cfg.Storage, cfg.NoUpdates, cfg.Workers = own, true, 16
		c, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Stop)
		if err := c.ConnectContext(ctx); err != nil {
			t.Fatal(err)
		}
		if me := c.Me(); me == nil || me.ID != r.bot.ID {
			t.Fatalf("worker %d is %+v, want the bot %d", i, me, r.bot.ID)
		}
		c.OnMessage(func(hc *mtgo.Context, m *types.Message) error {
			seq, err := strconv.Atoi(m.Text)
			if err != nil {
				return fmt.Errorf("message %q: %w", m.Text, err)
			}
			rec.record(i, m.Chat.ID, seq, hc.UpdateKey())
			return nil
		})
		nc, js := connect(t, r.url)
		w, err := NewWorker(c, js, r.cfg)
		if err != nil {
			t.Fatal(err)
		}
		wctx, wcancel := context.WithCancel(ctx)
		p := &workerProc{c: c, kill: nc.Close, cancel: wcancel, done: make(chan struct{})}
		go func() {
			defer close(p.done)
			if err := w.Run(wctx); err != nil && wctx.Err() == nil {
				t.Error(err)
			}
		}()
		workers = append(workers, p)
		readies = append(readies, w.Ready())
	}
	for _, ready := range readies {
		select { // every worker consumes before the first message is sent
		case <-ready:
		case <-ctx.Done():
			t.Fatal("workers not ready")
		}
	}

	// the people who write to the bot, each in a private chat with it
	type sender struct {
		key  world.KeyID
		peer *tg.InputPeerUser
		id   int64
	}
	senders := make([]sender, chats)
	for i := range senders {
		u, err := r.w.CreateUser(world.UserSpec{FirstName: "p" + strconv.Itoa(i), Phone: fmt.Sprintf("7999%07d", i)})
		if err != nil {
			t.Fatal(err)
		}
		var key world.KeyID
		binary.LittleEndian.PutUint64(key[:], uint64(u.ID)^0x5eed)
		if err := r.w.Authorize(key, u.ID); err != nil {
			t.Fatal(err)
		}
		res, err := r.w.ResolveUsername(key, "fanout_bot")
		if err != nil {
			t.Fatal(err)
		}
		hash, _ := res.Users[0].(*tg.User).AccessHash.Get()
		senders[i] = sender{key: key, peer: &tg.InputPeerUser{UserID: r.bot.ID, AccessHash: hash}, id: u.ID}
	}

	// the killer: a worker dies once a third of the messages were handled
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		select {
		case <-rec.third:
		case <-ctx.Done():
			return
		}
		workers[0].kill()
		workers[0].cancel()
		workers[0].c.Stop()
	}()

	start := time.Now()
	var randomID atomic.Int64
	send := func(from, to int) {
		var wg sync.WaitGroup
		for lane := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for seq := from; seq < to; seq++ {
					for i := lane; i < chats; i += 4 {
						s := senders[i]
						if _, err := r.w.SendMessage(s.key, s.peer, world.Draft{RandomID: randomID.Add(1), Text: strconv.Itoa(seq)}); err != nil {
							t.Errorf("send: %v", err)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
	}
	send(0, perChat/2)
	// once a third of the messages were handled (and a worker killed) the gateway dies,
	// somewhere in the first half; the standby takes the lock and resumes from the
	// committed state while the second half arrives
	select {
	case <-rec.third:
	case <-ctx.Done():
		t.Fatalf("handled %d of %d messages", rec.unique.Load(), total)
	}
	first.stop()
	firstStats := first.g.Stats()
	send(perChat/2, perChat)
	second := <-standby
	if second == nil {
		t.FailNow()
	}
	defer second.stop()

	select {
	case <-rec.done:
	case <-ctx.Done():
		t.Fatalf("handled %d of %d messages; gateway 1 %+v, gateway 2 %+v", rec.unique.Load(), total, firstStats, second.g.Stats())
	}
	elapsed := time.Since(start)
	<-killed

	rec.mu.Lock()
	defer rec.mu.Unlock()
	for chat, seqs := range rec.chats {
		for i, s := range seqs {
			if s != i {
				t.Fatalf("chat %d: handled in the order %v", chat, seqs)
			}
		}
	}
	dups, dupsUnexplained := 0, 0
	for key, hs := range rec.byKey {
		if len(hs) == 1 {
			continue
		}
		dups += len(hs) - 1
		byKilled := false
		for _, h := range hs {
			byKilled = byKilled || h.worker == 0
		}
		if !byKilled {
			dupsUnexplained++
			t.Errorf("update %s handled %d times, none by the killed worker: %v", key, len(hs), hs)
		}
	}
	// the killed worker left at most one message per shard unacknowledged, each of at most
	// MaxBatch updates
	if limit := r.cfg.Shards * DefaultMaxBatch; dups > limit {
		t.Errorf("%d duplicates, more than the %d updates a crash can leave unacknowledged", dups, limit)
	}
	t.Logf("%d messages across %d chats in %s (%.0f/s): %d duplicates after the worker crash; gateway 1 published %+v, gateway 2 %+v",
		total, chats, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), dups, firstStats, second.g.Stats())
}
