package mtgo

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretReceiptDelay is how long a receipt waits after the first message it covers: the
// messages of a burst (or of one getDifference answer) go out in one messages.receivedQueue,
// and the update engine has saved the state of the batch before the receipt reads it.
const secretReceiptDelay = 500 * time.Millisecond

// secretReceipts confirms the encrypted messages the client handled with
// messages.receivedQueue(max_qts), coalesced: at most one confirmation is scheduled or in
// flight, and it covers every message handled until it starts. Nothing runs while idle: a
// timer (time.AfterFunc) starts the confirmation, which runs as a tracked job and ends.
//
// A message pushed live carries its qts, known handled once the manager has applied it. The
// messages of a getDifference answer carry none: the difference's qts is the account state
// the update engine saves once the batch was handled, so the receipt reads it from the
// storage. When it is not saved yet (or a confirmation fails), the next message retries.
type secretReceipts struct {
	// confirm calls messages.receivedQueue; stored reads the saved account qts (0 when none);
	// spawn runs a job Stop waits for and reports whether it did; after is time.AfterFunc;
	confirm func(ctx context.Context, maxQts int32) error
	stored  func(ctx context.Context) (int32, error)
	spawn   func(job func(context.Context)) bool
	after   func(d time.Duration, f func()) *time.Timer
	log     *Logger
	// life ends when the client stops: no timer is armed after that (nil: never ends).
	life context.Context

	mu        sync.Mutex
	timer     *time.Timer // of the last confirmation scheduled
	ended     bool        // stopped: no confirmation is scheduled any more
	handled   int32       // the highest qts of a message handled
	fromState bool        // a message without qts (getDifference) was handled: read the saved qts
	confirmed int32       // the highest max_qts the server took
	busy      bool        // a confirmation is scheduled or in flight

	sent func(maxQts int32) // when set, told each max_qts the server took (tests)
}

// note records that the message of an updateNewEncryptedMessage with qts (0 when it came
// with a difference) was handled, and schedules a confirmation unless one is pending. It
// makes no network call and does not wait.
func (r *secretReceipts) note(qts int32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if qts > 0 {
		r.handled = max(r.handled, qts)
	} else {
		r.fromState = true
	}
	r.scheduleLocked()
}

// scheduleLocked arms the timer of the next confirmation unless one is pending or the
// receipts stopped.
func (r *secretReceipts) scheduleLocked() {
	if r.busy || r.ended || r.life != nil && r.life.Err() != nil {
		return
	}
	r.busy = true
	r.timer = r.after(secretReceiptDelay, func() {
		if !r.spawn(r.run) { // stopped: nothing runs any more
			r.mu.Lock()
			r.busy = false
			r.mu.Unlock()
		}
	})
}

// stop disarms the timer of a confirmation not started yet, and any later one: the client
// stopped (a confirmation in flight is a job Stop waits for).
func (r *secretReceipts) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ended = true
	if r.timer != nil && r.timer.Stop() {
		r.busy = false
	}
}

// run makes one confirmation up to everything handled so far; when more was handled while
// it ran, it schedules the next.
func (r *secretReceipts) run(ctx context.Context) {
	r.mu.Lock()
	target, fromState, confirmed, sent := r.handled, r.fromState, r.confirmed, r.sent
	r.fromState = false
	r.mu.Unlock()
	stateMissed := false
	if fromState {
		q, err := r.stored(ctx)
		if err != nil {
			r.log.Warn("secret receipt: update state not read", "err", err)
		}
		target = max(target, q)
		stateMissed = q <= confirmed // not saved yet, or nothing new: the next message retries
	}
	var err error
	if target > confirmed {
		err = r.confirm(ctx, target)
		if err != nil && ctx.Err() == nil { // a stop is no failure to report
			r.log.Warn("secret receipt failed; retried with the next message", "max_qts", target, "err", err)
		}
		if err != nil {
			stateMissed = stateMissed || fromState
		} else if sent != nil {
			sent(target)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		r.confirmed = max(r.confirmed, target)
	case rpcerr.IsType(err, "MAX_QTS_INVALID"):
		// Beyond the account's qts: the marks are of another account (a new login) or a
		// state the server reset. Start again from what comes next.
		r.handled, r.confirmed = 0, 0
	}
	more := r.handled > r.confirmed || r.fromState
	r.fromState = r.fromState || stateMissed
	r.busy = false
	if more && err == nil && ctx.Err() == nil {
		r.scheduleLocked()
	}
}

// secretReceiptsOf builds the receipts of c: confirmations through c's API with its
// lifetime, the saved qts read from its update state; Stop disarms its timer.
func (c *Client) secretReceiptsOf() *secretReceipts {
	r := &secretReceipts{
		confirm: func(ctx context.Context, maxQts int32) error {
			_, err := c.raw.MessagesReceivedQueue(ctx, &tg.MessagesReceivedQueueRequest{MaxQts: maxQts})
			return err
		},
		stored: func(ctx context.Context) (int32, error) {
			if c.store == nil {
				return 0, nil
			}
			st, err := c.UpdateState().LoadUpdateState(ctx)
			if errors.Is(err, storage.ErrNotFound) {
				return 0, nil
			}
			if err != nil {
				return 0, err
			}
			return st.Qts, nil
		},
		spawn: func(job func(context.Context)) bool { return c.goTracked(func() { job(c.life) }) },
		after: time.AfterFunc,
		log:   c.Log,
		life:  c.life,
	}
	c.stop.add(func(context.Context) error { r.stop(); return nil })
	return r
}

// noteSecretReceived records that the manager applied up (an updateNewEncryptedMessage the
// update engine delivered in order), for the next receipt. Updates handed to the dispatcher
// directly (NoUpdates) are not confirmed: nothing orders them, so a qts could pass a message
// that was lost.
func (c *Client) noteSecretReceived(up *tg.UpdateNewEncryptedMessage) {
	if c.updates == nil {
		return
	}
	c.secretReceipts().note(up.Qts)
}

// secretReceipts returns the client's receipts, made on first use.
func (c *Client) secretReceipts() *secretReceipts {
	c.secret.receiptsOnce.Do(func() { c.secret.receipts = c.secretReceiptsOf() })
	return c.secret.receipts
}
