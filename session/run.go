package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/transport"
)

// ErrAuthKeyUnknown is returned by Run when the server answers transport error -404 to the
// auth key on unknownKeyLimit connections in a row: it no longer knows the key, so the session
// must log in again with a new one.
var ErrAuthKeyUnknown = errors.New("session: server does not know the auth key")

// unknownKeyLimit is how many connections in a row must end in transport error -404, with no
// message decrypted under the key in between, before Run gives the key up. The 4-byte frame is
// not authenticated: anyone on the path can forge one, so one alone only costs a reconnect.
const unknownKeyLimit = 3

// refusalLimit is how many bindings in a row, after one was accepted in the Run, the server
// must refuse before Run gives up whatever its policy: a refusal is an authenticated answer,
// but one alone may be a server's passing state, and the one redial costs a backoff wait.
const refusalLimit = 2

// packetBatch is the most packets the loop takes in a row before it looks at its mailbox
// (and its timers, Redial and the end of ctx). Taking several before answering lets acks and
// calls share a packet; the bound keeps a flood of packets from holding a call back: a
// call is written after at most this many more (under a flood of 1 MiB file parts, after at
// most 16 decryptions of one).
const packetBatch = 16

// connectTimeout bounds one dial plus key exchange.
const connectTimeout = 30 * time.Second

// Run connects, runs the key exchange if the session has no key, and serves calls until ctx
// ends (returning ctx's error) or the connection cannot be restored (returning a
// *ReconnectError). Broken connections are re-dialed with backoff; calls in flight are re-sent
// on the new connection (see mtp.Engine.OnConnect for which are repeated). When Run returns,
// every pending call has failed and every goroutine it started has ended. Run may be called
// once.
func (c *Conn) Run(ctx context.Context) error {
	if !c.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	l := &loop{c: c, log: c.log, calls: make(map[mtp.CallID]*call)}
	// The handler's context ends with Run's: when ctx ends, or when Run gives up (a
	// *ReconnectError), before Run waits for the pushes still queued. Those are handed over all
	// the same (see UpdateHandler), so a handler that waits for room somewhere, bounded by its
	// context, does not hold Run's end.
	uctx, cancelUpdates := context.WithCancel(ctx)
	defer cancelUpdates()
	if c.opts.Updates != nil {
		l.updates = &updateQueue{
			handle: func(u updateMsg) { l.handleUpdate(uctx, u) },
			log:    c.log,
			total:  &c.stats.droppedUpdates,
		}
	}
	err := l.run(ctx)
	c.setState(StateClosed)
	l.shutdown(err)
	cancelUpdates()
	if l.updates != nil {
		l.updates.close()
	}
	close(c.done)
	return err
}

// loop is the state Run's goroutine owns.
type loop struct {
	c       *Conn
	log     *slog.Logger
	sess    Session
	eng     *mtp.Engine
	calls   map[mtp.CallID]*call // enqueued in the engine
	waiting []*call              // arrived before the engine existed
	updates *updateQueue
	pfs     tempKey
	// keyAccepted: the server accepted a binding of a temporary key to the permanent one in
	// this Run, so later refusals mean it no longer takes the permanent key (see run).
	keyAccepted bool
	// refusals counts the bindings refused since the last one accepted.
	refusals int
	wbuf     []byte
	spare    []*call
	spareID  []mtp.CallID
}

type updateMsg struct {
	body       []byte
	newSession bool
}

func (l *loop) now() time.Time { return l.c.opts.Now() }

