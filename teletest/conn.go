package teletest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/session/mtpserve"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/transport"
)

// Transport error codes the server sends in place of a packet before closing a connection.
const (
	// CodeAuthKeyNotFound (-404) answers a packet under an auth key the data center does not
	// know, one that does not decrypt, or anything else that cannot be read at the packet level.
	CodeAuthKeyNotFound int32 = -404
	// CodeFlood (-429) answers a connection over the data center's limit, or a fault.
	CodeFlood int32 = -429
)

// TransportError is why the server closed a connection with a transport error code.
type TransportError struct {
	// Code is the code sent (CodeAuthKeyNotFound, CodeFlood, or one chosen by a fault).
	Code int32
	// Err says what was wrong with the connection's input.
	Err error
}

// Error implements error.
func (e *TransportError) Error() string {
	return fmt.Sprintf("teletest: closing with transport error %d: %v", e.Code, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Errors that close a connection with a transport error code.
var (
	// ErrUnknownAuthKey reports a packet under an auth key this data center does not hold.
	ErrUnknownAuthKey = errors.New("teletest: unknown auth key")
	// ErrShortPacket reports a packet too short to carry an auth_key_id.
	ErrShortPacket = errors.New("teletest: packet shorter than its header")
	// ErrRefused reports a connection refused by a fault or the connection limit.
	ErrRefused = errors.New("teletest: connection refused")
	// ErrFaultClosed reports a call answered by closing the connection (a fault).
	ErrFaultClosed = errors.New("teletest: connection closed by a fault")
)

// delayedReply is an answer held back by a method delay fault.
type delayedReply struct {
	due   time.Time
	msgID int64
	body  []byte
	err   *services.RPCError
}

// connCtxKey carries the *conn into handlers the network layer registers on the dispatcher.
type connCtxKey struct{}

// conn is one accepted client connection. One goroutine (serve) owns everything here; a
// second one only reads packets and forwards them.
type conn struct {
	srv *Server
	nc  net.Conn
	pc  transport.Conn
	log *slog.Logger

	kicked chan struct{}
	ended  chan struct{} // closed once serveConn returned (the session released)
	// ending is set once the connection stops serving on its own (a fault, an error):
	// DropConnections waits for it but does not count it as one it closed.
	ending   atomic.Bool
	stopOnce sync.Once

	x      keyExchange
	key    *authKey
	sess   *mtSession
	eng    *mtp.Engine
	caller *services.Caller

	loop    mtpserve.Loop
	fresh   bool      // the session is new: new_session_created is about to be sent
	ebuf    tl.Buffer // encodes results and updates
	packets int       // packets received

	announced int32 // the layer the last invokeWithLayer on this connection announced
}

// stop closes the connection from any goroutine: serve returns and everything is released.
func (c *conn) stop() {
	c.stopOnce.Do(func() {
		close(c.kicked)
		_ = c.nc.Close()
	})
}

// serve runs the connection until it fails, ctx ends or stop is called.
func (c *conn) serve(ctx context.Context) error {
	defer c.release()
	defer c.ending.Store(true)
	c.loop = c.newLoop()
	return c.loop.Run(ctx)
}

// newLoop wires the connection into the server loop every test server shares.
func (c *conn) newLoop() mtpserve.Loop {
	return mtpserve.Loop{
		Read:   c.read,
		Write:  c.write,
		Close:  func(err error) { c.fail(err); c.stop() },
		Now:    c.now,
		Engine: func() *mtp.Engine { return c.eng },
		Packet: c.onPacket,
		Wake: func() <-chan struct{} {
			if c.sess != nil && c.sess.sub != nil {
				return c.sess.sub.Ready()
			}
			return nil
		},
		OnWake:   c.onWake,
		Deadline: c.nextDelayed,
		Timer:    c.onTimer,
		Stop:     c.kicked,
	}
}

// read returns the next packet (the loop copies it: requests decoded from it may be kept).
func (c *conn) read() ([]byte, error) {
	if idle := c.srv.cl.cfg.IdleTimeout; idle > 0 {
		_ = c.nc.SetReadDeadline(time.Now().Add(idle))
	}
	p, err := c.pc.ReadPacket()
	if err != nil {
		var pe *transport.ProtocolError
		if errors.As(err, &pe) {
			// A 4-byte packet reads as a transport error code; from a client it is just a
			// packet too short to mean anything.
			err = &TransportError{Code: CodeAuthKeyNotFound, Err: fmt.Errorf("%w: 4 bytes", ErrShortPacket)}
		}
		return nil, fmt.Errorf("teletest: read: %w", err)
	}
	return p, nil
}

// fail sends the transport error code err carries, if any.
func (c *conn) fail(err error) {
	var te *TransportError
	if errors.As(err, &te) {
		c.writeError(te.Code)
	}
}

// writeError sends a transport error code in place of a packet.
func (c *conn) writeError(code int32) {
	if sc, ok := c.pc.(interface{ WriteError(int32) error }); ok {
		_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
		_ = sc.WriteError(code)
	}
}

// release gives back the session (with its subscription, which keeps queueing updates for
// the client's next connection).
func (c *conn) release() {
	if c.sess != nil {
		c.srv.sessions.detach(c.sess, c, c.srv.cl.now())
		c.sess, c.eng = nil, nil
	}
	if c.key != nil {
		c.srv.keys.letGo(c.key, c.srv.cl.now())
	}
}

func (c *conn) now() time.Time { return c.srv.cl.now() }

// onPacket routes one packet: unencrypted ones to the key exchange, the others to the session.
func (c *conn) onPacket(ctx context.Context, p []byte) error {
	c.packets++
	if c.packets == 1 {
		if code, ok := c.srv.cl.faults.refuse(c.srv.dc); ok {
			return &TransportError{Code: code, Err: ErrRefused}
		}
	}
	if len(p) < 8 {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: fmt.Errorf("%w: %d bytes", ErrShortPacket, len(p))}
	}
	if exchange.IsPlain(p) {
		return c.onPlain(p)
	}
	now := c.now()
	// A temporary key that expired is looked up again (and found gone) even on the
	// connection using it: the client gets -404 as on Telegram and must make a new one.
	if c.key == nil || [8]byte(p[:8]) != c.key.key.ID || c.key.expired(now) {
		if err := c.attach(ctx, [8]byte(p[:8]), p, now); err != nil {
			return err
		}
	}
	if salt := c.srv.keys.saltOf(c.key); c.eng.Salt(now) != salt {
		c.eng.SetSalt(salt)
	}
	events, err := c.eng.Receive(now, p)
	if err != nil {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: err}
	}
	if sid := c.eng.SessionID(); sid != c.sess.key.id {
		c.srv.sessions.rekey(c.sess, sid)
		c.caller = c.newCaller(sid)
		c.fresh = true
	}
	if c.fresh {
		// new_session_created goes out in a packet of its own, ahead of any answer: gotd
		// handles the messages of one container in order and blocks on new_session_created
		// until the answer to its first call arrives, which must not sit behind it.
		c.fresh = false
		if err := c.loop.Flush(); err != nil {
			return err
		}
	}
	for _, ev := range events {
		switch ev.Kind {
		case mtp.EventRequest:
			if err := c.request(ctx, ev.MsgID, ev.Body); err != nil {
				return err
			}
		case mtp.EventDestroySession:
			k := sessionKey{key: c.sess.key.key, id: ev.SessionID}
			c.eng.AnswerDestroySession(ev.SessionID, c.srv.sessions.destroy(k))
		}
	}
	return nil
}

