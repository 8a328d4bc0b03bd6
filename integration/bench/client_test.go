package mtgobench

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	gotdtg "github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest/cluster"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startGotdCluster runs gotd's tgtest cluster answering help.getNearestDc, until the benchmark
// ends.
func startGotdCluster(b *testing.B) *cluster.Cluster {
	b.Helper()
	cl := cluster.NewCluster(cluster.Options{})
	cl.Dispatch(2, "dc2").Result(gotdtg.HelpGetNearestDCRequestTypeID, &gotdtg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2})
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan error, 1)
	go func() { up <- cl.Up(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-up
	})
	select {
	case <-cl.Ready():
	case err := <-up:
		b.Fatalf("gotd cluster: %v", err)
	}
	return cl
}

// BenchmarkClientInvoke compares the whole clients, MTGo's Client.InvokeContext and gotd's
// telegram.Client API, calling help.getNearestDc on the same gotd tgtest server over loopback
// TCP (intermediate framing, no obfuscation) with 1, 16 and 256 concurrent callers. The key
// exchange and the first call run before the timer. cpu-ns/call is the process's CPU time
// (both clients' and the server's) per call.
func BenchmarkClientInvoke(b *testing.B) {
	cl := startGotdCluster(b)
	addrs := map[int]string{}
	for _, o := range cl.List().Options {
		addrs[o.ID] = net.JoinHostPort(o.IPAddress, strconv.Itoa(o.Port))
	}
	var keys []*rsa.PublicKey
	for _, k := range cl.Keys() {
		keys = append(keys, k.RSA)
	}
	ctx := context.Background()

	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoObfuscation, cfg.DCAddrs, cfg.PublicKeys = true, true, addrs, keys
	mc, err := mtgo.NewClient(17349, "bench", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer mc.Stop()
	if err := mc.Connect(30 * time.Second); err != nil {
		b.Fatalf("mtgo connect: %v", err)
	}
	mtgoCall := func() error {
		_, err := mc.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0)
		return err
	}

	gctx, gcancel := context.WithCancel(ctx)
	gc := telegram.NewClient(telegram.TestAppID, telegram.TestAppHash, telegram.Options{
		PublicKeys: cl.Keys(), DC: 2, DCList: cl.List(), Resolver: cl.Resolver(), NoUpdates: true,
	})
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- gc.Run(gctx, func(ctx context.Context) error {
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	defer func() {
		gcancel()
		<-done
	}()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("gotd client: %v", err)
	}
	api := gc.API()
	gotdCall := func() error {
		_, err := api.HelpGetNearestDC(ctx)
		return err
	}
	for _, call := range []func() error{mtgoCall, gotdCall} {
		if err := call(); err != nil {
			b.Fatalf("warm-up call: %v", err)
		}
	}
	for _, callers := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("callers=%d/mtgo", callers), func(b *testing.B) { runCallers(b, callers, mtgoCall) })
		b.Run(fmt.Sprintf("callers=%d/gotd", callers), func(b *testing.B) { runCallers(b, callers, gotdCall) })
	}
}
