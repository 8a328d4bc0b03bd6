package mtgo

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	upd "github.com/mtgo-labs/mtgo/updates"

	"github.com/mtgo-labs/mtgo/client/internal/engine"
)

// pushHandler is what Connect gives the engine (engine.PushBinder): Bind starts the link
// state of the new home connection and ties that connection's events to it.
type pushHandler struct{ c *Client }

var _ engine.PushBinder = pushHandler{}

// Bind resets the link state for the connection the engine's Connect starts (connectHome did
// already, unless the connection ended after its check) and returns the Pushes of that
// connection, carrying the state's new generation.
func (h pushHandler) Bind() engine.Pushes {
	return homePushes{c: h.c, gen: h.c.link.reset()}
}

// homePushes receives what the home connections of one Connect push. gen is the generation of
// the link state that Connect started: a late loss, redial or end of a connection an older
// Connect made is dropped under the state's mutex, so it cannot touch the new one's.
type homePushes struct {
	c   *Client
	gen uint64
}

var _ engine.Pushes = homePushes{}

// HandleUpdates implements session.UpdateHandler. The update engine's input is bounded, so a
// push may wait for room; ctx ends when the connection closes, which waits for this call. A
// push still waiting then goes to the client's spill, fed to the engine in order on a
// goroutine of its own, so that closing the connection does not wait for the engine:
// Disconnect from an OnUpdateReceived hook closes it while the engine, in that hook, takes no
// input. A push comes after what the spill holds, whichever connection spilled it, so the
// pushes of a new connection reach the engine after those of the one it replaced.
func (h homePushes) HandleUpdates(ctx context.Context, body []byte) error {
	u := h.c.decodePush(body)
	if u == nil {
		return nil
	}
	h.c.receiveUpdates(u)
	if h.c.updates == nil {
		h.c.dispatch(upd.ExpandShort(u, h.c.selfID()))
		return nil
	}
	if !h.c.spill.wait(ctx) || !h.c.feedUpdates(ctx, u) {
		h.c.spill.add(h.c, u)
	}
	return nil
}

// pushSpill feeds the update engine, in order, the pushes that closing home connections
// could not hand over, with the client's life as their bound. The client has one for all its
// connections: the pushes of a connection are fed after the spilled ones of those before it.
type pushSpill struct {
	mu    sync.Mutex
	items []tg.UpdatesClass
	// fed is closed when the goroutine feeding items has fed them all; nil while none runs.
	fed chan struct{}
}

// add queues u after the pushes queued already, starting the goroutine that feeds them
// unless it runs.
func (s *pushSpill) add(c *Client, u tg.UpdatesClass) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, u)
	if s.fed == nil && c.life.Err() == nil { // Stop waits for c.wg after closing the connections
		s.fed = make(chan struct{})
		c.wg.Add(1)
		go s.feed(c)
	}
}

// wait returns true once nothing is queued to feed, false if ctx ends first. A push that
// waited is fed after the queued ones and in their place, keeping the wait for room in the
// engine's input that the connection's pushes have.
func (s *pushSpill) wait(ctx context.Context) bool {
	for {
		s.mu.Lock()
		fed := s.fed
		s.mu.Unlock()
		if fed == nil {
			return true
		}
		select {
		case <-fed:
		case <-ctx.Done():
			return false
		}
	}
}

// feed hands the queued pushes to the update engine until none is left.
func (s *pushSpill) feed(c *Client) {
	defer c.wg.Done()
	for {
		s.mu.Lock()
		if len(s.items) == 0 {
			close(s.fed)
			s.fed = nil
			s.mu.Unlock()
			return
		}
		u := s.items[0]
		s.items[0] = nil
		s.items = s.items[1:]
		s.mu.Unlock()
		c.feedUpdates(c.life, u)
	}
}

// HandleNewSession implements session.NewSessionHandler: updates may have been lost, so the
// update engine fetches the difference when it runs.
func (h homePushes) HandleNewSession(ctx context.Context) error {
	if h.c.updates != nil && h.c.updatesRunning() {
		return h.c.updates.Reconnected(ctx)
	}
	return nil
}

