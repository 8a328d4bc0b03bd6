package teletest

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/websocket"
)

// Server is one data center of a Cluster: a loopback TCP listener (and optionally a WebSocket
// one at /apiws), its auth keys and its MTProto sessions. Every connection detects its
// transport (abridged, intermediate, padded intermediate, full, obfuscated2) from its first
// bytes.
type Server struct {
	cl   *Cluster
	dc   int
	cdn  bool            // a CDN data center: no accounts, only upload.getCdnFile
	key  *rsa.PrivateKey // the RSA key of its key exchange
	log  *slog.Logger
	keys *keyStore

	sessions *sessionTable
	seen     *headerSet

	tcp  net.Listener   // nil in an in-memory cluster (Config.InMemory)
	mem  netip.AddrPort // the placeholder address of an in-memory cluster (memnet.go)
	ws   net.Listener
	http *http.Server

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newServer(cl *Cluster, dc int, key *rsa.PrivateKey, cdn bool) (*Server, error) {
	s := &Server{
		cl:       cl,
		dc:       dc,
		cdn:      cdn,
		key:      key,
		log:      cl.log.With(slog.Int("dc", dc)),
		keys:     newKeyStore(cl.cfg.MaxAuthKeys, cl.world.ForgetKeys),
		sessions: newSessionTable(cl.cfg.MaxSessions, cl.cfg.MaxSessionsPerKey, cl.cfg.SessionTTL, cl.cfg.MaxRetainedBytes),
		seen:     newHeaderSet(4096),
		conns:    make(map[*conn]struct{}),
	}
	if cdn {
		s.log = s.log.With(slog.Bool("cdn", true))
	}
	if cl.cfg.InMemory {
		s.mem = memAddr(dc)
		return s, nil
	}
	var err error
	if s.tcp, err = net.Listen("tcp", net.JoinHostPort(cl.cfg.Host, "0")); err != nil {
		return nil, fmt.Errorf("teletest: dc %d: listen: %w", dc, err)
	}
	if cl.cfg.WebSocket {
		if s.ws, err = net.Listen("tcp", net.JoinHostPort(cl.cfg.Host, "0")); err != nil {
			_ = s.tcp.Close()
			return nil, fmt.Errorf("teletest: dc %d: listen websocket: %w", dc, err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/apiws", s.serveWebSocket)
		s.http = &http.Server{Handler: mux, ReadHeaderTimeout: cl.cfg.HandshakeTimeout, ErrorLog: nil}
	}
	return s, nil
}

// start runs the accept loops.
func (s *Server) start(ctx context.Context) {
	if s.tcp == nil {
		return // in memory: Cluster.Dialer serves each connection
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.acceptLoop(ctx)
	}()
	if s.http != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.http.Serve(s.ws); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("websocket listener stopped", slog.Any("err", err))
			}
		}()
	}
}

// DC returns the data center id.
func (s *Server) DC() int { return s.dc }

// CDN reports whether this is the cluster's CDN data center.
func (s *Server) CDN() bool { return s.cdn }

// Addr returns the TCP address ("127.0.0.1:port"), or in an in-memory cluster the
// placeholder address Cluster.Dialer connects to.
func (s *Server) Addr() string {
	if s.tcp == nil {
		return s.mem.String()
	}
	return s.tcp.Addr().String()
}

// WebSocketURL returns the ws:// URL of the WebSocket endpoint, empty when the cluster has no
// WebSocket listeners.
func (s *Server) WebSocketURL() string {
	if s.ws == nil {
		return ""
	}
	return "ws://" + s.ws.Addr().String() + "/apiws"
}

// WebSocketAddr returns the host:port of the WebSocket endpoint (what websocket.Dialer
// dials), empty when the cluster has no WebSocket listeners.
func (s *Server) WebSocketAddr() string {
	if s.ws == nil {
		return ""
	}
	return s.ws.Addr().String()
}

// Connections returns how many connections are open.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// AuthKeys returns how many auth keys the data center holds: the permanent ones and the
// temporary ones not expired.
func (s *Server) AuthKeys() int { return s.keys.len(s.cl.now()) }

// Sessions returns how many MTProto sessions the data center remembers.
func (s *Server) Sessions() int { return s.sessions.len() }

