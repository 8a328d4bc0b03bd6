package mtgo

import (
	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/internal/engine"
	"github.com/mtgo-labs/mtgo/client/internal/updengine"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// UpdatesModule provides the UpdateManager: the updates module's engine (pts/qts/seq ordering,
// gap recovery with getDifference, catch-up after restarts), calling through the connection
// engine and asking the PeerCache for channel access hashes. Its state is kept in the Storage.
var UpdatesModule = fx.Module("mtgo.updates",
	fx.Provide(fx.Annotate(newUpdateManager, fx.As(new(UpdateManager)))),
)

var _ UpdateManager = (*updengine.Engine)(nil)

func newUpdateManager(p *clientParams, st Storage, pc PeerCache, eng *engine.Engine) *updengine.Engine {
	return updengine.New(updates.Options{
		API:          tg.NewClient(eng),
		Store:        storage.UpdateState(st),
		AccessHashes: pc,
		Logger:       p.Logger.Slog().With("layer", "updates"),
		NoCatchUp:    p.Config.NoCatchUp,
		Hook:         p.updHook,
	}, p.Logger.Slog())
}
