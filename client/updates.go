package mtgo

import (
	"context"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// pushHandler receives what the home connection pushes (session.UpdateHandler and
// session.NewSessionHandler).
type pushHandler struct{ c *Client }

// HandleUpdates implements session.UpdateHandler.
func (h pushHandler) HandleUpdates(_ context.Context, body []byte) error {
	h.c.onPush(body)
	return nil
}

// HandleNewSession implements session.NewSessionHandler: updates may have been lost, so the
// update engine fetches the difference when it can.
func (h pushHandler) HandleNewSession(ctx context.Context) error {
	if r, ok := h.c.updates.(interface{ Reconnected(context.Context) error }); ok && h.c.updatesRunning() {
		return r.Reconnected(ctx)
	}
	return nil
}

func (c *Client) updatesRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.updCancel != nil
}

// onPush decodes one pushed object; anything but an Updates object is ignored.
func (c *Client) onPush(body []byte) {
	var b tl.Buffer
	b.ResetTo(body)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		c.Log.Warn("undecodable update dropped", "err", err)
		return
	}
	c.HandleUpdates(u)
}

// HandleUpdates feeds updates into the client's pipeline as if the server had pushed them:
// the peer cache learns their users and chats, the update engine orders them and the
// dispatcher routes them to the handlers. Unless NoUpdates, everything goes through the
// engine, also while it is not running (before login, between Disconnect and Connect): it
// keeps the input and orders it once it runs, so nothing bypasses the sequence checks. The
// engine's input is bounded; beyond it the call waits for the engine (or for Stop). With
// NoUpdates the updates go to the dispatcher directly.
func (c *Client) HandleUpdates(updates tg.UpdatesClass) {
	if updates == nil {
		return
	}
	c.learnUpdates(updates)
	if c.updates != nil {
		if err := c.updates.HandleUpdates(c.life, updates); err != nil && c.life.Err() == nil {
			c.Log.Warn("update engine rejected updates", "err", err)
		}
		return
	}
	c.dispatch(expandShort(updates, c.selfID()))
}

// Deliver implements UpdateSink: the update engine hands over ordered updates here. It runs
// inside the engine's Handler, so it makes no network call: a call could wait on the push
// path, which waits on the engine. A new message whose sender came neither with the updates
// nor earlier is fetched by the dispatcher's worker for the message's chat, outside this
// handler (see messageDispatcher.completeSender).
//
// With the default dispatcher it returns only when the OnMessage handlers finished the batch,
// so the engine saves the state after the handlers ran (at least once across a stop or crash).
// When ctx ends (a stop) the handlers get a few more seconds; after that Deliver fails, so the
// batch stays uncommitted and the next run delivers it again. A Dispatcher set with
// SetDispatcher is done with a batch when its Dispatch returns.
func (c *Client) Deliver(ctx context.Context, u tg.UpdatesClass) error {
	c.learnUpdates(u)
	d := c.currentDispatcher()
	if d == Dispatcher(c.msgs) {
		return c.msgs.dispatchAndWait(ctx, u)
	}
	if d != nil {
		d.Dispatch(u)
	}
	return nil
}

// knownUser reports whether the peer cache has the user with id.
func (c *Client) knownUser(id int64) bool {
	_, ok := c.peers.Lookup(id)
	return ok
}

func (c *Client) dispatch(u tg.UpdatesClass) {
	if d := c.currentDispatcher(); d != nil {
		d.Dispatch(u)
	}
}

func (c *Client) selfID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.userID
}

// learnUpdates records the users and chats that came with updates.
func (c *Client) learnUpdates(u tg.UpdatesClass) {
	switch u := u.(type) {
	case *tg.Updates:
		c.peers.Learn(u.Users, u.Chats)
	case *tg.UpdatesCombined:
		c.peers.Learn(u.Users, u.Chats)
	}
}

// absorb handles a call's result: users and chats go to the peer cache, updates to the update
// pipeline (so pts stays in step with what the account did).
func (c *Client) absorb(ctx context.Context, obj tl.Object) {
	if obj == nil {
		return
	}
	if u, ok := obj.(tg.UpdatesClass); ok {
		c.learnUpdates(u)
		if c.updates != nil {
			c.feedEngine(func(ctx context.Context) error { return c.updates.HandleUpdates(ctx, u) })
		}
		return
	}
	var users []tg.UserClass
	var chats []tg.ChatClass
	if v, ok := obj.(*Vector); ok {
		for _, e := range v.Elems {
			u, c := peers.Entities(e)
			users, chats = append(users, u...), append(chats, c...)
		}
	} else {
		users, chats = peers.Entities(obj)
	}
	if len(users) > 0 || len(chats) > 0 {
		c.peers.Learn(users, chats)
	}
}

// resultFeed hands the updates that calls returned to the update engine, in order, on a
// goroutine of its own that exists while there is work. A call's caller never waits for the
// engine: OnMessage handlers run while the engine's handler waits for them, so a handler whose
// call waited for room in the engine's input would wait for itself.
type resultFeed struct {
	mu      sync.Mutex
	pending []func(context.Context) error
	running bool
	closed  bool
	wg      sync.WaitGroup
}

