package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Gateway publishes the updates of the client that owns the account's update engine. Set
// it as that client's dispatcher (Attach) before Connect or Start: the engine then saves a
// batch's update state only once the stream acknowledged every update of it.
//
// Each shard has at most one message in flight: the updates of a shard that arrive while
// its previous message waits for the stream's acknowledgement are packed into its next
// message (Config.MaxBatch), which keeps the shard's order across failed publishes too.
type Gateway struct {
	js  jetstream.JetStream
	cfg Config
	log *slog.Logger

	published  atomic.Int64
	messages   atomic.Int64
	duplicates atomic.Int64
	retries    atomic.Int64
	dropped    atomic.Int64
	inOnDrop   atomic.Int32 // OnDrop calls running (see onDropFunc)

	mu       sync.Mutex
	shards   []shardQueue
	pending  int           // updates queued or in flight
	room     chan struct{} // closed when pending fell and roomWait was set
	roomWait bool
	deferred bool // DeferCommits: DispatchCommit returns once the updates are queued

	inflight chan struct{} // a slot per message in flight (Config.MaxInFlight)

	resumeMu sync.Mutex
	resume   *resumeFilter // nil until the first dispatch read the stream's tail

	commits commitQueue // commit.go
}

// shardQueue is one shard's updates waiting for a message.
type shardQueue struct {
	queue   []queued
	running bool // a goroutine publishes the queue
}

var _ mtgo.CommitDispatcher = (*Gateway)(nil)

// Retry delays of a publish the stream did not acknowledge.
const (
	firstRetry = 50 * time.Millisecond
	maxRetry   = 5 * time.Second
)

// sizeTries is how often a message of one update refused for its size is published before
// the update is dropped. The same bytes meet the same limit every time; only a reconnect to
// a server with a larger max_payload can change the answer, and that is what the tries
// after the first allow for, though with the backoff between them (firstRetry, then twice
// it) they span only about 150 ms: a limit raised later does not save the update.
const sizeTries = 3

// NewGateway creates (or updates) the stream of cfg and returns a gateway publishing to it.
func NewGateway(ctx context.Context, js jetstream.JetStream, cfg Config) (*Gateway, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := ensureStream(ctx, js, c); err != nil {
		return nil, err
	}
	return &Gateway{
		js: js, cfg: c, log: c.Logger.With(slog.String("component", "fanout.gateway")),
		shards: make([]shardQueue, c.Shards), room: make(chan struct{}), inflight: make(chan struct{}, c.MaxInFlight),
	}, nil
}

// Attach makes g the dispatcher of c, the client that runs the account's update engine.
func (g *Gateway) Attach(c *mtgo.Client) { c.SetDispatcher(g) }

// GatewayStats counts what a gateway published.
type GatewayStats struct {
	// Published is the updates the stream acknowledged, Duplicates those of them it had
	// already (published again after a failover; this includes updates the gateway did not
	// publish because its predecessor had, see Config.MaxPending), Retries the updates whose
	// publish was repeated after a failure.
	Published, Duplicates, Retries int64
	// Messages is the messages the stream acknowledged: Published/Messages updates went
	// in one message on average.
	Messages int64
	// Dropped is the updates given up because no message could carry them: too large for
	// the server or the stream even alone (ErrTooLarge), or refused by the encoder.
	Dropped int64
}

// Stats returns the counts so far.
func (g *Gateway) Stats() GatewayStats {
	return GatewayStats{
		Published: g.published.Load(), Duplicates: g.duplicates.Load(), Retries: g.retries.Load(),
		Messages: g.messages.Load(), Dropped: g.dropped.Load(),
	}
}

// Dispatch implements mtgo.Dispatcher for callers outside the update engine; the engine calls
// DispatchCommit.
func (g *Gateway) Dispatch(u tg.UpdatesClass) {
	if err := g.DispatchCommit(context.Background(), u); err != nil {
		g.log.Error("publish failed", slog.Any("err", err))
	}
}