// onPlain runs one step of a key exchange.
func (c *conn) onPlain(p []byte) error {
	reply, res, err := c.x.step(c.now(), p)
	if err != nil {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: err}
	}
	if res != nil {
		// Stored before dh_gen_ok goes out: another exchange may have stored the id since
		// this one checked it, and then the client must not be told it has the key.
		if _, err := c.srv.keys.add(res.AuthKey, res.ServerSalt, res.ExpiresAt, c.now()); err != nil {
			return &TransportError{Code: CodeAuthKeyNotFound, Err: err}
		}
		c.log.Debug("auth key created", slog.Int64("key_id", exchange.KeyID(&res.AuthKey)), slog.Bool("temp", res.Temp()))
	}
	return c.write(reply)
}

// attach switches the connection to the auth key id and to the session of packet p (whose
// session_id is read by decrypting a copy).
func (c *conn) attach(ctx context.Context, id [8]byte, p []byte, now time.Time) error {
	k, ok := c.srv.keys.lookup(id, now)
	if !ok {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: fmt.Errorf("%w: %#016x", ErrUnknownAuthKey, binary.LittleEndian.Uint64(id[:]))}
	}
	plain, err := crypto.DecryptMessage(nil, &k.key, crypto.Client, p)
	if err != nil {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: err}
	}
	if len(plain) < 16 {
		return &TransportError{Code: CodeAuthKeyNotFound, Err: ErrShortPacket}
	}
	sid := int64(binary.LittleEndian.Uint64(plain[8:]))
	if c.sess != nil {
		c.srv.sessions.detach(c.sess, c, now)
		c.sess, c.eng = nil, nil
	}
	s, created, err := c.srv.sessions.attach(ctx, c, sessionKey{key: id, id: sid}, now, func() (*mtp.Engine, error) {
		cfg := mtp.Config{
			Side:       crypto.Server,
			AuthKey:    k.key,
			Salt:       c.srv.keys.saltOf(k),
			TimeSynced: true,
			Rand:       c.srv.cl.rand,
			Logger:     c.log,

			StrictServiceSeqNo: c.srv.cl.cfg.StrictSeqNo,
		}
		if tune := c.srv.cl.cfg.Engine; tune != nil {
			tune(&cfg)
		}
		return mtp.New(cfg)
	})
	if err != nil {
		return err
	}
	if c.key != k {
		if c.key != nil {
			c.srv.keys.letGo(c.key, now)
		}
		c.srv.keys.takeUp(k, now)
	}
	c.key, c.sess, c.eng = k, s, s.eng
	c.fresh = created
	c.eng.OnConnect(now)
	c.caller = c.newCaller(sid)
	c.resubscribe()
	c.flushAnswers()
	return nil
}

