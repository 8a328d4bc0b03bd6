package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Gateway publishes the updates of the client that owns the account's update engine. Set
// it as that client's dispatcher (Attach) before Connect or Start: the engine then saves a
// batch's update state only once the stream acknowledged every update of it.
type Gateway struct {
	js  jetstream.JetStream
	cfg Config
	log *slog.Logger

	published  atomic.Int64
	duplicates atomic.Int64
	retries    atomic.Int64
}

var _ mtgo.CommitDispatcher = (*Gateway)(nil)

// Retry delays of a publish the stream did not acknowledge.
const (
	firstRetry = 50 * time.Millisecond
	maxRetry   = 5 * time.Second
)

// NewGateway creates (or updates) the stream of cfg and returns a gateway publishing to it.
func NewGateway(ctx context.Context, js jetstream.JetStream, cfg Config) (*Gateway, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := ensureStream(ctx, js, c); err != nil {
		return nil, err
	}
	return &Gateway{js: js, cfg: c, log: c.Logger.With(slog.String("component", "fanout.gateway"))}, nil
}

// Attach makes g the dispatcher of c, the client that runs the account's update engine.
func (g *Gateway) Attach(c *mtgo.Client) { c.SetDispatcher(g) }

// GatewayStats counts what a gateway published.
type GatewayStats struct {
	// Published is the updates the stream acknowledged, Duplicates those of them it had
	// already (published again after a failover), Retries the publishes repeated after a
	// failure.
	Published, Duplicates, Retries int64
}

// Stats returns the counts so far.
func (g *Gateway) Stats() GatewayStats {
	return GatewayStats{Published: g.published.Load(), Duplicates: g.duplicates.Load(), Retries: g.retries.Load()}
}

// Dispatch implements mtgo.Dispatcher for callers outside the update engine; the engine calls
// DispatchCommit.
func (g *Gateway) Dispatch(u tg.UpdatesClass) {
	if err := g.DispatchCommit(context.Background(), u); err != nil {
		g.log.Error("publish failed", slog.Any("error", err))
	}
}

// DispatchCommit implements mtgo.CommitDispatcher: it publishes every update of u and
// returns when the stream acknowledged all of them. A publish that fails is repeated (with
// the same message id, so the stream keeps one copy) until it succeeds or ctx ends; then the
// error leaves the batch unsaved, for the next run of the engine to deliver again.
func (g *Gateway) DispatchCommit(ctx context.Context, u tg.UpdatesClass) error {
	list, users, chats, date := unpack(u)
	if len(list) == 0 {
		return nil
	}
	out := make([]outgoing, 0, len(list))
	for _, up := range list {
		if up == nil {
			continue
		}
		data, err := encodeOne(up, users, chats, date)
		if err != nil {
			g.log.Error("update not published", slog.Any("error", err))
			continue // an update the encoder refuses would stop the engine for good
		}
		chat := chatKey(up)
		out = append(out, outgoing{subject: g.cfg.subject(g.cfg.shard(chat)), id: mtgo.UpdateKey(up), chat: chat, data: data})
	}
	return g.publish(ctx, out)
}

// outgoing is one message to publish.
type outgoing struct {
	subject, id string
	chat        int64
	data        []byte
}

func (o outgoing) msg() *nats.Msg {
	m := nats.NewMsg(o.subject)
	m.Data = o.data
	m.Header.Set(jetstream.MsgIDHeader, o.id)
	m.Header.Set(HeaderChat, strconv.FormatInt(o.chat, 10))
	return m
}

// publish sends out and waits for the acknowledgements, repeating the failed ones.
func (g *Gateway) publish(ctx context.Context, out []outgoing) error {
	delay := firstRetry
	for {
		failed, err := g.publishOnce(ctx, out)
		if len(failed) == 0 {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("fanout: publish %d updates: %w", len(failed), errors.Join(err, ctx.Err()))
		}
		g.retries.Add(int64(len(failed)))
		g.log.Warn("publish failed, retrying", slog.Int("updates", len(failed)), slog.Duration("delay", delay), slog.Any("error", err))
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("fanout: publish %d updates: %w", len(failed), errors.Join(err, ctx.Err()))
		}
		delay = min(2*delay, maxRetry)
		out = failed
	}
}

// publishOnce publishes out asynchronously and returns the messages not acknowledged.
func (g *Gateway) publishOnce(ctx context.Context, out []outgoing) (failed []outgoing, last error) {
	futures := make([]jetstream.PubAckFuture, len(out))
	for i, o := range out {
		f, err := g.js.PublishMsgAsync(o.msg())
		if err != nil {
			failed, last = append(failed, o), err
			continue
		}
		futures[i] = f
	}
	timeout := time.NewTimer(g.cfg.PublishTimeout)
	defer timeout.Stop()
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case <-timeout.C:
			return pending(failed, out, futures, i), fmt.Errorf("no acknowledgement within %s", g.cfg.PublishTimeout)
		case ack := <-f.Ok():
			g.published.Add(1)
			if ack.Duplicate {
				g.duplicates.Add(1)
			}
		case err := <-f.Err():
			failed, last = append(failed, out[i]), err
		case <-ctx.Done():
			return pending(failed, out, futures, i), ctx.Err()
		}
	}
	return failed, last
}

// pending appends to failed the messages from i on that were published and not answered.
func pending(failed, out []outgoing, futures []jetstream.PubAckFuture, i int) []outgoing {
	for j := i; j < len(out); j++ {
		if futures[j] != nil {
			failed = append(failed, out[j])
		}
	}
	return failed
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
		t := time.NewTimer(retry)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("fanout: wait for the session lock: %w", ctx.Err())
		}
	}
}
