package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/internal/invoke"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var (
	// ErrRPCDropped fails a call whose answer DropRPC dropped.
	ErrRPCDropped = session.ErrRPCDropped
	// ErrUnknownMsgID fails DropRPC for a msg_id no call in flight was sent with.
	ErrUnknownMsgID = session.ErrUnknownMsgID
)

// Raw returns the generated typed client of every Telegram method (tl/tg's Client) over this
// client's invoker: its calls get the flood-wait sleeping, migrations, retries of Invoke and
// the invoker middleware, and their answers feed the peer cache and the update engine.
//
//	hist, err := c.Raw().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peer, Limit: 10})
func (c *Client) Raw() *tg.Client { return c.raw }

// RPC is Raw.
func (c *Client) RPC() *tg.Client { return c.raw }

// InvokeWithRawResult sends query like Invoke (flood waits, migrations, middleware) and
// returns the result object's bytes as the server sent them in rpc_result (unpacked from
// gzip_packed), undecoded: for proxies, caches and results of a newer layer than tl/tg's. An
// rpc_error answer is a *rpcerr.Error. The answer does not reach the peer cache or the update
// engine.
func (c *Client) InvokeWithRawResult(ctx context.Context, query tg.TLObject) ([]byte, error) {
	if query == nil {
		return nil, errNilQuery
	}
	var res rawResult
	if err := c.callWith(ctx, query, &res, invoke.Options{Managed: true}); err != nil {
		return nil, err
	}
	return res.b, nil
}

// rawResult keeps the bytes of a result.
type rawResult struct{ b []byte }

func (r *rawResult) Decode(b *tl.Buffer) error {
	r.b = append([]byte(nil), b.Raw()...)
	return b.Skip(b.Len())
}

// DropRPC gives up the call in flight that was sent with msgID (learned with
// WithMsgIDReport): the server is told with rpc_drop_answer that its answer is no longer
// wanted, and the waiting caller gets an error matching ErrRPCDropped. The server may have
// run the call already: dropping only stops its answer. It fails with ErrUnknownMsgID when
// no connection has a call in flight with that msg_id, ErrNotConnected when not connected.
func (c *Client) DropRPC(ctx context.Context, msgID int64) error {
	return c.eng.DropRPC(ctx, msgID)
}

// WithMsgIDReport returns a context whose calls report the msg_id they are sent with to f
// (again after a resend under a new msg_id), for DropRPC. f runs on the connection's loop:
// it must return at once (send on a buffered channel, store in an atomic).
func WithMsgIDReport(ctx context.Context, f func(msgID int64)) context.Context {
	return session.OnSent(ctx, f)
}
