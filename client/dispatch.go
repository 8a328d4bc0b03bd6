package mtgo

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxQueuedPerWorker bounds the updates waiting for handlers; Dispatch blocks beyond it, which
// slows the update engine down instead of growing memory.
const maxQueuedPerWorker = 1024

// messageDispatcher is the default Dispatcher: it turns the updates some handler takes into
// their typed values (types.Message, types.CallbackQuery) and runs the handlers on a bounded
// set of goroutines keyed by chat. Goroutines exist only while there is work: none run when
// the client is idle.
type messageDispatcher struct {
	c   *Client
	reg *registry // the handlers, read without a lock
	// waits are the updates conversations wait for (see Conversation).
	waits waitList

	mu      sync.Mutex
	cond    *sync.Cond // signalled when queued work shrinks or the dispatcher closes
	chats   map[int64]*chatQueue
	ready   []int64 // chats with queued messages and no goroutine
	running int
	queued  int
	closed  bool
	// stopping: Stop no longer waits for the handlers of committed batches (waitCommitted
	// returned), so it is about to end their context.
	stopping bool
	wg       sync.WaitGroup
	commits  []*batchWait // batches committed before they were handled (commit)
	// commitsKept is how many commits were left when done ones were last forgotten.
	commitsKept int
}

// chatQueue holds the updates of one chat waiting for their turn.
type chatQueue struct {
	msgs    []queued
	busy    bool // a goroutine is handling this chat
	inReady bool
	// detached: the running handler waits in a conversation, so the updates queued behind it
	// no longer hold their batch (see Context.release).
	detached bool
}

// queued is an update waiting for the handlers.
type queued struct {
	kind   updateKind
	extras uint32      // extraOutgoing, extraService
	ctx    *Context    // the update and its typed value, as the handlers will see it
	raw    *tg.Message // the message as received, for fetch
	// fetch: neither the updates nor the peer cache knew a user the message names, so the
	// worker fetches the message again (its answer carries the users) before the handlers run.
	fetch bool
	// batch, when set, is told when the handlers finished this message (or it was dropped).
	batch *batchWait
}

// batchWait tells dispatchAndWait when every update of its batch was handled (or dropped).
// It counts the queued updates plus one held by the dispatch itself, so the count cannot
// reach zero before all were queued.
type batchWait struct {
	n    atomic.Int64
	done chan struct{} // closed when n reaches zero
	// committed is set once the update engine counted the batch as handled before its
	// handlers finished it (see dispatchAndWait): finish then wakes a Stop waiting for it
	// (waitCommitted).
	committed atomic.Pointer[messageDispatcher]
	// unhandled is set when an update of the batch was dropped unhandled (the dispatcher was
	// closed before or while it was queued), or when Stop ended the client's context while the
	// batch's handlers ran or before they began (waitCommitted).
	unhandled atomic.Bool
}

func newBatchWait() *batchWait {
	b := &batchWait{done: make(chan struct{})}
	b.n.Store(1)
	return b
}

func (b *batchWait) add() { b.n.Add(1) }

// err is ErrClientClosed when the batch is unhandled (the dispatcher dropped an update of it,
// or Stop ended the context of its handlers), so that its caller does not count the batch as
// handled (a fan-out worker's acknowledgement, the update engine's commit).
func (b *batchWait) err() error {
	if b.unhandled.Load() {
		return fmt.Errorf("mtgo: updates dropped unhandled: %w", ErrClientClosed)
	}
	return nil
}

// finish marks one update (or the dispatch's own hold) done.
func (b *batchWait) finish() {
	if d := b.count(); d != nil {
		d.wake()
	}
}

// finishLocked is finish for a caller that holds the dispatcher's mu.
func (b *batchWait) finishLocked() {
	if d := b.count(); d != nil {
		d.cond.Broadcast()
	}
}