func (l *loop) run(ctx context.Context) error {
	sess := l.c.opts.Session
	if st := l.c.opts.Store; st != nil {
		stored, err := st.Load(ctx)
		switch {
		case err == nil:
			sess = stored
		case !errors.Is(err, ErrNoSession):
			return fmt.Errorf("session: load: %w", err)
		}
	}
	if err := sess.Validate(); err != nil {
		return err
	}
	if sess.Addr == "" {
		return fmt.Errorf("%w: no server address", ErrInvalidSession)
	}
	l.sess = sess.Clone()
	l.publish()
	addr := l.sess.Addr
	l.c.stats.addr.Store(&addr)

	policy := l.c.opts.Reconnect
	b := policy.backoff()
	failures, unknownKey := 0, 0
	for {
		l.c.setState(StateConnecting)
		select { // a Redial asked for before this dial is served by it
		case <-l.c.redial:
		default:
		}
		worked, err := l.connect(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errTempKeyRenewal) || errors.Is(err, errRedial) {
			b.Reset()
			failures, unknownKey = 0, 0
			continue
		}
		l.c.noteLost(err, l.now())
		if worked && !errors.Is(err, ErrBind) { // a connection whose key was refused served nothing
			failures, unknownKey = 0, 0
			b.Reset()
		}
		if keyUnknown(err) && l.eng != nil {
			unknownKey++
			if unknownKey >= unknownKeyLimit {
				return fmt.Errorf("%w: %d connections in a row: %w", ErrAuthKeyUnknown, unknownKey, err)
			}
			// A temporary key the server forgot is replaced, once a second connection in a row
			// confirms it: a forged frame alone must not cost the calls a new key fails.
			if unknownKey >= 2 {
				l.pfs = tempKey{}
			}
		}
		failures++
		msg, level := "session: connection lost", lossLevel(failures)
		if errors.Is(err, ErrBind) && level == slog.LevelInfo {
			// the server refused the key: no network failure, and no loss is seen above
			msg, level = "session: temporary key binding failed", slog.LevelWarn
		}
		// Bindings refused twice in a row after one was accepted: the server no longer takes
		// the permanent key (forgotten, revoked), which no redial mends. A single refusal is
		// redialed once (a server may refuse for a while, as before any was accepted, where
		// refusals count as failed attempts: a permanent key just made may not have reached
		// every server yet).
		if l.keyAccepted && bindRefused(err) {
			l.refusals++
		}
		refused := l.refusals >= refusalLimit
		if refused || policy.giveUp(failures, l.c.established.Load(), err) {
			l.log.Log(ctx, level, msg, slog.Int("failures", failures), slog.Any("err", err))
			return &ReconnectError{Attempts: failures, Err: err}
		}
		wait := b.NextBackOff()
		l.log.Log(ctx, level, msg, slog.Int("failures", failures), slog.Duration("retry_in", wait), slog.Any("err", err))
		l.c.setState(StateWaiting)
		if err := l.idle(ctx, wait); err != nil {
			return err
		}
	}
}

// keyUnknown reports whether err is the transport error -404: the server does not know the key.
func keyUnknown(err error) bool {
	pe := (*transport.ProtocolError)(nil)
	return errors.As(err, &pe) && pe.Code == -404
}

// dcID is the DC id as the key exchange and the obfuscation header want it.
func (l *loop) dcID() int {
	id := l.sess.DC
	if l.sess.TestMode {
		id += 10000
	}
	if l.c.opts.Media {
		id = -id
	}
	return id
}

// connect dials, runs the key exchange if needed, and serves the connection until it breaks.
// worked reports whether the connection carried at least one valid packet.
func (l *loop) connect(ctx context.Context) (worked bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	pc, err := l.c.opts.Dialer.DialPacket(dctx, l.dcID(), l.sess.Addr)
	if err != nil {
		return false, err
	}
	l.c.stats.dials.Add(1)
	if !l.sess.HasKey() {
		res, err := exchange.RunClient(dctx, pc, exchange.ClientConfig{
			Keys: l.c.opts.PublicKeys, DC: l.dcID(), Rand: l.c.opts.Rand, Now: l.c.opts.Now,
		})
		if err != nil {
			_ = pc.Close()
			return false, fmt.Errorf("session: key exchange: %w", err)
		}
		l.sess.AuthKey = append([]byte(nil), res.AuthKey.Value[:]...)
		l.sess.Salt = res.ServerSalt
		l.sess.TimeOffset = res.TimeOffset
		l.publish()
		l.save(ctx)
	}
	if l.c.opts.TempKeyTTL > 0 {
		if err := l.ensureTempKey(dctx, pc); err != nil {
			_ = pc.Close()
			return false, err
		}
	} else if l.eng == nil {
		if err := l.newEngine(crypto.NewAuthKey([AuthKeySize]byte(l.sess.AuthKey)), l.sess.Salt, l.sess.TimeOffset); err != nil {
			_ = pc.Close()
			return false, err
		}
	}
	return l.serve(ctx, pc)
}