// DispatchCommit implements mtgo.CommitDispatcher: it publishes every update of u and
// returns when the stream acknowledged all of them. A publish that fails is repeated (with
// the same message id, so the stream keeps one copy) until it succeeds; when ctx ends first
// the error leaves the batch unsaved, for the next run of the engine to deliver again.
//
// Once DeferCommits was called, DispatchCommit returns as soon as the updates are queued
// (waiting only while Config.MaxPending updates are unacknowledged), and the store
// DeferCommits returned holds the engine's commit back until they are acknowledged.
func (g *Gateway) DispatchCommit(ctx context.Context, u tg.UpdatesClass) error {
	list, src := unpack(u)
	if len(list) == 0 {
		return nil
	}
	if g.inOnDrop.Load() > 0 && insideOnDrop() {
		return fmt.Errorf("fanout: publish %d updates: %w", len(list), ErrDispatchInOnDrop)
	}
	drop, err := g.resumed(ctx)
	if err != nil {
		return err
	}
	items := make([]queued, 0, len(list))
	for _, up := range list {
		if up == nil {
			continue
		}
		key := mtgo.UpdateKey(up)
		if drop.has(key) {
			g.duplicates.Add(1)
			continue
		}
		chat := chatKey(up)
		items = append(items, queued{up: up, key: key, chat: chat, shard: g.cfg.shard(chat), src: src})
	}
	t := newTicket(len(items))
	for i := range items {
		items[i].t = t
	}
	queuedN, err := g.enqueue(ctx, items)
	if err != nil {
		t.settle(len(items)-queuedN, true) // never queued: the engine stops, the batch stays unsaved
		return fmt.Errorf("fanout: publish %d updates: %w", len(items)-queuedN, err)
	}
	g.mu.Lock()
	deferred := g.deferred
	g.mu.Unlock()
	if deferred {
		g.commits.add(t)
		return nil
	}
	select {
	case <-t.done:
		if t.failed.Load() {
			return fmt.Errorf("fanout: publish %d updates: %w", len(items), errGaveUp)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("fanout: publish %d updates: %w", len(items), ctx.Err())
	}
}

// ErrTooLarge reports an update larger than a message may be: the server's max_payload or
// the stream's max_msg_size. Config.OnDrop gets it with the update.
var ErrTooLarge = errors.New("fanout: update too large for a message")

// ErrDispatchInOnDrop reports a DispatchCommit (or Dispatch) called from Config.OnDrop:
// OnDrop runs on the publishing goroutine of a shard, and the dispatch would wait for that
// goroutine (or for its slot among Config.MaxInFlight), which waits for OnDrop. Nothing of
// the batch is queued; dispatch it from another goroutine that OnDrop does not wait for.
var ErrDispatchInOnDrop = errors.New("fanout: dispatch from Config.OnDrop would wait for itself")

// errGaveUp reports updates whose publish stopped for good: the connection was closed.
var errGaveUp = errors.New("connection closed before the stream acknowledged them")

// ticket counts the unacknowledged updates of one DispatchCommit.
type ticket struct {
	left   atomic.Int64
	failed atomic.Bool
	done   chan struct{} // closed when left reached 0
}

func newTicket(n int) *ticket {
	t := &ticket{done: make(chan struct{})}
	t.left.Store(int64(n))
	if n == 0 {
		close(t.done)
	}
	return t
}

// settle marks n updates of t done, published or (ok false) given up.
func (t *ticket) settle(n int, ok bool) {
	if n == 0 {
		return
	}
	if !ok {
		t.failed.Store(true)
	}
	if t.left.Add(-int64(n)) == 0 {
		close(t.done)
	}
}

// enqueue queues items in their shards, waiting for room while MaxPending updates are
// unacknowledged, and returns how many it queued.
func (g *Gateway) enqueue(ctx context.Context, items []queued) (int, error) {
	var start []int
	for i := 0; i < len(items); {
		g.mu.Lock()
		free := g.cfg.MaxPending - g.pending
		if free <= 0 {
			if err := g.awaitRoom(ctx); err != nil {
				return i, err
			}
			continue
		}
		n := min(free, len(items)-i)
		start = start[:0]
		for _, it := range items[i : i+n] {
			sq := &g.shards[it.shard]
			sq.queue = append(sq.queue, it)
			if !sq.running {
				sq.running = true
				start = append(start, it.shard)
			}
		}
		g.pending += n
		g.mu.Unlock()
		for _, s := range start {
			go g.runShard(s)
		}
		i += n
	}
	return len(items), nil
}

// awaitRoom waits until release lowers pending, or ctx ends. g.mu is held on entry and
// released on return.
func (g *Gateway) awaitRoom(ctx context.Context) error {
	g.roomWait = true
	room := g.room
	g.mu.Unlock()
	select {
	case <-room:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// take returns the next updates of shard n for one message, or nil (and the shard's
// goroutine ends) when there are none.
func (g *Gateway) take(n int) []queued {
	g.mu.Lock()
	defer g.mu.Unlock()
	sq := &g.shards[n]
	if len(sq.queue) == 0 {
		sq.queue, sq.running = nil, false
		return nil
	}
	k := min(len(sq.queue), g.cfg.MaxBatch)
	items := sq.queue[:k:k]
	sq.queue = sq.queue[k:]
	return items
}

// release settles items and frees their room.
func (g *Gateway) release(items []queued, ok bool) {
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].t == items[i].t {
			j++
		}
		items[i].t.settle(j-i, ok)
		i = j
	}
	g.mu.Lock()
	g.pending -= len(items)
	if g.roomWait {
		close(g.room)
		g.room, g.roomWait = make(chan struct{}), false
	}
	g.mu.Unlock()
}

// runShard publishes shard n's queue, one message at a time, until it is empty.
func (g *Gateway) runShard(n int) {
	buf := buffers.Get().(*tl.Buffer)
	defer buffers.Put(buf)
	for {
		g.inflight <- struct{}{} // while all slots are busy the shard's updates gather
		items := g.take(n)
		if items == nil {
			<-g.inflight
			return
		}
		ok := g.send(n, buf, items)
		<-g.inflight
		g.release(items, ok)
	}
}

// buffers holds the encoding buffers of the shards' goroutines, which come and go with the
// load.
var buffers = sync.Pool{New: func() any { return new(tl.Buffer) }}

// maxPayload is the largest message the gateway sends: the server's limit (1 MiB by
// default) less room for the headers.
func (g *Gateway) maxPayload() int {
	limit := int64(1 << 20)
	if nc := g.js.Conn(); nc != nil && nc.MaxPayload() > 0 {
		limit = nc.MaxPayload()
	}
	return int(max(limit-4096, 1024))
}

// send publishes items as one message, or as several when they are too large together, and
// reports false when it gave up (the connection closed). An update the encoder refuses, or
// too large for a message even alone, is dropped (see drop): it would stop the engine for
// good.
func (g *Gateway) send(n int, buf *tl.Buffer, items []queued) bool {
	if err := encodeEnvelope(buf, items); err != nil {
		if len(items) == 1 {
			g.drop(items[0], 0, err)
			return true
		}
		return g.sendEach(n, buf, items, 1)
	}
	size := len(buf.Raw())
	if size > g.maxPayload() && len(items) > 1 {
		return g.sendEach(n, buf, items, (len(items)+1)/2)
	}
	m := nats.NewMsg(g.cfg.subject(n))
	m.Data = buf.Raw()
	m.Header.Set(jetstream.MsgIDHeader, envelopeID(items))
	if chat, ok := oneChat(items); ok {
		m.Header.Set(HeaderChat, strconv.FormatInt(chat, 10))
	}
	err := g.publish(m, len(items))
	switch {
	case err == nil:
		return true
	case !errors.Is(err, ErrTooLarge):
		return false
	case len(items) > 1: // the stream's limit is below the server's: halves may fit
		return g.sendEach(n, buf, items, (len(items)+1)/2)
	}
	g.drop(items[0], size, err)
	return true
}

// drop gives up an update no message can carry: it logs it at error level by type, key
// and chat (never its content), counts it in GatewayStats.Dropped and hands it to
// Config.OnDrop. The update counts as settled, so the engine commits past it rather than
// stopping on it for good. size is its message's size, 0 when it was not encoded.
func (g *Gateway) drop(it queued, size int, err error) {
	g.dropped.Add(1)
	g.log.Error("update dropped: no message can carry it",
		slog.String("mtgo.update.type", it.up.TypeName()), slog.String("mtgo.update.key", it.key),
		slog.Int64("chat", it.chat), slog.Int("bytes", size), slog.Any("err", err))
	if g.cfg.OnDrop != nil {
		g.callOnDrop(it.up, err)
	}
}

// callOnDrop runs Config.OnDrop, marked so that a dispatch from inside it is refused (see
// ErrDispatchInOnDrop) rather than waiting for ever.
func (g *Gateway) callOnDrop(up tg.UpdateClass, err error) {
	g.inOnDrop.Add(1)
	defer g.inOnDrop.Add(-1)
	g.cfg.OnDrop(up, err)
}

// onDropFunc names callOnDrop in a stack.
var onDropFunc = reflect.TypeFor[Gateway]().PkgPath() + ".(*Gateway).callOnDrop"

// insideOnDrop reports whether the calling goroutine runs inside callOnDrop. It walks the
// whole stack: DispatchCommit asks only while some OnDrop runs, which is rare.
func insideOnDrop() bool {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(2, pcs)
	for n == len(pcs) { // deeper than the buffer: look at the whole stack
		pcs = make([]uintptr, 2*len(pcs))
		n = runtime.Callers(2, pcs)
	}
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Function == onDropFunc {
			return true
		}
		if !more {
			return false
		}
	}
}