// newCaller describes the connection to the services for session sid.
func (c *conn) newCaller(sid int64) *services.Caller {
	return &services.Caller{DC: c.srv.dc, AuthKeyID: c.srv.keys.account(c.key), SessionID: sid}
}

// resubscribe makes the session's update subscription follow the account key of the caller.
// Sessions of a CDN data center have no account and get no updates.
func (c *conn) resubscribe() {
	s := c.sess
	if c.srv.cdn {
		return
	}
	if s.sub != nil && s.sub.Key() == c.caller.AuthKeyID {
		return
	}
	if s.sub != nil {
		s.sub.Close()
	}
	s.sub = c.srv.cl.world.Subscribe(c.caller.AuthKeyID)
	s.sub.Mute(s.updates == updatesOff)
	s.setWaker(s.sub)
}

// request answers one client request through the dispatcher.
func (c *conn) request(ctx context.Context, msgID int64, body []byte) (err error) {
	if l := announcedLayer(body); l != 0 {
		c.announced = l
		c.srv.keys.setLayer(c.key, l)
	}
	switch l := c.layer(); l {
	case Layer170:
		body = upgradeRequest(body)
	case Layer227:
		body = upgrade227(body)
	default:
		if !served(l) {
			// Nothing in this layer can be answered in a form the client decodes.
			c.answer(msgID, nil, layerError(l), 0)
			return nil
		}
	}
	// Each request is decoded with a Buffer of its own: the world keeps strings and objects
	// of requests (a message's text, its entities), and a value carved from a long-lived
	// Buffer's arena would keep alive the 16 KiB chunk or slab it shares with every other
	// request's values. A value the world keeps now holds at most its own request's arena,
	// which is about the size of the request.
	var dbuf tl.Buffer
	req, err := services.DecodeRequestWith(&dbuf, body)
	if err != nil {
		c.answer(msgID, nil, services.AsRPCError(err, c.log), 0)
		return nil
	}
	if c.srv.cdn && !cdnAllows(req) {
		c.answer(msgID, nil, services.ErrCDNMethodInvalid, 0)
		return nil
	}
	method, quiet := innerMethod(req)
	c.sess.noteCall(quiet)
	delay, code := c.srv.cl.faults.method(method)
	if code != 0 {
		// The call runs and its answer stays queued in the session: the connection breaks
		// before it is written, and the client gets it on the connection it opens next.
		defer func() {
			if err == nil {
				err = &TransportError{Code: code, Err: fmt.Errorf("%w: method %#08x", ErrFaultClosed, method)}
				c.srv.cl.faults.count(func(st *FaultStats) { st.TransportErrors++ })
			}
		}()
	}
	if services.Waits(method) {
		c.wait(msgID, req, delay)
		return nil
	}
	hctx := services.WithMsgID(context.WithValue(ctx, connCtxKey{}, c), msgID)
	res, err := c.srv.cl.disp.Handle(hctx, c.caller, req)
	if l := c.caller.Layer(); l != 0 {
		c.srv.keys.setLayer(c.key, l)
	}
	c.reply(msgID, res, err, delay)
	return nil
}

