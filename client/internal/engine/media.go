package engine

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/wire"
)

// MediaPool returns the engine's connections as a media.Pool: the home connection, pooled
// media-only sessions per data center (authorized by exporting the home authorization), and
// CDN sessions. The media module decides what to do with FLOOD_WAIT, FILE_MIGRATE and
// FILE_REFERENCE_EXPIRED per part, so these invokers make single attempts without the policy.
func (e *Engine) MediaPool() media.Pool { return mediaPool{e} }

type mediaPool struct{ e *Engine }

var _ media.Pool = mediaPool{}

// DC implements media.Pool.
func (p mediaPool) DC(_ context.Context, dc int, kind media.Kind) (tg.Invoker, error) {
	return mediaInvoker{e: p.e, dc: dc, kind: kind}, nil
}

type mediaInvoker struct {
	e    *Engine
	dc   int
	kind media.Kind
}

// Invoke makes one attempt, bounded by the request timeout, on the connection the invoker
// names. A pooled session that lost its imported authorization (401) is re-authorized once;
// one whose data center forgot the auth key (session.ErrAuthKeyUnknown) gets a new key and
// the authorization again, once (a CDN's, a new key only).
func (i mediaInvoker) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	e := i.e
	for again := false; ; again = true {
		actx, cancel := context.WithTimeout(ctx, e.o.RequestTimeout)
		lc, dc, release, err := e.mediaConn(actx, i.dc, i.kind)
		if err == nil {
			err = lc.Call(actx, in, out, e.o.NoUpdates)
			release()
		}
		timedOut := err != nil && ctx.Err() == nil && actx.Err() != nil
		cancel()
		if timedOut {
			return fmt.Errorf("mtgo: %s: attempt timed out after %s: %w", wire.MethodName(in), e.o.RequestTimeout, err)
		}
		if err == nil || again || lc == nil || lc == e.homeConn() {
			return err
		}
		if rpc, ok := rpcerr.As(err); ok && rpc.Code == 401 && !lc.CDN {
			e.reauthorize(dc)
		} else if !e.keyForgotten(ctx, lc, err) {
			return err
		}
	}
}

// homeConn returns the home connection, nil when not connected.
func (e *Engine) homeConn() *conn.Live {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.home
}

// mediaConn returns the connection for one call of (dc, kind), dc 0 being the home data
// center, and the function to call when the call is done. Media and CDN calls are spread over
// the data center's transfer lanes.
func (e *Engine) mediaConn(ctx context.Context, dc int, kind media.Kind) (*conn.Live, int, func(), error) {
	e.mu.Lock()
	closed, home, homeDC := e.closed, e.home, e.homeDC
	e.mu.Unlock()
	if closed {
		return nil, dc, nil, ErrClosed
	}
	if home == nil {
		return nil, dc, nil, ErrNotConnected
	}
	if dc == 0 {
		dc = homeDC
	}
	switch {
	case kind == media.KindCDN || kind == media.KindMedia:
		lc, release, err := e.pool.Claim(ctx, dc, kind == media.KindMedia, kind == media.KindCDN)
		return lc, dc, release, err
	case dc == homeDC:
		return home, dc, func() {}, nil
	default:
		lc, err := e.pool.Get(ctx, dc, false, false)
		return lc, dc, func() {}, err
	}
}
