package mtp

import (
	"fmt"
	"github.com/mtgo-labs/mtgo/tl"
	"io"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
)

// UnpackBudgetFactor is the default decompression budget of one received packet in multiples of
// Config.MaxMessageSize: room for a couple of large gzip_packed answers in one container, while
// a packet of hundreds of small, highly compressed items costs at most this much inflating.
const UnpackBudgetFactor = 2

// CallID names a call of the loop that owns the Engine. Zero means "no call".
type CallID uint64

// Config configures an Engine. Zero fields take the defaults documented on each.
type Config struct {
	// Side is the end of the connection the engine plays: crypto.Client or crypto.Server.
	Side crypto.Side
	// AuthKey encrypts every message.
	AuthKey crypto.AuthKey
	// SessionID is the MTProto session id. A client picks a random non-zero one; a server
	// engine starts with zero and adopts the client's (announcing it with
	// new_session_created).
	SessionID int64
	// Salt is the current server salt (from the key exchange or the stored session).
	Salt int64
	// TimeOffset is the server clock minus the local clock.
	TimeOffset time.Duration
	// TimeSynced says TimeOffset was measured (key exchange or stored session), enabling the
	// time checks on received messages. The engine also sets it after correcting its clock
	// from a bad_msg_notification.
	TimeSynced bool
	// MaxClockOffset optionally bounds the clock offset (server clock minus local clock) a
	// correction may set: bad_msg_notification 16 or 17, or an answer whose msg_id time is
	// off. Zero, the default, sets no bound of its own: a host without a real-time clock may
	// start in 1970, before it syncs, and must still reach the server. Negative: the clock
	// is never corrected. Whatever the bound, a correction is taken only when the server time
	// it implies is plausible, from the unix epoch to a month before msg_id seconds run out
	// (2^31 s, 2038-01-19), and the offset fits a time.Duration (some 292 years). One not
	// taken is ignored, with one warning per engine (debug records after), and the calls
	// such a notice rejected fail with ErrClockOffset and its *BadMsgError: sent again they
	// would be rejected again; after four in a row Receive fails with ErrClockOffset. An
	// answer is taken all the same. A stored offset (TimeOffset) is not checked; the key
	// exchange refuses a server time outside the window (ClockOffset).
	MaxClockOffset time.Duration
	// Rand supplies message padding, ping ids and the server's unique_id. Required.
	Rand io.Reader
	// Logger receives debug records of dropped and corrected messages, and a warning for the
	// first clock correction ignored (MaxClockOffset); nil discards them.
	Logger *slog.Logger

	// MaxMessageSize bounds a single outgoing body and an unpacked incoming one
	// (default 16 MiB).
	MaxMessageSize int
	// MaxUnpackedPerPacket bounds the bytes all gzip_packed values of one received packet may
	// inflate to together (default UnpackBudgetFactor × MaxMessageSize, at least
	// MaxMessageSize). A gzip_packed value past the budget is rejected without inflating it.
	MaxUnpackedPerPacket int
	// MaxContainerBytes bounds the payload of one outgoing container (default 512 KiB).
	MaxContainerBytes int
	// MaxContainerMessages bounds the messages in one outgoing container (default 1020).
	MaxContainerMessages int
	// GzipThreshold is the body size from which outgoing bodies are sent as gzip_packed when
	// that makes them smaller (default 16 KiB; negative disables). Bodies whose sampled bytes
	// look random (already compressed or encrypted files) are never gzipped.
	GzipThreshold int
	// AckDelay is the longest an acknowledgement waits to be batched (default 100 ms).
	AckDelay time.Duration
	// AckBatch is the number of pending acknowledgements that are sent at once (default 64).
	AckBatch int
	// PingInterval is the time between keepalive pings (default 60 s; negative disables).
	PingInterval time.Duration
	// MinPongTimeout and MaxPongTimeout bound the wait for a pong, which otherwise follows the
	// measured round trip time (defaults 5 s and 30 s). A ping the server refuses is replaced at
	// once with a pong timeout of its own twice in a row, then one per MinPongTimeout under the
	// same deadline.
	MinPongTimeout, MaxPongTimeout time.Duration
	// ReplayWindow is how many received msg_ids are remembered to drop duplicates
	// (default 1024).
	ReplayWindow int
	// FutureSalts is how many salts get_future_salts asks for (default 32; negative disables
	// fetching).
	FutureSalts int
	// SaltMargin is how long before the last known salt expires more are fetched
	// (default 10 min).
	SaltMargin time.Duration
	// StateReqAfter is how long a sent call may go without an ack or answer before its state is
	// asked with msgs_state_req (default 30 s; negative disables).
	StateReqAfter time.Duration
	// MaxResends is how many times one message may be sent under a new msg_id before a
	// bad_msg_notification (*BadMsgError), new_session_created or msgs_state_info
	// (ErrResendLimit) that would send it again fails its call instead (default 5).
	MaxResends int
	// StrictServiceSeqNo (server side) holds ping, ping_delay_disconnect and get_future_salts
	// to the odd seqno MTProto asks of every content-related message, answering an even one
	// with bad_msg_notification 34. Off (the default), either parity is accepted, as
	// Telegram's servers do: several clients send these queries with an even seqno.
	StrictServiceSeqNo bool
	// ResendMaxAge is the age up to which a message is re-sent with its original msg_id after a
	// reconnect, so the server deduplicates it; older messages need a new msg_id (default 4 min,
	// under the server's 5-minute window).
	ResendMaxAge time.Duration
	// RetainMessages and RetainBytes (server side) bound what the engine keeps of the
	// rpc_result and pushed messages it sent until the client acknowledges them, to send them
	// again on the session's next connection (OnConnect) and on msg_resend_req. Past either
	// bound the oldest are forgotten, with a debug log record; a message larger than
	// RetainBytes is not kept. Defaults DefaultRetainMessages (1024) and DefaultRetainBytes
	// (4 MiB); negative keeps nothing.
	RetainMessages, RetainBytes int
}

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MaxMessageSize, 16<<20)
	def(&c.MaxUnpackedPerPacket, UnpackBudgetFactor*c.MaxMessageSize)
	c.MaxUnpackedPerPacket = max(c.MaxUnpackedPerPacket, c.MaxMessageSize)
	def(&c.MaxContainerBytes, 512<<10)
	def(&c.MaxContainerMessages, 1020)
	def(&c.GzipThreshold, 16<<10)
	def(&c.AckBatch, 64)
	def(&c.ReplayWindow, 1024)
	def(&c.FutureSalts, 32)
	def(&c.MaxResends, 5)
	def(&c.RetainMessages, DefaultRetainMessages)
	def(&c.RetainBytes, DefaultRetainBytes)
	defDur(&c.AckDelay, 100*time.Millisecond)
	defDur(&c.PingInterval, time.Minute)
	defDur(&c.MinPongTimeout, 5*time.Second)
	defDur(&c.MaxPongTimeout, 30*time.Second)
	defDur(&c.SaltMargin, 10*time.Minute)
	defDur(&c.StateReqAfter, 30*time.Second)
	defDur(&c.ResendMaxAge, 4*time.Minute)
	c.AckBatch = min(c.AckBatch, maxAckIDs)
	c.MaxContainerMessages = max(c.MaxContainerMessages, 1)
}

