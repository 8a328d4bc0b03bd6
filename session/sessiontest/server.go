// Package sessiontest is a scripted MTProto server for tests of code built on package session.
// It is made of the same cores as the client: exchange's server steps for new keys and an
// mtp.Engine with Side server for each connection, over in-memory pipes. Tests choose how
// requests are answered and inject faults: cut connections, silence, salt rotation, clock skew.
package sessiontest

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/session/mtpserve"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// Request is one client call as the server sees it. Answer it with Reply or Error, from the
// handler or later from any goroutine; a request left unanswered stays pending.
type Request struct {
	// MsgID is the msg_id the client sent the request with.
	MsgID int64
	// Body is the request object, unpacked, still wrapped in invokeWithLayer and the like if the
	// client sent it so.
	Body []byte
	// Conn is the number of the connection it came on (0 for the first).
	Conn int
	c    *serverConn
	sid  int64 // the session it came in
}

// Reply answers the request with an encoded result object. When the client has gone on in
// another session since, the answer is dropped, or sent in the request's session with
// AnswerOldSessions.
func (r Request) Reply(result []byte) {
	r.c.post(func(e *mtp.Engine) {
		if e.SessionID() == r.sid {
			e.Reply(r.MsgID, result)
		} else if r.c.s.oldAnswers.Load() {
			r.c.answerIn(r.sid, r.MsgID, result)
		}
	})
}

// Error answers the request with rpc_error.
func (r Request) Error(code int, message string) {
	r.c.post(func(e *mtp.Engine) { e.ReplyError(r.MsgID, code, message) })
}

// Handler is called for each request on the connection's goroutine. It must not block.
type Handler func(r Request)

// Echo answers every request with its own body.
func Echo(r Request) { r.Reply(r.Body) }

// Server is a scripted MTProto server. Create it with NewServer; it stops when the test ends.
type Server struct {
	tb      testing.TB
	key     *rsa.PrivateKey
	pub     crypto.PublicKey
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	handler atomic.Pointer[Handler]
	skew    atomic.Int64 // server clock minus real clock, nanoseconds
	silent  atomic.Bool
	churn   atomic.Bool // a new salt before every packet received
	mute    atomic.Bool // bindings received but never answered
	nconn   atomic.Int32
	nreq    atomic.Int64
	nbind   atomic.Int32
	nkeys   atomic.Int32
	// oldAnswers: answers to requests of a session the client left go out in that session.
	oldAnswers atomic.Bool

	mu     sync.Mutex
	keys   map[[8]byte]crypto.AuthKey
	temp   map[[8]byte]bool // temporary keys: bound or not
	salt   int64
	conns  map[*serverConn]struct{}
	faults map[int]transporttest.Fault
	refuse map[int]int32 // connections refused: a transport error answering the first packet, or 0 to hang up at once
	engCfg func(*mtp.Config)
}

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
	keyErr  error
)

// testKey returns an RSA key shared by every server of the test binary: generating one takes a
// noticeable time.
func testKey() (*rsa.PrivateKey, error) {
	keyOnce.Do(func() { rsaKey, keyErr = rsa.GenerateKey(crand.Reader, 2048) })
	return rsaKey, keyErr
}

// NewServer starts a server answering with Echo. It is closed when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	key, err := testKey()
	if err != nil {
		tb.Fatalf("sessiontest: rsa key: %v", err)
	}
	pub, err := crypto.NewPublicKey(&key.PublicKey)
	if err != nil {
		tb.Fatalf("sessiontest: public key: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		tb: tb, key: key, pub: pub, ctx: ctx, cancel: cancel,
		keys: make(map[[8]byte]crypto.AuthKey), temp: make(map[[8]byte]bool), conns: make(map[*serverConn]struct{}),
		faults: make(map[int]transporttest.Fault), refuse: make(map[int]int32), salt: 0x5a17,
	}
	h := Handler(Echo)
	s.handler.Store(&h)
	tb.Cleanup(s.Close)
	return s
}

