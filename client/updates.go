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

// HandleUpdates implements session.UpdateHandler: it queues the push for the update engine
// and returns without waiting for the engine (pushQueue), so that the session's own queue,
// which drops what waits beyond its bound, stays short however far behind the engine is. The
// client has one queue for all its home connections: the pushes of a connection reach the
// engine after those of the ones before it, and closing a connection waits for no engine
// (Disconnect from an OnUpdateReceived hook closes it while the engine, in that hook, takes
// no input).
func (h homePushes) HandleUpdates(_ context.Context, body []byte) error {
	u := h.c.decodePush(body)
	if u == nil {
		return nil
	}
	h.c.receiveUpdates(u)
	if h.c.updates == nil {
		h.c.dispatch(upd.ExpandShort(u, h.c.selfID()))
		return nil
	}
	h.c.pushes.add(h.c, u)
	return nil
}

// HandleNewSession implements session.NewSessionHandler: updates may have been lost, so the
// update engine fetches the difference once it took the pushes queued before (and when it
// runs: its next Run catches up from the saved state anyway). The session queue tells it so
// too after dropping pushes.
func (h homePushes) HandleNewSession(context.Context) error {
	if h.c.updates != nil {
		h.c.pushes.addGap(h.c)
	}
	return nil
}

// Bounds of the push queue (pushQueue.add).
const (
	// maxQueuedPushes is how many pushes wait for the update engine before the queue keeps
	// only what getDifference would not bring back.
	maxQueuedPushes = 1024
	// maxHeldPushes is how many it holds at most: beyond them everything is dropped.
	maxHeldPushes = 8 * maxQueuedPushes
)

// pushQueue feeds the update engine, in order and on a goroutine of its own that exists
// while pushes wait, the pushes of the home connections, with the client's life as their
// bound. Its memory is bounded without losing what the engine can recover: past
// maxQueuedPushes, the updates of the account's pts and qts sequences are dropped and one gap
// mark queued in their place, at which the engine fetches the difference (as after a
// reconnect); typing and online status, which say only how things are now, are dropped too.
// Updates that no difference of the account brings back (button presses, inline queries,
// payments) are kept, and so are a channel's (the mark fetches only the account's
// difference), up to maxHeldPushes in all; past that they are dropped and logged at Warn.
type pushQueue struct {
	mu sync.Mutex
	// items are the queued pushes, a nil one the gap mark.
	items   []tg.UpdatesClass
	running bool // a goroutine feeds the items
	gap     bool // a gap mark is queued and not yet taken
	drops   pushDrops
}

// pushDrops counts the updates a full push queue dropped since it was last empty.
type pushDrops struct {
	refetched int // of the account's pts and qts sequences: the gap mark brings them back
	skipped   int // typing and status
	lost      int // past maxHeldPushes
}

func (d pushDrops) any() bool { return d != pushDrops{} }

// add queues u after the pushes queued already, dropping what a full queue need not keep,
// and starts the goroutine that feeds them unless it runs.
func (q *pushQueue) add(c *Client, u tg.UpdatesClass) {
	q.mu.Lock()
	first := false
	if n := len(q.items); n >= maxQueuedPushes {
		first = !q.drops.any()
		var refetched, skipped int
		u, refetched, skipped = unrecoverable(u)
		q.drops.refetched += refetched
		q.drops.skipped += skipped
		if refetched > 0 {
			q.markGap()
		}
		if u != nil && n >= maxHeldPushes {
			q.drops.lost += updateCount(u)
			u = nil
		}
		first = first && q.drops.any()
	}
	if u != nil {
		if q.gap {
			u = unsequenced(u)
		}
		q.items = append(q.items, u)
	}
	q.start(c)
	q.mu.Unlock()
	if first {
		c.Log.Warn("update engine far behind: pushes beyond those queued are dropped, those with a pts or qts fetched again",
			"queued", maxQueuedPushes)
	}
}

// addGap queues a gap mark (unless one waits already): the engine fetches the difference
// once it took the pushes queued before it.
func (q *pushQueue) addGap(c *Client) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.markGap()
	q.start(c)
}

// markGap queues a gap mark unless one waits already. Called with mu held.
func (q *pushQueue) markGap() {
	if !q.gap {
		q.gap = true
		q.items = append(q.items, nil)
	}
}

// start starts the goroutine feeding the items unless it runs or there is nothing to feed.
// Called with mu held.
func (q *pushQueue) start(c *Client) {
	if q.running || len(q.items) == 0 || c.life.Err() != nil { // Stop waits for c.wg after closing the connections
		return
	}
	q.running = true
	c.wg.Add(1)
	go q.feed(c)
}

// feed hands the queued pushes to the update engine until none is left, and then logs what
// a full queue dropped meanwhile.
func (q *pushQueue) feed(c *Client) {
	defer c.wg.Done()
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			q.running = false
			drops := q.drops
			q.drops = pushDrops{}
			q.mu.Unlock()
			drops.log(c)
			return
		}
		u := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		if u == nil {
			q.gap = false // a drop from now on needs a difference of its own
		}
		q.mu.Unlock()
		if u != nil {
			c.feedUpdates(c.life, u)
			continue
		}
		if c.updatesRunning() { // else its next run catches up from the saved state
			if err := c.updates.Reconnected(c.life); err != nil && c.life.Err() == nil {
				c.Log.Debug("update engine rejected a gap", "err", err)
			}
		}
	}
}