// count takes one from n and returns the dispatcher to wake when the batch was committed.
// n is taken before committed is read, so a waitCommitted that missed the wake-up, having
// set committed after this read, still counts n without this update.
func (b *batchWait) count() *messageDispatcher {
	if b.n.Add(-1) == 0 {
		close(b.done)
	}
	return b.committed.Load()
}

// wake wakes every goroutine waiting on cond (waitCommitted, close, enqueue).
func (d *messageDispatcher) wake() {
	d.mu.Lock()
	d.cond.Broadcast()
	d.mu.Unlock()
}

func newMessageDispatcher(c *Client) *messageDispatcher {
	d := &messageDispatcher{c: c, reg: newRegistry(), chats: map[int64]*chatQueue{}}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// Dispatch implements Dispatcher: it queues the messages and returns.
func (d *messageDispatcher) Dispatch(u tg.UpdatesClass) { d.dispatch(u, nil) }

// handlerStopGrace is how long the update engine's handler still waits for running
// handlers once the engine is being stopped (Stop, Disconnect), so a handler that waits for
// its context cannot hold the stop forever.
var handlerStopGrace = 5 * time.Second // a variable for tests

// handlersBound returns how long the shutdown waits for the running handlers once it closed
// the dispatcher: for ever, unless Stop is called from a handler, which may wait for the
// stop (its context, Done) and cannot be told from the others: then until handlerStopGrace
// after both that Stop and the shutdown's start, whichever came first (a Stop from elsewhere
// may be under way when a handler calls Stop too). A handler still running then goes on after
// Done, with its context ended.
func (c *Client) handlersBound() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	var t *time.Timer
	var mu sync.Mutex // t is set by the AfterFunc, stopped by the cancel returned
	stop := context.AfterFunc(c.handlerStop.done(), func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			t = time.AfterFunc(handlerStopGrace, cancel)
		}
	})
	return ctx, func() {
		stop()
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if t != nil {
			t.Stop()
		}
	}
}

// stopSignal is ended when Stop is called from a handler (stopFromInside), whenever that
// comes: before the shutdown or while it runs (handlersBound).
type stopSignal struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func (s *stopSignal) init() {
	s.once.Do(func() { s.ctx, s.cancel = context.WithCancel(context.Background()) })
}

// done is a context that ends at the signal.
func (s *stopSignal) done() context.Context {
	s.init()
	return s.ctx
}

// fire gives the signal; more calls do nothing.
func (s *stopSignal) fire() {
	s.init()
	s.cancel()
}

// dispatchAndWait queues the messages of u and returns when the handlers finished all of them
// (the messages of one chat in order, different chats in parallel), or the dispatcher closed.
// The update engine's handler uses it, so the engine commits a batch only after it was
// handled: a stop or crash before that delivers the batch again in the next run. When ctx
// ends (the engine is stopping) it waits handlerStopGrace more and then fails, which leaves
// the batch uncommitted: delivered again by the next run rather than lost. When a handler
// stops the engine (Disconnect from a handler: errDisconnectInHandler is ctx's cause), it
// returns nil at once: that handler waits for the stop, so the batch counts as handled (not
// delivered again after the next Connect) and its handlers run on to their end. It fails
// with ErrClientClosed when the dispatcher closed (Stop) before an update of u was handled.
func (d *messageDispatcher) dispatchAndWait(ctx context.Context, u tg.UpdatesClass) error {
	return d.await(ctx, u, newBatchWait())
}

// handleAndWait is dispatchAndWait for HandleUpdatesWait, whose caller counts the batch as
// handled once it returns nil: nothing commits the batch later, so it is recorded as
// committed from the start. Stop then lets its handlers finish with a live context
// (waitCommitted), and the call fails with ErrClientClosed when they did not within the
// grace, or when the stop had gone past that wait before the batch came.
func (d *messageDispatcher) handleAndWait(ctx context.Context, u tg.UpdatesClass) error {
	batch := newBatchWait()
	d.commit(batch)
	return d.await(ctx, u, batch)
}