// Close stops every connection and waits for their goroutines.
func (s *Server) Close() {
	s.cancel()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.pc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// PublicKeys returns the key clients must trust for the exchange.
func (s *Server) PublicKeys() []crypto.PublicKey { return []crypto.PublicKey{s.pub} }

// Handle replaces the request handler.
func (s *Server) Handle(h Handler) { s.handler.Store(&h) }

// SetSkew sets the server clock to the real clock plus d.
func (s *Server) SetSkew(d time.Duration) { s.skew.Store(int64(d)) }

// SetSilent makes the server stop (or resume) writing anything: a silent server lets pings go
// unanswered.
func (s *Server) SetSilent(v bool) { s.silent.Store(v) }

// RefuseAll makes the server take a new salt before it reads each packet (or stop doing so),
// so every message gets bad_server_salt and none is processed, pings included: a server that
// answers promptly and serves nothing.
func (s *Server) RefuseAll(v bool) { s.churn.Store(v) }

// AnswerOldSessions sets whether a request answered after the client went on in a new session
// on the connection (a new session_id, as after bad_msg_notification 17) is answered in the
// session it came in, as a server may still send what it had written before it saw the
// change. Off (the default), such answers are dropped, as the server engine forgets a session
// the client left.
func (s *Server) AnswerOldSessions(v bool) { s.oldAnswers.Store(v) }

// IgnoreBinds makes the server take auth.bindTempAuthKey (the engine acknowledges it) and never
// answer it, while it goes on answering pings and everything else.
func (s *Server) IgnoreBinds(v bool) { s.mute.Store(v) }

// RotateSalt makes salt the only valid one: messages with the old salt get bad_server_salt.
func (s *Server) RotateSalt(salt int64) {
	s.mu.Lock()
	s.salt = salt
	s.mu.Unlock()
}

// Fault makes connection n (0 for the first) misbehave as f describes, on the server's end.
func (s *Server) Fault(n int, f transporttest.Fault) {
	s.mu.Lock()
	s.faults[n] = f
	s.mu.Unlock()
}

// RejectKey makes connection n (0 for the first) answer the client's first encrypted packet
// with transport error -404, as a server that lost the key, or a forger on the path, would.
func (s *Server) RejectKey(n int) { s.Refuse(n, -404) }

// Refuse makes connection n (0 for the first) refuse the client once the socket is accepted:
// a non-zero code (-404, -429) answers the client's first encrypted packet, and the client is
// left to close; code 0 closes the connection at once, before the client sends anything.
func (s *Server) Refuse(n int, code int32) {
	s.mu.Lock()
	s.refuse[n] = code
	s.mu.Unlock()
}

// InjectTransportError sends the 4-byte transport error code (such as -404) on every open
// connection that is past its key exchange, in place of a packet: the unauthenticated frame
// anyone on the path could forge.
func (s *Server) InjectTransportError(code int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.post(func(*mtp.Engine) { _ = c.writeError(code) })
	}
}

// Engine adjusts the configuration of the server engines of later connections.
func (s *Server) Engine(f func(*mtp.Config)) {
	s.mu.Lock()
	s.engCfg = f
	s.mu.Unlock()
}

// Connections returns how many connections the server accepted.
func (s *Server) Connections() int { return int(s.nconn.Load()) }

// Requests returns how many requests reached the handler.
func (s *Server) Requests() int { return int(s.nreq.Load()) }

// KeyExchanges returns how many auth keys (permanent and temporary) clients created.
func (s *Server) KeyExchanges() int { return int(s.nkeys.Load()) }

// Binds returns how many temporary keys were bound with auth.bindTempAuthKey.
func (s *Server) Binds() int { return int(s.nbind.Load()) }

// CutAll closes every open connection, as a network failure would.
func (s *Server) CutAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.pc.Close()
	}
}

func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.skew.Load())) }

// Dialer returns a session.Dialer whose connections are in-memory pipes served by s.
func (s *Server) Dialer() session.Dialer {
	return session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
		if err := s.ctx.Err(); err != nil {
			return nil, fmt.Errorf("sessiontest: server closed: %w", err)
		}
		cli, srv := transporttest.Pipe()
		n := int(s.nconn.Add(1)) - 1
		s.mu.Lock()
		f, faulty := s.faults[n]
		s.mu.Unlock()
		if faulty {
			srv = transporttest.Faulty(srv, f)
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(n, srv)
		}()
		pc, err := transport.NewClientConn(cli, transport.ClientOptions{})
		if err != nil {
			_ = cli.Close()
			return nil, err
		}
		return pc, nil
	})
}

// Session returns a session value for a client of s.
func (s *Server) Session() session.Session {
	return session.Session{DC: 2, Addr: "sessiontest:443"}
}

// serverConn is one accepted connection.
type serverConn struct {
	s      *Server
	n      int
	pc     transport.Conn
	mu     sync.Mutex
	posted []func(*mtp.Engine)
	wake   chan struct{}
	key    crypto.AuthKey // the connection's key, once known (its loop goroutine only)
}

// writeError sends a transport error code in place of a packet.
func (c *serverConn) writeError(code int32) error {
	sc, ok := c.pc.(*transport.StreamConn)
	if !ok {
		return fmt.Errorf("sessiontest: %T cannot send transport errors", c.pc)
	}
	return sc.WriteError(code)
}