// Redialed tells the update engine about a reconnect of the home connection, and runs the
// OnConnect hooks when the loss was reported. A reconnect while the update engine is not
// running needs nothing there: its next Run catches up from the saved state.
func (h homePushes) Redialed(ctx context.Context) {
	if h.c.updates != nil && h.c.updatesRunning() {
		if err := h.c.updates.Reconnected(ctx); err != nil && ctx.Err() == nil {
			h.c.Log.Debug("update engine rejected a reconnect", "err", err)
		}
	}
	h.c.linkChangedOf(h.gen, nil)
}

// Lost reports that the home connection broke (OnDisconnect with the reason).
func (h homePushes) Lost(_ context.Context, err error) { h.c.linkChangedOf(h.gen, err) }

// Ended reports that the session gave up on the home connection (the final OnDisconnect).
func (h homePushes) Ended(_ context.Context, err error) { h.c.linkEnded(h.gen, err) }

func (c *Client) updatesRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.updCancel != nil
}

// decodePush decodes one pushed object; anything but an Updates object is logged and nil.
func (c *Client) decodePush(body []byte) tg.UpdatesClass {
	var b tl.Buffer
	b.ResetTo(body)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		c.Log.Warn("undecodable update dropped", "err", err)
		return nil
	}
	return u
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
	c.receiveUpdates(updates)
	if c.updates != nil {
		c.feedUpdates(c.life, updates)
		return
	}
	c.dispatch(upd.ExpandShort(updates, c.selfID()))
}

// receiveUpdates is what the client learns from updates before the engine orders them.
func (c *Client) receiveUpdates(updates tg.UpdatesClass) {
	c.noticeLoginToken(updates) // qrlogin.go
	c.learnUpdates(updates)
}

// feedUpdates hands updates to the update engine, ctx bounding the wait for room in its
// input: false when ctx (not the client's life) ended before the engine took them.
func (c *Client) feedUpdates(ctx context.Context, updates tg.UpdatesClass) bool {
	err := c.updates.HandleUpdates(ctx, updates)
	if err == nil || c.life.Err() != nil {
		return true
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return false
	}
	c.Log.Warn("update engine rejected updates", "err", err)
	return true
}

// deliver is where the update manager hands over ordered updates (the function given to its
// Run). It runs
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
func (c *Client) deliver(ctx context.Context, u tg.UpdatesClass) error {
	c.learnUpdates(u)
	c.secretUpdates(ctx, u)  // secret.go
	c.updateReceived(ctx, u) // hooks.go
	d := c.currentDispatcher()
	if d == Dispatcher(c.msgs) {
		return c.msgs.dispatchAndWait(ctx, u)
	}
	if cd, ok := d.(CommitDispatcher); ok { // fanout_hooks.go
		return cd.DispatchCommit(ctx, u)
	}
	if d != nil {
		d.Dispatch(u)
	}
	return nil
}

// knownUser reports whether the client knows the whole profile of user id (not only its
// access hash): then a message from it needs no fetch to name its sender.
func (c *Client) knownUser(id int64) bool {
	_, ok := c.profiles.get(id)
	return ok
}

func (c *Client) dispatch(u tg.UpdatesClass) {
	c.secretUpdates(c.life, u) // secret.go
	c.updateReceived(c.life, u)
	if d := c.currentDispatcher(); d != nil {
		d.Dispatch(u)
	}
}

// learnUpdates records the users and chats that came with updates.
func (c *Client) learnUpdates(u tg.UpdatesClass) {
	c.learnMessages(u)
	switch u := u.(type) {
	case *tg.Updates:
		c.learn(u.Users, u.Chats)
	case *tg.UpdatesCombined:
		c.learn(u.Users, u.Chats)
	}
}

// absorb handles a call's result: users and chats go to the peer cache, updates to the update
// pipeline (so pts stays in step with what the account did).
func (c *Client) absorb(obj any) {
	if u, ok := obj.(tg.UpdatesClass); ok {
		c.learnUpdates(u)
		if c.updates != nil {
			c.results.Add(func(ctx context.Context) error { return c.updates.HandleUpdates(ctx, u) })
		}
		return
	}
	if users, chats := tg.Entities(obj); len(users) > 0 || len(chats) > 0 {
		c.learn(users, chats)
		c.learnMessages(obj)
	}
}