// await is dispatchAndWait with the batch to count u's updates in.
func (d *messageDispatcher) await(ctx context.Context, u tg.UpdatesClass, batch *batchWait) error {
	d.dispatch(u, batch)
	batch.finish()
	done := batch.done
	select {
	case <-done:
		return batch.err()
	case <-ctx.Done():
	}
	if errors.Is(context.Cause(ctx), errDisconnectInHandler) {
		d.commit(batch)
		return nil
	}
	t := time.NewTimer(handlerStopGrace)
	defer t.Stop()
	select {
	case <-done:
		return batch.err()
	case <-t.C:
		return fmt.Errorf("mtgo: message handlers still running when the update engine stopped: %w", ctx.Err())
	}
}

// commit records a batch the update engine counts as handled while its handlers still run
// or wait in the queue, so that Stop lets them finish before it ends the client's context
// and drops the queue (waitCommitted).
func (d *messageDispatcher) commit(b *batchWait) {
	d.mu.Lock()
	defer d.mu.Unlock()
	// Batches done since are forgotten here too, not only by a Stop: a bot whose handler
	// reconnects now and then for months keeps only the batches still running.
	d.forgetDone()
	d.commitLocked(b)
}

// commitLocked records b as committed. Called with mu held.
func (d *messageDispatcher) commitLocked(b *batchWait) {
	if d.stopping { // its handlers would run with the client's context ending
		b.unhandled.Store(true)
	}
	b.committed.Store(d)
	d.commits = append(d.commits, b)
}

// forgetDone drops the committed batches that are done. Called with mu held.
func (d *messageDispatcher) forgetDone() {
	d.commits = slices.DeleteFunc(d.commits, func(w *batchWait) bool { return w.n.Load() == 0 })
	d.commitsKept = len(d.commits)
}

// heldCommitted returns a batch for one update queued behind a handler waiting in a
// conversation: no dispatch waits for it, and it counts as committed, so Stop waits for its
// handlers (waitCommitted). Its count starts at zero: the caller adds the update at once.
// The batches done are forgotten once the list has doubled since, so that each update of a
// long conversation's chat costs no more than a few. Called with mu held.
func (d *messageDispatcher) heldCommitted() *batchWait {
	if len(d.commits) >= 2*max(d.commitsKept, 16) {
		d.forgetDone()
	}
	b := &batchWait{done: make(chan struct{})}
	d.commitLocked(b)
	return b
}

// waitCommitted waits until the handlers finished the batches committed before they were
// handled (commit), their queued updates included, or ctx ends. Stop calls it before it ends
// the client's context, so those handlers run with a live one. Called from a handler
// (inHandler), it does not wait for that handler, which may wait for the stop: it waits
// until no such update is queued and at most one runs. When ctx ends first, the batches left
// are marked unhandled (a HandleUpdatesWait call waiting for one fails); a batch committed
// later is marked so at once.
func (d *messageDispatcher) waitCommitted(ctx context.Context, inHandler bool) {
	defer context.AfterFunc(ctx, d.wake)()
	d.mu.Lock()
	defer d.mu.Unlock()
	defer func() { d.stopping = true }() // a batch recorded later cannot count on a live context
	for ctx.Err() == nil {
		left, queued := d.committedLeft()
		if left == 0 || inHandler && queued == 0 && left <= 1 {
			return
		}
		d.cond.Wait()
	}
	for _, b := range d.commits {
		if b.n.Load() > 0 {
			b.unhandled.Store(true)
		}
	}
}

// committedLeft returns how many updates of committed batches are not finished, and how
// many of those wait in the queue; it forgets the batches that are done. Called with mu held.
func (d *messageDispatcher) committedLeft() (left, queued int64) {
	d.commits = slices.DeleteFunc(d.commits, func(b *batchWait) bool {
		n := b.n.Load()
		left += n
		return n == 0
	})
	if left == 0 {
		return 0, 0
	}
	for _, q := range d.chats {
		for _, m := range q.msgs {
			if m.batch != nil && m.batch.committed.Load() != nil {
				queued++
			}
		}
	}
	return left, queued
}

