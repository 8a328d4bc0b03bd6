package mtgo_test

import (
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Soak tests: what a bot that runs for months needs from the client, compressed into cycles
// on the in-process cluster. Reconnects and restarts lose no update and deliver none twice,
// failing and slow handlers stop nothing, and the client gives back its goroutines, heap and
// file descriptors. The default run is short; MTGO_SOAK=1 scales every loop up (300 reconnect
// cycles, 100 restarts, 1,000 failing and 40,000 held-back updates, 20,000 streamed messages
// as in the default run). On two shared cores the default run takes about 7 s (12 s with
// -race); MTGO_SOAK=1 about a minute, 50 s of it the 300 reconnect cycles.
//
// The senders post through the test world directly (no client of their own), so the
// goroutines, heap and descriptors measured are the bot's and the server's only. The server
// runs in this process and stores what is posted: the tests cap what the world keeps per
// box (world.Config.MaxBoxMessages; its pts log is capped at TooLongAfter events), so once
// the boxes are full the world stops growing, or compare two phases that post alike.

// soakHeapSlack bounds how much the heap may grow between a measure taken once the client
// runs warm and one at the end (or between two phases that differ only in what the client
// holds). It is a generous constant, not a fitted number: 2 MiB is some 10,000 messages'
// worth of kept updates, and a leak of a few hundred bytes per cycle or message crosses it
// in the long runs.
const soakHeapSlack = 2 << 20

// TestSoakReconnectCycles drops the bot's connection on the server and, every other cycle,
// tells the client the network changed instead, while two people keep posting: before the
// loss, during it and after the reconnect. Every message is handled once, in order per
// chat (those posted during the loss come back through getDifference), and once the bot
// stops its goroutines and descriptors are gone and its heap did not grow per cycle.
func TestSoakReconnectCycles(t *testing.T) {
	cycles := soakScale(50, 300)
	// The world keeps 64 messages and 100 pts events per box: far more than one cycle's gap,
	// and its memory stays flat.
	cl := soakCluster(t, func(c *world.Config) { c.MaxBoxMessages, c.TooLongAfter = 64, 100 })
	const name = "soak_reconnect_bot"
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "soak", Username: name})
	if err != nil {
		t.Fatal(err)
	}
	senders := newSoakSenders(t, cl, name, 2)
	base := takeBaseline()
	start := time.Now()

	// A small message cache: the cache's own bound is TestSoakMessageStream's subject.
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token; cfg.MaxMessageCacheSize = 16 })
	rec := newSoakRecorder()
	b.OnMessage(rec.handle)
	reconnected := make(chan struct{}, cycles+1)
	b.OnReconnect(func(*mtgo.Context, mtgo.ReconnectInfo) { reconnected <- struct{}{} })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}

	var warm uint64
	for i := range cycles {
		sendAll(t, senders, 1)
		if i%2 == 0 {
			if n := cl.Faults().DropConnections(b.DC()); n == 0 {
				t.Fatalf("cycle %d: no connection dropped", i)
			}
		} else {
			b.NotifyNetworkChange()
		}
		sendAll(t, senders, 1) // while the connection is down or coming back
		select {
		case <-reconnected:
		case <-time.After(15 * time.Second):
			t.Fatalf("cycle %d: no reconnection", i)
		}
		sendAll(t, senders, 1)
		rec.wait(t, sentTotal(senders), 15*time.Second)
		if i == min(9, cycles-1) {
			warm = heapAfterGC()
		}
	}
	end := heapAfterGC()
	rec.check(t, senders)
	t.Logf("%d cycles, %d messages, %d reconnects in %v; heap %d -> %d bytes from cycle 10 to the end",
		cycles, sentTotal(senders), b.Health().Reconnects, time.Since(start).Round(time.Millisecond), warm, end)
	if end > warm+soakHeapSlack {
		t.Errorf("heap grew from %d to %d bytes over %d cycles (slack %d)", warm, end, cycles-10, soakHeapSlack)
	}
	b.Stop()
	base.checkReleased(t)
}

