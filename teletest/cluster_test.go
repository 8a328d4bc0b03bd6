package teletest

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestClusterHelpGetConfig(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	ctx := testCtx(t)
	api := tg.NewClient(c)
	cfg, err := api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatalf("help.getConfig: %v", err)
	}
	if cfg.ThisDC != 2 || len(cfg.DCOptions) != 2 {
		t.Fatalf("config: this_dc %d, %d dc options", cfg.ThisDC, len(cfg.DCOptions))
	}
	nearest, err := api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{})
	if err != nil {
		t.Fatalf("help.getNearestDc: %v", err)
	}
	if nearest.ThisDC != 2 {
		t.Fatalf("nearest: %+v", nearest)
	}
}