// feedEngine queues f (which feeds the engine) for the result feed.
func (c *Client) feedEngine(f func(context.Context) error) {
	rf := &c.results
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.closed {
		return
	}
	rf.pending = append(rf.pending, f)
	if rf.running {
		return
	}
	rf.running = true
	rf.wg.Add(1)
	go c.runFeed()
}

func (c *Client) runFeed() {
	rf := &c.results
	defer rf.wg.Done()
	var batch []func(context.Context) error
	for {
		rf.mu.Lock()
		if len(rf.pending) == 0 {
			rf.running = false
			rf.mu.Unlock()
			return
		}
		batch, rf.pending = rf.pending, batch[:0]
		rf.mu.Unlock()
		for i, f := range batch {
			if err := f(c.life); err != nil && c.life.Err() == nil {
				c.Log.Debug("update engine rejected a result", "err", err)
			}
			batch[i] = nil
		}
	}
}

// closeFeed stops the result feed (after Stop cancelled the client's lifetime) and waits for it.
func (c *Client) closeFeed() {
	c.results.mu.Lock()
	c.results.closed = true
	c.results.mu.Unlock()
	c.results.wg.Wait()
}

// startUpdates runs the update engine while the client is connected and logged in.
func (c *Client) startUpdates() {
	if c.updates == nil {
		return
	}
	c.mu.Lock()
	if c.updCancel != nil || c.closed || c.userID == 0 || c.home == nil {
		c.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(c.life)
	done := make(chan struct{})
	c.updCancel, c.updDone = cancel, done
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		defer close(done)
		if err := c.updates.Run(ctx); err != nil && ctx.Err() == nil {
			c.Log.Error("update engine stopped", "err", err)
		}
	}()
}

// waitUpdates waits (bounded by ctx and Config.RequestTimeout) until the update engine knows
// its starting state, so that updates caused after Connect or Login returns are delivered.
func (c *Client) waitUpdates(ctx context.Context) {
	r, ok := c.updates.(interface{ Ready() <-chan struct{} })
	if !ok || !c.updatesRunning() {
		return
	}
	t := time.NewTimer(c.cfg.RequestTimeout)
	defer t.Stop()
	select {
	case <-r.Ready():
	case <-ctx.Done():
	case <-t.C:
		c.Log.Warn("update engine is still catching up")
	}
}

// stopUpdates stops the update engine and waits for it.
func (c *Client) stopUpdates() {
	c.mu.Lock()
	cancel, done := c.updCancel, c.updDone
	c.updCancel, c.updDone = nil, nil
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// expandShort turns the short update forms into tg.Updates with full message objects, for
// delivery without the update engine (which does the same itself).
func expandShort(u tg.UpdatesClass, self int64) tg.UpdatesClass {
	switch s := u.(type) {
	case *tg.UpdateShort:
		return &tg.Updates{Updates: []tg.UpdateClass{s.Update}, Date: s.Date}
	case *tg.UpdateShortMessage:
		from := s.UserID
		if s.Out {
			from = self
		}
		m := &tg.Message{
			Out: s.Out, Mentioned: s.Mentioned, MediaUnread: s.MediaUnread, Silent: s.Silent,
			ID: s.ID, FromID: &tg.PeerUser{UserID: from}, PeerID: &tg.PeerUser{UserID: s.UserID},
			FwdFrom: s.FwdFrom, ViaBotID: s.ViaBotID, ReplyTo: s.ReplyTo, Date: s.Date,
			Message: s.Message, Entities: s.Entities, TTLPeriod: s.TTLPeriod,
		}
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: m, Pts: s.Pts, PtsCount: s.PtsCount}}, Date: s.Date}
	case *tg.UpdateShortChatMessage:
		m := &tg.Message{
			Out: s.Out, Mentioned: s.Mentioned, MediaUnread: s.MediaUnread, Silent: s.Silent,
			ID: s.ID, FromID: &tg.PeerUser{UserID: s.FromID}, PeerID: &tg.PeerChat{ChatID: s.ChatID},
			FwdFrom: s.FwdFrom, ViaBotID: s.ViaBotID, ReplyTo: s.ReplyTo, Date: s.Date,
			Message: s.Message, Entities: s.Entities, TTLPeriod: s.TTLPeriod,
		}
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: m, Pts: s.Pts, PtsCount: s.PtsCount}}, Date: s.Date}
	}
	return u
}

// lateClient holds the client for the layers built before it (peer cache, update engine);
// NewClient sets it once the client exists.
type lateClient struct {
	mu sync.RWMutex
	c  *Client
}

func (l *lateClient) set(c *Client) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.c = c
}

// get returns the client, nil before NewClient has built it.
func (l *lateClient) get() *Client {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.c
}

// lateInvoker is the tg.Invoker those layers call through; it forwards to the client.
type lateInvoker struct{ lateClient }

// Invoke implements tg.Invoker.
func (l *lateInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	c := l.get()
	if c == nil {
		return ErrNotConnected
	}
	return c.invoker().Invoke(ctx, in, out)
}

// lateSink is the UpdateSink handed to the update engine; it forwards to the client.
type lateSink struct{ lateClient }

// Deliver implements UpdateSink.
func (l *lateSink) Deliver(ctx context.Context, u tg.UpdatesClass) error {
	c := l.get()
	if c == nil {
		return nil
	}
	return c.Deliver(ctx, u)
}
