package e2e

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/fanout"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestFanoutOnPostgres is issue 20's end-to-end test of the fan-out module on the store it is
// meant for: the in-process Telegram cluster, a gateway and a standby gateway on one
// PostgreSQL session (its advisory lock decides which of them runs the update engine), three
// workers sharing the bot's authorization, JetStream in between. People write to the bot in
// many private chats (500 chats x 40 messages = 20 000 under MTGO_CI). Once a third of the
// messages were handled, a worker dies inside its next handler (its connection closes before
// the ack, so that update must come back) and the gateway crashes: its NATS connection and
// client end, and its PostgreSQL backend is terminated, so the lock frees the way it does
// when a process dies (never through Close). The standby takes the lock, resumes from the
// update state committed in PostgreSQL, and catches up while the second half arrives. Every
// message is handled, each chat in order; a message handled twice is one the killed worker
// handled without its ack reaching the server (at least the one it died in), and those are
// counted.
func TestFanoutOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run with PostgreSQL and NATS")
	}
	pgURL, admin := postgresForTest(t)
	natsURL := natsForTest(t)
	chats, perChat := 40, 10
	if os.Getenv("MTGO_CI") != "" {
		chats, perChat = 500, 40
	}
	total := chats * perChat

	// one name for this run's session, stream, subjects and consumers: reruns against the
	// same servers never meet an earlier run's state
	run := strconv.FormatUint(rand.Uint64(), 36)
	s := teletest.NewScenario(t, teletest.Config{World: func(c *world.Config) {
		// the senders run thousands of updates ahead of the gateway: queue them all, and let
		// the standby's getDifference list them all instead of answering differenceTooLong
		c.MaxQueued, c.TooLongAfter = 1<<20, 1<<20
	}})
	r := &fanoutRig{
		cl:      s.Cluster(),
		bot:     s.BotAccount(world.BotSpec{Username: "fanout_bot"}),
		pgURL:   pgURL,
		session: "fanout-e2e-" + run,
		natsURL: natsURL,
		cfg: fanout.Config{
			Stream: "FANOUT_E2E_" + run, Subject: "fanout-e2e." + run, Consumer: "e2e-" + run,
			Shards: 16, AckWait: 2 * time.Second, Memory: true,
		},
	}
	t.Cleanup(func() { r.dropStream(t) })
	t.Cleanup(func() { r.resetSession(t) })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	first, err := r.startGateway(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(first.stop)
	// the standby waits for the session lock from the start
	var second *fanoutGateway
	standbyReady := make(chan struct{})
	go func() {
		defer close(standbyReady)
		g, err := r.startGateway(ctx)
		if err != nil && ctx.Err() == nil {
			t.Errorf("standby: %v", err)
		}
		second = g
	}()
	t.Cleanup(func() {
		cancel()
		<-standbyReady
		if second != nil {
			second.stop()
		}
	})

	rec := newHandlings(total, 0)
	var workers []*fanoutWorker
	for i := range 3 {
		w, err := r.startWorker(ctx, i, first.st, rec)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.kill)
		workers = append(workers, w)
	}
	senders := fanoutSenders(t, r.cl.World(), r.bot, chats)

	// the victim's handler cut its connection; the rest of the process goes too
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		select {
		case <-workers[rec.victim].dying:
			workers[rec.victim].kill()
		case <-ctx.Done():
		}
	}()

	start := time.Now()
	sendRounds(t, r.cl.World(), senders, 0, perChat/2)
	select {
	case <-rec.third:
	case <-ctx.Done():
		t.Fatalf("before the crash: %s", rec.progress())
	}
	if err := first.crash(ctx, admin, r.session); err != nil {
		t.Fatal(err)
	}
	firstStats := first.g.Stats()
	sendRounds(t, r.cl.World(), senders, perChat/2, perChat)
	select {
	case <-standbyReady:
	case <-ctx.Done():
		t.Fatal("the standby did not take over the session")
	}
	if second == nil {
		t.FailNow() // the standby goroutine reported why
	}
	select {
	case <-rec.done:
	case <-ctx.Done():
		t.Fatalf("%s; gateway 1 %+v, gateway 2 %+v", rec.progress(), firstStats, second.g.Stats())
	}
	elapsed := time.Since(start)
	<-killed

	// the standby resumed from what the first gateway committed, not from scratch
	if !second.stateFound || second.resumed.State.Pts == 0 {
		t.Errorf("the standby found no committed update state in PostgreSQL: %+v", second.resumed)
	}
	rec.checkOrder(t, perChat)
	dups := rec.checkDuplicates(t)
	var redelivered int64
	for _, w := range workers {
		redelivered += w.w.Stats().Redelivered
	}
	secondStats := second.g.Stats()
	t.Logf("%d messages across %d chats in %s (%.0f/s): %d handled twice after the worker crash (%d redeliveries); "+
		"gateway 1 published %+v, the standby resumed at pts %d and published %+v",
		total, chats, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), dups, redelivered,
		firstStats, second.resumed.State.Pts, secondStats)
}

