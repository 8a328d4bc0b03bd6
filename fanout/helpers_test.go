package fanout

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startServer runs an embedded JetStream server for the test; set adjusts its options.
func startServer(t testing.TB, set ...func(*server.Options)) *server.Server {
	t.Helper()
	opts := &server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
	}
	for _, f := range set {
		f(opts)
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("embedded nats-server did not start")
	}
	t.Cleanup(s.Shutdown)
	return s
}

// serverURL returns an embedded server's URL, or the real server of MTGO_NATS_URL when real.
func connect(t testing.TB, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// realServer returns MTGO_NATS_URL's server (default nats://127.0.0.1:41422) when it answers;
// otherwise the test skips, or fails under MTGO_CI.
func realServer(t testing.TB) string {
	t.Helper()
	url := os.Getenv("MTGO_NATS_URL")
	if url == "" {
		url = "nats://127.0.0.1:41422"
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		if os.Getenv("MTGO_CI") != "" {
			t.Fatalf("nats-server at %s required under MTGO_CI: %v", url, err)
		}
		t.Skipf("no nats-server at %s (start scripts/services.d/nats.sh): %v", url, err)
	}
	nc.Close()
	return url
}

// realConfig returns a Config of a stream of the test's own on the real server, deleted when
// the test ends.
func realConfig(t testing.TB, url string) Config {
	t.Helper()
	name := "MTGO_TEST_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "_")
	t.Cleanup(func() {
		_, js := connect(t, url)
		_ = js.DeleteStream(context.Background(), name)
	})
	return Config{Stream: name, Subject: strings.ToLower(name), Shards: 8, Memory: true}
}

// lockedBuffer is a log destination for several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// offlineWorkerClient is a NoUpdates client that runs handlers without a server; the test
// updates carry their users, so no handler needs a call.
func offlineWorkerClient(t testing.TB) *mtgo.Client {
	t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoUpdates, cfg.Workers = true, true, 8
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

// messages builds a batch of new private messages in chat, one per entry of ids, the i-th
// with account pts and message id base+i+1 (message ids are per account, like pts); ids
// only count the messages.
func messages(base int32, chat int64, ids ...int32) *tg.Updates {
	u := &tg.Updates{Users: []tg.UserClass{&tg.User{ID: chat, FirstName: tl.Some("u"), AccessHash: tl.Some(chat * 7)}}, Date: 1700000000}
	for i := range ids {
		u.Updates = append(u.Updates, &tg.UpdateNewMessage{
			Message:  &tg.Message{ID: base + int32(i) + 1, PeerID: &tg.PeerUser{UserID: chat}, FromID: &tg.PeerUser{UserID: chat}, Date: 1700000000, Message: "m"},
			Pts:      base + int32(i) + 1,
			PtsCount: 1,
		})
	}
	return u
}

// recorder records the messages handlers saw, per chat, and signals when want arrived.
type recorder struct {
	mu    sync.Mutex
	chats map[int64][]int32
	keys  map[string]int
	total int
	want  int
	done  chan struct{}
}

func newRecorder(want int) *recorder {
	return &recorder{chats: map[int64][]int32{}, keys: map[string]int{}, want: want, done: make(chan struct{})}
}

func (r *recorder) handler(ctx *mtgo.Context, m *types.Message) error {
	r.record(m.Chat.ID, int32(m.ID), ctx.UpdateKey())
	return nil
}

func (r *recorder) record(chat int64, id int32, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chats[chat] = append(r.chats[chat], id)
	r.keys[key]++
	if r.keys[key] == 1 {
		r.total++
		if r.total == r.want {
			close(r.done)
		}
	}
}

// duplicates returns how many deliveries beyond the first the keys got.
func (r *recorder) duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.keys {
		n += c - 1
	}
	return n
}

// checkOrder fails when a chat's first sightings of ids are not increasing (a redelivered
// id seen again right after its first handling is a duplicate, not disorder).
func (r *recorder) checkOrder(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for chat, ids := range r.chats {
		seen := map[int32]bool{}
		var last int32
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if id < last {
				t.Errorf("chat %d: message %d handled after %d: %v", chat, id, last, ids)
				break
			}
			last = id
		}
	}
}

func (r *recorder) wait(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(d):
		r.mu.Lock()
		defer r.mu.Unlock()
		t.Fatalf("handled %d of %d updates within %s", r.total, r.want, d)
	}
}
