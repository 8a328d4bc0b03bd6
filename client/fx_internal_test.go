package mtgo

import (
	"testing"

	"go.uber.org/fx"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// TestModuleGraph validates the fx graph of every layer without running constructors, with
// and without the optional replacements.
func TestModuleGraph(t *testing.T) {
	cfg := DefaultConfig.withDefaults()
	cfg.InMemory = true
	base := []fx.Option{
		fx.NopLogger,
		Module,
		fx.Supply(&clientParams{APIID: 1, APIHash: "h", Config: cfg, Logger: newLogger(LogConfig{})}),
		fx.Supply([]crypto.PublicKey(nil)),
		fx.Supply((*proxy.Link)(nil)),
		fx.Invoke(func(*Client) {}),
	}
	if err := fx.ValidateApp(base...); err != nil {
		t.Fatalf("graph: %v", err)
	}
	swapped := append(base[:len(base):len(base)],
		ReplaceDialer(&transport.TCPDialer{}), ReplaceSessionFactory(sessionFactory{}),
		ReplacePeerCache(peers.NewResolver(peers.NewCache(peers.Options{}), nil, peers.ResolverOptions{})),
		ReplaceStorage(storage.NewInMemory()), ReplaceDialer(nil))
	if err := fx.ValidateApp(swapped...); err != nil {
		t.Fatalf("graph with replacements: %v", err)
	}
}
