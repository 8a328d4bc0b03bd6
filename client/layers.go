package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// The interfaces in this file are the seams between the client and its layers. They are
// declared here, by their consumer, and are what the fx modules provide (see fx.go); replace
// any of them with fx.Decorate or fx.Replace through Config.FxOptions.

// Conn is one MTProto session with one data center as the client uses it: Run connects and
// serves calls until its context ends, InvokeWith makes one call (repeatable marks a call safe
// to send again after a cut), Session returns the persistent state. The default
// SessionFactory builds them over *session.Conn, the session module's run loop.
type Conn = conn.Conn

// ConnConfig is what a SessionFactory needs to build a Conn: the data center and its address,
// the session store, the trusted keys, the dialer, the initConnection parameters, the
// reconnect policy, the handler of pushed updates and the logger.
type ConnConfig = conn.Config

// SessionFactory builds Conns. The default one builds the session module's run loop.
//
// A Conn of a replaced factory should have a MarkEstablished() method, as one embedding
// *session.Conn has: Connect calls it on the home connection once it has its answers, which
// lifts the reconnect bound under Config.ReconnectAttempts' default (a Persistent policy),
// so that a loss is redialed for ever. Without it the home connection keeps the 8-attempt
// bound: after 8 failed dials in a later outage it gives up, and the client hears nothing
// until Connect is called again. Connect logs one warning per client when that is so.
type SessionFactory interface {
	NewConn(cfg ConnConfig) (Conn, error)
}

// PeerCache remembers peers with their access hashes and resolves identifiers into input
// peers. The default one is the peers module's cache.
type PeerCache interface {
	// Learn records the users and chats that came with a result or an update.
	Learn(users []tg.UserClass, chats []tg.ChatClass)
	// Resolve turns an identifier (int64 id, "@username", t.me link, phone, "me", a types
	// or tg peer value) into an input peer, asking the server when the cache cannot.
	Resolve(ctx context.Context, id any) (tg.InputPeerClass, error)
	// Lookup returns the cached peer with this id (Bot API form: -100... channels, negative
	// basic groups, positive users), without network requests.
	Lookup(id int64) (tg.InputPeerClass, bool)
	// Add caches peer under id.
	Add(id int64, peer tg.InputPeerClass)
	// ChannelAccessHash gives the update manager the access hash of a channel, needed to ask
	// for its difference.
	updates.AccessHashes
	// SetSelf records the logged-in account, which "me" and "self" resolve to.
	SetSelf(id int64, bot bool)
	// Reset forgets every peer (access hashes belong to the account that logged out).
	Reset()
}

// UpdateManager orders updates by pts/qts/seq, recovers gaps with getDifference and hands
// the result to the client. The default one is the updates module's manager.
type UpdateManager interface {
	// HandleUpdates feeds one updates object (pushed by the server, returned by a call or
	// given to Client.HandleUpdates); it is kept while the manager does not run.
	HandleUpdates(ctx context.Context, u tg.UpdatesClass) error
	// HandleSent feeds the answer to a sent message, completed with what was sent (the
	// server's short answer leaves the text and peer out).
	HandleSent(ctx context.Context, s updates.Sent, u tg.UpdatesClass) error
	// Reconnected asks for the difference after the home connection was restored or the
	// server started a new session: pushes may have been lost.
	Reconnected(ctx context.Context) error
	// Ready returns a channel closed once the running manager knows its starting state;
	// asked after a Start that waits for the previous run to stop, it is the channel of the
	// manager that Start runs, never the stopped one's.
	Ready() <-chan struct{}
	// Start runs the manager's timers and recoveries until ctx is done, handing ordered
	// batches, with the users and chats that came with them, to deliver. A batch is handled
	// when deliver returns nil; an error leaves it to be delivered again. Start returns at
	// once (an idle manager should keep no goroutine: many clients share a process); stopped
	// is called once when the manager has stopped and everything it started has ended, with
	// the reason (ctx's error when ctx ended). When Start returns an error, stopped is never
	// called.
	Start(ctx context.Context, deliver func(ctx context.Context, u tg.UpdatesClass) error, stopped func(error)) error
}

// clientAPI, the binding of the messages the client creates, must offer everything their
// bound methods use, downloads included.
var _ types.API = clientAPI{}
