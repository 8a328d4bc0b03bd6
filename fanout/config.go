package fanout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Config names the stream and its consumers. A gateway and its workers must agree on
// Stream, Subject, Shards and Consumer; zero values pick the defaults named on each field.
type Config struct {
	// Stream is the JetStream stream's name. Default "MTGO_UPDATES".
	Stream string
	// Subject is the subjects' prefix: shard n publishes on "<Subject>.<n>". Default
	// "mtgo.updates".
	Subject string
	// Shards is the number of subjects (and consumers) the chats are spread over: the
	// parallelism across workers. Default 32. Changing it reshuffles chats: drain first.
	Shards int
	// Consumer prefixes the durable consumers' names ("<Consumer>-<n>"). Default "workers".
	Consumer string
	// AckWait is how long the server waits for a worker's acknowledgement before it
	// redelivers the update to another worker. Workers extend it while their handlers run,
	// so it bounds how long a dead worker's update waits, not how long a handler may take.
	// Default 30 s.
	AckWait time.Duration
	// Duplicates is the window in which the stream drops a message id it saw already.
	// Default 2 min; it must cover a gateway failover.
	Duplicates time.Duration
	// PublishTimeout is how long the gateway waits for the stream to acknowledge a publish
	// before it publishes again (with the same message id). Default 5 s.
	PublishTimeout time.Duration
	// MaxBatch is the most updates of one shard the gateway packs into one message (one
	// publish, one delivery, one acknowledgement): while a shard's previous message waits
	// for the stream's acknowledgement, the shard's next updates gather, and go as one
	// message once it is acknowledged. A shard with nothing in flight publishes at once, so
	// packing adds no latency. Default 64 (a worker that dies has the whole message it
	// held handled again by another, so this also bounds the duplicates per shard); 1
	// publishes every update alone.
	MaxBatch int
	// MaxPending bounds the updates the gateway has published (or queued) and the stream
	// has not acknowledged yet; DispatchCommit waits for room beyond it. It is also how many
	// of the stream's last messages a gateway reads when it starts, to drop the updates its
	// predecessor published but had not committed. Default 4096.
	MaxPending int
	// MaxInFlight bounds the messages of all shards the gateway has published and the
	// stream has not acknowledged yet. While they are all in flight the shards' updates
	// gather into fewer, larger messages, which is what keeps a busy stream's consumers
	// up: each message costs the workers a delivery and an acknowledgement. Default 8.
	MaxInFlight int
	// MaxAge drops messages older than this. Default 24 h.
	MaxAge time.Duration
	// Memory keeps the stream in memory instead of files (tests, benchmarks).
	Memory bool
	// Replicas is the stream's replica count in a clustered server. Default 1.
	Replicas int
	// Logger receives failures and retries; nil discards them.
	Logger *slog.Logger
	// OnDrop, when set, receives each update the gateway drops because no message can carry
	// it (err wraps ErrTooLarge, or is the encoder's; see the README's "Oversized updates"),
	// after it was logged and counted: keep it somewhere else, or handle it in this process.
	// It runs on the publishing goroutine of the update's shard, whose next updates wait for
	// it. A DispatchCommit or Dispatch from inside it would wait for that goroutine, so it
	// fails with ErrDispatchInOnDrop; to publish from OnDrop, hand the update to a goroutine
	// that OnDrop does not wait for.
	OnDrop func(up tg.UpdateClass, err error)
}

// Defaults of Config.
const (
	DefaultStream      = "MTGO_UPDATES"
	DefaultSubject     = "mtgo.updates"
	DefaultShards      = 32
	DefaultConsumer    = "workers"
	DefaultAckWait     = 30 * time.Second
	DefaultDuplicates  = 2 * time.Minute
	DefaultMaxAge      = 24 * time.Hour
	DefaultPublish     = 5 * time.Second
	DefaultMaxBatch    = 64
	DefaultMaxPending  = 4096
	DefaultMaxInFlight = 8
)

// Bounds of Config: every shard is a consumer on the server; a message holds at most
// maxBatch updates (the worker refuses more).
const (
	maxShards = 4096
	maxBatch  = 4096
)

// ErrConfig reports an invalid Config.
var ErrConfig = errors.New("fanout: invalid config")

