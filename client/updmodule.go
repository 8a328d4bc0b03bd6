package mtgo

import (
	"context"
	"sync/atomic"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/internal/engine"
	"github.com/mtgo-labs/mtgo/client/internal/updengine"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// UpdatesModule provides the UpdateManager: the updates module's engine (pts/qts/seq ordering,
// gap recovery with getDifference, catch-up after restarts), calling through the connection
// engine (behind Config.AutoConnect, as the client's own calls) and asking the PeerCache for
// channel access hashes. Its state is kept in the Storage.
var UpdatesModule = fx.Module("mtgo.updates",
	fx.Provide(newUpdatesAPI),
	fx.Provide(fx.Annotate(newUpdateManager, fx.As(new(UpdateManager)))),
	fx.Invoke(func(c *Client, api *updatesAPI) { api.client.Store(c) }),
)

var _ UpdateManager = (*updengine.Engine)(nil)

func newUpdateManager(p *clientParams, st Storage, pc PeerCache, api *updatesAPI) *updengine.Engine {
	return updengine.New(updates.Options{
		API:          tg.NewClient(api),
		Store:        storage.UpdateState(st),
		AccessHashes: pc,
		Logger:       p.Logger.Slog().With("layer", "updates"),
		NoCatchUp:    p.Config.NoCatchUp,
		Hook:         p.updHook,
	}, p.Logger.Slog())
}

// updatesAPI is the tg.Invoker the update manager calls through: the connection engine, with
// Config.AutoConnect applied as to the client's calls (Client.autoConnect, which
// Client.prepare runs) once the client is built. A session that gave up on the home
// connection (a ReconnectAttempts the user set) is then connected anew by the manager's next
// getDifference (a gap, or the 15-minute idle check), so a bot that only answers updates
// comes back by itself. Takeout does not apply: the manager's calls are not exported data.
type updatesAPI struct {
	eng    *engine.Engine
	client atomic.Pointer[Client] // set once the fx graph built the client
}

func newUpdatesAPI(eng *engine.Engine) *updatesAPI { return &updatesAPI{eng: eng} }

// Invoke implements tg.Invoker.
func (a *updatesAPI) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	if c := a.client.Load(); c != nil && c.cfg.AutoConnect && ctx.Err() == nil && !a.eng.Connected() {
		if err := c.autoConnectAside(ctx); err != nil {
			return err
		}
	}
	return a.eng.Invoke(ctx, in, out)
}

// autoConnectAside runs autoConnect for the update manager on a goroutine of the client's
// own, and waits for it or for ctx (the manager's stop). Connect runs the OnConnect hooks:
// on the manager's goroutine a hook calling Stop or Disconnect would wait for the manager
// to stop, that is for itself, for ever; on a client goroutine Stop returns at once as
// documented for the client's hooks, and Disconnect stops the manager, which stops waiting.
func (c *Client) autoConnectAside(ctx context.Context) error {
	done := make(chan error, 1)
	if !c.goTracked(func() { done <- c.autoConnect(ctx) }) {
		return ErrClientClosed
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
