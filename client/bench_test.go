package mtgo_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Benchmarks against the in-process cluster over loopback TCP. Each client benchmark has a
// baseline in the same run: the session module's bare connection doing the same network work
// (key exchange, one call), so the README reports what the client adds as a ratio.

func benchCluster(b *testing.B) *teletest.Cluster {
	b.Helper()
	return cluster(b)
}

// rawConn connects a bare session.Conn to DC 2 of cl and waits until it works.
func rawConn(b *testing.B, cl *teletest.Cluster) (*session.Conn, func()) {
	b.Helper()
	c, err := session.New(session.Options{
		Session:    session.Session{DC: 2, Addr: cl.Addr(2)},
		PublicKeys: []crypto.PublicKey{cl.PublicKey()},
		Init:       &session.InitConnection{Layer: mtgo.Layer, APIID: 1, DeviceModel: "bench"},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	var cfg tg.Config
	if err := c.Invoke(ctx, &tg.HelpGetConfigRequest{}, &cfg); err != nil {
		b.Fatal(err)
	}
	return c, func() { cancel(); <-done }
}

// BenchmarkConnectBaseline is a bare session connection: key exchange and help.getConfig.
func BenchmarkConnectBaseline(b *testing.B) {
	cl := benchCluster(b)
	b.ResetTimer()
	for b.Loop() {
		_, stop := rawConn(b, cl)
		stop()
	}
}

// BenchmarkNewClientConnect is NewClient and Connect (key exchange included, nothing cached)
// and Stop.
func BenchmarkNewClientConnect(b *testing.B) {
	cl := benchCluster(b)
	cfg := e2eConfig(cl)
	b.ResetTimer()
	for b.Loop() {
		c, err := mtgo.NewClient(1, "h", cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Connect(10 * time.Second); err != nil {
			b.Fatal(err)
		}
		c.Stop()
	}
}

// BenchmarkCallBaseline is one call on a bare session connection.
func BenchmarkCallBaseline(b *testing.B) {
	cl := benchCluster(b)
	c, stop := rawConn(b, cl)
	defer stop()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		var nd tg.NearestDC
		if err := c.Invoke(ctx, &tg.HelpGetNearestDCRequest{}, &nd); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvoke is the same call through Client.Invoke.
func BenchmarkInvoke(b *testing.B) {
	cl := benchCluster(b)
	c, _ := e2eBot(b, cl, "bench_invoke_bot")
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessageRoundTrip: a user sends a message to a bot, the bot's OnMessage handler
// replies, the user's handler receives the reply.
func BenchmarkMessageRoundTrip(b *testing.B) {
	cl := benchCluster(b)
	bot, _ := e2eBot(b, cl, "bench_echo_bot")
	bot.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		_, err := m.Reply(ctx, m.Text)
		return err
	})
	u, _ := e2eUser(b, cl, world.UserSpec{FirstName: "Bench", Phone: "15559000"})
	got := make(chan struct{}, 1)
	u.OnMessage(func(*mtgo.Context, *types.Message) error { got <- struct{}{}; return nil })
	peer, err := u.ResolvePeer(context.Background(), "@bench_echo_bot")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := u.SendMessage(ctx, peer, "ping"); err != nil {
			b.Fatal(err)
		}
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			b.Fatal("no reply")
		}
	}
}

// heapAndGoroutines measures the live heap and the goroutines after a GC.
func heapAndGoroutines() (uint64, int) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, runtime.NumGoroutine()
}

// idleInstances is how many connections or clients one measurement averages over.
const idleInstances = 4

// BenchmarkIdleBaseline reports the heap and goroutines of an idle bare session connection
// (averaged over idleInstances connections).
func BenchmarkIdleBaseline(b *testing.B) {
	cl := benchCluster(b)
	for b.Loop() {
		h0, g0 := heapAndGoroutines()
		var stops []func()
		for range idleInstances {
			_, stop := rawConn(b, cl)
			stops = append(stops, stop)
		}
		h1, g1 := heapAndGoroutines()
		b.ReportMetric(float64(int64(h1)-int64(h0))/idleInstances, "heap-B")
		b.ReportMetric(float64(g1-g0)/idleInstances, "goroutines")
		for _, stop := range stops {
			stop()
		}
	}
}

// BenchmarkIdleClient reports the heap and goroutines an idle, connected, logged-in client
// (bot, update engine running, default Workers) adds (averaged over idleInstances clients).
func BenchmarkIdleClient(b *testing.B) {
	cl := benchCluster(b)
	n := 0
	for b.Loop() {
		var tokens []string
		for range idleInstances {
			n++
			bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "idle", Username: fmt.Sprintf("idle%d_bot", n)})
			if err != nil {
				b.Fatal(err)
			}
			tokens = append(tokens, bot.Token)
		}
		h0, g0 := heapAndGoroutines()
		var clients []*mtgo.Client
		for _, tok := range tokens {
			c, err := mtgo.NewClient(1, "h", e2eConfig(cl, func(cfg *mtgo.Config) { cfg.BotToken = tok }))
			if err != nil {
				b.Fatal(err)
			}
			if err := (&testClient{Client: c, t: b}).Start0(b); err != nil {
				b.Fatal(err)
			}
			clients = append(clients, c)
		}
		time.Sleep(50 * time.Millisecond) // let the catch-up settle
		h1, g1 := heapAndGoroutines()
		b.ReportMetric(float64(int64(h1)-int64(h0))/idleInstances, "heap-B")
		b.ReportMetric(float64(g1-g0)/idleInstances, "goroutines")
		for _, c := range clients {
			c.Stop()
		}
	}
}

// BenchmarkNewClient is NewClient alone (fx graph, layers, in-memory storage) and Stop.
func BenchmarkNewClient(b *testing.B) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	b.ReportAllocs()
	for b.Loop() {
		c, err := mtgo.NewClient(1, "h", &cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Stop()
	}
}
