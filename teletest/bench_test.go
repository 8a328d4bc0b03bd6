package teletest

import (
	"context"
	crand "crypto/rand"
	"testing"

	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// BenchmarkCall measures one help.getNearestDc three ways in the same run, so the README can
// state the cost of the network path as a ratio: the dispatcher alone (decode, handle,
// encode: the baseline), a full round trip over loopback TCP through a client session (key
// already exchanged), and the same with many calls in flight on one connection.
func BenchmarkCall(b *testing.B) {
	cl := startCluster(b, Config{DCs: 1})
	body := encode(b, &tg.HelpGetNearestDCRequest{})
	b.Run("dispatch", func(b *testing.B) {
		caller := &services.Caller{DC: 1}
		ctx := context.Background()
		var buf tl.Buffer
		b.ReportAllocs()
		for b.Loop() {
			req, err := services.DecodeRequest(body)
			if err != nil {
				b.Fatal(err)
			}
			res, err := cl.Dispatcher().Handle(ctx, caller, req)
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			if err := res.Encode(&buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	c := dialCluster(b, cl, 1, nil)
	api := tg.NewClient(c)
	ctx := context.Background()
	if _, err := api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{}); err != nil {
		b.Fatal(err)
	}
	b.Run("loopback", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("loopback-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkKeyExchange measures a whole key exchange with a data center over loopback TCP
// (client and server side in one process).
func BenchmarkKeyExchange(b *testing.B) {
	cl := startCluster(b, Config{DCs: 1})
	for b.Loop() {
		r := rawDial(b, cl.Addr(1), transport.ClientOptions{})
		if _, err := exchange.RunClient(context.Background(), r.pc, exchange.ClientConfig{
			Keys: cl.PublicKeys(), DC: 1, Rand: crand.Reader,
		}); err != nil {
			b.Fatal(err)
		}
		_ = r.nc.Close()
	}
}
