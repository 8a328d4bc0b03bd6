package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Worker consumes the stream and runs a client's handlers on the updates. The client must
// have NoUpdates (it makes calls with the shared authorization but runs no update engine);
// register its handlers (OnMessage, AddHandler, UseMiddleware) as in a single process.
type Worker struct {
	c   *mtgo.Client
	js  jetstream.JetStream
	cfg Config
	log *slog.Logger

	handled     atomic.Int64
	redelivered atomic.Int64
	rejected    atomic.Int64

	ready     chan struct{} // closed once Run consumes every shard
	readyOnce sync.Once
}

// ErrUpdatesEnabled reports a worker's client that runs its own update engine.
var ErrUpdatesEnabled = errors.New("fanout: a worker's client must have Config.NoUpdates")

// NewWorker returns a worker running c's handlers on the updates of the stream of cfg.
func NewWorker(c *mtgo.Client, js jetstream.JetStream, cfg Config) (*Worker, error) {
	if !c.NoUpdates() {
		return nil, ErrUpdatesEnabled
	}
	conf, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// The stream is the worker's only source: Telegram sends a NoUpdates connection no
	// updates, and any it pushes anyway (a server that ignores invokeWithoutUpdates) are
	// dropped instead of being handled beside the gateway's copy.
	c.SetDispatcher(dropPushes{})
	return &Worker{c: c, js: js, cfg: conf, log: conf.Logger.With(slog.String("component", "fanout.worker")), ready: make(chan struct{})}, nil
}

// WorkerStats counts what a worker handled.
type WorkerStats struct {
	// Handled is the updates whose handlers ran and that were acknowledged or attempted to
	// be, Redelivered those of them the server had delivered before (to this or a dead
	// worker; a message holds several updates, all redelivered together), Rejected the
	// messages that did not decode (terminated, never redelivered).
	Handled, Redelivered, Rejected int64
}

// Stats returns the counts so far.
func (w *Worker) Stats() WorkerStats {
	return WorkerStats{Handled: w.handled.Load(), Redelivered: w.redelivered.Load(), Rejected: w.rejected.Load()}
}

// pullBatch is how many messages a worker's pull request for a shard asks for. The
// consumer delivers one at a time (MaxAckPending 1) whatever the request, so a large one
// only spares pull requests: the client asks again when half of it was delivered.
const pullBatch = 64

// Run consumes every shard until ctx ends. It creates the stream and the consumers when
// they do not exist yet, so workers may start before the gateway. An update being handled
// when ctx ends is handed back (nak) for another worker, after the handlers' grace. When
// the worker's client stopped (its handlers can take no update) Run hands the message back
// and returns an error wrapping mtgo.ErrClientClosed.
func (w *Worker) Run(parent context.Context) error {
	if _, err := ensureStream(parent, w.js, w.cfg); err != nil {
		return err
	}
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	var consumers []jetstream.ConsumeContext
	// inflight counts the deliveries being handled. A delivery may still come after the
	// consumers report they closed (the race detector saw one Add run beside the Wait), so
	// admission closes under mu before the Wait and a late delivery is handed back.
	var inflight sync.WaitGroup
	var mu sync.Mutex
	closed := false
	defer func() {
		// no new deliveries, then the handlers that run finish (or are handed back)
		for _, cc := range consumers {
			cc.Stop()
		}
		for _, cc := range consumers {
			<-cc.Closed()
		}
		mu.Lock()
		closed = true
		mu.Unlock()
		inflight.Wait()
	}()
	for n := range w.cfg.Shards {
		cons, err := w.js.CreateOrUpdateConsumer(ctx, w.cfg.Stream, consumerConfig(w.cfg, n))
		if err != nil {
			return fmt.Errorf("fanout: consumer %s: %w", w.cfg.consumer(n), err)
		}
		cc, err := cons.Consume(func(m jetstream.Msg) {
			mu.Lock()
			if closed {
				mu.Unlock()
				_ = m.Nak() // for another worker
				return
			}
			inflight.Add(1)
			mu.Unlock()
			defer inflight.Done()
			if err := w.handle(ctx, m); errors.Is(err, mtgo.ErrClientClosed) {
				stop(err)
			}
		}, jetstream.PullMaxMessages(pullBatch))
		if err != nil {
			return fmt.Errorf("fanout: consume %s: %w", w.cfg.consumer(n), err)
		}
		consumers = append(consumers, cc)
	}
	w.readyOnce.Do(func() { close(w.ready) })
	<-ctx.Done()
	if parent.Err() == nil {
		return fmt.Errorf("fanout: worker stopped: %w", context.Cause(ctx))
	}
	return nil
}

// Ready is closed once Run consumes every shard (its consumers exist on the server).
func (w *Worker) Ready() <-chan struct{} { return w.ready }

// handle runs the handlers on the updates of one message (in order per chat) and
// acknowledges it once they all returned. It returns the error of a message handed back.
func (w *Worker) handle(ctx context.Context, m jetstream.Msg) error {
	u, err := decodeEnvelope(m.Data())
	if err != nil {
		w.rejected.Add(1)
		w.log.Warn("message rejected", slog.String("subject", m.Subject()), slog.Any("err", err))
		_ = m.Term()
		return nil
	}
	n := int64(len(u.Updates))
	if md, err := m.Metadata(); err == nil && md.NumDelivered > 1 {
		w.redelivered.Add(n)
	}
	stop := w.keepAlive(m)
	err = w.c.HandleUpdatesWait(ctx, u)
	stop()
	if err != nil {
		// stopping with the handlers still running, or the client stopped: hand the
		// updates to another worker
		_ = m.Nak()
		return err
	}
	w.handled.Add(n)
	if err := m.Ack(); err != nil {
		w.log.Warn("ack failed: the updates will be delivered again", slog.String("mtgo.update.key", mtgo.UpdateKey(u.Updates[0])),
			slog.Int64("updates", n), slog.Any("err", err))
	}
	return nil
}

// minProgress is the shortest interval between two progress reports of one message.
const minProgress = time.Millisecond

// keepAlive tells the server the message is being worked on every third of AckWait, so a
// slow handler does not have its update redelivered to another worker; the returned stop
// ends it.
func (w *Worker) keepAlive(m jetstream.Msg) (stop func()) {
	every := max(w.cfg.AckWait/3, minProgress)
	var mu sync.Mutex
	stopped := false
	var t *time.Timer
	// t is stored under mu, which the callback takes before it resets t: a first report
	// due before AfterFunc returned finds it set.
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		_ = m.InProgress()
		t.Reset(every)
	})
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
		t.Stop()
	}
}

// dropPushes is a worker client's dispatcher: HandleUpdatesWait runs the handlers, pushes
// go nowhere.
type dropPushes struct{}

func (dropPushes) Dispatch(tg.UpdatesClass) {}