// reply encodes a handler's outcome in the client's layer and answers msgID.
func (c *conn) reply(msgID int64, res tl.Encoder, err error, delay time.Duration) {
	if err != nil {
		c.answer(msgID, nil, services.AsRPCError(err, c.log), delay)
		return
	}
	out, err := c.encode(c.layer(), res)
	if err != nil {
		c.answer(msgID, nil, services.AsRPCError(err, c.log), delay)
		return
	}
	c.answer(msgID, out, nil, delay)
}

// wait runs a call that waits for a bot (services.Waits) on a goroutine of its own, bounded
// by the bot timeout and the cluster's life, so this connection keeps serving meanwhile; at
// most maxWaiting per session (FLOOD_WAIT_1 beyond). The
// outcome is filed on the session and sent by the connection that owns the session when it
// arrives (this one, or the one the client reconnected with).
func (c *conn) wait(msgID int64, req tl.Object, delay time.Duration) {
	s, caller := c.sess, c.caller
	if !s.startWaiting() {
		c.answer(msgID, nil, world.FloodWait(1), delay)
		return
	}
	hctx := services.WithMsgID(c.srv.cl.ctx, msgID)
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		res, err := c.srv.cl.disp.Handle(hctx, caller, req)
		s.addAnswer(asyncAnswer{msgID: msgID, res: res, err: err, delay: delay}) // wakes the owner
	}()
}

// flushAnswers sends the outcomes of waiting calls filed on the session.
func (c *conn) flushAnswers() {
	if c.sess == nil || c.eng == nil {
		return
	}
	for _, a := range c.sess.takeAnswers() {
		c.reply(a.msgID, a.res, a.err, a.delay)
	}
}

// layer returns the layer the client announced on this connection, or earlier under the same
// key, 0 if none.
func (c *conn) layer() int32 {
	if c.announced != 0 {
		return c.announced
	}
	if l := c.caller.Layer(); l != 0 {
		return l
	}
	return c.srv.keys.layerOf(c.key)
}

// encode encodes a result or update in the form the client's layer expects. The bytes live in
// the connection's encode buffer until the next encode: callers that keep them copy them.
func (c *conn) encode(layer int32, v tl.Encoder) ([]byte, error) {
	c.ebuf.Reset()
	v, err := forLayer(layer, v)
	if err != nil {
		return nil, err
	}
	if err := v.Encode(&c.ebuf); err != nil {
		return nil, fmt.Errorf("teletest: encode %T: %w", v, err)
	}
	return c.ebuf.Buf, nil
}

