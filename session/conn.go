package session

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
)

var (
	// ErrClosed fails calls made after Run returned, and calls still pending when it returns
	// because its context ended.
	ErrClosed = errors.New("session: connection closed")
	// ErrRunning is returned by a second concurrent Run.
	ErrRunning = errors.New("session: Run already called")
	// ErrHealthTimeout is the cause of a reconnect after a missing pong.
	ErrHealthTimeout = mtp.ErrHealthTimeout
	// ErrClockOffset ends Run (in a *ReconnectError) and fails the pending calls when the
	// server's time cannot be followed: a server_time in the key exchange, or a clock
	// correction asked by the server several times in a row, at a server time not plausible
	// (before 1970 or from 2037-12-20 on), an offset a time.Duration cannot hold, or one beyond
	// mtp.Config.MaxClockOffset. Each call a correction refused fails with it too.
	ErrClockOffset = mtp.ErrClockOffset
	// ErrNotRepeated fails a call that may have run on the server before the connection broke
	// and is not marked repeatable (see WithRepeatable).
	ErrNotRepeated = mtp.ErrNotRepeated
	// ErrResendLimit fails a call the server kept reporting lost (bad_msg_notification,
	// new_session_created, msgs_state_info) after mtp.Config.MaxResends sends of it (set
	// through Options.Engine).
	ErrResendLimit = mtp.ErrResendLimit
	// ErrCallTimeout fails a call with mtp.CallOptions.Timeout left unanswered that long. The
	// loop gives one to auth.bindTempAuthKey alone: a binding never answered ends the
	// connection with an error wrapping ErrBind and ErrCallTimeout.
	ErrCallTimeout = mtp.ErrCallTimeout
)

// UpdateHandler receives what the server sends on its own: Updates objects and other
// server-initiated messages, one TL object per call, in the order they arrived (consumer
// interface; the client's update engine implements it). body stays valid after the call
// returns. HandleUpdates runs on a goroutine of its own; while it works, later updates queue
// (so the handler may itself Invoke on the same Conn, e.g. updates.getDifference), 1024 at
// most: beyond them pushes are dropped, counted in Stats.DroppedUpdates, and the handler is
// told of a new session (NewSessionHandler) to fetch them again. ctx ends when Run is ending
// (its context ended, or it gave up the connection); every push queued by then is still
// handed over, with ctx ended, and Run returns once the handler has returned for each. A
// handler that waits, for room in a queue of its own say, should wait within ctx and then
// keep the push rather than drop it.
type UpdateHandler interface {
	HandleUpdates(ctx context.Context, body []byte) error
}

// NewSessionHandler is optionally implemented by an UpdateHandler to learn that the server
// created a new session (new_session_created): updates may have been lost and should be
// fetched with updates.getDifference.
type NewSessionHandler interface {
	HandleNewSession(ctx context.Context) error
}

