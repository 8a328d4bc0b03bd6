package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// A gateway that takes over from another resumes at the update state its predecessor
// committed, and the engine delivers again what came after it: updates the stream has
// already, packed into messages other than the predecessor's (so the stream's message ids
// do not catch them). Before its first publish a gateway therefore reads the last
// Config.MaxPending messages of the stream, which cover every update published and not
// committed (at most MaxPending are unacknowledged, and commits follow acknowledgements at
// once), and drops the updates whose keys it found there for Config.Duplicates.

// resumeFilter holds the keys of the updates at the stream's tail when the gateway started.
type resumeFilter struct {
	keys  map[string]struct{}
	until time.Time
}

// has reports whether key was at the stream's tail and the filter is still in force.
func (f *resumeFilter) has(key string) bool {
	if f == nil || len(f.keys) == 0 {
		return false
	}
	_, ok := f.keys[key]
	return ok && time.Now().Before(f.until)
}

// resumed returns the resume filter, reading the stream's tail on the first call. A failed
// read is repeated with backoff until ctx ends, as a publish would be.
func (g *Gateway) resumed(ctx context.Context) (*resumeFilter, error) {
	g.resumeMu.Lock()
	defer g.resumeMu.Unlock()
	if g.resume != nil {
		return g.resume, nil
	}
	delay := firstRetry
	for {
		f, err := g.readTail(ctx)
		if err == nil {
			g.resume = f
			return f, nil
		}
		g.log.Warn("reading the stream's tail failed, retrying", slog.Duration("delay", delay), slog.Any("err", err))
		if werr := wait(ctx, delay); werr != nil {
			return nil, fmt.Errorf("fanout: read the stream's tail: %w", errors.Join(err, werr))
		}
		delay = min(2*delay, maxRetry)
	}
}

// tailFetch is how many messages one fetch of readTail asks for.
const tailFetch = 256

// readTail collects the keys of the updates in the last MaxPending messages of the stream,
// keeping the newest 2*MaxPending.
func (g *Gateway) readTail(ctx context.Context) (*resumeFilter, error) {
	f := &resumeFilter{until: time.Now().Add(g.cfg.Duplicates)}
	s, err := g.js.Stream(ctx, g.cfg.Stream)
	if err != nil {
		return nil, err
	}
	state := s.CachedInfo().State
	if state.Msgs == 0 {
		return f, nil
	}
	first := state.FirstSeq
	if n := uint64(g.cfg.MaxPending); state.LastSeq > n {
		first = max(first, state.LastSeq-n+1)
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: first,
	})
	if err != nil {
		return nil, err
	}
	keep := 2 * g.cfg.MaxPending
	var keys []string
	for seq := first - 1; seq < state.LastSeq; {
		batch, err := cons.Fetch(int(min(state.LastSeq-seq, tailFetch)), jetstream.FetchMaxWait(g.cfg.PublishTimeout))
		if err != nil {
			return nil, err
		}
		got := 0
		for m := range batch.Messages() {
			got++
			if md, err := m.Metadata(); err == nil {
				seq = md.Sequence.Stream
			}
			env, err := decodeEnvelope(m.Data())
			if err != nil {
				continue // not the gateway's: the workers terminate it
			}
			for _, up := range env.Updates {
				keys = append(keys, mtgo.UpdateKey(up))
			}
			if len(keys) > 2*keep {
				keys = keys[:copy(keys, keys[len(keys)-keep:])]
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return nil, err
		}
		if got == 0 {
			break // the rest was deleted (MaxAge) since the stream's state was read
		}
	}
	keys = keys[max(len(keys)-keep, 0):]
	f.keys = make(map[string]struct{}, len(keys))
	for _, k := range keys {
		f.keys[k] = struct{}{}
	}
	return f, nil
}