// newEngine starts an engine (and an MTProto session) under key, with the clock offset off
// (server clock minus local clock). Calls held by a previous engine move to the new one: those
// the server may have run already fail with ErrNotRepeated unless they are repeatable, the
// others are sent again.
func (l *loop) newEngine(key crypto.AuthKey, salt int64, off time.Duration) error {
	sid, err := randomID(l.c.opts.Rand)
	if err != nil {
		return err
	}
	cfg := mtp.Config{
		Side:       crypto.Client,
		AuthKey:    key,
		SessionID:  sid,
		Salt:       salt,
		TimeOffset: off,
		TimeSynced: true,
		Rand:       l.c.opts.Rand,
		Logger:     l.log,
	}
	if l.c.opts.Engine != nil {
		l.c.opts.Engine(&cfg)
	}
	eng, err := mtp.New(cfg)
	if err != nil {
		return err
	}
	if l.c.opts.Init != nil {
		prefix, err := l.c.opts.Init.Prefix()
		if err != nil {
			return err
		}
		eng.SetInitPrefix(prefix)
	}
	if old := l.eng; old != nil {
		moved := make([]*call, 0, len(l.calls))
		for id, cl := range l.calls {
			delete(l.calls, id)
			if _, sent, acked := old.CallState(id); sent && acked && !cl.opts.Repeatable {
				cl.res <- result{err: fmt.Errorf("session: new key: %w", ErrNotRepeated)}
				continue
			}
			cl.opts.After = 0
			moved = append(moved, cl)
		}
		slices.SortFunc(moved, func(a, b *call) int { return cmp.Compare(a.id, b.id) })
		l.waiting = append(moved, l.waiting...)
	}
	l.eng = eng
	l.c.stats.sessionID.Store(sid)
	l.release()
	return nil
}

// release hands the calls that waited for an engine (or for the temporary key's binding) to the
// engine.
func (l *loop) release() {
	if l.holding() {
		return
	}
	for _, cl := range l.waiting {
		l.accept(cl)
	}
	clear(l.waiting)
	l.waiting = l.waiting[:0]
}

// serve runs one connection: a reader goroutine forwards packets, this goroutine owns the
// engine. It waits on two channels only, the mailbox's notify and the reader's packets (a
// select costs per case, on every wake-up): the end of ctx, Redial and the timers reach it
// through notify as alarms it checks after each wake-up, and after each batch of packets.
func (l *loop) serve(ctx context.Context, pc PacketConn) (worked bool, err error) {
	l.deliver(ctx, l.eng.OnConnect(l.now()))
	if err := l.startBind(); err != nil {
		return false, err
	}
	if l.pfs.binding == 0 {
		// The server must answer something at once: the binding, or else a ping. A call in
		// flight is no substitute, as its answer may take long.
		l.eng.PingNow(l.now())
	}
	l.c.setState(StateConnected)
	// Told once the server answered on pc (a packet under the key arrived) and calls go out:
	// after the temporary key's binding is answered, if any. A connection refused on its first
	// packet (a transport error, a hang-up) is never served.
	notify, _ := pc.(ServeNotifier)
	wake := l.c.box.signal
	stopWake := context.AfterFunc(ctx, wake)
	defer stopWake()
	renew := newAlarm(wake)
	defer renew.stop()
	if l.pfs.key != nil {
		renew.reset(max(l.pfs.renewAt(l.c.opts.TempKeyTTL).Sub(l.now()), 0))
	}
	timer := newAlarm(wake)
	defer timer.stop()
	pkts := make(chan []byte, 8)
	var rerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		readPackets(pc, pkts, &rerr)
	}()
	defer func() {
		_ = pc.Close()
		for range pkts { // the reader may be handing over a packet; it closes pkts when it ends
		}
		wg.Wait()
	}()
	var armed time.Time
	for {
		now := l.now()
		if err := l.flush(pc, now); err != nil {
			return worked, err
		}
		l.saveIfChanged(ctx, now)
		armed = l.arm(timer, armed, now)
		l.publishStats()
		if err := l.pfs.err; err != nil {
			l.pfs.err = nil
			return worked, err
		}
		if l.pfs.draining && (l.eng.Pending() == 0 || !now.Before(l.pfs.expires)) {
			l.pfs.draining = false
			return worked, errTempKeyRenewal
		}
		if notify != nil && worked && !l.holding() {
			notify.Serving()
			notify = nil
		}
		woken := false
		select {
		case <-l.c.box.notify:
			woken = true
		case p, ok := <-pkts:
			if !ok {
				return worked, fmt.Errorf("session: read: %w", rerr)
			}
			now := l.now()
			// Take what else has arrived before answering, so acks and calls batch, but at
			// most packetBatch packets: then the mailbox comes first, or a flood would hold
			// a call back for as long as it lasts.
			for n := 1; ; n++ {
				events, err := l.eng.Receive(now, p)
				if err != nil {
					return worked, err
				}
				if !worked {
					worked = true
					l.c.markReady()
				}
				l.deliver(ctx, events)
				if n == packetBatch {
					break
				}
				select {
				case p, ok = <-pkts:
					if ok {
						continue
					}
					return worked, fmt.Errorf("session: read: %w", rerr)
				default:
				}
				break
			}
			select {
			case <-l.c.box.notify:
				woken = true
			default:
			}
		}
		if !woken {
			continue
		}
		if err := ctx.Err(); err != nil {
			return worked, err
		}
		select {
		case <-l.c.redial:
			return worked, errRedial
		default:
		}
		if renew.fired.Swap(false) {
			l.pfs.draining = true
		}
		if timer.fired.Swap(false) {
			armed = time.Time{}
			events, err := l.eng.OnTimer(l.now())
			l.deliver(ctx, events)
			if err != nil {
				return worked, err
			}
		}
		if len(l.calls) > 0 {
			// Calls are in flight, so callers are concurrent: let those about to invoke
			// do so, so their calls share a container. A lone caller's call goes at once.
			runtime.Gosched()
		}
		l.drainMailbox()
	}
}