// Options configure a Conn.
type Options struct {
	// Session is the starting state when Store is nil or empty. DC and Addr must be set; with
	// no AuthKey a key exchange runs first.
	Session Session
	// Store, when set, is loaded at Run and saved after the key exchange and whenever the salt
	// or time offset changes.
	Store Store
	// Dialer opens packet connections; nil means TransportDialer{} (TCP, intermediate framing).
	Dialer Dialer
	// PublicKeys are the server RSA keys trusted in the key exchange; nil means
	// crypto.TelegramKeys().
	PublicKeys []crypto.PublicKey
	// Init, when set, wraps the first calls of each connection in invokeWithLayer and
	// initConnection.
	Init *InitConnection
	// Updates receives server-initiated messages; nil drops them.
	Updates UpdateHandler
	// MaxInFlight bounds the calls waiting for an answer; Invoke blocks (respecting its
	// context) while the bound is reached (default 1024).
	MaxInFlight int
	// Reconnect bounds the attempts to restore a broken connection.
	Reconnect ReconnectPolicy
	// TempKeyTTL, when positive, turns on perfect forward secrecy: messages are encrypted with a
	// temporary key of this lifetime, created on the connection and bound to the permanent key
	// with auth.bindTempAuthKey before any call goes out, and replaced on a new connection
	// before it expires. Temporary keys are never stored.
	TempKeyTTL time.Duration
	// Media marks a connection to a media DC: the DC id in the key exchange and the obfuscation
	// header is negated.
	Media bool
	// Engine, when set, adjusts the engine configuration (timeouts, batching) before use.
	Engine func(*mtp.Config)
	// Logger receives connection events, each with the data center as "dc"; nil discards
	// them.
	Logger *slog.Logger
	// Rand is the entropy source; nil means crypto/rand. A source that gives only zero
	// session ids or nonces fails the connection rather than being read for ever.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Conn is a reliable RPC channel to one data center: Run owns the connection, and Invoke sends
// calls through it from any goroutine. Conn implements tg.Invoker.
type Conn struct {
	opts  Options
	log   *slog.Logger
	slots chan struct{}
	done  chan struct{}

	running     atomic.Bool
	nextID      atomic.Uint64
	established atomic.Bool // MarkEstablished was called: a Persistent policy redials for ever

	box mailbox
	// calls are the Conn's free *call values. Each Conn has its own pool: a call's channel
	// made in a testing/synctest bubble must never reach a goroutine outside it.
	calls  sync.Pool
	stats  connStats
	redial chan struct{} // Redial's request, capacity 1

	mu      sync.Mutex
	sess    Session
	exitErr error
	ready   chan struct{} // closed at the first working connection
	isReady bool
}

// New returns a Conn for opts. Nothing is dialed until Run.
func New(opts Options) (*Conn, error) {
	if opts.Dialer == nil {
		opts.Dialer = TransportDialer{}
	}
	if opts.PublicKeys == nil {
		opts.PublicKeys = crypto.TelegramKeys()
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 1024
	}
	if opts.Rand == nil {
		opts.Rand = crand.Reader
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Reconnect.setDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := opts.Session.Validate(); err != nil {
		return nil, err
	}
	log = log.With(slog.Int("dc", opts.Session.DC)) // every record names the data center, once
	c := &Conn{
		opts:   opts,
		log:    log,
		slots:  make(chan struct{}, opts.MaxInFlight),
		done:   make(chan struct{}),
		sess:   opts.Session.Clone(),
		ready:  make(chan struct{}),
		redial: make(chan struct{}, 1),
	}
	c.box.notify = make(chan struct{}, 1)
	c.calls.New = newPooledCall
	return c, nil
}

// Session returns a copy of the current session state.
func (c *Conn) Session() Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.Clone()
}

// Ready is closed once the first connection works (a packet was received under the key).
func (c *Conn) Ready() <-chan struct{} { return c.ready }

// Done is closed when Run has returned.
func (c *Conn) Done() <-chan struct{} { return c.done }

// call is one Invoke in flight. The loop owns it from the mailbox until it writes res.
type call struct {
	id   mtp.CallID
	buf  tl.Buffer // holds the encoded request
	opts mtp.CallOptions
	res  chan result
	sent func(msgID int64) // OnSent's function, nil if none
}

type result struct {
	body []byte
	err  error
}

// newPooledCall makes a call for a Conn's pool.
func newPooledCall() any { return &call{res: make(chan result, 1)} }

// mailbox hands calls and cancellations to the loop without ever blocking the caller.
type mailbox struct {
	mu      sync.Mutex
	calls   []*call
	cancels []mtp.CallID
	drops   []dropReq
	closed  bool
	err     error
	notify  chan struct{}
}

func (b *mailbox) signal() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// CallOption adjusts one call; see WithRepeatable and Sequence.
type CallOption func(*mtp.CallOptions)

// WithRepeatable marks a call as safe to execute twice (a read): if the connection breaks after
// the server acknowledged it, it is sent again instead of failing with ErrNotRepeated. A call
// the server never acknowledged is sent again either way (see the README's Resends).
func WithRepeatable() CallOption { return func(o *mtp.CallOptions) { o.Repeatable = true } }

// borrowMin is the shortest byte string a call marked with tl.WithBorrowedBytes sends from
// the caller's memory; shorter ones are copied like any other field.
const borrowMin = 4 << 10

// Invoke sends in and decodes the answer into out. It implements tg.Invoker. An rpc_error
// answer is returned as *RPCError. If ctx ends first, the call is removed (and the server told
// with rpc_drop_answer if it was sent) and ctx's error is returned.
//
// With a ctx marked by tl.WithBorrowedBytes, byte strings of 4 KiB and more (file parts) are
// not copied: the packet is built from the caller's memory, which must stay unchanged until
// Invoke returns. Invoke then returns only once the session no longer reads them, also when
// ctx ends.
func (c *Conn) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	return c.InvokeWith(ctx, in, out)
}

// InvokeWith is Invoke with call options.
func (c *Conn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, opts ...CallOption) error {
	cl := c.newCall()
	for _, f := range opts {
		f(&cl.opts) // on the pooled call: options on the stack would escape through f
	}
	_, err := c.invoke(ctx, cl, in, out, nil)
	return err
}

// newCall returns a call from the Conn's pool with zero options.
func (c *Conn) newCall() *call {
	cl := c.calls.Get().(*call)
	cl.opts = mtp.CallOptions{}
	return cl
}

