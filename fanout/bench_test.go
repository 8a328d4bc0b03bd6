package fanout

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// The throughput of the fan-out: b.N new messages across benchChats chats, in batches of
// the size the update engine would deliver, through gateway -> JetStream (embedded server,
// or the real one with MTGO_BENCH_NATS=1; memory stream) -> three workers, beside one
// process handling the same batches. The gateway is driven as the update engine drives it:
// DispatchCommit, then the batch's commit; with commit=ack DispatchCommit waits for the
// stream's acknowledgement, with commit=deferred (DeferCommits) the store holds the commit
// back instead. The handler records how long after its batch was handed over it ran (the
// message text holds that time); updates/s and the p99 of that latency are reported.

const benchChats = 500

// benchShards, benchInFlight and benchMaxBatch are Config.Shards, MaxInFlight and MaxBatch
// of the fan-out benchmark: the defaults unless MTGO_BENCH_SHARDS, MTGO_BENCH_INFLIGHT or
// MTGO_BENCH_MAXBATCH say otherwise.
var (
	benchShards   = envInt("MTGO_BENCH_SHARDS", DefaultShards)
	benchInFlight = envInt("MTGO_BENCH_INFLIGHT", DefaultMaxInFlight)
	benchMaxBatch = envInt("MTGO_BENCH_MAXBATCH", DefaultMaxBatch)
)

// latencies collects handler latencies.
type latencies struct {
	mu   sync.Mutex
	d    []time.Duration
	want int
	done chan struct{}
}

func newLatencies(want int) *latencies {
	return &latencies{d: make([]time.Duration, 0, want), want: want, done: make(chan struct{})}
}

func (l *latencies) handler(_ *mtgo.Context, m *types.Message) error {
	ns, err := strconv.ParseInt(m.Text, 10, 64)
	if err != nil {
		return err
	}
	d := time.Since(time.Unix(0, ns))
	l.mu.Lock()
	l.d = append(l.d, d)
	if len(l.d) == l.want {
		close(l.done)
	}
	l.mu.Unlock()
	return nil
}

func (l *latencies) p99() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return 0
	}
	return l.d[len(l.d)*99/100]
}

// benchBatch builds the engine batch of updates from..to-1: update i is a new message in
// chat i%benchChats with account pts and id i+1; the text is stamped when the batch is
// handed over. Batches are built as they are handed over, so the run's live heap is what
// the pipeline holds, not the whole run's input.
func benchBatch(from, to int) *tg.Updates {
	b := &tg.Updates{Date: 1700000000}
	for j := from; j < to; j++ {
		chat := int64(j%benchChats) + 1
		b.Users = append(b.Users, &tg.User{ID: chat, FirstName: tl.Some("u"), AccessHash: tl.Some(chat)})
		b.Updates = append(b.Updates, &tg.UpdateNewMessage{
			Message: &tg.Message{ID: int32(j + 1), PeerID: &tg.PeerUser{UserID: chat}, FromID: &tg.PeerUser{UserID: chat}, Date: 1700000000},
			Pts:     int32(j + 1), PtsCount: 1,
		})
	}
	return b
}

// stamp sets the text of every message of b to now.
func stamp(b *tg.Updates) {
	now := strconv.FormatInt(time.Now().UnixNano(), 10)
	for _, u := range b.Updates {
		u.(*tg.UpdateNewMessage).Message.(*tg.Message).Message = now
	}
}