func (d *messageDispatcher) dispatch(u tg.UpdatesClass, batch *batchWait) {
	table := d.reg.load()
	if table.empty() && !d.waits.any() {
		return
	}
	var list []tg.UpdateClass
	var users []tg.UserClass
	var chats []tg.ChatClass
	switch u := u.(type) {
	case *tg.Updates:
		list, users, chats = u.Updates, u.Users, u.Chats
	case *tg.UpdatesCombined:
		list, users, chats = u.Updates, u.Users, u.Chats
	case *tg.UpdateShort:
		list = []tg.UpdateClass{u.Update}
	default:
		return
	}
	var ents types.Entities
	entsReady := false
	entities := func() types.Entities {
		if !entsReady {
			ents, entsReady = types.NewEntities(users, chats), true
		}
		return ents
	}
	batchUser := func(id int64) bool {
		for _, x := range users {
			if x, ok := x.(*tg.User); ok && x.ID == id {
				return true
			}
		}
		return false
	}
	api := clientAPI{c: d.c}
	for _, up := range list {
		kind, m, channel := classify(up)
		if kind == kindBusinessConnection {
			d.c.bizDCs.learn(up) // where to send the calls through it (business.go)
		}
		extras := extrasOf(m)
		want := table.wants(kind, extras)
		if !want && !d.waits.any() {
			continue
		}
		ctx := &Context{Context: d.c.life, Client: d.c, Update: up, Entities: entities()}
		raw, _ := m.(*tg.Message)
		if isBusiness(kind) {
			raw = nil // the business account's message: not in this account's cache, not fetchable
		}
		q := queued{kind: kind, extras: extras, ctx: ctx, raw: raw, batch: batch}
		if raw != nil {
			d.c.fillProfiles(ctx.Entities, raw)
		}
		if !ctx.setValue(api, kind, m) {
			continue
		}
		if raw != nil {
			if !channel && !raw.Out {
				for _, p := range []tg.PeerClass{raw.PeerID, raw.FromID} {
					if pu, ok := p.(*tg.PeerUser); ok && !batchUser(pu.UserID) && !d.c.knownUser(pu.UserID) {
						q.fetch = true
						break
					}
				}
			}
			if !q.fetch {
				d.c.msgCache.add(ctx.Message) // else once completeSender has filled it in
			}
		}
		chat := ctx.queueKey()
		if extras == 0 && d.waits.any() && d.waits.offer(chat, ctx) {
			continue // a conversation took it
		}
		if want {
			d.enqueue(chat, q)
		}
	}
}