// invoke runs cl, a call from newCall with its options set, for in; started, when set,
// receives the call id once it is in the mailbox.
func (c *Conn) invoke(ctx context.Context, cl *call, in tl.Encoder, out tl.Decoder, started func(mtp.CallID)) (mtp.CallID, error) {
	if err := ctx.Err(); err != nil { // ended already: not even the free slot's path sends it
		c.calls.Put(cl)
		return 0, err
	}
	if !c.takeSlot() {
		select {
		case c.slots <- struct{}{}:
		case <-ctx.Done():
			c.calls.Put(cl)
			return 0, ctx.Err()
		case <-c.done:
			c.calls.Put(cl)
			return 0, c.closedErr()
		}
	}
	defer func() { <-c.slots }()

	cl.buf.Reset()
	borrowed := tl.BytesBorrowed(ctx)
	if borrowed {
		cl.buf.Borrow(borrowMin)
	}
	if err := in.Encode(&cl.buf); err != nil {
		c.calls.Put(cl)
		return 0, fmt.Errorf("session: encode %T: %w", in, err)
	}
	cl.id = mtp.CallID(c.nextID.Add(1))
	cl.opts.Borrowed = cl.buf.Borrowed()
	cl.sent = sentHook(ctx)
	id, lent := cl.id, len(cl.opts.Borrowed) > 0

	c.box.mu.Lock()
	if c.box.closed {
		err := c.box.err
		c.box.mu.Unlock()
		c.calls.Put(cl)
		return 0, err
	}
	c.box.calls = append(c.box.calls, cl)
	c.box.mu.Unlock()
	c.box.signal()
	if started != nil {
		started(id)
	}

	select {
	case r := <-cl.res:
		c.calls.Put(cl)
		if r.err != nil {
			return id, r.err
		}
		return id, decode(r.body, out)
	case <-ctx.Done():
		c.box.mu.Lock()
		if !c.box.closed {
			c.box.cancels = append(c.box.cancels, id)
		}
		c.box.mu.Unlock()
		c.box.signal()
		if lent {
			// The loop may be reading the caller's bytes: it answers a cancelled call once
			// it has let go of it (or answered it already, or is shutting down).
			<-cl.res
			c.calls.Put(cl)
			return id, ctx.Err()
		}
		// cl is not reused: the loop may still answer it.
		return id, ctx.Err()
	}
}

// takeSlot takes an in-flight slot if one is free, without the three-case select (which locks
// every channel it names) that waiting for one needs.
func (c *Conn) takeSlot() bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

var decodePool = sync.Pool{New: func() any { return new(tl.Buffer) }}

func decode(body []byte, out tl.Decoder) error {
	if out == nil {
		return nil
	}
	b := decodePool.Get().(*tl.Buffer)
	b.ResetTo(body)
	// body is part of a packet read into memory of its own (readPackets), which nothing
	// writes after decryption, and no other answer shares its bytes: long byte strings (file
	// chunks) are decoded as slices of it instead of copies.
	b.Alias(borrowMin)
	err := out.Decode(b)
	b.ResetTo(nil)
	decodePool.Put(b)
	if err != nil {
		return fmt.Errorf("session: decode %T: %w", out, err)
	}
	return nil
}

func (c *Conn) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exitErr != nil {
		return c.exitErr
	}
	return ErrClosed
}

// Sequence returns an invoker whose calls run on the server one after another: each is wrapped
// in invokeAfterMsg naming the previous one while that is still pending.
func (c *Conn) Sequence() *Sequence { return &Sequence{c: c} }

// Sequence sends ordered calls; see Conn.Sequence. It is safe for concurrent use, the order
// being the order in which calls enter Invoke.
type Sequence struct {
	c    *Conn
	mu   sync.Mutex
	last mtp.CallID
}

// Invoke implements tg.Invoker.
func (s *Sequence) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	// The call id is known only once the call is in the mailbox; the lock is held until then
	// so the next call names this one.
	s.mu.Lock()
	started := false
	cl := s.c.newCall()
	cl.opts.After = s.last
	_, err := s.c.invoke(ctx, cl, in, out, func(id mtp.CallID) {
		s.last, started = id, true
		s.mu.Unlock()
	})
	if !started {
		s.mu.Unlock()
	}
	return err
}

// randomIDDraws bounds the draws for a non-zero id: a working source gives zero once in 2^64
// draws, so one that gives it this often in a row is broken.
const randomIDDraws = 8

// randomID returns a non-zero random int64, failing after randomIDDraws zeros in a row.
func randomID(r io.Reader) (int64, error) {
	var b [8]byte
	for range randomIDDraws {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, fmt.Errorf("session: read random: %w", err)
		}
		if v := int64(binary.LittleEndian.Uint64(b[:])); v != 0 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("session: random source gave %d zero ids in a row", randomIDDraws)
}
