package mtgobench

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest/cluster"
	"github.com/gotd/td/tgtest/services"
	"github.com/gotd/td/tgtest/services/config"

	"github.com/mtgo-labs/mtgo/teletest"
)

// BenchmarkTestServer compares the two in-process test servers with the same client: gotd's
// telegram.Client calls help.getNearestDc, one call at a time, against gotd's tgtest cluster
// (the baseline) and against MTGo's teletest cluster. Both run in this process over loopback
// TCP with the intermediate transport; the client's share of the cost is the same on both
// sides, so the difference is the servers'.
func BenchmarkTestServer(b *testing.B) {
	b.Run("gotd-tgtest", func(b *testing.B) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := cluster.NewCluster(cluster.Options{})
		d := c.Dispatch(2, "bench").Fallback(services.NotImplemented)
		config.NewService(&tg.Config{ThisDC: 2}, &tg.CDNConfig{}).Register(d)
		d.Result(tg.HelpGetNearestDCRequestTypeID, &tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2})
		up := make(chan error, 1)
		go func() { up <- c.Up(ctx) }()
		select {
		case <-c.Ready():
		case err := <-up:
			b.Fatalf("tgtest cluster: %v", err)
		}
		benchGotdCalls(b, telegram.Options{
			PublicKeys: c.Keys(), DC: 2, DCList: c.List(), Resolver: c.Resolver(), NoUpdates: true,
		})
		cancel()
		<-up
	})
	b.Run("mtgo-teletest", func(b *testing.B) {
		cl, err := teletest.Start(teletest.Config{DCs: 2})
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		var list dcs.List
		for id, addr := range cl.Addrs() {
			host, port, _ := net.SplitHostPort(addr)
			p, _ := strconv.Atoi(port)
			list.Options = append(list.Options, tg.DCOption{ID: id, IPAddress: host, Port: p})
		}
		benchGotdCalls(b, telegram.Options{
			PublicKeys: []telegram.PublicKey{{RSA: cl.RSAPublicKey()}}, DC: 2, DCList: list,
			Resolver: dcs.Plain(dcs.PlainOptions{}), NoUpdates: true,
		})
	})
}

// benchGotdCalls connects a gotd client with opts and times b.N sequential calls.
func benchGotdCalls(b *testing.B, opts telegram.Options) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	client := telegram.NewClient(telegram.TestAppID, telegram.TestAppHash, opts)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- client.Run(ctx, func(ctx context.Context) error {
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("gotd client: %v", err)
	}
	api := client.API()
	if _, err := api.HelpGetNearestDC(ctx); err != nil {
		b.Fatalf("warm-up call: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := api.HelpGetNearestDC(ctx); err != nil {
			b.Fatalf("help.getNearestDc: %v", err)
		}
	}
	b.StopTimer()
	cancel()
	<-done
}