// answer replies to msgID now or, with a delay fault, later.
func (c *conn) answer(msgID int64, body []byte, rpcErr *services.RPCError, delay time.Duration) {
	if delay > 0 {
		body = bytes.Clone(body) // body may be the encode buffer
		c.sess.delayed = append(c.sess.delayed, delayedReply{due: c.now().Add(delay), msgID: msgID, body: body, err: rpcErr})
		c.srv.cl.faults.count(func(st *FaultStats) { st.DelayedAnswers++ })
		return
	}
	if rpcErr != nil {
		c.eng.ReplyError(msgID, rpcErr.Code, rpcErr.Message)
		return
	}
	c.eng.Reply(msgID, body)
}

// onWake sends the answers and updates that became ready off the connection's goroutine,
// and breaks the connection after writing updates if a fault says so (BreakAfterUpdate).
func (c *conn) onWake() error {
	c.flushAnswers()
	if c.pushUpdates() == 0 || !c.srv.cl.faults.breakAfterUpdate(c.srv.dc) {
		return nil
	}
	c.ending.Store(true) // before the client can see the close and dial again
	if err := c.loop.Flush(); err != nil {
		return err
	}
	return fmt.Errorf("%w: after writing updates", ErrFaultClosed)
}

// pushUpdates queues the updates the world queued for the session's account and returns how
// many it queued.
func (c *conn) pushUpdates() (pushed int) {
	if c.eng == nil || c.sess.sub == nil {
		return 0
	}
	layer := c.layer()
	updates := c.sess.sub.Take()
	if !served(layer) {
		return 0 // the client could not decode them
	}
	for _, u := range updates {
		body, err := c.encode(layer, u)
		if err != nil {
			c.log.Error("encode update", slog.Any("err", err))
			continue
		}
		if err := c.eng.Push(bytes.Clone(body)); err != nil { // the engine keeps body
			c.log.Error("push update", slog.Any("err", err))
			continue
		}
		pushed++
	}
	return pushed
}

// onTimer runs the engine's timers and sends the delayed answers that are due.
func (c *conn) onTimer(now time.Time) error {
	if c.sess == nil || c.eng == nil {
		return nil
	}
	s := c.sess
	kept := s.delayed[:0]
	for _, d := range s.delayed {
		if now.Before(d.due) {
			kept = append(kept, d)
			continue
		}
		if d.err != nil {
			c.eng.ReplyError(d.msgID, d.err.Code, d.err.Message)
		} else {
			c.eng.Reply(d.msgID, d.body)
		}
	}
	clear(s.delayed[len(kept):])
	s.delayed = kept
	if _, err := c.eng.OnTimer(now); err != nil {
		return fmt.Errorf("teletest: connection timer: %w", err)
	}
	return nil
}

// nextDelayed returns when the first delayed answer of the session is due, zero if none is.
func (c *conn) nextDelayed() time.Time {
	var d time.Time
	if c.sess == nil {
		return d
	}
	for _, r := range c.sess.delayed {
		if d.IsZero() || r.due.Before(d) {
			d = r.due
		}
	}
	return d
}

// writeTimeout bounds one packet write: a client that stops reading is dropped.
const writeTimeout = 30 * time.Second

// write sends one packet, after the delay a fault asks for.
func (c *conn) write(pkt []byte) error {
	if d := c.srv.cl.faults.writeDelay(c.srv.dc); d > 0 {
		select {
		case <-time.After(d):
		case <-c.kicked:
			return net.ErrClosed
		}
		c.srv.cl.faults.count(func(st *FaultStats) { st.DelayedPackets++ })
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := c.pc.WritePacket(pkt); err != nil {
		return fmt.Errorf("teletest: write: %w", err)
	}
	return nil
}