func (s *Server) acceptLoop(ctx context.Context) {
	var delay time.Duration
	for {
		nc, err := s.tcp.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Temporary failure (out of file descriptors): back off a little.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed", slog.Any("err", err))
			select {
			case <-time.After(delay):
				continue
			case <-ctx.Done():
				return
			}
		}
		delay = 0
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(ctx, nc)
		}()
	}
}

func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	nc, err := websocket.Accept(w, r, websocket.AcceptOptions{OriginPatterns: []string{"*"}})
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = nc.Close()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	s.serveConn(s.cl.ctx, nc)
}

// serveConn detects the transport of a new connection and serves it.
func (s *Server) serveConn(ctx context.Context, nc net.Conn) {
	c := &conn{srv: s, nc: nc, kicked: make(chan struct{}), ended: make(chan struct{})}
	defer close(c.ended) // after unregister and the session's release
	c.x.cfg = exchange.ServerConfig{
		Key:      s.key,
		KeyTaken: s.keys.taken,
		Rand:     s.cl.rand,
		Now:      s.cl.now,
	}
	if !s.register(c) {
		_ = nc.Close()
		return
	}
	defer s.unregister(c)
	_ = nc.SetDeadline(time.Now().Add(s.cl.cfg.HandshakeTimeout))
	pc, err := transport.NewServerConn(nc, transport.ServerOptions{
		MaxPacket: s.cl.cfg.MaxPacket,
		Seen:      s.seen.seen,
		Rand:      s.cl.rand,
	})
	if err != nil {
		s.log.Debug("transport handshake failed", slog.String("remote", nc.RemoteAddr().String()), slog.Any("err", err))
		c.stop()
		return
	}
	_ = nc.SetDeadline(time.Time{})
	c.pc = pc
	c.log = s.log.With(slog.String("remote", nc.RemoteAddr().String()))
	if sc, ok := pc.(*transport.StreamConn); ok {
		c.log = c.log.With(slog.String("transport", sc.Kind().String()), slog.Bool("obfuscated", sc.Obfuscated()))
	}
	if limit := s.cl.cfg.MaxConnections; limit > 0 && s.Connections() > limit {
		c.writeError(CodeFlood)
		c.stop()
		return
	}
	err = c.serve(ctx)
	var te *TransportError
	switch {
	case errors.As(err, &te):
		c.log.Debug("connection closed with a transport error", slog.Int("code", int(te.Code)), slog.Any("err", te.Err))
	case err != nil && !errors.Is(err, net.ErrClosed):
		c.log.Debug("connection closed", slog.Any("err", err))
	}
}

func (s *Server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// dropAll closes every open connection and returns how many, not counting those already
// ending on their own.
func (s *Server) dropAll() int {
	s.mu.Lock()
	list := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		list = append(list, c)
	}
	s.mu.Unlock()
	n := 0
	for _, c := range list {
		if !c.ending.Load() {
			n++ // one ending on its own already (a fault broke it) is not counted
		}
		c.stop()
	}
	// Wait until each has let go of its session: an update the world sends after the drop is
	// then queued for the client's next connection, never pushed on the closing one.
	for _, c := range list {
		<-c.ended
	}
	return n
}

// close stops accepting, closes every connection and waits for their goroutines.
func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.tcp != nil {
		_ = s.tcp.Close()
	}
	if s.http != nil {
		_ = s.http.Close()
	}
	s.dropAll()
	s.wg.Wait()
}

// headerSet remembers obfuscation headers so a replayed connection is refused
// (transport.ErrReplay). It forgets the oldest beyond its size.
type headerSet struct {
	mu   sync.Mutex
	m    map[string]struct{}
	ring []string
	next int
}

func newHeaderSet(n int) *headerSet {
	return &headerSet{m: make(map[string]struct{}, n), ring: make([]string, n)}
}

func (h *headerSet) seen(header []byte) bool {
	key := string(header)
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.m[key]; ok {
		return true
	}
	if old := h.ring[h.next]; old != "" {
		delete(h.m, old)
	}
	h.ring[h.next] = key
	h.next = (h.next + 1) % len(h.ring)
	h.m[key] = struct{}{}
	return false
}
