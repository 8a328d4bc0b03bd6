package mtproxy

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/faketls"
)

// ServerConfig configures a Server.
type ServerConfig struct {
	// Secret is the proxy's secret; its kind decides what clients must do:
	// ee requires the fake TLS handshake (with the secret's domain as SNI),
	// dd requires padded intermediate, plain accepts any obfuscated codec.
	Secret Secret
	// MaxSkew bounds the fake-TLS client clock error; zero means
	// faketls.DefaultMaxSkew. It is also how long hellos are remembered for
	// replay detection.
	MaxSkew time.Duration
	// ReplayCapacity bounds the remembered hellos; zero means 100000.
	ReplayCapacity int
	// MaxPacket caps packet lengths; 0 means transport.DefaultMaxPacket.
	MaxPacket int
	// Now and Rand are for tests; nil means time.Now and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
}

// Server is the proxy side of the MTProxy handshake. It terminates the
// client's obfuscated stream and hands back a packet Conn, so a test server
// can answer MTProto directly. It is safe for concurrent use.
type Server struct {
	cfg    ServerConfig
	replay *ReplayCache
}

// NewServer returns a Server for cfg.
func NewServer(cfg ServerConfig) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = faketls.DefaultMaxSkew
	}
	if cfg.ReplayCapacity <= 0 {
		cfg.ReplayCapacity = 100000
	}
	return &Server{cfg: cfg, replay: NewReplayCache(2*cfg.MaxSkew, cfg.ReplayCapacity)}
}

// Accept runs the handshake on c within ctx and returns the client's packet
// Conn. On error c is closed; errors wrap faketls.ErrBadDigest,
// faketls.ErrReplay, transport.ErrReplay, transport.ErrUnknownProtocol and
// friends.
func (s *Server) Accept(ctx context.Context, c net.Conn) (transport.Conn, error) {
	var conn transport.Conn
	err := transport.Handshake(ctx, c, func() error {
		var err error
		conn, err = s.accept(c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mtproxy: accept %s: %w", c.RemoteAddr(), err)
	}
	return conn, nil
}

func (s *Server) accept(c net.Conn) (transport.Conn, error) {
	sec := s.cfg.Secret
	if sec.Kind == FakeTLS {
		tc, err := faketls.Server(c, faketls.ServerConfig{
			Key: sec.Key[:], Domain: sec.Domain, Now: s.cfg.Now, MaxSkew: s.cfg.MaxSkew, Rand: s.cfg.Rand,
			Seen: func(d []byte, now time.Time) bool { return s.replay.Seen(d, now) },
		})
		if err != nil {
			return nil, err
		}
		c = tc
	}
	opts := transport.ServerOptions{
		Secret:    sec.Key[:],
		MaxPacket: s.cfg.MaxPacket,
		Rand:      s.cfg.Rand,
		Seen:      func(h []byte) bool { return s.replay.Seen(h, s.cfg.Now()) },
	}
	if sec.Kind != Plain {
		opts.AllowKind = func(k transport.Kind) bool { return k == transport.PaddedIntermediate }
	}
	return transport.NewServerConn(c, opts)
}

// ReplayCache remembers keys (hello digests, obfuscation headers) for a
// window of time, up to a capacity, and reports repeats. It is safe for
// concurrent use.
type ReplayCache struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	seen   map[string]time.Time
	order  []replayEntry
}

type replayEntry struct {
	key string
	at  time.Time
}

// NewReplayCache returns a cache that forgets keys after window or when more
// than capacity are held, oldest first.
func NewReplayCache(window time.Duration, capacity int) *ReplayCache {
	return &ReplayCache{window: window, max: capacity, seen: make(map[string]time.Time)}
}

// Seen reports whether key was recorded within the window, and records it.
func (r *ReplayCache) Seen(key []byte, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.order) > 0 && (now.Sub(r.order[0].at) > r.window || len(r.order) >= r.max) {
		delete(r.seen, r.order[0].key)
		r.order = r.order[1:]
	}
	k := string(key)
	if _, ok := r.seen[k]; ok {
		return true
	}
	r.seen[k] = now
	r.order = append(r.order, replayEntry{k, now})
	return false
}