// postgresForTest returns MTGO_POSTGRES_URL (default the server scripts/services.d/postgres.sh
// starts) and a connection to it for the test's own statements. Without a server the test
// skips, or fails under MTGO_CI.
func postgresForTest(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	u := os.Getenv("MTGO_POSTGRES_URL")
	if u == "" {
		u = "postgres://mtgo@127.0.0.1:41432/mtgo?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		if os.Getenv("MTGO_CI") != "" {
			t.Fatalf("PostgreSQL at %s required under MTGO_CI: %v", redacted(u), err)
		}
		t.Skipf("no PostgreSQL at %s (start scripts/services.d/postgres.sh): %v", redacted(u), err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return u, conn
}

// natsForTest returns a JetStream server's URL: MTGO_NATS_URL's (default the server
// scripts/services.d/nats.sh starts) under MTGO_CI or when that variable is set, and then it
// must answer; otherwise a server embedded in the test.
func natsForTest(t *testing.T) string {
	t.Helper()
	u := os.Getenv("MTGO_NATS_URL")
	if u == "" && os.Getenv("MTGO_CI") == "" {
		s, err := server.NewServer(&server.Options{
			Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		go s.Start()
		t.Cleanup(s.Shutdown)
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatal("the embedded nats-server did not start")
		}
		return s.ClientURL()
	}
	if u == "" {
		u = "nats://127.0.0.1:41422"
	}
	nc, err := nats.Connect(u, nats.Timeout(5*time.Second))
	if err != nil {
		t.Fatalf("nats-server at %s (scripts/services.d/nats.sh): %v", redacted(u), err)
	}
	nc.Close()
	return u
}

// redacted is u without its password, for messages.
func redacted(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(an unparsable URL)"
	}
	return p.Redacted()
}

// fanoutRig is what the test's processes share: the cluster, the bot, the session's name in
// PostgreSQL and the stream's configuration.
type fanoutRig struct {
	cl                      *teletest.Cluster
	bot                     teletest.Someone
	pgURL, session, natsURL string
	cfg                     fanout.Config
}

// client returns a client of the cluster on st.
func (r *fanoutRig) client(st storage.Storage, edit func(*mtgo.Config)) (*mtgo.Client, error) {
	cfg := mtgo.DefaultConfig
	cfg.Storage = st
	cfg.DCAddrs = r.cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{r.cl.RSAPublicKey()}
	cfg.RequestTimeout = 30 * time.Second
	if os.Getenv("MTGO_TEST_LOG") != "" {
		cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(os.Stderr, nil), Level: slog.LevelDebug}
	}
	edit(&cfg)
	return mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
}