// CallOptions adjust one call.
type CallOptions struct {
	// After names an earlier call that must complete first: the body is wrapped in
	// invokeAfterMsg with that call's msg_id. Ignored when that call has already completed.
	After CallID
	// Repeatable marks a call that is safe to execute twice (a read). When its message must be
	// sent again under a new msg_id the engine does so instead of failing it with
	// ErrNotRepeated.
	Repeatable bool
	// MsgID, when set, is the msg_id the call is sent with, reserved with ReserveMsgID, for
	// bodies that embed their own msg_id (auth.bindTempAuthKey). Such a call cannot be sent
	// under another id: where it would have to be, it fails with ErrNotRepeated instead, as it
	// does when the engine starts a new session (bad_msg_notification 17), sent or not.
	MsgID int64
	// NoInit sends the call without the connection's init prefix (see SetInitPrefix).
	NoInit bool
	// Timeout, when positive, bounds the wait for the answer: a call not answered within
	// Timeout of its first send fails with ErrCallTimeout (and the server is told with
	// rpc_drop_answer), for calls the loop cannot leave to a caller's context.
	Timeout time.Duration
	// Borrowed are byte strings the body leaves out (see tl.Buffer.Borrow): the message is the
	// body with them in their places. The engine reads them when it builds a packet, until the
	// call completes or is cancelled; the caller keeps them unchanged until then.
	Borrowed []tl.Borrowed
}