// sendEach sends items in parts of size, in order.
func (g *Gateway) sendEach(n int, buf *tl.Buffer, items []queued, size int) bool {
	for i := 0; i < len(items); i += size {
		if !g.send(n, buf, items[i:min(i+size, len(items))]) {
			return false
		}
	}
	return true
}

// envelopeID is the Nats-Msg-Id of a message holding items: the update's key for one
// update, else the first and last keys and the count. A message published again (after a
// failed publish) has the same id, and the stream keeps one copy.
func envelopeID(items []queued) string {
	if len(items) == 1 {
		return items[0].key
	}
	return "b:" + items[0].key + "|" + items[len(items)-1].key + "|" + strconv.Itoa(len(items))
}

// oneChat returns the chat of items when they are all of one chat.
func oneChat(items []queued) (int64, bool) {
	for _, it := range items[1:] {
		if it.chat != items[0].chat {
			return 0, false
		}
	}
	return items[0].chat, true
}

// publish sends m (n updates) until the stream acknowledges it, backing off between
// failures. It gives up when the connection is closed for good (errGaveUp), and with an
// error wrapping ErrTooLarge when m is too large: at once for several updates (send splits
// them), after sizeTries tries for one.
func (g *Gateway) publish(m *nats.Msg, n int) error {
	delay := firstRetry
	for try := 1; ; try++ {
		err := g.publishOnce(m, n)
		if err == nil {
			return nil
		}
		if nc := g.js.Conn(); errors.Is(err, nats.ErrConnectionClosed) || (nc != nil && nc.IsClosed()) {
			g.log.Error("publish given up: connection closed", slog.String("subject", m.Subject), slog.Int("updates", n), slog.Any("err", err))
			return errGaveUp
		}
		if tooLarge(err) && (n > 1 || try >= sizeTries) {
			return fmt.Errorf("%w: a message of %d bytes, tried %d times: %w", ErrTooLarge, len(m.Data), try, err)
		}
		g.retries.Add(int64(n))
		g.log.Warn("publish failed, retrying", slog.String("subject", m.Subject), slog.Int("updates", n), slog.Duration("delay", delay), slog.Any("err", err))
		time.Sleep(delay) // this shard's goroutine, nothing else waits on it
		delay = min(2*delay, maxRetry)
	}
}