// classify returns the kind of an update and, for new and edited messages, the message
// (ordinary or service) and whether it came from a channel's own sequence.
func classify(up tg.UpdateClass) (kind updateKind, msg tg.MessageClass, channel bool) {
	var m tg.MessageClass
	switch up := up.(type) {
	case *tg.UpdateNewMessage:
		kind, m = kindMessage, up.Message
	case *tg.UpdateNewChannelMessage:
		kind, m, channel = kindMessage, up.Message, true
	case *tg.UpdateEditMessage:
		kind, m = kindEditedMessage, up.Message
	case *tg.UpdateEditChannelMessage:
		kind, m, channel = kindEditedMessage, up.Message, true
	case *tg.UpdateBotCallbackQuery, *tg.UpdateInlineBotCallbackQuery, *tg.UpdateBusinessBotCallbackQuery:
		return kindCallbackQuery, nil, false
	case *tg.UpdateBotInlineQuery:
		return kindInlineQuery, nil, false
	case *tg.UpdateDeleteMessages, *tg.UpdateDeleteChannelMessages:
		return kindDeletedMessages, nil, false
	case *tg.UpdateUserStatus:
		return kindUserStatus, nil, false
	case *tg.UpdateBotChatInviteRequester:
		return kindChatJoinRequest, nil, false
	case *tg.UpdateBotInlineSend:
		return kindChosenInlineResult, nil, false
	case *tg.UpdateBotMessageReaction:
		return kindMessageReaction, nil, false
	case *tg.UpdateMessagePollVote:
		return kindPollAnswer, nil, false
	case *tg.UpdateChatParticipant, *tg.UpdateChannelParticipant:
		return kindChatMember, nil, false
	case *tg.UpdateBotMessageReactions:
		return kindMessageReactionCount, nil, false
	case *tg.UpdateMessagePoll:
		return kindPoll, nil, false
	case *tg.UpdateStory:
		return kindStory, nil, false
	case *tg.UpdateBotChatBoost:
		return kindChatBoost, nil, false
	case *tg.UpdateBotPrecheckoutQuery:
		return kindPreCheckoutQuery, nil, false
	case *tg.UpdateBotPurchasedPaidMedia:
		return kindPurchasedPaidMedia, nil, false
	case *tg.UpdateBotGuestChatQuery:
		return kindGuestQuery, nil, false
	case *tg.UpdateManagedBot:
		return kindManagedBot, nil, false
	case *tg.UpdateBotShippingQuery:
		return kindShippingQuery, nil, false
	case *tg.UpdateBotBusinessConnect:
		return kindBusinessConnection, nil, false
	case *tg.UpdateBotNewBusinessMessage:
		kind, m = kindBusinessMessage, up.Message
	case *tg.UpdateBotEditBusinessMessage:
		kind, m = kindEditedBusinessMessage, up.Message
	case *tg.UpdateBotDeleteBusinessMessage:
		return kindDeletedBusinessMessages, nil, false
	default:
		return kindRaw, nil, false
	}
	switch m := m.(type) {
	case *tg.Message:
		if m != nil {
			return kind, m, channel
		}
	case *tg.MessageService:
		if m != nil {
			return kind, m, channel
		}
	}
	return kindRaw, nil, false
}

// Extras of an update that handlers take only when they accept them (Handler.AcceptOutgoing,
// Handler.AcceptService).
const (
	extraOutgoing uint32 = 1 << iota // a message the account sent
	extraService                     // a service message
)

// extrasOf returns the extras of a message update.
func extrasOf(m tg.MessageClass) uint32 {
	var x uint32
	switch m := m.(type) {
	case *tg.Message:
		if m.Out {
			x |= extraOutgoing
		}
	case *tg.MessageService:
		x |= extraService
		if m.Out {
			x |= extraOutgoing
		}
	}
	return x
}

// enqueue queues msg for its chat, starting a goroutine when fewer than Workers run.
func (d *messageDispatcher) enqueue(chat int64, msg queued) {
	workers := max(d.c.cfg.Workers, 1)
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.queued >= workers*maxQueuedPerWorker && !d.closed {
		d.cond.Wait()
	}
	if d.closed {
		if msg.batch != nil {
			msg.batch.unhandled.Store(true)
		}
		return
	}
	q := d.chats[chat]
	if q == nil {
		q = &chatQueue{}
		d.chats[chat] = q
	}
	if q.detached {
		msg.batch = d.heldCommitted() // the dispatch's batch does not wait for it
	}
	q.msgs = append(q.msgs, msg)
	d.queued++
	if msg.batch != nil {
		msg.batch.add()
	}
	if q.busy || q.inReady {
		return
	}
	if d.running < workers {
		d.running++
		q.busy = true
		d.wg.Add(1)
		go d.work(chat)
		return
	}
	q.inReady = true
	d.ready = append(d.ready, chat)
}