// msgKind says what an outgoing message is for.
type msgKind uint8

const (
	kindCall       msgKind = iota // a caller's request (client) or a server push
	kindPing                      // engine keepalive
	kindGetSalts                  // engine get_future_salts
	kindDropAnswer                // rpc_drop_answer for a cancelled call
	kindStateReq                  // msgs_state_req about unanswered calls
	kindService                   // other engine messages: state info, resend requests, answers
)

// outMsg is one outgoing message, from Enqueue until it is answered, acknowledged or dropped.
type outMsg struct {
	kind       msgKind
	call       CallID
	body       []byte
	borrowed   []tl.Borrowed // CallOptions.Borrowed
	after      CallID
	repeatable bool
	fixedID    int64 // CallOptions.MsgID
	noInit     bool
	timeout    time.Duration // CallOptions.Timeout
	deadline   time.Time     // the first send plus timeout
	answer     bool          // server: msg_id 1 mod 4 (answers a client message)
	content    bool
	retain     bool  // server: kept after it is sent until the client acknowledges it
	req        int64 // server: the request an rpc_result answers

	queued    bool // in the send queue
	cancelled bool // removed while queued
	keepID    bool // next send reuses msgID and seqNo
	alone     bool // next send must not be in a container
	msgID     int64
	seqNo     int32
	container int64
	sentAt    time.Time
	acked     bool
	reused    bool      // last sent again under its old msg_id
	resentAt  time.Time // last sent again on msg_resend_req
	sends     int       // times sent with a new msg_id
	pingID    int64     // kindPing
	askedIDs  []int64
	stateAsk  bool // included in an outstanding msgs_state_req
	// prevID is the msg_id a call had in the session renewSession left, whose answer may
	// still come in that session (Engine.prevSent); parked: the call waits for that answer
	// only, since it may have run and is not sent again.
	prevID int64
	parked bool
	// oldSession: msgID was given in the session renewSession left; the server never saw it
	// in this one, where another message may get it.
	oldSession bool
}

// container remembers which messages went out in one msg_container.
type container struct {
	ids    []int64
	sentAt time.Time
}