// tooLarge reports a publish refused for the message's size: by the client against the
// server's max_payload, or by the stream against its max_msg_size.
func tooLarge(err error) bool {
	var api *jetstream.APIError
	return errors.Is(err, nats.ErrMaxPayload) ||
		(errors.As(err, &api) && api.ErrorCode == jetstream.JSErrCodeStreamMessageExceedsMaximum)
}

// publishOnce publishes m and waits for the acknowledgement.
func (g *Gateway) publishOnce(m *nats.Msg, n int) error {
	f, err := g.js.PublishMsgAsync(m)
	if err != nil {
		return err
	}
	t := time.NewTimer(g.cfg.PublishTimeout)
	defer t.Stop()
	select {
	case ack := <-f.Ok():
		g.published.Add(int64(n))
		g.messages.Add(1)
		if ack.Duplicate {
			g.duplicates.Add(int64(n))
		}
		return nil
	case err := <-f.Err():
		return err
	case <-t.C:
		return fmt.Errorf("no acknowledgement within %s", g.cfg.PublishTimeout)
	}
}

// AcquireSession opens the account's shared store with open and returns it. While another
// process holds the session (open fails with storage.ErrSessionInUse) it tries again every
// retry (default 1 s) until ctx ends: a standby gateway waits here and takes over when the
// holder stops or dies and its lock frees, then resumes from the update state the holder
// committed. Other errors of open are returned at once.
func AcquireSession(ctx context.Context, open func(context.Context) (storage.Storage, error), retry time.Duration) (storage.Storage, error) {
	if retry <= 0 {
		retry = time.Second
	}
	for {
		st, err := open(ctx)
		if err == nil {
			return st, nil
		}
		if !errors.Is(err, storage.ErrSessionInUse) {
			return nil, fmt.Errorf("fanout: open session: %w", err)
		}
		if err := wait(ctx, retry); err != nil {
			return nil, fmt.Errorf("fanout: wait for the session lock: %w", err)
		}
	}
}

// wait sleeps d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