// absorbSent handles the answer to a sent message like absorb, giving the update engine what
// was sent so that a short answer becomes the full message.
func (c *Client) absorbSent(s upd.Sent, u tg.UpdatesClass) {
	c.learnUpdates(u)
	if c.updates == nil {
		return
	}
	c.results.Add(func(ctx context.Context) error { return c.updates.HandleSent(ctx, s, u) })
}

// startUpdates runs the update engine while the client is connected and logged in.
func (c *Client) startUpdates() {
	if c.updates == nil {
		return
	}
	c.mu.Lock()
	_, connected := c.eng.Home()
	if c.updCancel != nil || c.closed || !connected || c.selfID() == 0 {
		c.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancelCause(c.life)
	done := make(chan struct{})
	c.updCancel, c.updDone = cancel, done
	ending := c.updEnding
	c.updEnding = nil
	c.wg.Add(1)
	c.mu.Unlock()
	stopped := func(err error) {
		if err != nil && ctx.Err() == nil {
			c.Log.Error("update engine stopped", "err", err)
		}
		close(done)
		c.wg.Done()
	}
	start := func() {
		if err := c.updates.Start(ctx, c.deliver, stopped); err != nil {
			stopped(err)
		}
	}
	switch {
	case ending == nil:
	case onStack(deliverFunc) != "":
		// A Connect from the delivery of the run that Disconnect stopped without waiting
		// (an OnUpdateReceived hook): that run ends, and commits its batch, once the caller
		// returns. The next run starts then, so that it starts from the state committed.
		// Stopped before that, this run still ends only after that one: its done is what a
		// Disconnect from the hook hands the next Connect as the run to wait for.
		go func() {
			<-ending
			if ctx.Err() != nil { // stopped before it started
				stopped(nil)
				return
			}
			start()
		}()
		return
	default:
		<-ending // that run ends as soon as its delivery, which must not block, returns
	}
	start()
}

// waitUpdates waits (bounded by ctx and Config.RequestTimeout) until the update engine knows
// its starting state, so that updates caused after Connect or Login returns are delivered, or
// until it stopped without knowing it.
func (c *Client) waitUpdates(ctx context.Context) {
	if c.updates == nil || onStack(deliverFunc) != "" {
		return // none, or it starts once the caller's delivery returns (startUpdates)
	}
	c.mu.Lock()
	done := c.updDone
	c.mu.Unlock()
	if done == nil {
		return // not running
	}
	t := time.NewTimer(c.cfg.RequestTimeout)
	defer t.Stop()
	select {
	case <-c.updates.Ready():
	case <-done: // stopped (Stop, Disconnect) before it knew its starting state
	case <-ctx.Done():
	case <-t.C:
		c.Log.Warn("update engine is still catching up")
	}
}

// stopUpdates stops the update engine and waits for it.
func (c *Client) stopUpdates() { c.stopUpdatesBecause(nil, true) }

// errDisconnectInHandler is why the update engine stops when a handler (or an
// OnUpdateReceived hook) called Disconnect, or a handler LogOut: the engine's deliver then
// stops waiting for the handlers at once (dispatchAndWait), as one of them waits for the
// engine to stop, and the batch counts as handled.
var errDisconnectInHandler = errors.New("mtgo: Disconnect or LogOut called from a handler or an update hook")

// stopCause says why Disconnect or LogOut, called here, stops the update engine: from a
// handler or from the engine's own delivery (an OnUpdateReceived hook, onEngine: the engine
// cannot be waited for there) errDisconnectInHandler; elsewhere nil.
func stopCause() (cause error, onEngine bool) {
	switch onStack(handlerRunFunc, deliverFunc) {
	case handlerRunFunc:
		return errDisconnectInHandler, false
	case deliverFunc:
		return errDisconnectInHandler, true
	}
	return nil, false
}

// stopUpdatesBecause stops the update engine for cause (nil: context.Canceled) and, when
// wait is set, waits for it. Without waiting (Disconnect on the engine's own goroutine, which
// the engine waits for), the next startUpdates waits for that run's end instead.
func (c *Client) stopUpdatesBecause(cause error, wait bool) {
	c.mu.Lock()
	cancel, done := c.updCancel, c.updDone
	c.updCancel, c.updDone = nil, nil
	if !wait && done != nil {
		c.updEnding = done
	}
	c.mu.Unlock()
	if cancel != nil {
		cancel(cause)
		if wait {
			<-done
		}
	}
}