// log reports what a full queue dropped, once it has emptied.
func (d pushDrops) log(c *Client) {
	switch {
	case d.lost > 0:
		c.Log.Warn("update engine was far behind: updates without a pts or qts dropped", "lost", d.lost,
			"refetched", d.refetched, "skipped", d.skipped)
	case d.any():
		c.Log.Info("update engine was far behind: pushes dropped, those with a pts or qts fetched again",
			"refetched", d.refetched, "skipped", d.skipped)
	}
}

// unrecoverable returns what of u a full push queue keeps, nil for nothing, with how many of
// its updates were dropped because the difference brings them back (refetched) or because
// they say only how things are now (skipped). A container keeps its seq here: what it lost
// has a pts or qts, which the difference restores (add drops the seq behind a gap mark).
func unrecoverable(u tg.UpdatesClass) (kept tg.UpdatesClass, refetched, skipped int) {
	switch u := u.(type) {
	case *tg.UpdateShortMessage, *tg.UpdateShortChatMessage, *tg.UpdateShortSentMessage, *tg.UpdatesTooLong:
		return nil, 1, 0 // a message of the pts sequence; too long asks for the difference
	case *tg.UpdateShort:
		switch pushKind(u.Update) {
		case pushRefetched:
			return nil, 1, 0
		case pushSkipped:
			return nil, 0, 1
		}
		return u, 0, 0
	case *tg.Updates:
		return keptContainer(u, u.Updates, func(list []tg.UpdateClass) tg.UpdatesClass {
			c := *u
			c.Updates = list
			return &c
		})
	case *tg.UpdatesCombined:
		return keptContainer(u, u.Updates, func(list []tg.UpdateClass) tg.UpdatesClass {
			c := *u
			c.Updates = list
			return &c
		})
	}
	return u, 0, 0
}

// keptContainer is unrecoverable for the container u of list: u itself when it keeps every
// update, nil when none, else the copy that with makes of it, holding those kept.
func keptContainer(u tg.UpdatesClass, list []tg.UpdateClass, with func([]tg.UpdateClass) tg.UpdatesClass) (tg.UpdatesClass, int, int) {
	kept, refetched, skipped := keptUpdates(list)
	switch {
	case len(kept) == len(list):
		return u, 0, 0
	case len(kept) == 0:
		return nil, refetched, skipped
	}
	return with(kept), refetched, skipped
}

// keptUpdates returns the updates of list a full push queue keeps, and how many it dropped.
func keptUpdates(list []tg.UpdateClass) (kept []tg.UpdateClass, refetched, skipped int) {
	for _, up := range list {
		switch pushKind(up) {
		case pushRefetched:
			refetched++
		case pushSkipped:
			skipped++
		default:
			kept = append(kept, up)
		}
	}
	return kept, refetched, skipped
}

// unsequenced returns u without its seq: the copy of a container queued behind a gap mark.
// The difference the mark fetches counts the container's seq, since the client had it by then;
// with its seq, the engine would take the container for one it has seen and drop it, with the
// button presses and channel messages it keeps. Its account updates are checked by their own
// pts and qts.
func unsequenced(u tg.UpdatesClass) tg.UpdatesClass {
	switch u := u.(type) {
	case *tg.Updates:
		if u.Seq != 0 {
			c := *u
			c.Seq = 0
			return &c
		}
	case *tg.UpdatesCombined:
		if u.Seq != 0 || u.SeqStart != 0 {
			c := *u
			c.Seq, c.SeqStart = 0, 0
			return &c
		}
	}
	return u
}

// What a full push queue does with an update.
const (
	pushKept      = iota // nothing brings it back
	pushRefetched        // of the account's pts or qts sequence: the difference brings it back
	pushSkipped          // typing or online status: only how things are now
)

// pushKind says what a full push queue does with up.
func pushKind(up tg.UpdateClass) int {
	switch up.(type) {
	case *tg.UpdateUserTyping, *tg.UpdateChatUserTyping, *tg.UpdateChannelUserTyping, *tg.UpdateUserStatus:
		return pushSkipped
	case *tg.UpdateNewChannelMessage, *tg.UpdateEditChannelMessage, *tg.UpdateDeleteChannelMessages,
		*tg.UpdateChannelWebPage, *tg.UpdatePinnedChannelMessages:
		return pushKept // a channel's sequence: the account's difference does not bring it back
	}
	if pts, _, ok := tg.UpdatePts(up); ok && pts > 0 {
		return pushRefetched
	}
	if qts, ok := tg.UpdateQts(up); ok && qts > 0 {
		return pushRefetched
	}
	return pushKept
}

// updateCount is how many updates u holds.
func updateCount(u tg.UpdatesClass) int {
	switch u := u.(type) {
	case *tg.Updates:
		return len(u.Updates)
	case *tg.UpdatesCombined:
		return len(u.Updates)
	}
	return 1
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