// Engine is the MTProto session state machine of one side of a connection. See the package
// documentation for the calling protocol.
type Engine struct {
	cfg       Config
	side      crypto.Side
	log       *slog.Logger
	sessionID int64
	offset    time.Duration
	synced    bool
	// clockWarned: an ignored clock correction was logged at warn level.
	clockWarned bool

	// clockRefusals counts the rounds in which the engine refused a clock correction
	// bad_msg_notification asked for (see refusedUpTo), since the last one taken or the last
	// call answered; clockErr, set once they reach clockRefusalLimit, is what Receive fails
	// with.
	clockRefusals int
	clockErr      error
	// refusedUpTo is the last msg_id sent when a refusal was last counted: a refusal about a
	// message up to it comes from the same round and does not count again.
	refusedUpTo int64
	// srvSeen is the latest server time the server stated (in the msg_id of a message it
	// sent, or the now of future_salts) that the engine takes (see seen): salts that expired
	// before it are dropped.
	srvSeen time.Time

	ids    idGen
	seq    seqGen
	salts  saltSet
	replay *replayWindow

	// The session renewSession left: its calls whose answers may still come there, by the
	// msg_id they had in it, until prevUntil (see renewSession).
	prevSession int64
	prevSent    map[int64]*outMsg
	prevUntil   time.Time
	// inSession is the session_id of the packet being received: the session renewSession
	// left when a notice earlier in the packet started a new one.
	inSession int64

	queue      []*outMsg
	live       int               // queued messages not cancelled
	sent       map[int64]*outMsg // by msg_id: sent, waiting for an answer or an ack
	calls      map[CallID]*outMsg
	containers map[int64]*container
	acks       []int64
	ackDue     time.Time
	ackBuf     []byte
	// left holds packets sealed in a session a server engine left (flushLeft), which Flush
	// sends first.
	left [][]byte

	ping         *outMsg
	nextPingID   int64
	pingDue      time.Time
	pongDue      time.Time
	pingRefusals int // keepalive pings refused (or left behind by a new session) since the last pong
	srtt, rttvar time.Duration
	lastPong     time.Time

	initPrefix []byte // wraps calls until one is answered on this connection
	initDone   bool

	saltReq      *outMsg
	saltFetchDue time.Time
	stateDue     time.Time

	// server side
	disconnectAt time.Time
	running      map[int64]struct{} // requests handed up and not answered yet
	kept         retainStore        // sent and not acknowledged (server_retain.go)

	unpacked int // bytes gzip_packed values of the packet being received inflated to

	events  []Event
	sentIDs []CallID
	batch   []*outMsg
	// spare holds the records of answered calls, cleared, for Enqueue to reuse (at most
	// maxSpare): a record goes here only once nothing of the engine points to it (recycle).
	spare   []*outMsg
	scratch []int64
	pieces  pieces // the plaintext Flush encrypts, when borrowed bytes are left where they are
}

// New returns an engine for cfg. cfg.Rand must be set.
func New(cfg Config) (*Engine, error) {
	if cfg.Rand == nil {
		return nil, fmt.Errorf("mtp: new engine: %w: Config.Rand is nil", ErrBadCall)
	}
	if cfg.Side != crypto.Client && cfg.Side != crypto.Server {
		return nil, fmt.Errorf("mtp: new engine: %w: side %d", ErrBadCall, cfg.Side)
	}
	cfg.setDefaults()
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{
		cfg:        cfg,
		side:       cfg.Side,
		log:        log,
		sessionID:  cfg.SessionID,
		offset:     cfg.TimeOffset,
		synced:     cfg.TimeSynced,
		replay:     newReplayWindow(cfg.ReplayWindow),
		sent:       make(map[int64]*outMsg),
		calls:      make(map[CallID]*outMsg),
		prevSent:   make(map[int64]*outMsg),
		containers: make(map[int64]*container),
		running:    make(map[int64]struct{}),
	}
	e.salts.set(cfg.Salt)
	return e, nil
}

// SessionID returns the session id (on a server, the one adopted from the client).
func (e *Engine) SessionID() int64 { return e.sessionID }

// Salt returns the salt in use at local time now.
func (e *Engine) Salt(now time.Time) int64 { return e.saltAt(now) }

// saltAt returns the salt to use at local time now: the one valid at the server time the
// offset gives. Salts are dropped only once expired at a server time the server itself
// stated (a client) or at its own clock (a server): an offset gone stale (the local clock
// was set since it was measured) must not throw away salts that are still good.
func (e *Engine) saltAt(now time.Time) int64 {
	srv := e.serverTime(now)
	if e.side == crypto.Client {
		e.salts.prune(e.srvSeen)
	} else {
		e.salts.prune(srv)
	}
	return e.salts.at(srv)
}

// SetSalt replaces the current server salt. A server engine uses it to rotate salts; a client
// rarely needs it.
func (e *Engine) SetSalt(salt int64) { e.salts.set(salt) }

// AddSalts adds future salts: a client learns them from future_salts, a server engine
// announces them in answer to get_future_salts and accepts them when valid.
func (e *Engine) AddSalts(salts []Salt) { e.salts.add(salts) }

// TimeOffset returns the server clock minus the local clock as the engine knows it.
func (e *Engine) TimeOffset() time.Duration { return e.offset }