// work handles queued messages, one chat at a time, moving to the next ready chat after each
// message when others wait (round robin), and exits when nothing is queued.
func (d *messageDispatcher) work(chat int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.chats[chat]
		if d.closed || q == nil || len(q.msgs) == 0 {
			if q != nil && len(q.msgs) == 0 {
				delete(d.chats, chat)
			}
			next, ok := d.nextReady()
			if !ok {
				d.running--
				d.cond.Broadcast()
				d.mu.Unlock()
				return
			}
			chat = next
			d.mu.Unlock()
			continue
		}
		msg := q.msgs[0]
		q.msgs[0] = queued{}
		q.msgs = q.msgs[1:]
		d.queued--
		d.cond.Broadcast()
		d.mu.Unlock()

		if msg.fetch {
			d.completeSender(msg)
			d.c.msgCache.add(msg.ctx.Message)
		}
		if d.run(d.reg.load(), &msg, q) {
			d.mu.Lock()
			q.detached = false
			d.mu.Unlock()
		} else if msg.batch != nil {
			msg.batch.finish()
		}

		d.mu.Lock()
		if len(q.msgs) > 0 && len(d.ready) > 0 {
			// Let a waiting chat go first; this one rejoins the end of the line.
			q.busy, q.inReady = false, true
			d.ready = append(d.ready, chat)
			next, _ := d.nextReady()
			chat = next
		}
		d.mu.Unlock()
	}
}

// completeSender fetches a message whose sender nobody knew with messages.getMessages: its
// answer carries the users, which the peer cache learns (so handlers can answer the sender)
// and which fill in msg.From. It runs in the chat's worker, never inside the update engine's
// handler, so the call cannot wait on the push path the engine drains. A failure leaves From
// with the sender's id only.
func (d *messageDispatcher) completeSender(q queued) {
	c := d.c
	ctx, cancel := context.WithTimeout(c.life, c.cfg.RequestTimeout)
	defer cancel()
	var res tg.MessagesMessagesClassBox
	if err := c.invoker().Invoke(ctx, &tg.MessagesGetMessagesRequest{ID: []tg.InputMessageClass{&tg.InputMessageID{ID: q.raw.ID}}}, &res); err != nil {
		c.Log.Debug("fetch the sender of a new message", "msg", q.raw.ID, "err", err)
		return
	}
	users, _ := peers.Entities(res.MessagesMessages)
	from, ok := q.raw.FromID.(*tg.PeerUser)
	if !ok {
		from, ok = q.raw.PeerID.(*tg.PeerUser)
	}
	if !ok || q.raw.Out {
		return
	}
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u.ID == from.UserID {
			q.ctx.Message.From = types.NewUser(u)
			return
		}
	}
}

// nextReady takes the first ready chat and marks it busy. Called with mu held.
func (d *messageDispatcher) nextReady() (int64, bool) {
	if d.closed || len(d.ready) == 0 {
		return 0, false
	}
	chat := d.ready[0]
	d.ready = d.ready[1:]
	if q := d.chats[chat]; q != nil {
		q.inReady, q.busy = false, true
	}
	return chat, true
}

// run hands one update to the handlers of t: groups in ascending order; in each group the
// first handler whose kind matches and whose filters pass runs, and the next ones too while
// they return ErrContinuePropagation; ErrStopPropagation ends the update. Other errors and
// panics (of handlers and filters) go to the error handlers and the log.
//
// It reports whether a handler released the update's batch to wait in a conversation.
func (d *messageDispatcher) run(t *handlerTable, q *queued, cq *chatQueue) (released bool) {
	ctx := q.ctx
	ctx.disp, ctx.queue, ctx.batch = d, cq, q.batch
	d.walk(t, ctx, q)
	return ctx.finishRun()
}

// walk runs the handlers of t for the update q as run says.
func (d *messageDispatcher) walk(t *handlerTable, ctx *Context, q *queued) {
	for _, g := range t.groups {
		for i, h := range g.handlers {
			if (h.kind != kindRaw || q.kind.secret()) && (h.kind != q.kind || q.extras&^h.accept.Load() != 0) {
				continue
			}
			matched, err := try(ctx, h, g.runs[i])
			if !matched || errors.Is(err, ErrContinuePropagation) {
				continue
			}
			if errors.Is(err, ErrStopPropagation) {
				return
			}
			if err != nil {
				d.fail(t, ctx, err)
			}
			break
		}
	}
}

