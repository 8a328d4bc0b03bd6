package mtgo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// The seams for running one account past one process: for the fanout module a Dispatcher
// that tells the update engine whether it took a batch, a way to run the handlers on
// updates that arrived from elsewhere and a stable key per update; for the telemetry module
// the update engine's events.

// CommitDispatcher is a Dispatcher that can refuse a batch. The update engine calls
// DispatchCommit instead of Dispatch and saves the batch's update state only when it
// returned nil; an error stops the engine with the batch unsaved, so the next run delivers
// it again. A gateway that forwards updates to a queue returns once the queue acknowledged
// them.
type CommitDispatcher interface {
	Dispatcher
	DispatchCommit(ctx context.Context, u tg.UpdatesClass) error
}

// HandleUpdatesWait runs the client's handlers on u as the update engine would and returns
// when they finished with every update in it (one chat's updates in order, chats in
// parallel), or ctx ended and the handlers still ran after a short grace. A Stop lets the
// handlers of the batch finish with a live context, as it does for the update engine's, for
// the same grace; the call fails with ErrClientClosed when the client stopped before the
// handlers took every update (a hook may call Stop) or finished within that grace, so the
// batch must not count as handled. The users and chats
// of u go to the peer cache first. It is for clients with NoUpdates that get their updates
// from elsewhere, such as a fan-out worker; u is not checked for gaps or duplicates.
func (c *Client) HandleUpdatesWait(ctx context.Context, u tg.UpdatesClass) error {
	if u == nil {
		return nil
	}
	c.learnUpdates(u)
	c.updateReceived(ctx, u) // hooks.go
	return c.msgs.handleAndWait(ctx, u)
}

// UpdateKey returns a key that names u among the account's updates, the same in every
// process that sees u and whichever way u arrived (pushed, or fetched by getDifference
// after a gap or a restart, which drops the pts of new messages):
//
//   - a new message: "msg:<id>" (ids are per account outside channels), in a channel
//     "ch:<channel>:msg:<id>"; a new secret chat message "enc:<chat>:<random id>";
//   - another update of the account's pts sequence "pts:<pts>:<count>", of a channel's
//     "ch:<channel>:<pts>:<count>", of the qts sequence "qts:<qts>";
//   - anything else "h:" and a hash of u's encoding (identical updates share it).
//
// An update delivered again (after a crash, by a second gateway) has the same key, so
// handlers that need exactly-once effects can record the keys they finished.
func UpdateKey(u tg.UpdateClass) string {
	switch u := u.(type) {
	case nil:
		return ""
	case *tg.UpdateNewMessage:
		if id, ok := newMessageID(u.Message); ok {
			return "msg:" + strconv.Itoa(int(id))
		}
	case *tg.UpdateNewChannelMessage:
		if id, ok := newMessageID(u.Message); ok {
			if ch, ok := tg.UpdateChannelID(u); ok {
				return "ch:" + strconv.FormatInt(ch, 10) + ":msg:" + strconv.Itoa(int(id))
			}
		}
	case *tg.UpdateNewEncryptedMessage:
		switch m := u.Message.(type) {
		case *tg.EncryptedMessage:
			return "enc:" + strconv.Itoa(int(m.ChatID)) + ":" + strconv.FormatInt(m.RandomID, 10)
		case *tg.EncryptedMessageService:
			return "enc:" + strconv.Itoa(int(m.ChatID)) + ":" + strconv.FormatInt(m.RandomID, 10)
		}
	}
	if pts, count, ok := tg.UpdatePts(u); ok && pts != 0 {
		if ch, ok := tg.UpdateChannelID(u); ok {
			return "ch:" + strconv.FormatInt(ch, 10) + ":" + strconv.Itoa(int(pts)) + ":" + strconv.Itoa(int(count))
		}
		return "pts:" + strconv.Itoa(int(pts)) + ":" + strconv.Itoa(int(count))
	}
	if qts, ok := tg.UpdateQts(u); ok && qts != 0 {
		return "qts:" + strconv.Itoa(int(qts))
	}
	var b tl.Buffer
	if err := u.Encode(&b); err != nil {
		return ""
	}
	sum := sha256.Sum256(b.Raw())
	return "h:" + hex.EncodeToString(sum[:12])
}

// newMessageID returns the id of a message that is not empty.
func newMessageID(m tg.MessageClass) (int32, bool) {
	switch m := m.(type) {
	case *tg.Message:
		return m.ID, true
	case *tg.MessageService:
		return m.ID, true
	}
	return 0, false
}

// UpdateKey returns UpdateKey of the handler's update: the idempotency key for handlers
// that run at least once (a fan-out worker that crashed before acknowledging an update has
// it handled again by another).
func (c *Context) UpdateKey() string { return UpdateKey(c.Update) }

// updateHook is the update engine's event hook (clientParams.updHook).
type updateHook = updates.Hook

// WithUpdateEvents returns an option for Config.FxOptions under which the update engine
// reports its events (gaps, recoveries and their durations, overflows, channels dropped) to
// h, besides logging them. h runs on the engine's loop: it must return quickly. Use one per
// client (fx refuses a second decoration); fan several hooks out inside h.
func WithUpdateEvents(h updates.Hook) fx.Option {
	return fx.Decorate(func(p *clientParams) *clientParams {
		cp := *p
		cp.updHook = h
		return &cp
	})
}