// alarm is a timer that tells the loop it fired through a wake function (the mailbox's
// signal) and a flag the loop checks after each wake-up, instead of through a channel of its
// own the loop would have to select on.
type alarm struct {
	t     *time.Timer
	fired atomic.Bool
}

// newAlarm returns a stopped alarm that calls wake when it fires.
func newAlarm(wake func()) *alarm {
	a := new(alarm)
	a.t = time.AfterFunc(time.Hour, func() {
		a.fired.Store(true)
		wake()
	})
	a.t.Stop()
	return a
}

func (a *alarm) reset(d time.Duration) { a.t.Reset(d) }

func (a *alarm) stop() { a.t.Stop() }

// readPackets forwards packets until the connection fails, then stores the error in *errp and
// closes out. Each packet is copied out of the transport's buffer: results handed to callers
// point into it.
func readPackets(pc PacketConn, out chan<- []byte, errp *error) {
	defer close(out)
	for {
		p, err := pc.ReadPacket()
		if err != nil {
			*errp = err
			return
		}
		cp := make([]byte, len(p))
		copy(cp, p)
		out <- cp
	}
}

// idle waits out a backoff interval, still taking calls and cancellations.
func (l *loop) idle(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.c.box.notify:
			l.drainMailbox()
		case <-l.c.redial:
			return nil
		case <-t.C:
			return nil
		}
	}
}

// flush writes every packet the engine has ready.
func (l *loop) flush(pc PacketConn, now time.Time) error {
	for l.eng.HasPending(now) {
		pkt, sent, err := l.eng.Flush(now, l.wbuf[:0])
		if err != nil {
			return err
		}
		for _, id := range sent {
			if cl := l.calls[id]; cl != nil && cl.sent != nil {
				cl.sent(l.eng.MsgID(id))
			}
		}
		if len(pkt) == 0 {
			return nil
		}
		l.wbuf = pkt[:0]
		if err := pc.WritePacket(pkt); err != nil {
			return fmt.Errorf("session: write: %w", err)
		}
	}
	return nil
}

// arm makes the alarm fire by the engine's next deadline and returns the deadline now armed.
// It resets the alarm only for a deadline earlier than the armed one (or when none is armed):
// the ack deadline every answer sets, and the next call's packet clears, then costs no timer
// operation per call. An alarm that fires before the engine needs it finds nothing due in
// OnTimer and is armed again.
func (l *loop) arm(a *alarm, armed, now time.Time) time.Time {
	d := l.eng.NextDeadline()
	if d.IsZero() || (!armed.IsZero() && !d.Before(armed)) {
		return armed
	}
	a.reset(max(d.Sub(now), 0))
	return d
}