func benchFanout(b *testing.B, batch int, deferred bool, rate float64) {
	url := benchServer(b)
	name := "BENCH_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cfg := Config{Memory: true, Shards: benchShards, Stream: name, Subject: "bench." + name, MaxInFlight: benchInFlight, MaxBatch: benchMaxBatch}
	_, js := connect(b, url)
	defer func() { _ = js.DeleteStream(context.Background(), name) }()
	gw, err := NewGateway(context.Background(), js, cfg)
	if err != nil {
		b.Fatal(err)
	}
	lat := newLatencies(b.N)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var workers []*Worker
	for range 3 {
		_, wjs := connect(b, url)
		c := offlineWorkerClient(b)
		c.OnMessage(lat.handler)
		w, err := NewWorker(c, wjs, cfg)
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = w.Run(ctx)
		}()
		workers = append(workers, w)
	}
	for _, w := range workers {
		<-w.Ready() // the consumers exist: their creation is not measured
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	var st storage.Storage = storage.NewInMemory()
	if deferred {
		st = gw.DeferCommits(st)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for i := 0; i < b.N; i += batch {
		u := benchBatch(i, min(i+batch, b.N))
		pace(start, i, rate)
		stamp(u)
		if err := gw.DispatchCommit(ctx, u); err != nil {
			b.Fatal(err)
		}
		last := u.Updates[len(u.Updates)-1].(*tg.UpdateNewMessage).Pts
		if err := st.CommitUpdates(ctx, updates.Commit{State: updates.State{Pts: last}, HasState: true}); err != nil {
			b.Fatal(err)
		}
	}
	loop := time.Since(start)
	<-lat.done
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(loop.Milliseconds()), "loop-ms")
	if err := gw.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if s, _, err := st.LoadUpdates(ctx); err != nil || s.State.Pts != int32(b.N) {
		b.Fatalf("committed pts %d (%v), want %d", s.State.Pts, err, b.N)
	}
	reportRun(b, elapsed, cpuTime()-cpu0, lat)
	gs := gw.Stats()
	b.ReportMetric(float64(gs.Published)/float64(max(gs.Messages, 1)), "updates/msg")
}

// reportRun reports updates/s, the process's CPU time per update and the p99 handler
// latency.
func reportRun(b *testing.B, elapsed, cpu time.Duration, lat *latencies) {
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/1000/float64(b.N), "cpu-us/update")
	b.ReportMetric(float64(lat.p99().Microseconds())/1000, "p99-ms")
}

// benchServer is the embedded server, or with MTGO_BENCH_NATS=1 the real one of
// MTGO_NATS_URL (a process of its own, as in production).
func benchServer(b *testing.B) string {
	if os.Getenv("MTGO_BENCH_NATS") != "" {
		return realServer(b)
	}
	return startServer(b).ClientURL()
}

func benchSingle(b *testing.B, batch int, rate float64) {
	c := offlineWorkerClient(b)
	lat := newLatencies(b.N)
	c.OnMessage(lat.handler)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for i := 0; i < b.N; i += batch {
		u := benchBatch(i, min(i+batch, b.N))
		pace(start, i, rate)
		stamp(u)
		c.HandleUpdates(u) // the NoUpdates client's pipeline: straight to the dispatcher
	}
	<-lat.done
	elapsed := time.Since(start)
	b.StopTimer()
	reportRun(b, elapsed, cpuTime()-cpu0, lat)
}

// pace holds a load generator that started at start to rate updates per second (0: as fast
// as it goes) before it hands over update done: it waits while it is more than a
// millisecond ahead.
func pace(start time.Time, done int, rate float64) {
	if rate == 0 {
		return
	}
	due := start.Add(time.Duration(float64(done) / rate * float64(time.Second)))
	if d := time.Until(due); d > time.Millisecond {
		time.Sleep(d) // pacing the load, not waiting for a result
	}
}

// benchRates are the offered loads: as fast as the loop goes (throughput; the latency is
// then the backlog's), and the goal's 20 000 updates/s (latency at that load).
var benchRates = []float64{0, 20000}

func rateName(rate float64) string {
	if rate == 0 {
		return "rate=max"
	}
	return "rate=" + strconv.Itoa(int(rate))
}

func BenchmarkFanout3Workers(b *testing.B) {
	for _, rate := range benchRates {
		for _, batch := range []int{1, 100} {
			for _, deferred := range []bool{false, true} {
				if rate != 0 && !deferred {
					continue // one round trip per batch: it does not reach the rate
				}
				commit := "/commit=ack"
				if deferred {
					commit = "/commit=deferred"
				}
				b.Run(rateName(rate)+"/batch="+strconv.Itoa(batch)+commit, func(b *testing.B) { benchFanout(b, batch, deferred, rate) })
			}
		}
	}
}

func BenchmarkSingleProcess(b *testing.B) {
	for _, rate := range benchRates {
		for _, batch := range []int{1, 100} {
			b.Run(rateName(rate)+"/batch="+strconv.Itoa(batch), func(b *testing.B) { benchSingle(b, batch, rate) })
		}
	}
}

// envInt returns the integer in environment variable name, else (unset or 0) def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n != 0 {
		return n
	}
	return def
}

// cpuTime returns the CPU time the process used so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
