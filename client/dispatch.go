package mtgo

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MessageHandler handles one incoming message. An error is logged; it does not stop other
// handlers or later messages.
type MessageHandler func(ctx context.Context, msg *types.Message) error

// maxQueuedPerWorker bounds the messages waiting for handlers; Dispatch blocks beyond it, which
// slows the update engine down instead of growing memory.
const maxQueuedPerWorker = 1024

// OnMessage registers a handler for new incoming messages (in private chats, groups and
// channels). Handlers run on Config.Workers goroutines: the messages of one chat are handled
// one at a time in order, different chats in parallel. A handler that returns an error or
// panics is logged and the others keep running. Handlers run only with the default
// dispatcher (see SetDispatcher); ctx is cancelled when the client stops.
func (c *Client) OnMessage(h func(ctx context.Context, msg *types.Message) error) {
	if h == nil {
		return
	}
	c.msgs.add(h)
}

// messageDispatcher is the default Dispatcher: it turns new messages into types.Message and
// runs the handlers on a bounded set of goroutines keyed by chat. Goroutines exist only while
// there is work: none run when the client is idle.
type messageDispatcher struct {
	c *Client

	mu       sync.Mutex
	cond     *sync.Cond // signalled when queued work shrinks or the dispatcher closes
	handlers []MessageHandler
	chats    map[int64]*chatQueue
	ready    []int64 // chats with queued messages and no goroutine
	running  int
	queued   int
	closed   bool
	wg       sync.WaitGroup
}

// chatQueue holds the messages of one chat waiting for their turn.
type chatQueue struct {
	msgs    []queued
	busy    bool // a goroutine is handling this chat
	inReady bool
}

// queued is a message waiting for the handlers.
type queued struct {
	msg *types.Message
	raw *tg.Message
	// fetch: neither the updates nor the peer cache knew a user the message names, so the
	// worker fetches the message again (its answer carries the users) before the handlers run.
	fetch bool
	// batch, when set, is told when the handlers finished this message (or it was dropped).
	batch *sync.WaitGroup
}

func newMessageDispatcher(c *Client) *messageDispatcher {
	d := &messageDispatcher{c: c, chats: map[int64]*chatQueue{}}
	d.cond = sync.NewCond(&d.mu)
	return d
}

func (d *messageDispatcher) add(h MessageHandler) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handlers = append(d.handlers, h)
}

// Dispatch implements Dispatcher: it queues the messages and returns.
func (d *messageDispatcher) Dispatch(u tg.UpdatesClass) { d.dispatch(u, nil) }

// handlerStopGrace is how long the update engine's handler still waits for running
// handlers once the engine is being stopped (Stop, Disconnect), so a handler that waits for
// its context cannot hold the stop forever.
var handlerStopGrace = 5 * time.Second // a variable for tests

// dispatchAndWait queues the messages of u and returns when the handlers finished all of them
// (the messages of one chat in order, different chats in parallel), or the dispatcher closed.
// The update engine's handler uses it, so the engine commits a batch only after it was
// handled: a stop or crash before that delivers the batch again in the next run. When ctx
// ends (the engine is stopping) it waits handlerStopGrace more and then fails, which leaves
// the batch uncommitted: delivered again by the next run rather than lost.
func (d *messageDispatcher) dispatchAndWait(ctx context.Context, u tg.UpdatesClass) error {
	var wg sync.WaitGroup
	d.dispatch(u, &wg)
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	t := time.NewTimer(handlerStopGrace)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return fmt.Errorf("mtgo: message handlers still running when the update engine stopped: %w", ctx.Err())
	}
}

func (d *messageDispatcher) dispatch(u tg.UpdatesClass, batch *sync.WaitGroup) {
	d.mu.Lock()
	none := len(d.handlers) == 0
	d.mu.Unlock()
	if none {
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
	batchUser := func(id int64) bool {
		for _, x := range users {
			if x, ok := x.(*tg.User); ok && x.ID == id {
				return true
			}
		}
		return false
	}
	for _, up := range list {
		var m tg.MessageClass
		switch up := up.(type) {
		case *tg.UpdateNewMessage:
			m = up.Message
		case *tg.UpdateNewChannelMessage:
			m = up.Message
		default:
			continue
		}
		raw, ok := m.(*tg.Message)
		if !ok || raw.Out {
			continue
		}
		if !entsReady {
			ents, entsReady = types.NewEntities(users, chats), true
		}
		msg := types.NewMessage(clientAPI{c: d.c}, raw, ents)
		if msg == nil || msg.Chat == nil {
			continue
		}
		fetch := false
		if _, channel := up.(*tg.UpdateNewChannelMessage); !channel {
			for _, p := range []tg.PeerClass{raw.PeerID, raw.FromID} {
				if pu, ok := p.(*tg.PeerUser); ok && !batchUser(pu.UserID) && !d.c.knownUser(pu.UserID) {
					fetch = true
					break
				}
			}
		}
		if !fetch {
			d.c.msgCache.add(msg) // else once completeSender has filled it in
		}
		d.enqueue(msg.Chat.ID, queued{msg: msg, raw: raw, fetch: fetch, batch: batch})
	}
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
		return
	}
	q := d.chats[chat]
	if q == nil {
		q = &chatQueue{}
		d.chats[chat] = q
	}
	q.msgs = append(q.msgs, msg)
	d.queued++
	if msg.batch != nil {
		msg.batch.Add(1)
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
		handlers := d.handlers
		d.cond.Broadcast()
		d.mu.Unlock()

		if msg.fetch {
			d.completeSender(msg)
			d.c.msgCache.add(msg.msg)
		}
		d.run(handlers, msg.msg)
		if msg.batch != nil {
			msg.batch.Done()
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
		c.Log.Debug("fetch the sender of a new message", "msg", q.msg.ID, "err", err)
		return
	}
	users, _ := peers.Entities(res.MessagesMessages)
	from, ok := q.raw.FromID.(*tg.PeerUser)
	if !ok {
		from, ok = q.raw.PeerID.(*tg.PeerUser)
	}
	if !ok || q.msg.Outgoing {
		return
	}
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u.ID == from.UserID {
			q.msg.From = types.NewUser(u)
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

// run calls every handler on msg; errors and panics are logged.
func (d *messageDispatcher) run(handlers []MessageHandler, msg *types.Message) {
	ctx := d.c.life
	for _, h := range handlers {
		if err := d.call(ctx, h, msg); err != nil {
			d.c.Log.Error("message handler failed", "chat", msg.Chat.ID, "msg", msg.ID, "err", err)
		}
	}
}

func (d *messageDispatcher) call(ctx context.Context, h MessageHandler, msg *types.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v\n%s", r, debug.Stack())
		}
	}()
	return h(ctx, msg)
}

// close drops queued messages and waits for running handlers. The update engine is stopped
// before, and its handler waits for the messages it handed over, so nothing the engine
// committed is dropped here.
func (d *messageDispatcher) close() {
	d.mu.Lock()
	d.closed = true
	for _, q := range d.chats {
		for _, m := range q.msgs {
			if m.batch != nil {
				m.batch.Done()
			}
		}
	}
	d.chats = map[int64]*chatQueue{}
	d.ready = nil
	d.queued = 0
	d.cond.Broadcast()
	d.mu.Unlock()
	d.wg.Wait()
}