// answerIn writes an rpc_result answering request req of session sid, alone in a packet,
// with no ack wanted (seqno even) and kept nowhere: the connection's engine serves another
// session now.
func (c *serverConn) answerIn(sid, req int64, result []byte) {
	c.s.mu.Lock()
	salt := c.s.salt
	c.s.mu.Unlock()
	now := c.s.now()
	id := now.Unix()<<32 | int64(uint32(now.Nanosecond())&^3) | 1 // an answer's msg_id
	le := binary.LittleEndian
	body := le.AppendUint32(nil, 0xf35c6d01) // rpc_result#f35c6d01 req_msg_id:long result:Object
	body = append(le.AppendUint64(body, uint64(req)), result...)
	plain := le.AppendUint64(nil, uint64(salt))
	plain = le.AppendUint64(plain, uint64(sid))
	plain = le.AppendUint64(plain, uint64(id))
	plain = le.AppendUint32(plain, 0)
	plain = append(le.AppendUint32(plain, uint32(len(body))), body...)
	pkt, err := crypto.EncryptMessage(nil, &c.key, crypto.Server, plain, crand.Reader)
	if err == nil {
		err = c.pc.WritePacket(pkt)
	}
	if err != nil {
		c.s.tb.Logf("sessiontest: answer in session %#x: %v", sid, err)
	}
}

func (c *serverConn) post(f func(*mtp.Engine)) {
	c.mu.Lock()
	c.posted = append(c.posted, f)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// serve runs one connection: key exchange if the client has no key, then the engine loop.
func (s *Server) serve(n int, nc net.Conn) {
	pc, err := transport.NewServerConn(nc, transport.ServerOptions{})
	if err != nil {
		_ = nc.Close()
		return
	}
	c := &serverConn{s: s, n: n, pc: pc, wake: make(chan struct{}, 1)}
	s.mu.Lock()
	code, refused := s.refuse[n]
	if s.ctx.Err() != nil || refused && code == 0 {
		s.mu.Unlock()
		_ = pc.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		_ = pc.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	if err := c.run(); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) && s.ctx.Err() == nil {
		s.tb.Logf("sessiontest: connection %d: %v", n, err)
	}
}

// pushback is a connection whose first ReadPacket returns a packet already read.
type pushback struct {
	transport.Conn
	first []byte
}

// ReadPacket returns the pushed-back packet first, then reads from the connection.
func (p *pushback) ReadPacket() ([]byte, error) {
	if f := p.first; f != nil {
		p.first = nil
		return f, nil
	}
	return p.Conn.ReadPacket()
}

func (c *serverConn) run() error {
	s := c.s
	first, err := c.pc.ReadPacket()
	if err != nil {
		return err
	}
	first = append([]byte(nil), first...)
	// Any number of key exchanges (a permanent key, then a temporary one) may come first.
	for exchange.IsPlain(first) {
		res, err := exchange.RunServer(s.ctx, &pushback{Conn: c.pc, first: first},
			exchange.ServerConfig{Key: s.key, Rand: crand.Reader, Now: s.now})
		if err != nil {
			return fmt.Errorf("key exchange: %w", err)
		}
		s.nkeys.Add(1)
		s.mu.Lock()
		s.keys[res.AuthKey.ID] = res.AuthKey
		if res.Temp() {
			s.temp[res.AuthKey.ID] = false
		}
		s.salt = res.ServerSalt
		s.mu.Unlock()
		if first, err = c.pc.ReadPacket(); err != nil {
			return err
		}
		first = append([]byte(nil), first...)
	}
	if len(first) < 8 {
		return fmt.Errorf("short packet")
	}
	s.mu.Lock()
	key, ok := s.keys[[8]byte(first[:8])]
	salt, code := s.salt, s.refuse[c.n]
	s.mu.Unlock()
	if !ok || code != 0 {
		// Answer the error and leave the closing to the client, so the frame is what it reads.
		if !ok {
			code = -404
		}
		_ = c.writeError(code)
		for {
			if _, err := c.pc.ReadPacket(); err != nil {
				return nil
			}
		}
	}
	s.mu.Lock()
	tune := s.engCfg
	s.mu.Unlock()
	c.key = key
	cfg := mtp.Config{Side: crypto.Server, AuthKey: key, Salt: salt, Rand: crand.Reader}
	if tune != nil {
		tune(&cfg)
	}
	eng, err := mtp.New(cfg)
	if err != nil {
		return err
	}
	eng.OnConnect(s.now())

	syncSalt := func() {
		s.mu.Lock()
		cur := s.salt
		s.mu.Unlock()
		if eng.Salt(s.now()) != cur {
			eng.SetSalt(cur)
		}
	}
	loop := mtpserve.Loop{
		Read:   c.pc.ReadPacket,
		Write:  c.pc.WritePacket,
		Close:  func(error) { _ = c.pc.Close() },
		Now:    s.now,
		Engine: func() *mtp.Engine { return eng },
		Hold:   s.silent.Load,
		Wake:   func() <-chan struct{} { return c.wake },
		OnWake: func() error {
			syncSalt()
			c.mu.Lock()
			posted := c.posted
			c.posted = nil
			c.mu.Unlock()
			for _, f := range posted {
				f(eng)
			}
			return nil
		},
		Packet: func(_ context.Context, p []byte) error {
			if s.churn.Load() {
				s.mu.Lock()
				s.salt++
				s.mu.Unlock()
			}
			syncSalt()
			events, err := eng.Receive(s.now(), p)
			if err != nil {
				return err
			}
			h := *s.handler.Load()
			for _, ev := range events {
				if ev.Kind == mtp.EventDestroySession {
					// A scripted connection keeps no other session to destroy.
					eng.AnswerDestroySession(ev.SessionID, false)
					continue
				}
				if ev.Kind != mtp.EventRequest {
					continue
				}
				if s.isTemp(key) && (s.unboundTemp(key) || isBind(ev.Body)) {
					s.bind(eng, &key, ev)
					continue
				}
				s.nreq.Add(1)
				h(Request{MsgID: ev.MsgID, Body: ev.Body, Conn: c.n, c: c, sid: eng.SessionID()})
			}
			return nil
		},
		Queue: 8,
	}
	if err := loop.Packet(s.ctx, first); err != nil {
		_ = c.pc.Close()
		return err
	}
	return loop.Run(s.ctx)
}

// Push sends body (an Updates object, say) on every open connection as a server-initiated
// message.
func (s *Server) Push(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.post(func(e *mtp.Engine) { _ = e.Push(body) })
	}
}