// TestSoakRestartCycles stops the bot and starts it again from its bbolt session file, over
// and over, while people post during the downtime: everything posted while it was down is
// handled after the restart, nothing twice, and no restart logs in again (only the first
// run has the bot token; the server creates no other key).
func TestSoakRestartCycles(t *testing.T) {
	restarts := soakScale(20, 100)
	cl := cluster(t)
	const name = "soak_restart_bot"
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "soak", Username: name})
	if err != nil {
		t.Fatal(err)
	}
	senders := newSoakSenders(t, cl, name, 2)
	path := filepath.Join(t.TempDir(), "bot")
	base := takeBaseline()
	start := time.Now()
	rec := newSoakRecorder()
	keys := -1
	for i := range restarts + 1 {
		c := e2eClient(t, cl, func(cfg *mtgo.Config) {
			cfg.InMemory, cfg.SessionName = false, path
			if i == 0 {
				cfg.BotToken = bot.Token
			}
		})
		c.OnMessage(rec.handle)
		if err := c.Start0(t); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if me := c.Me(); me == nil || me.ID != bot.ID {
			t.Fatalf("run %d: Me = %+v", i, me)
		}
		if keys < 0 {
			keys = cl.DC(2).AuthKeys()
		}
		rec.wait(t, sentTotal(senders), 15*time.Second) // what was posted while it was down
		sendAll(t, senders, 1)
		rec.wait(t, sentTotal(senders), 15*time.Second)
		c.Stop()
		if i < restarts {
			sendAll(t, senders, 2)
		}
	}
	rec.check(t, senders)
	if got := cl.DC(2).AuthKeys(); got != keys {
		t.Errorf("auth keys %d -> %d: a restart made a new key", keys, got)
	}
	t.Logf("%d restarts, %d messages in %v", restarts, sentTotal(senders), time.Since(start).Round(time.Millisecond))
	base.checkReleased(t)
}

// TestSoakHandlerFailures runs handlers that panic or fail on some updates: every update
// still reaches the handler, each failure reaches OnError once, and the updates after them
// go on.
func TestSoakHandlerFailures(t *testing.T) {
	perSender := soakScale(50, 500)
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "soak_failing_bot")
	senders := newSoakSenders(t, cl, "soak_failing_bot", 2)
	rec := newSoakRecorder()
	var failures atomic.Int64
	failed := make(chan struct{}, 2*perSender)
	b.OnError(func(*mtgo.Context, error) { failures.Add(1); failed <- struct{}{} })
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		switch rec.record(m) % 5 {
		case 2:
			panic("soak: handler panics on purpose")
		case 4:
			return errSoakHandler
		}
		return nil
	})
	sendAll(t, senders, perSender)
	rec.wait(t, sentTotal(senders), 20*time.Second)
	want := 0 // the numbers n%5 == 2 (panic) and n%5 == 4 (error)
	for _, s := range senders {
		for n := 1; n <= s.sent; n++ {
			if n%5 == 2 || n%5 == 4 {
				want++
			}
		}
	}
	for range want {
		select {
		case <-failed:
		case <-time.After(15 * time.Second):
			t.Fatalf("OnError ran %d times, want %d", failures.Load(), want)
		}
	}
	rec.check(t, senders)
	if got := failures.Load(); got != int64(want) {
		t.Errorf("OnError ran %d times, want %d", got, want)
	}
	t.Logf("%d updates, %d failed handlers", sentTotal(senders), want)
}

var errSoakHandler = &soakError{}

type soakError struct{}

func (*soakError) Error() string { return "soak: handler fails on purpose" }

