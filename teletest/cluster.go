package teletest

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Config configures a Cluster. Zero values pick the defaults named on each field.
type Config struct {
	// DCs is the number of data centers, numbered 1..DCs, each on its own loopback port.
	// Default 3.
	DCs int
	// Key is the ordinary data centers' RSA-2048 private key for the key exchange (the CDN
	// data center has its own, CDNConfig.Key). Nil generates one at start (clients learn it
	// from Cluster.PublicKey).
	Key *rsa.PrivateKey
	// Host is the address to listen on. Default "127.0.0.1".
	Host string
	// WebSocket adds a WebSocket listener (ws://host:port/apiws) to every data center.
	// Ignored with InMemory.
	WebSocket bool
	// InMemory opens no sockets: clients connect through Cluster.Dialer, which serves each
	// dial over an in-memory pipe, and Addrs lists placeholder addresses only that dialer
	// reaches. Every goroutine of such a cluster waits on channels and timers only, so it
	// runs inside a testing/synctest bubble, where days of the fake clock pass in
	// milliseconds (see "Testing in virtual time" in the README).
	InMemory bool
	// Now is the cluster's clock (servers and world). Default time.Now.
	Now func() time.Time
	// Rand is the entropy for keys, salts, padding and the world. Default crypto/rand. It is
	// used from many goroutines under a lock, so a deterministic reader is fine.
	Rand io.Reader
	// Logger receives connection events at debug level and failures; nil discards them.
	Logger *slog.Logger
	// World adjusts the world's configuration (Now and Rand are already set).
	World func(*world.Config)
	// BotTimeout is how long a person's messages.getBotCallbackAnswer or
	// messages.getInlineBotResults waits for the bot before BOT_RESPONSE_TIMEOUT
	// (services.Options.BotTimeout). Default services.DefaultBotTimeout (15 s).
	BotTimeout time.Duration
	// Engine adjusts the configuration of each server session engine (gzip threshold,
	// container caps, ack delay).
	Engine func(*mtp.Config)
	// HandshakeTimeout bounds the wait for a new connection's transport header. Default 10 s.
	HandshakeTimeout time.Duration
	// IdleTimeout closes a connection that sends nothing for this long (a truncated packet
	// that never completes, a silent client without ping_delay_disconnect). Default 2 min;
	// negative disables.
	IdleTimeout time.Duration
	// MaxPacket caps incoming packet lengths; 0 means transport.DefaultMaxPacket.
	MaxPacket int
	// MaxConnections caps the open connections per data center; a connection beyond it is
	// answered with -429 and closed. 0 means no limit.
	MaxConnections int
	// MaxSessions caps the MTProto sessions one data center remembers after their
	// connections closed. Default 10000.
	MaxSessions int
	// MaxAuthKeys caps the auth keys one data center holds. Past it the least recently used
	// eighth are forgotten, permanent keys too (with their authorizations and the temporary
	// keys bound to them), never one an open connection uses: their clients get -404 and
	// make new keys, as when Telegram forgets a key. Default 65536 (about 30 MiB per data
	// center).
	MaxAuthKeys int
	// MaxSessionsPerKey caps the sessions without a connection one data center remembers
	// for one auth key: a new session of a key that has that many forgets the key's least
	// recently used one, so a client opening session after session under one key cannot push
	// the other clients' sessions out of MaxSessions. Default 64 (a client runs one session
	// per connection: main, media and the like).
	MaxSessionsPerKey int
	// SessionTTL is how long a session without a connection is remembered, with the updates
	// queued for it (up to world.Config.MaxQueued). Default 10 min; negative keeps sessions
	// until MaxSessions pushes them out.
	SessionTTL time.Duration
	// MaxRetainedBytes caps the bytes of unacknowledged answers and updates that the sessions
	// without a connection keep together for their clients' return (each session keeps at
	// most mtp.Config.RetainBytes, 4 MiB); beyond it the least recently used of them are
	// forgotten, as MaxSessions and SessionTTL forget them. Default 256 MiB.
	MaxRetainedBytes int
	// StrictSeqNo holds ping, ping_delay_disconnect and get_future_salts to the odd seqno
	// MTProto asks of content-related messages (bad_msg_notification 34 otherwise), for
	// tests of a client that must follow the rule. Off by default: Telegram accepts either
	// parity, and several clients send these queries with an even seqno.
	StrictSeqNo bool
	// CDN, when set, adds a CDN data center (see CDNConfig and Cluster.CDN). Nil runs none.
	CDN *CDNConfig
}

func (c *Config) setDefaults() {
	if c.DCs <= 0 {
		c.DCs = 3
	}
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = crand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 10000
	}
	if c.MaxAuthKeys <= 0 {
		c.MaxAuthKeys = 65536
	}
	if c.MaxSessionsPerKey <= 0 {
		c.MaxSessionsPerKey = 64
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 10 * time.Minute
	}
	if c.MaxRetainedBytes <= 0 {
		c.MaxRetainedBytes = 256 << 20
	}
}

// Cluster is an in-process Telegram: several data centers on loopback sharing one world. Start
// it with Start and stop it with Close.
type Cluster struct {
	cfg    Config
	log    *slog.Logger
	rand   io.Reader
	key    *rsa.PrivateKey
	pub    crypto.PublicKey
	world  *world.World
	disp   *services.Dispatcher
	faults *Faults

	skew    atomic.Int64 // nanoseconds added to cfg.Now
	servers []*Server    // the ordinary data centers, DC i at index i-1

	cdnSrv *Server // the CDN data center, nil without Config.CDN
	cdnPub crypto.PublicKey
	cdn    *services.CDN

	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
}

