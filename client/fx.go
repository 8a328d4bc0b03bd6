package mtgo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/internal/engine"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// The client is assembled by go.uber.org/fx from one module per layer. Each layer is provided
// as an interface declared in this package (transport.Dialer for the dialer), so a program can
// swap any of them through Config.FxOptions with the Replace* and Decorate* helpers below or
// with its own fx.Decorate / fx.Replace. NewClient appends those options last.

// DialerModule provides the transport.Dialer every connection is opened with: TCP, behind
// Config.Proxy when set.
var DialerModule = fx.Module("mtgo.dialer",
	fx.Provide(func(p *clientParams) (transport.Dialer, error) { return newStreamDialer(p.Config) }),
)

// SessionModule provides the SessionFactory: the session module's run loop.
var SessionModule = fx.Module("mtgo.session",
	fx.Provide(fx.Annotate(newSessionFactory, fx.As(new(SessionFactory)))),
)

// PeersModule provides the PeerCache: the peers module's cache and resolver, persisted in the
// Storage and flushed when the client stops.
var PeersModule = fx.Module("mtgo.peers",
	fx.Provide(fx.Annotate(newPeers, fx.As(new(PeerCache)))),
)

var _ PeerCache = (*peers.Resolver)(nil)

func newPeers(p *clientParams, st Storage, eng *engine.Engine, stop *stopHooks) *peers.Resolver {
	opts := peers.Options{Size: p.Config.PeerCacheSize, Store: st, Logger: p.Logger.Slog().With("layer", "peers")}
	cache := peers.NewCache(opts)
	stop.add(cache.Flush)
	return peers.NewResolver(cache, tg.NewClient(eng), peers.ResolverOptions{})
}

// StorageModule provides the Storage: Config.Storage when set, memory with InMemory (or a
// SessionString without a SessionName), else the session file of SessionName. The storage it
// opened is closed when the client stops.
var StorageModule = fx.Module("mtgo.storage",
	fx.Provide(newStorage),
)

// coreModule provides, in dependency order, the stop hooks, the connection engine (the
// tg.Invoker the peer cache and the update manager call through, built from the
// configuration, the storage, the dialer and the session factory) and the client itself.
var coreModule = fx.Module("mtgo.client",
	fx.Provide(
		func() *stopHooks { return &stopHooks{} },
		newEngine,
		newClient,
	),
)

// stopHooks are what layers must do when the client stops (flush, close), run by Client.Stop
// in reverse order of registration. The layers start no goroutines when they are built, so
// the client needs no fx lifecycle: once the graph is built, the fx application and its
// container are dropped (they would cost an idle client some 70 KB of heap).
type stopHooks struct {
	mu  sync.Mutex
	fns []func(context.Context) error
}

func (s *stopHooks) add(fn func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fns = append(s.fns, fn)
}

// run calls every hook, last registered first, and joins their errors.
func (s *stopHooks) run(ctx context.Context) error {
	s.mu.Lock()
	fns := s.fns
	s.fns = nil
	s.mu.Unlock()
	var errs []error
	for i := len(fns) - 1; i >= 0; i-- {
		if err := fns[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Module is every layer of the client. NewClient builds an fx application of Module, the
// client's parameters and Config.FxOptions.
var Module = fx.Options(DialerModule, SessionModule, PeersModule, UpdatesModule, StorageModule, coreModule)

// newStorage builds the configured storage and closes it on stop (a Storage given in Config
// belongs to the caller and is only saved).
func newStorage(p *clientParams, stop *stopHooks) (Storage, error) {
	cfg := p.Config
	if cfg.Storage != nil {
		return cfg.Storage, nil
	}
	var st Storage
	switch {
	case cfg.InMemory || (cfg.SessionName == "" && cfg.SessionString != ""):
		st = storage.NewInMemory()
	case cfg.SessionName != "":
		f, err := storage.Open(storage.SessionPath(cfg.SessionName), &storage.FileOptions{Logger: p.Logger.Slog().With("layer", "storage")})
		if err != nil {
			return nil, fmt.Errorf("mtgo: open session %q: %w", cfg.SessionName, err)
		}
		st = f
	default:
		return nil, ErrNoStorage
	}
	stop.add(func(context.Context) error { return st.Close() })
	return st, nil
}

// ReplaceDialer makes the client open its connections with d (nil changes nothing).
func ReplaceDialer(d transport.Dialer) fx.Option {
	if d == nil {
		return fx.Options()
	}
	return fx.Replace(fx.Annotate(d, fx.As(new(transport.Dialer))))
}

// DecorateDialer wraps the dialer the client would use (for example to count bytes).
func DecorateDialer(f func(transport.Dialer) transport.Dialer) fx.Option { return fx.Decorate(f) }

// ReplaceStorage makes the client keep its state in s, which it saves but does not close
// (nil changes nothing).
func ReplaceStorage(s Storage) fx.Option {
	if s == nil {
		return fx.Options()
	}
	return fx.Replace(fx.Annotate(s, fx.As(new(Storage))))
}

// ReplaceSessionFactory makes the client build its connections with f (nil changes nothing).
func ReplaceSessionFactory(f SessionFactory) fx.Option {
	if f == nil {
		return fx.Options()
	}
	return fx.Replace(fx.Annotate(f, fx.As(new(SessionFactory))))
}

// DecorateSessionFactory wraps the session factory the client would use.
func DecorateSessionFactory(f func(SessionFactory) SessionFactory) fx.Option { return fx.Decorate(f) }

// ReplacePeerCache makes the client use p as its peer cache (nil changes nothing).
func ReplacePeerCache(p PeerCache) fx.Option {
	if p == nil {
		return fx.Options()
	}
	return fx.Replace(fx.Annotate(p, fx.As(new(PeerCache))))
}