// TestSoakSlowHandler holds the only handler worker on one update while a person posts
// thousands more. The README promises a bounded queue: the dispatcher queues at most
// Workers*1024 updates and the update engine waits for the handlers, "which slows the update
// engine down instead of growing memory". The test posts n updates twice, alike: first to a
// handler that keeps up, then behind the held one. The second phase may grow the heap only
// by the slack more than the first (the world stores both alike); the client's calls work
// meanwhile (the waiting engine must not stall the connection); and once the handler goes on
// every update arrives once and in order: those the client did not keep are fetched again
// with getDifference, none is lost.
func TestSoakSlowHandler(t *testing.T) {
	n := soakScale(10000, 40000)
	// Telegram answers getDifference in slices up to 100,000 pts behind for bots (the default
	// pts_total_limit); the world's default of 1,000 would end the recovery with
	// differenceTooLong. Each box keeps every message, in both phases alike.
	cl := soakCluster(t, func(c *world.Config) { c.TooLongAfter, c.MaxBoxMessages = 100000, 100000 })
	b, _ := e2eBot(t, cl, "soak_slow_bot", func(cfg *mtgo.Config) { cfg.Workers = 1; cfg.MaxMessageCacheSize = 16 })
	senders := newSoakSenders(t, cl, "soak_slow_bot", 1)
	rec := newSoakRecorder()
	held, release := make(chan struct{}), make(chan struct{})
	var holdAt atomic.Int64
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		if rec.record(m) == int(holdAt.Load()) {
			close(held)
			<-release
		}
		return nil
	})
	// post sends n updates in chunks the server's queue for the connection holds
	// (world.Config.MaxQueued, 1024), each followed by a call: the server answers on the
	// connection that carried the pushes, after them, so once the call is back the client has
	// read every push, and the call working shows the connection is not stalled.
	post := func(n int) {
		for left := n; left > 0; left -= 500 {
			sendAll(t, senders, min(left, 500))
			if _, err := b.InvokeContext(ctxT(t), &tg.HelpGetNearestDCRequest{}, 0, 10*time.Second); err != nil {
				t.Fatalf("a call after %d updates: %v", sentTotal(senders), err)
			}
		}
	}
	sendAll(t, senders, 1)
	rec.wait(t, 1, 15*time.Second)
	start := time.Now()
	base := heapAfterGC()
	post(n)
	rec.wait(t, sentTotal(senders), 30*time.Second)
	keptUp := heapAfterGC()

	holdAt.Store(int64(sentTotal(senders) + 1))
	sendAll(t, senders, 1)
	<-held
	before := heapAfterGC()
	post(n)
	queue := b.LoadSnapshot().HandlerQueue
	heldHeap := heapAfterGC()
	close(release)
	rec.wait(t, sentTotal(senders), 60*time.Second)
	rec.check(t, senders)
	t.Logf("%d updates to a handler that keeps up: heap +%d bytes; %d behind a held one: +%d bytes (handler queue %d); %v",
		n, int64(keptUp)-int64(base), n, int64(heldHeap)-int64(before), queue, time.Since(start).Round(time.Millisecond))
	if queue > 1024 {
		t.Errorf("handler queue %d, bound 1024", queue)
	}
	if growth, world := int64(heldHeap)-int64(before), int64(keptUp)-int64(base); growth > world+soakHeapSlack {
		t.Errorf("%d updates held back grew the heap by %d bytes, %d when handled at once (slack %d)", n, growth, world, soakHeapSlack)
	}
}

// TestSoakMessageStream streams 20,000 messages through OnMessage with the message cache at
// its default size (DefaultMaxMessageCacheSize, 10,000): once the cache is full the heap
// stops growing (beyond what the test world stores) and the goroutines stay constant.
func TestSoakMessageStream(t *testing.T) {
	const total, chunk = 20000, 500
	cl := soakCluster(t, func(c *world.Config) { c.MaxBoxMessages = 1000 })
	const name = "soak_stream_bot"
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "soak", Username: name})
	if err != nil {
		t.Fatal(err)
	}
	senders := newSoakSenders(t, cl, name, 4)
	base := takeBaseline()
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	rec := newSoakRecorder()
	b.OnMessage(rec.handle)
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var full uint64
	var fullG, maxG int
	for sentTotal(senders) < total {
		sendAll(t, senders, chunk/len(senders))
		rec.wait(t, sentTotal(senders), 30*time.Second)
		maxG = max(maxG, runtime.NumGoroutine())
		if full == 0 && sentTotal(senders) >= mtgo.DefaultMaxMessageCacheSize+chunk {
			full, fullG = heapAfterGC(), runtime.NumGoroutine()
		}
	}
	elapsed := time.Since(start)
	end := heapAfterGC()
	endG := runtime.NumGoroutine()
	rec.check(t, senders)
	last := senders[len(senders)-1]
	if _, ok := b.CachedMessage(last.id, 1); ok {
		t.Error("the cache still holds the first message")
	}
	t.Logf("%d messages in %v (%.0f/s); heap %d bytes once the cache was full, %d at the end; goroutines %d then, %d at the end, %d at most",
		sentTotal(senders), elapsed.Round(time.Millisecond), float64(sentTotal(senders))/elapsed.Seconds(), full, end, fullG, endG, maxG)
	if end > full+soakHeapSlack {
		t.Errorf("heap grew from %d to %d bytes with a full cache (slack %d)", full, end, soakHeapSlack)
	}
	if endG > fullG+2 {
		t.Errorf("goroutines %d at the end, %d when the cache filled", endG, fullG)
	}
	b.Stop()
	base.checkReleased(t)
}
