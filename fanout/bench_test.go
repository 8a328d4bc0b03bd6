package fanout

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The throughput of the fan-out: b.N new messages across benchChats chats, in batches of
// the size the update engine would deliver, through gateway -> JetStream (embedded server,
// memory stream) -> three workers, beside one process handling the same batches. The
// handler records how long after its batch was handed over it ran (the message text holds
// that time); updates/s and the p99 of that latency are reported.

const benchChats = 500

// benchShards is the shards of the fan-out benchmark.
var benchShards = 64

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

// benchBatches builds n new messages in batches of size: message i in chat i%benchChats,
// with account pts and id i+1; the text is stamped when the batch is handed over.
func benchBatches(n, size int) []*tg.Updates {
	var out []*tg.Updates
	for i := 0; i < n; i += size {
		b := &tg.Updates{Date: 1700000000}
		for j := i; j < min(i+size, n); j++ {
			chat := int64(j%benchChats) + 1
			b.Users = append(b.Users, &tg.User{ID: chat, FirstName: tl.Some("u"), AccessHash: tl.Some(chat)})
			b.Updates = append(b.Updates, &tg.UpdateNewMessage{
				Message: &tg.Message{ID: int32(j + 1), PeerID: &tg.PeerUser{UserID: chat}, FromID: &tg.PeerUser{UserID: chat}, Date: 1700000000},
				Pts:     int32(j + 1), PtsCount: 1,
			})
		}
		out = append(out, b)
	}
	return out
}

// stamp sets the text of every message of b to now.
func stamp(b *tg.Updates) {
	now := strconv.FormatInt(time.Now().UnixNano(), 10)
	for _, u := range b.Updates {
		u.(*tg.UpdateNewMessage).Message.(*tg.Message).Message = now
	}
}

func benchFanout(b *testing.B, batch int) {
	url := benchServer(b)
	name := "BENCH_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cfg := Config{Memory: true, Shards: benchShards, Stream: name, Subject: "bench." + name}
	_, js := connect(b, url)
	defer func() { _ = js.DeleteStream(context.Background(), name) }()
	gw, err := NewGateway(context.Background(), js, cfg)
	if err != nil {
		b.Fatal(err)
	}
	lat := newLatencies(b.N)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
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
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	batches := benchBatches(b.N, batch)
	b.ResetTimer()
	start := time.Now()
	for _, u := range batches {
		stamp(u)
		if err := gw.DispatchCommit(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	<-lat.done
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
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

func benchSingle(b *testing.B, batch int) {
	c := offlineWorkerClient(b)
	lat := newLatencies(b.N)
	c.OnMessage(lat.handler)
	batches := benchBatches(b.N, batch)
	b.ResetTimer()
	start := time.Now()
	for _, u := range batches {
		stamp(u)
		c.HandleUpdates(u) // the NoUpdates client's pipeline: straight to the dispatcher
	}
	<-lat.done
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(lat.p99().Microseconds())/1000, "p99-ms")
}

func BenchmarkFanout3Workers(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) { benchFanout(b, batch) })
	}
}

func BenchmarkSingleProcess(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) { benchSingle(b, batch) })
	}
}
