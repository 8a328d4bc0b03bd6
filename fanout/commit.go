package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// DeferCommits returns st, the store of the client whose update engine g serves, with its
// update-state commits held back until the stream acknowledged every update dispatched
// before them; set it as that client's Config.Storage. From then on DispatchCommit returns
// once the updates are queued, so the engine hands over its next batch while the previous
// ones are being published: the publishes of many batches overlap and a busy shard packs
// them into few messages (Config.MaxBatch), where otherwise every batch costs one round
// trip to the stream. The engine's state still never runs ahead of the stream: a commit is
// written only after the publishes it covers (consecutive commits ready together are
// merged into one write), so a crash leaves the unacknowledged updates uncommitted, for the
// next gateway to deliver again.
//
// Save and Close of the returned store first wait (up to Config.PublishTimeout) for the
// updates in flight and write the commits they release. A failed write of a held commit is
// returned by the next CommitUpdates, which stops the engine.
func (g *Gateway) DeferCommits(st storage.Storage) storage.Storage {
	g.mu.Lock()
	g.deferred = true
	g.mu.Unlock()
	return &deferredStore{Storage: st, g: g}
}

// Flush waits until every update dispatched so far was acknowledged by the stream (or
// given up with a closed connection) and, with DeferCommits, every commit it held back was
// written, or ctx ends.
func (g *Gateway) Flush(ctx context.Context) error {
	for {
		g.mu.Lock()
		if g.pending == 0 {
			g.mu.Unlock()
			break
		}
		if err := g.awaitRoom(ctx); err != nil {
			return err
		}
	}
	return g.commits.flush(ctx)
}

// deferredStore is the engine's store under DeferCommits.
type deferredStore struct {
	storage.Storage
	g *Gateway
}

func (s *deferredStore) CommitUpdates(_ context.Context, c updates.Commit) error {
	return s.g.commits.hold(s.Storage, c, s.g.log)
}

func (s *deferredStore) Save() error {
	s.flush()
	return s.Storage.Save()
}

func (s *deferredStore) Close() error {
	s.flush()
	return s.Storage.Close()
}

// flush waits a while for the updates in flight, so a stopping gateway commits what the
// stream has.
func (s *deferredStore) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), s.g.cfg.PublishTimeout)
	defer cancel()
	if err := s.g.Flush(ctx); err != nil {
		s.g.log.Warn("stopping with updates unacknowledged or uncommitted: the next gateway delivers them again", slog.Any("err", err))
	}
}

// commitQueue holds the engine's commits until the publishes before them are acknowledged
// and writes them in order.
type commitQueue struct {
	mu      sync.Mutex
	waiting []*ticket // dispatched since the last commit
	queue   []heldCommit
	running bool
	idle    chan struct{} // closed when the writer finished the queue
	err     error         // a failed write; the engine stops on it
}

// heldCommit is a commit waiting for the publishes of the batches before it.
type heldCommit struct {
	st    storage.Storage
	c     updates.Commit
	after []*ticket
}

// errUnpublished stops the engine when updates before a held commit were given up.
var errUnpublished = errors.New("fanout: updates before this commit were not published")

// add records t as dispatched before the next commit.
func (q *commitQueue) add(t *ticket) {
	q.mu.Lock()
	q.waiting = append(q.waiting, t)
	q.mu.Unlock()
}

// hold queues c, to be written to st once the updates dispatched before it are published.
// c.Channels is the engine's only until its next call (updates.Store): the queue keeps a copy.
func (q *commitQueue) hold(st storage.Storage, c updates.Commit, log *slog.Logger) error {
	c.Channels = slices.Clone(c.Channels)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	q.queue = append(q.queue, heldCommit{st: st, c: c, after: q.waiting})
	q.waiting = nil
	if !q.running {
		q.running, q.idle = true, make(chan struct{})
		go q.run(log)
	}
	return nil
}

// run writes the queue's commits in order, each once its tickets are done, until the
// queue is empty.
func (q *commitQueue) run(log *slog.Logger) {
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.stop(nil)
			q.mu.Unlock()
			return
		}
		head := q.queue[0]
		q.mu.Unlock()
		ok := true
		for _, t := range head.after {
			<-t.done
			ok = ok && !t.failed.Load()
		}
		q.mu.Lock()
		if !ok {
			q.stop(errUnpublished)
			q.mu.Unlock()
			return
		}
		k := 1
		for k < len(q.queue) && q.queue[k].st == head.st && published(q.queue[k].after) {
			k++
		}
		c := merge(q.queue[:k])
		q.queue = q.queue[k:]
		q.mu.Unlock()
		if err := head.st.CommitUpdates(context.Background(), c); err != nil {
			log.Error("update state not saved", slog.Any("err", err))
			q.mu.Lock()
			q.stop(fmt.Errorf("fanout: save update state: %w", err))
			q.mu.Unlock()
			return
		}
	}
}

// stop ends the writer (q.mu held); err, when not nil, drops the queue and fails the
// next commits.
func (q *commitQueue) stop(err error) {
	if err != nil {
		q.err, q.queue = err, nil
	}
	q.running = false
	close(q.idle)
}

// flush waits until the tickets dispatched so far are done and the queue was written.
func (q *commitQueue) flush(ctx context.Context) error {
	q.mu.Lock()
	waiting, idle := q.waiting, q.idle
	q.mu.Unlock()
	for _, t := range waiting {
		select {
		case <-t.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if idle != nil {
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// published reports whether every ticket is done and none gave up.
func published(ts []*ticket) bool {
	for _, t := range ts {
		select {
		case <-t.done:
			if t.failed.Load() {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// merge folds consecutive commits into one: the last account state, each channel's last pts.
func merge(cs []heldCommit) updates.Commit {
	if len(cs) == 1 {
		return cs[0].c
	}
	var out updates.Commit
	at := map[int64]int{}
	for _, h := range cs {
		if h.c.HasState {
			out.State, out.HasState = h.c.State, true
		}
		for _, ch := range h.c.Channels {
			if i, ok := at[ch.ChannelID]; ok {
				out.Channels[i] = ch
				continue
			}
			at[ch.ChannelID] = len(out.Channels)
			out.Channels = append(out.Channels, ch)
		}
	}
	return out
}