// isTemp reports whether key is a temporary key.
func (s *Server) isTemp(key crypto.AuthKey) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, temp := s.temp[key.ID]
	return temp
}

func isBind(body []byte) bool {
	return len(body) >= 4 && binary.LittleEndian.Uint32(body) == tg.AuthBindTempAuthKeyRequestTypeID
}

// unboundTemp reports whether key is a temporary key not bound yet.
func (s *Server) unboundTemp(key crypto.AuthKey) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	bound, temp := s.temp[key.ID]
	return temp && !bound
}

// bind answers requests under an unbound temporary key: auth.bindTempAuthKey is checked (the
// permanent key must be known, the encrypted message must name this key, session and msg_id);
// anything else gets 401 AUTH_KEY_UNREGISTERED, as Telegram does.
func (s *Server) bind(eng *mtp.Engine, temp *crypto.AuthKey, ev mtp.Event) {
	if s.mute.Load() && isBind(ev.Body) {
		return
	}
	var req tg.AuthBindTempAuthKeyRequest
	var b tl.Buffer
	b.ResetTo(ev.Body)
	if !isBind(ev.Body) {
		eng.ReplyError(ev.MsgID, 401, "AUTH_KEY_UNREGISTERED")
		return
	}
	if err := req.Decode(&b); err != nil {
		eng.ReplyError(ev.MsgID, 401, "AUTH_KEY_UNREGISTERED")
		return
	}
	s.mu.Lock()
	var perm *crypto.AuthKey
	for id, k := range s.keys {
		if _, isTemp := s.temp[id]; !isTemp && exchange.KeyID(&k) == req.PermAuthKeyID {
			perm = &k
			break
		}
	}
	s.mu.Unlock()
	if perm == nil {
		eng.ReplyError(ev.MsgID, 400, "PERM_AUTH_KEY_INVALID")
		return
	}
	want := exchange.Bind{Nonce: req.Nonce, TempSessionID: eng.SessionID(),
		ExpiresAt: time.Unix(int64(req.ExpiresAt), 0), MsgID: ev.MsgID}
	if err := exchange.CheckBind(perm, temp, want, req.EncryptedMessage); err != nil {
		eng.ReplyError(ev.MsgID, 400, "ENCRYPTED_MESSAGE_INVALID")
		return
	}
	s.mu.Lock()
	s.temp[temp.ID] = true
	s.mu.Unlock()
	s.nbind.Add(1)
	eng.Reply(ev.MsgID, binary.LittleEndian.AppendUint32(nil, tl.BoolTrueID))
}