// drainMailbox takes every call and cancellation callers left.
func (l *loop) drainMailbox() {
	box := &l.c.box
	box.mu.Lock()
	calls, cancels, drops := box.calls, box.cancels, box.drops
	box.calls, box.cancels, box.drops = l.spare, l.spareID, nil
	box.mu.Unlock()
	for _, d := range drops {
		d.done <- l.drop(d.msgID)
	}
	for _, cl := range calls {
		l.accept(cl)
	}
	for _, id := range cancels {
		l.cancel(id)
	}
	clear(calls)
	l.spare, l.spareID = calls[:0], cancels[:0]
}

// holding reports whether new calls must wait instead of going to the engine: there is no
// engine yet, the temporary key is not bound yet, or it is being renewed.
func (l *loop) holding() bool {
	return l.eng == nil || l.pfs.draining || l.pfs.key != nil && !l.pfs.bound
}

func (l *loop) accept(cl *call) {
	if l.holding() {
		l.waiting = append(l.waiting, cl)
		return
	}
	if err := l.eng.Enqueue(cl.id, cl.buf.Buf, cl.opts); err != nil {
		cl.res <- result{err: err}
		return
	}
	l.calls[cl.id] = cl
}

// cancel removes a call its caller gave up on. A call whose caller lent its bytes
// (CallOptions.Borrowed) is answered, so the caller knows the loop has let go of them.
func (l *loop) cancel(id mtp.CallID) {
	if cl, ok := l.calls[id]; ok {
		delete(l.calls, id)
		l.eng.Cancel(id)
		l.letGo(cl)
		return
	}
	for i, cl := range l.waiting {
		if cl.id == id {
			l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
			l.letGo(cl)
			return
		}
	}
}

func (l *loop) letGo(cl *call) {
	if len(cl.opts.Borrowed) > 0 {
		cl.res <- result{err: context.Canceled}
	}
}

// deliver acts on engine events: answers go to their callers, updates to the handler.
func (l *loop) deliver(ctx context.Context, events []mtp.Event) {
	for _, ev := range events {
		switch ev.Kind {
		case mtp.EventResult, mtp.EventRPCError, mtp.EventFailed:
			if ev.Call == l.pfs.binding && ev.Call != 0 {
				l.bound(ev)
				continue
			}
			cl := l.calls[ev.Call]
			if cl == nil {
				continue
			}
			delete(l.calls, ev.Call)
			switch ev.Kind {
			case mtp.EventResult:
				cl.res <- result{body: ev.Body}
			case mtp.EventRPCError:
				cl.res <- result{err: ParseRPCError(ev.ErrorCode, ev.ErrorMessage)}
			default:
				cl.res <- result{err: ev.Err}
			}
		case mtp.EventUpdate:
			l.pushUpdate(updateMsg{body: ev.Body})
		case mtp.EventNewSession:
			l.pushUpdate(updateMsg{newSession: true})
		}
	}
}

func (l *loop) pushUpdate(u updateMsg) {
	if l.updates != nil {
		l.updates.push(u)
	}
}

// maxQueuedUpdates bounds the pushes waiting for the update handler. Beyond it the handler
// is far behind (a message handler stuck, a flood of updates): later pushes are dropped and
// one new-session notice follows the kept ones, so a NewSessionHandler fetches what was
// dropped with updates.getDifference once it gets there, as after a lost connection. Memory
// then stays bounded however long the handler takes (it grew by some 75 bytes per push held).
// getDifference brings back only what has a pts or qts: a dropped push without one (a button
// press, an inline query, typing) is lost, so the drops are logged at Warn and counted
// (Stats.DroppedUpdates). A handler that hands pushes on quickly (the client's queues them
// itself, bounded by what each update is) keeps this queue short.
const maxQueuedUpdates = 1024

// updateQueue hands updates from the loop to the handler, run in order on a goroutine of its
// own. The loop never waits for the handler, which may itself be waiting on a call
// (updates.getDifference) only the loop can complete: a full queue drops (see
// maxQueuedUpdates) instead. The goroutine runs only while updates are queued, so an idle
// connection has none.
type updateQueue struct {
	handle func(updateMsg)
	log    *slog.Logger  // nil: no record of drops
	total  *atomic.Int64 // nil, or counts every push dropped (Stats.DroppedUpdates)

	mu      sync.Mutex
	items   []updateMsg
	spare   []updateMsg // the drained batch's slice, for the next one
	running bool        // a goroutine is draining the queue
	dropped int         // pushes dropped because the queue was full, since it last emptied
	wg      sync.WaitGroup
}