// RTT returns the smoothed round trip time measured by pings, zero before the first pong.
func (e *Engine) RTT() time.Duration { return e.srtt }

// LastPong returns when the answer to the engine's last keepalive ping arrived, zero before
// the first.
func (e *Engine) LastPong() time.Time { return e.lastPong }

// SaltValidUntil returns the server time until which announced salts cover the session, zero
// when only the current salt is known.
func (e *Engine) SaltValidUntil() time.Time { return e.salts.coveredUntil() }

// Queued returns the number of messages waiting to be written.
func (e *Engine) Queued() int { return e.live }

// Pending returns the number of calls the engine holds: queued, sent and not yet answered.
func (e *Engine) Pending() int { return len(e.calls) }

func (e *Engine) serverTime(now time.Time) time.Time { return now.Add(e.offset) }

// Enqueue queues the request body of call. The engine keeps body until the call completes; the
// caller must not modify it. Enqueue fails with ErrBadCall for a zero or duplicate call or a
// body that is not TL-aligned and with ErrTooLarge above Config.MaxMessageSize.
func (e *Engine) Enqueue(call CallID, body []byte, opts CallOptions) error {
	if call == 0 {
		return fmt.Errorf("mtp: enqueue: %w: zero call id", ErrBadCall)
	}
	if _, dup := e.calls[call]; dup {
		return fmt.Errorf("mtp: enqueue call %d: %w: duplicate call id", call, ErrBadCall)
	}
	n := tl.BorrowedLen(body, opts.Borrowed)
	if len(body) < 4 || n%4 != 0 {
		return fmt.Errorf("mtp: enqueue call %d: %w: body of %d bytes", call, ErrBadCall, n)
	}
	if n > e.cfg.MaxMessageSize {
		return fmt.Errorf("mtp: enqueue call %d: %w: %d bytes, limit %d", call, ErrTooLarge, n, e.cfg.MaxMessageSize)
	}
	m := e.newCall()
	*m = outMsg{kind: kindCall, call: call, body: body, after: opts.After, repeatable: opts.Repeatable,
		content: true, fixedID: opts.MsgID, noInit: opts.NoInit, timeout: opts.Timeout}
	if len(opts.Borrowed) > 0 {
		m.borrowed = opts.Borrowed // borrowed bytes are file data: not worth a gzip pass
	} else {
		m.body = e.pack(body)
	}
	e.calls[call] = m
	e.push(m)
	return nil
}

// pack returns body as gzip_packed when it is above the threshold and compression helps.
// Bodies that sample as incompressible (file parts, media answers) skip the gzip pass.
func (e *Engine) pack(body []byte) []byte {
	if e.cfg.GzipThreshold < 0 || len(body) < e.cfg.GzipThreshold || !looksCompressible(body) {
		return body
	}
	packed, ok := gzipPacked(body)
	if !ok || len(packed) >= len(body) {
		return body
	}
	return packed
}

// push appends m to the send queue.
func (e *Engine) push(m *outMsg) {
	m.queued, m.cancelled = true, false
	e.live++
	e.queue = append(e.queue, m)
}

// unqueue takes a queued m out of the next packets.
func (e *Engine) unqueue(m *outMsg) {
	if m.queued && !m.cancelled {
		m.cancelled = true
		e.live--
	}
}

// nextID returns a fresh msg_id of kind for a message sent at server time srv, skipping the
// ids of messages still tracked (sent and waiting, or containers) that a new session after a
// clock correction may bring round again (renewSession).
func (e *Engine) nextID(srv time.Time, kind int64) int64 {
	id := e.ids.next(srv, kind)
	for e.tracked(id) {
		id = e.ids.next(srv, kind)
	}
	return id
}

// untrack stops tracking m under its msg_id, unless another message has that id now: a new
// session numbers messages from the clock again (renewSession), so a message waiting to go
// again under a new id may still hold an old id that was handed out anew.
func (e *Engine) untrack(m *outMsg) {
	if e.sent[m.msgID] == m {
		delete(e.sent, m.msgID)
	}
}

