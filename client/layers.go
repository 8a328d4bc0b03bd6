package mtgo

import (
	"context"
	"log/slog"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// The interfaces in this file are the seams between the client and its layers. They are
// declared here, by their consumer, and are what the fx modules provide (see fx.go); replace
// any of them with fx.Decorate or fx.Replace through Config.FxOptions.

// Conn is one MTProto session with one data center as the client uses it. The default
// SessionFactory builds them over *session.Conn, the session module's run loop.
type Conn interface {
	// Run connects (running the auth key exchange first when the session has no key),
	// serves calls and reconnects, until ctx is done or reconnection gives up. It returns
	// only after every goroutine it started has stopped.
	Run(ctx context.Context) error
	// InvokeWith sends in and decodes its result into out, waiting for the connection if
	// needed. An rpc_error answer is returned as *rpcerr.Error. repeatable marks a call that
	// is safe to send again when the connection breaks before its answer arrives; any other
	// call then fails instead.
	InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error
	// Session returns the current persistent state (auth key, salt, time offset).
	Session() session.Session
}

// ConnConfig is what a SessionFactory needs to build a Conn.
type ConnConfig struct {
	// DC is the data center id and Addr its "host:port".
	DC   int
	Addr string
	// TestMode is true for Telegram's test data centers.
	TestMode bool
	// Media marks a connection for file transfers; CDN one to a CDN data center.
	Media, CDN bool
	// Store holds the session of this data center: loaded when connecting, saved when the
	// auth key, salt or clock offset change.
	Store session.Store
	// PublicKeys are the RSA keys trusted for the key exchange (Telegram's and
	// Config.PublicKeys, or the CDN's for a CDN connection).
	PublicKeys []crypto.PublicKey
	// Dialer opens the packet connection (through the configured proxy, if any).
	Dialer session.Dialer
	// Init describes the client for the invokeWithLayer(initConnection) wrapping of the first
	// calls of every connection; the Conn must apply it.
	Init *session.InitConnection
	// Reconnect bounds the attempts to restore a broken connection.
	Reconnect session.ReconnectPolicy
	// Updates receives what the server pushes; nil drops it.
	Updates session.UpdateHandler
	// Logger receives the connection's log records.
	Logger *slog.Logger
}

// SessionFactory builds Conns. The default one builds the session module's run loop.
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
	// Ready returns a channel closed once the running manager knows its starting state.
	Ready() <-chan struct{}
	// Run owns the manager's timers and recoveries until ctx is done, handing ordered
	// batches, with the users and chats that came with them, to deliver. A batch is handled
	// when deliver returns nil; an error leaves it to be delivered again.
	Run(ctx context.Context, deliver func(ctx context.Context, u tg.UpdatesClass) error) error
}

// clientAPI, the binding of the messages the client creates, must offer everything their
// bound methods use, downloads included.
var _ types.API = clientAPI{}