// detach releases the batch holds of the update a handler of cq runs (b) and of the updates
// queued behind it, and lets later ones join cq without holding theirs: that handler waits in a
// conversation for an update the engine can deliver only once the batch is done. The
// updates queued behind it then count as committed (heldCommitted), so that Stop, which ends
// the conversation first, lets them run with a live context.
func (d *messageDispatcher) detach(cq *chatQueue, b *batchWait) {
	d.mu.Lock()
	if cq != nil {
		cq.detached = true
		for i := range cq.msgs {
			if cq.msgs[i].batch != nil {
				cq.msgs[i].batch.finishLocked()
			}
			cq.msgs[i].batch = d.heldCommitted()
			cq.msgs[i].batch.add()
		}
	}
	d.mu.Unlock()
	if b != nil {
		b.finish()
	}
}

// try runs run (h inside the middleware) on ctx if h's filters pass, within h's timeout; a
// panic of a filter, the middleware or the handler becomes a *PanicError.
func try(ctx *Context, h *Handler, run HandlerFunc) (matched bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			matched, err = true, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	for _, f := range h.filters {
		if f != nil && !f(ctx) {
			return false, nil
		}
	}
	if limit := time.Duration(h.timeout.Load()); limit > 0 {
		base := ctx.Context
		c, cancel := context.WithTimeout(base, limit)
		ctx.Context = c
		defer func() {
			cancel()
			ctx.Context = base
		}()
	}
	return true, run(ctx)
}

// fail logs a handler's error and hands it to every error handler.
func (d *messageDispatcher) fail(t *handlerTable, ctx *Context, err error) {
	args := []any{"err", err}
	if chat := ctx.Chat(); chat != nil {
		args = append(args, "chat", chat.ID)
	}
	if m := ctx.Message; m != nil {
		args = append(args, "msg", m.ID)
	}
	var p *PanicError
	if errors.As(err, &p) {
		args = append(args, "stack", string(p.Stack))
	}
	d.c.Log.Error("handler failed", args...)
	for _, h := range t.errs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					d.c.Log.Error("error handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				}
			}()
			h.onErr(ctx, err)
		}()
	}
}

// close drops queued messages and waits for running handlers, or until ctx ends. The update
// engine is stopped before, and its handler waits for the messages it handed over, and Stop
// waits for those of the batches it committed sooner (waitCommitted), queued behind a
// conversation included, so nothing the engine committed is dropped here unless they outlast
// handlerStopGrace. What is dropped and no next start delivers again (committed, or never
// given to the engine: NoUpdates) is logged at Warn; the rest, of batches left uncommitted,
// comes again with the next start's difference when it has a pts or qts.
func (d *messageDispatcher) close(ctx context.Context) {
	defer context.AfterFunc(ctx, d.wake)()
	d.mu.Lock()
	d.closed = true
	lost := 0
	for _, q := range d.chats {
		for _, m := range q.msgs {
			if m.batch == nil || m.batch.committed.Load() != nil {
				lost++
			}
			if m.batch != nil {
				m.batch.unhandled.Store(true)
				m.batch.finishLocked()
			}
		}
	}
	if lost > 0 {
		d.c.Log.Warn("updates dropped unhandled at stop", "count", lost)
	}
	d.chats = map[int64]*chatQueue{}
	d.ready = nil
	d.queued = 0
	d.cond.Broadcast()
	for d.running > 0 && ctx.Err() == nil {
		d.cond.Wait()
	}
	d.mu.Unlock()
	if ctx.Err() == nil {
		d.wg.Wait() // the workers' last steps
	}
}