// tracked reports whether a sent message or container still has msg_id id, or a call whose
// answer may still come in the session renewSession left had it there: a message of the new
// session with that id could not be told from the call by msg_id (Conn.DropRPC).
func (e *Engine) tracked(id int64) bool {
	_, sent := e.sent[id]
	_, cont := e.containers[id]
	prev := false
	if len(e.prevSent) > 0 {
		_, prev = e.prevSent[id]
	}
	return sent || cont || prev
}

// ReserveMsgID returns a fresh msg_id for a call that must know it before it is enqueued (see
// CallOptions.MsgID).
func (e *Engine) ReserveMsgID(now time.Time) int64 {
	return e.nextID(e.serverTime(now), e.plainKind())
}

// CallState reports whether call has been sent and whether the server acknowledged it; known
// is false when the engine does not hold the call.
func (e *Engine) CallState(call CallID) (known, sent, acked bool) {
	m := e.calls[call]
	if m == nil {
		return false, false, false
	}
	return true, m.msgID != 0, m.acked
}

// SetInitPrefix sets the bytes that wrap every call sent on a connection until one of them is
// answered: the encoding of invokeWithLayer and initConnection up to their query field, which
// is the call's body. A nil prefix sends calls as they are.
func (e *Engine) SetInitPrefix(prefix []byte) { e.initPrefix = prefix }

// MsgID returns the msg_id call was last sent with, zero if it has not been sent or is queued
// to go again. A call parked in the session a clock correction left, waiting for its answer
// there only (see renewSession), has the msg_id it had there, even one that was queued to go
// again under it when it was parked.
func (e *Engine) MsgID(call CallID) int64 {
	if m := e.calls[call]; m != nil && (!m.queued || m.parked) {
		return m.msgID
	}
	return 0
}

// Cancel forgets call. A call still queued is never sent; a call already sent is answered with
// rpc_drop_answer so the server can skip or drop its result, unless it was last sent in the
// session a clock correction left (see renewSession), parked there or waiting to go again:
// an rpc_drop_answer would have to name its msg_id there. Cancel reports whether the engine
// knew the call.
func (e *Engine) Cancel(call CallID) bool {
	m := e.calls[call]
	if m == nil {
		return false
	}
	delete(e.calls, call)
	e.unqueue(m)
	e.forgetPrev(m)
	if m.msgID != 0 {
		e.untrack(m)
		if e.side == crypto.Client && !m.oldSession {
			drop := &outMsg{kind: kindDropAnswer, content: true, repeatable: true,
				body: le.AppendUint64(le.AppendUint32(nil, idRPCDropAnswer), uint64(m.msgID))}
			e.push(drop)
		}
	}
	return true
}

// OnConnect prepares the engine for a new connection; call it when each connection starts,
// the first one included. Keepalive and salt fetching start over, and after a reconnect every
// call sent but not answered is queued again. A call whose last
// send is younger than Config.ResendMaxAge keeps its msg_id, so the server deduplicates it; an
// older one gets a new msg_id unless the server acknowledged it and it is not repeatable: that
// one may have run, and fails with ErrNotRepeated. An unacknowledged call goes again whether
// repeatable or not (most likely it never reached the server; if only its ack was lost, it
// runs twice). The returned events report the failures.
func (e *Engine) OnConnect(now time.Time) []Event {
	e.events = e.events[:0]
	e.ping, e.pongDue, e.pingRefusals = nil, time.Time{}, 0
	e.pingDue = now.Add(e.cfg.PingInterval)
	e.initDone = false
	e.saltReq = nil
	e.scheduleSaltFetch(now)
	e.disconnectAt = time.Time{}
	e.dropPrev("reconnect") // the old session's answers come on the connection it used, if at all
	clear(e.containers)
	for id, m := range e.sent {
		m.stateAsk = false
		if m.kind != kindCall && m.kind != kindDropAnswer {
			delete(e.sent, id)
			continue // the engine re-issues its own pings, salt and state requests
		}
		if m.queued {
			if !m.keepID {
				delete(e.sent, id)
			}
			continue
		}
		if now.Sub(m.sentAt) < e.cfg.ResendMaxAge {
			// Queued again under its msg_id, it stays in sent: an answer the server sends
			// again (it keeps what the client did not acknowledge) before the call is written
			// again completes it.
			m.keepID = true
			e.push(m)
			continue
		}
		delete(e.sent, id)
		e.resendNew(m, "reconnect")
	}
	if e.side == crypto.Server {
		e.resendRetained(now)
	}
	// Keep the queue in msg_id order so re-sent messages keep their relative order.
	sortQueue(e.queue)
	return e.events
}