// push queues u and starts the draining goroutine unless it runs. A full queue drops u and
// ends with a new-session notice.
func (q *updateQueue) push(u updateMsg) {
	q.mu.Lock()
	if n := len(q.items); n >= maxQueuedUpdates {
		if !q.items[n-1].newSession {
			q.items = append(q.items, updateMsg{newSession: true})
		}
		first := !u.newSession && q.drop()
		q.mu.Unlock()
		if first && q.log != nil { // not under mu: a slow log sink would hold the handler too
			q.log.Warn("session: update handler far behind, dropping pushes until it catches up",
				slog.Int("queued", maxQueuedUpdates))
		}
		return
	}
	defer q.mu.Unlock()
	q.items = append(q.items, u)
	if !q.running {
		q.running = true
		q.wg.Add(1)
		go q.drain()
	}
}

// drop counts a push dropped by a full queue and reports whether it is the first of a run of
// drops (push logs that one). Called with mu held.
func (q *updateQueue) drop() bool {
	q.dropped++
	if q.total != nil {
		q.total.Add(1)
	}
	return q.dropped == 1
}

// drain handles queued updates in order until the queue is empty.
func (q *updateQueue) drain() {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		items := q.items
		if len(items) == 0 {
			q.running = false
			dropped := q.dropped
			q.dropped = 0
			q.mu.Unlock()
			if dropped > 0 && q.log != nil {
				q.log.Warn("session: pushes dropped while the update handler was behind; those without a pts or qts are lost",
					slog.Int("dropped", dropped))
			}
			return
		}
		q.items, q.spare = q.spare[:0], nil
		q.mu.Unlock()
		for _, u := range items {
			q.handle(u)
		}
		clear(items)
		q.mu.Lock()
		q.spare = items[:0]
		q.mu.Unlock()
	}
}

// close waits until every queued update has been handled. Only the loop pushes, and it has
// ended when close is called.
func (q *updateQueue) close() { q.wg.Wait() }

func (l *loop) handleUpdate(ctx context.Context, u updateMsg) {
	h := l.c.opts.Updates
	var err error
	switch ns, ok := h.(NewSessionHandler); {
	case u.newSession && ok:
		err = ns.HandleNewSession(ctx)
	case !u.newSession:
		err = h.HandleUpdates(ctx, u.body)
	}
	if err != nil {
		l.log.Warn("session: update handler failed", slog.Any("err", err))
	}
}

// saveIfChanged stores the salt and time offset when the engine changed them.
func (l *loop) saveIfChanged(ctx context.Context, now time.Time) {
	salt, off := l.eng.Salt(now), l.eng.TimeOffset()
	if salt == l.sess.Salt && off == l.sess.TimeOffset {
		return
	}
	l.sess.Salt, l.sess.TimeOffset = salt, off
	l.publish()
	l.save(ctx)
}

// save writes the session to the store. A failing store does not stop the connection: the state
// stays in memory (and in Conn.Session) and the next change tries again.
func (l *loop) save(ctx context.Context) {
	if l.c.opts.Store == nil {
		return
	}
	if err := l.c.opts.Store.Save(ctx, l.sess); err != nil {
		l.log.Warn("session: save failed", slog.Any("err", err))
	}
}

// publish makes the loop's session visible to Conn.Session.
func (l *loop) publish() {
	l.c.mu.Lock()
	l.c.sess = l.sess.Clone()
	l.c.mu.Unlock()
}

func (c *Conn) markReady() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.isReady {
		c.isReady = true
		close(c.ready)
	}
}

// shutdown fails every pending call with the reason Run ends and closes the mailbox.
func (l *loop) shutdown(err error) {
	callErr := ErrClosed
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		callErr = fmt.Errorf("%w: %w", ErrClosed, err)
	}
	box := &l.c.box
	box.mu.Lock()
	box.closed, box.err = true, callErr
	left, drops := box.calls, box.drops
	box.calls, box.cancels, box.drops = nil, nil, nil
	box.mu.Unlock()
	for _, d := range drops {
		d.done <- callErr
	}
	l.c.mu.Lock()
	l.c.exitErr = callErr
	l.c.mu.Unlock()
	for _, cl := range l.calls {
		cl.res <- result{err: callErr}
	}
	for _, cl := range l.waiting {
		cl.res <- result{err: callErr}
	}
	for _, cl := range left {
		cl.res <- result{err: callErr}
	}
	clear(l.calls)
	l.waiting = nil
}