// Start creates the world and listens on one loopback port per data center. The cluster runs
// until Close.
func Start(cfg Config) (*Cluster, error) {
	cfg.setDefaults()
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(crand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("teletest: generate rsa key: %w", err)
		}
	}
	pub, err := crypto.NewPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("teletest: public key: %w", err)
	}
	cl := &Cluster{cfg: cfg, log: cfg.Logger, rand: &lockedReader{r: cfg.Rand}, key: key, pub: pub}
	cl.faults = newFaults(cl)
	wcfg := world.Config{Now: cl.now, Rand: cl.rand}
	if cfg.DCs < 2 {
		wcfg.DefaultDC = 1 // accounts live on a data center that exists
	}
	if cfg.World != nil {
		cfg.World(&wcfg)
	}
	if cl.world, err = world.New(wcfg); err != nil {
		return nil, fmt.Errorf("teletest: %w", err)
	}
	if cl.disp, err = services.New(services.Options{World: cl.world, Log: cl.log, BotTimeout: cfg.BotTimeout}); err != nil {
		return nil, fmt.Errorf("teletest: %w", err)
	}
	cl.disp.Register(tg.AuthBindTempAuthKeyRequestTypeID, bindTempAuthKey)
	cl.ctx, cl.cancel = context.WithCancel(context.Background())
	var dcs []services.DCOption
	for dc := 1; dc <= cfg.DCs; dc++ {
		s, err := newServer(cl, dc, key, false)
		if err != nil {
			cl.Close()
			return nil, err
		}
		cl.servers = append(cl.servers, s)
		if ap, err := netip.ParseAddrPort(s.Addr()); err == nil {
			dcs = append(dcs, services.DCOption{ID: dc, Addr: ap})
		}
	}
	cl.disp.SetDCs(dcs)
	if cfg.CDN != nil {
		if err := cl.startCDN(*cfg.CDN); err != nil {
			cl.Close()
			return nil, err
		}
	}
	for _, s := range cl.all() {
		s.start(cl.ctx)
	}
	return cl, nil
}

// all returns every data center, the CDN's last.
func (c *Cluster) all() []*Server {
	if c.cdnSrv == nil {
		return c.servers
	}
	return append(c.servers[:len(c.servers):len(c.servers)], c.cdnSrv)
}

// Close stops every data center and waits until all their goroutines have returned. It is
// safe to call more than once.
func (c *Cluster) Close() error {
	c.closeOnce.Do(func() {
		if c.cancel != nil {
			c.cancel()
		}
		for _, s := range c.all() {
			s.close()
		}
	})
	return nil
}

// now is the cluster clock: the configured clock plus the injected skew.
func (c *Cluster) now() time.Time { return c.cfg.Now().Add(time.Duration(c.skew.Load())) }

// Now returns the cluster's current time (including an injected skew).
func (c *Cluster) Now() time.Time { return c.now() }

// DC returns data center id (the CDN's too), or nil if the cluster has none with that id.
func (c *Cluster) DC(id int) *Server {
	if c.cdnSrv != nil && id == c.cdnSrv.dc {
		return c.cdnSrv
	}
	if id < 1 || id > len(c.servers) {
		return nil
	}
	return c.servers[id-1]
}

// Addrs returns the TCP address of every ordinary data center, keyed by DC id. The CDN data
// center is not listed: clients learn it from help.getConfig (see CDNAddr).
func (c *Cluster) Addrs() map[int]string {
	m := make(map[int]string, len(c.servers))
	for _, s := range c.servers {
		m[s.dc] = s.Addr()
	}
	return m
}

// Addr returns the TCP address of data center dc (the CDN's too), empty if there is none.
func (c *Cluster) Addr(dc int) string {
	if s := c.DC(dc); s != nil {
		return s.Addr()
	}
	return ""
}

// PublicKey returns the key clients must trust for the key exchange.
func (c *Cluster) PublicKey() crypto.PublicKey { return c.pub }

// PublicKeys returns PublicKey as a list, the form client options take.
func (c *Cluster) PublicKeys() []crypto.PublicKey { return []crypto.PublicKey{c.pub} }

// RSAPublicKey returns the servers' RSA public key.
func (c *Cluster) RSAPublicKey() *rsa.PublicKey { return &c.key.PublicKey }

// PublicKeyPEM returns the public key as a PEM "RSA PUBLIC KEY" block (PKCS #1), the form
// Telegram publishes its keys in.
func (c *Cluster) PublicKeyPEM() []byte { return PublicKeyPEM(&c.key.PublicKey) }

// PublicKeyPEM returns k as a PEM "RSA PUBLIC KEY" block (PKCS #1), the form Telegram
// publishes its keys in and help.getCdnConfig lists CDN keys in.
func PublicKeyPEM(k *rsa.PublicKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k)})
}

// World returns the in-memory Telegram the cluster serves.
func (c *Cluster) World() *world.World { return c.world }

// Dispatcher returns the method dispatcher (to register extra handlers or middleware).
func (c *Cluster) Dispatcher() *services.Dispatcher { return c.disp }

// Faults returns the fault injection controls.
func (c *Cluster) Faults() *Faults { return c.faults }

// lockedReader serialises reads from a reader shared by every connection.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("teletest: entropy: %w", err)
	}
	return n, err
}