// resendNew queues m again under a new msg_id if that is safe, and fails its call otherwise.
func (e *Engine) resendNew(m *outMsg, why string) {
	if m.msgID != 0 {
		e.untrack(m)
	}
	if m.mayHaveRun() {
		e.failCall(m, fmt.Errorf("mtp: %s: %w", why, ErrNotRepeated))
		return
	}
	e.requeueNew(m)
}

// mayHaveRun reports whether m is a call the server acknowledged, so may have run, and that is
// not safe to run twice: it is never sent under a new msg_id, whatever the resend limit says.
func (m *outMsg) mayHaveRun() bool {
	return m.kind == kindCall && !m.repeatable && m.acked
}

// requeueNew queues m to be sent again under a new msg_id, or fails it if its body embeds the
// msg_id it was sent with (CallOptions.MsgID).
func (e *Engine) requeueNew(m *outMsg) {
	if m.fixedID != 0 && m.msgID != 0 {
		e.failCall(m, fmt.Errorf("mtp: message must keep msg_id %#x: %w", m.fixedID, ErrNotRepeated))
		return
	}
	if m.msgID != 0 {
		e.untrack(m)
	}
	m.keepID = false
	if !m.queued {
		e.push(m)
	}
}

// failCall reports call m as failed with err and forgets it.
func (e *Engine) failCall(m *outMsg, err error) {
	if m.msgID != 0 {
		e.untrack(m)
	}
	e.unqueue(m)
	e.forgetPrev(m)
	if m.kind != kindCall || e.calls[m.call] != m {
		return
	}
	delete(e.calls, m.call)
	e.events = append(e.events, Event{Kind: EventFailed, Call: m.call, MsgID: m.msgID, Err: err})
}

// complete forgets call m after its answer arrived. The caller must not use m afterwards:
// its record may go back to Enqueue (recycle).
func (e *Engine) complete(m *outMsg) {
	e.untrack(m)
	e.unqueue(m) // answered while queued for a resend
	e.forgetPrev(m)
	if m.kind == kindCall && e.calls[m.call] == m {
		delete(e.calls, m.call)
		e.recycle(m)
	}
}

// maxSpare bounds the answered calls' records kept for reuse: enough for the calls a busy
// connection completes between two Enqueues in the common case, some 10 KiB at most.
const maxSpare = 32

// newCall returns a record for Enqueue to fill: a spare one if any.
func (e *Engine) newCall() *outMsg {
	if n := len(e.spare); n > 0 {
		m := e.spare[n-1]
		e.spare[n-1] = nil
		e.spare = e.spare[:n-1]
		return m
	}
	return new(outMsg)
}

// recycle keeps the record of call m, just completed, for a later Enqueue, unless something
// may still point to it: the send queue (a cancelled entry stays there until the next
// Flush), the sent or previous-session maps, or the server's retain store. Every other
// reference to a call's record lives only during one Receive, Flush or OnTimer, and Enqueue,
// the only user of spare records, runs between them.
func (e *Engine) recycle(m *outMsg) {
	if m.queued || m.retain || len(e.spare) == maxSpare || e.sent[m.msgID] == m ||
		m.prevID != 0 || e.ping == m || e.saltReq == m {
		return
	}
	*m = outMsg{} // drops the body, which may be the caller's memory
	e.spare = append(e.spare, m)
}
