package exchange

import (
	"context"
	cryptorand "crypto/rand"
	"testing"
)

// BenchmarkExchange measures a full key exchange, both sides in one process with crypto/rand:
// "steps" calls the steps directly, "pipe" runs RunClient and RunServer over an in-memory
// transport connection. The comparison with gotd is in integration/bench/exchange_test.go.
func BenchmarkExchange(b *testing.B) {
	cc, sc := testConfigs(b, 1)
	cc.Rand, sc.Rand = cryptorand.Reader, cryptorand.Reader
	cc.Now, sc.Now = nil, nil
	b.Run("steps", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := runSteps(cc, sc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pipe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			client, server := runBoth(context.Background(), b, cc, sc)
			if client.err != nil || server.err != nil {
				b.Fatal(client.err, server.err)
			}
		}
	})
}