func (c Config) withDefaults() (Config, error) {
	defaultTo(&c.Stream, DefaultStream)
	defaultTo(&c.Subject, DefaultSubject)
	defaultTo(&c.Shards, DefaultShards)
	defaultTo(&c.Consumer, DefaultConsumer)
	defaultTo(&c.AckWait, DefaultAckWait)
	defaultTo(&c.Duplicates, DefaultDuplicates)
	defaultTo(&c.PublishTimeout, DefaultPublish)
	defaultTo(&c.MaxAge, DefaultMaxAge)
	defaultTo(&c.MaxBatch, DefaultMaxBatch)
	defaultTo(&c.MaxPending, DefaultMaxPending)
	defaultTo(&c.MaxInFlight, DefaultMaxInFlight)
	defaultTo(&c.Replicas, 1)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.Shards < 1 || c.Shards > maxShards:
		return c, fmt.Errorf("%w: Shards %d outside 1..%d", ErrConfig, c.Shards, maxShards)
	case c.MaxBatch < 1 || c.MaxBatch > maxBatch:
		return c, fmt.Errorf("%w: MaxBatch %d outside 1..%d", ErrConfig, c.MaxBatch, maxBatch)
	case c.MaxPending < 1 || c.MaxInFlight < 1:
		return c, fmt.Errorf("%w: MaxPending %d or MaxInFlight %d below 1", ErrConfig, c.MaxPending, c.MaxInFlight)
	case c.AckWait < 0 || c.Duplicates < 0 || c.MaxAge < 0 || c.PublishTimeout < 0:
		return c, fmt.Errorf("%w: negative duration", ErrConfig)
	case c.Duplicates > c.MaxAge:
		return c, fmt.Errorf("%w: Duplicates %s longer than MaxAge %s", ErrConfig, c.Duplicates, c.MaxAge)
	}
	return c, nil
}

// defaultTo sets *p to v when it is the zero value.
func defaultTo[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// subject returns shard n's subject.
func (c Config) subject(n int) string { return c.Subject + "." + strconv.Itoa(n) }

// consumer returns shard n's durable consumer name.
func (c Config) consumer(n int) string { return c.Consumer + "-" + strconv.Itoa(n) }

// shard returns the shard of chat key k.
func (c Config) shard(k int64) int {
	u := uint64(k)
	// mix the bits so that ids in arithmetic runs spread evenly (splitmix64 finaliser)
	u ^= u >> 30
	u *= 0xbf58476d1ce4e5b9
	u ^= u >> 27
	u *= 0x94d049bb133111eb
	u ^= u >> 31
	return int(u % uint64(c.Shards))
}

// ensureStream creates the stream, or updates its settings when it exists with others. An
// existing stream with the same settings is left alone: updating a stream while other
// processes create consumers on it races inside nats-server (seen with the race detector),
// and a gateway or worker starting beside running ones is the normal case.
func ensureStream(ctx context.Context, js jetstream.JetStream, c Config) (jetstream.Stream, error) {
	st := jetstream.FileStorage
	if c.Memory {
		st = jetstream.MemoryStorage
	}
	want := jetstream.StreamConfig{
		Name:        c.Stream,
		Description: "mtgo updates, sharded by chat",
		Subjects:    []string{c.Subject + ".*"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     st,
		Replicas:    c.Replicas,
		MaxAge:      c.MaxAge,
		Duplicates:  c.Duplicates,
	}
	if s, err := js.Stream(ctx, c.Stream); err == nil && sameStream(s.CachedInfo().Config, want) {
		return s, nil
	}
	s, err := js.CreateOrUpdateStream(ctx, want)
	if err != nil {
		return nil, fmt.Errorf("fanout: stream %s: %w", c.Stream, err)
	}
	return s, nil
}

// sameStream reports whether an existing stream has the settings ensureStream sets (zero
// values in want are the server's defaults and match anything).
func sameStream(have, want jetstream.StreamConfig) bool {
	return slices.Equal(have.Subjects, want.Subjects) && have.Retention == want.Retention &&
		have.Storage == want.Storage && max(have.Replicas, 1) == max(want.Replicas, 1) &&
		have.MaxAge == want.MaxAge && (want.Duplicates == 0 || have.Duplicates == want.Duplicates) &&
		have.Description == want.Description
}

// consumerConfig is shard n's durable consumer: one unacknowledged message (a batch of the
// shard's updates) at a time keeps the shard's order across workers and across a worker's
// crash.
func consumerConfig(c Config, n int) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       c.consumer(n),
		FilterSubject: c.subject(n),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.AckWait,
		MaxAckPending: 1,
		MaxDeliver:    -1,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}