// jetStream opens a NATS connection of its own, as each process has.
func (r *fanoutRig) jetStream() (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(r.natsURL, nats.MaxReconnects(-1))
	if err != nil {
		return nil, nil, fmt.Errorf("connect to nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}

// dropStream deletes the run's stream (it outlives the test on a real server).
func (r *fanoutRig) dropStream(t *testing.T) {
	nc, js, err := r.jetStream()
	if err != nil {
		t.Log(err)
		return
	}
	defer nc.Close()
	if err := js.DeleteStream(context.Background(), r.cfg.Stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Logf("delete stream %s: %v", r.cfg.Stream, err)
	}
}

// resetSession deletes the run's rows from PostgreSQL once every gateway let the session go.
func (r *fanoutRig) resetSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, r.pgURL, r.session)
	if err != nil {
		t.Logf("session %s left in PostgreSQL: %v", r.session, err)
		return
	}
	defer st.Close()
	if err := st.Reset(ctx); err != nil {
		t.Logf("reset session %s: %v", r.session, err)
	}
}

// fanoutGateway is a gateway process: the update engine's client on the shared session.
type fanoutGateway struct {
	c  *mtgo.Client
	g  *fanout.Gateway
	st *sqlstore.Store
	nc *nats.Conn
	// the update state in PostgreSQL when it took the session, and whether there was one
	resumed    updates.Saved
	stateFound bool
}

// startGateway waits for the session lock, then logs the bot in (or resumes its session)
// with the gateway as the engine's dispatcher.
func (r *fanoutRig) startGateway(ctx context.Context) (_ *fanoutGateway, err error) {
	st, err := fanout.AcquireSession(ctx, func(ctx context.Context) (storage.Storage, error) {
		st, err := postgres.Open(ctx, r.pgURL, r.session)
		if err != nil {
			return nil, err
		}
		return st, nil
	}, 50*time.Millisecond)
	if err != nil {
		return nil, err
	}
	gw := &fanoutGateway{st: st.(*sqlstore.Store)}
	defer func() {
		if err != nil {
			gw.stop()
		}
	}()
	if gw.resumed, gw.stateFound, err = st.LoadUpdates(ctx); err != nil {
		return nil, err
	}
	var js jetstream.JetStream
	if gw.nc, js, err = r.jetStream(); err != nil {
		return nil, err
	}
	if gw.g, err = fanout.NewGateway(ctx, js, r.cfg); err != nil {
		return nil, err
	}
	gw.c, err = r.client(st, func(c *mtgo.Config) { c.BotToken = r.bot.Token })
	if err != nil {
		return nil, err
	}
	gw.g.Attach(gw.c)
	if err := gw.c.ConnectContext(ctx); err != nil {
		return nil, fmt.Errorf("gateway: connect: %w", err)
	}
	if err := gw.c.Login(ctx); err != nil && !errors.Is(err, mtgo.ErrAlreadyAuthed) {
		return nil, fmt.Errorf("gateway: log in: %w", err)
	}
	return gw, nil
}

// crash ends the gateway as a dying process does: its NATS connection drops (a batch being
// published stays uncommitted), its client stops, and PostgreSQL terminates the backend that
// holds the session's advisory lock. The store is never closed, so the lock frees only
// because its connection ended.
func (g *fanoutGateway) crash(ctx context.Context, admin *pgx.Conn, session string) error {
	g.nc.Close()
	g.c.Stop()
	var n int
	err := admin.QueryRow(ctx, `select count(pg_terminate_backend(l.pid))
		from pg_locks l, (select hashtextextended($1, 0) as k) h
		where l.locktype = 'advisory' and l.objsubid = 1 and l.granted
		and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295)`,
		postgres.LockKey(session)).Scan(&n)
	if err != nil {
		return fmt.Errorf("terminate the gateway's backend: %w", err)
	}
	if n != 1 {
		return fmt.Errorf("terminate the gateway's backend: %d backends hold the session lock, want 1", n)
	}
	return nil
}

// stop ends a gateway that is still running normally (and cleans up after a crashed one).
func (g *fanoutGateway) stop() {
	if g.nc != nil {
		g.nc.Close()
	}
	if g.c != nil {
		g.c.Stop()
	}
	_ = g.st.Close()
}

// fanoutWorker is a worker process: a NoUpdates client with the bot's authorization, fed by
// the stream.
type fanoutWorker struct {
	c    *mtgo.Client
	nc   *nats.Conn
	w    *fanout.Worker
	stop context.CancelFunc
	done chan struct{}
	// dying is closed when the handler cut the connection, as a crash in it would
	dying    chan struct{}
	dyingNow sync.Once
}

// startWorker starts worker n with the authorization in shared, its handler recording into
// rec.
func (r *fanoutRig) startWorker(ctx context.Context, n int, shared storage.Storage, rec *handlings) (*fanoutWorker, error) {
	own := storage.NewInMemory()
	if err := fanout.ShareAuthorization(ctx, shared, own); err != nil {
		return nil, err
	}
	c, err := r.client(own, func(c *mtgo.Config) { c.NoUpdates, c.Workers = true, 16 })
	if err != nil {
		return nil, err
	}
	p := &fanoutWorker{c: c, done: make(chan struct{}), dying: make(chan struct{})}
	if err := c.ConnectContext(ctx); err != nil {
		c.Stop()
		return nil, fmt.Errorf("worker %d: connect: %w", n, err)
	}
	if me := c.Me(); me == nil || me.ID != r.bot.ID {
		c.Stop()
		return nil, fmt.Errorf("worker %d is %+v, want the bot %d", n, me, r.bot.ID)
	}
	c.OnMessage(func(hc *mtgo.Context, m *types.Message) error {
		seq, err := strconv.Atoi(m.Text)
		if err != nil {
			return fmt.Errorf("message %q: %w", m.Text, err)
		}
		if rec.add(n, m.Chat.ID, seq, hc.UpdateKey()) {
			p.dyingNow.Do(func() {
				p.nc.Close() // before the ack: this update comes back to another worker
				close(p.dying)
			})
		}
		return nil
	})
	var js jetstream.JetStream
	if p.nc, js, err = r.jetStream(); err != nil {
		c.Stop()
		return nil, err
	}
	if p.w, err = fanout.NewWorker(c, js, r.cfg); err != nil {
		p.nc.Close()
		c.Stop()
		return nil, err
	}
	wctx, stop := context.WithCancel(ctx)
	p.stop = stop
	go func() {
		defer close(p.done)
		_ = p.w.Run(wctx) // its end is the test's doing: a kill or the cleanup
	}()
	return p, nil
}

// kill ends the worker at once: its acknowledgements in flight are lost with its connection.
func (p *fanoutWorker) kill() {
	p.nc.Close()
	p.stop()
	p.c.Stop()
	<-p.done
}

// fanoutSender is a person who writes to the bot, in a private chat.
type fanoutSender struct {
	key world.KeyID
	bot tg.InputPeerClass
}

// fanoutSenders creates n people who know the bot.
func fanoutSenders(t *testing.T, w *world.World, bot teletest.Someone, n int) []fanoutSender {
	t.Helper()
	out := make([]fanoutSender, n)
	for i := range out {
		u := mustUser(t, w, fmt.Sprintf("writer%04d", i), fmt.Sprintf("99904%05d", i))
		key := authorize(t, w, u.ID, i)
		res, err := w.ResolveUsername(key, bot.Username)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = fanoutSender{key: key, bot: &tg.InputPeerUser{UserID: bot.ID, AccessHash: res.Users[0].(*tg.User).AccessHash.Value}}
	}
	return out
}

// sendRounds has every sender write the numbers from..to-1 to the bot, in order per chat;
// four goroutines share the chats.
func sendRounds(t *testing.T, w *world.World, senders []fanoutSender, from, to int) {
	const lanes = 4
	var wg sync.WaitGroup
	for lane := range lanes {
		wg.Go(func() {
			for seq := from; seq < to; seq++ {
				for i := lane; i < len(senders); i += lanes {
					if _, err := w.SendMessage(senders[i].key, senders[i].bot, world.Draft{Text: strconv.Itoa(seq)}); err != nil {
						t.Errorf("send %d: %v", seq, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// handlings records every run of the handlers: which workers handled each update (by its
// key), and per chat the numbers in the order of their first handling. It picks the update
// the victim dies in: the victim's first after a third of want.
type handlings struct {
	mu     sync.Mutex
	by     map[string][]int
	chats  map[int64][]int
	unique atomic.Int64
	want   int64
	victim int
	lost   string        // the update the victim died in
	third  chan struct{} // closed when a third of want were handled
	done   chan struct{} // closed when all were, and lost twice
	closed bool          // done is
}

func newHandlings(want, victim int) *handlings {
	return &handlings{by: map[string][]int{}, chats: map[int64][]int{}, want: int64(want), victim: victim,
		third: make(chan struct{}), done: make(chan struct{})}
}

// add records a handling and reports whether the worker is to die in it.
func (h *handlings) add(worker int, chat int64, seq int, key string) (die bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.by[key] = append(h.by[key], worker)
	if len(h.by[key]) == 1 {
		h.chats[chat] = append(h.chats[chat], seq)
		if h.unique.Add(1) == h.want/3 {
			close(h.third)
		}
	}
	if worker == h.victim && h.lost == "" && h.unique.Load() >= h.want/3 {
		h.lost, die = key, true
	}
	if !h.closed && h.unique.Load() == h.want && h.lost != "" && len(h.by[h.lost]) > 1 {
		h.closed = true
		close(h.done)
	}
	return die
}

// progress says how far the handlers got, for a test that timed out.
func (h *handlings) progress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	lost := "the victim has not died yet"
	if h.lost != "" {
		lost = fmt.Sprintf("the update the victim died in was handled %d times", len(h.by[h.lost]))
	}
	return fmt.Sprintf("handled %d of %d messages, %s", h.unique.Load(), h.want, lost)
}

// checkOrder fails unless every chat had 0..perChat-1 handled first in that order.
func (h *handlings) checkOrder(t *testing.T, perChat int) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for chat, seqs := range h.chats {
		if len(seqs) != perChat {
			t.Errorf("chat %d: %d messages handled, want %d", chat, len(seqs), perChat)
		}
		for i, s := range seqs {
			if s != i {
				t.Errorf("chat %d: handled in the order %v", chat, seqs)
				break
			}
		}
	}
}

// checkDuplicates returns how many handlings repeated an update, failing for each update
// not handled exactly twice, once by the victim: only the victim's lost acknowledgements
// bring an update back. (How many it loses depends on its updates in flight, one per shard,
// and on how many updates a message of the stream carries.)
func (h *handlings) checkDuplicates(t *testing.T) int {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for key, workers := range h.by {
		if len(workers) == 1 {
			continue
		}
		n += len(workers) - 1
		if len(workers) != 2 || (workers[0] != h.victim && workers[1] != h.victim) {
			t.Errorf("update %s handled by workers %v, want twice and once by the killed worker %d", key, workers, h.victim)
		}
	}
	return n
}
