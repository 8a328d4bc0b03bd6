package mtgobench

import (
	"context"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"

	gotdexchange "github.com/gotd/td/internal/exchange"
	gotdtransport "github.com/gotd/td/transport"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// Full auth key exchange, client and server in one process over an in-memory intermediate
// connection: MTGo's exchange.RunClient/RunServer against gotd's internal/exchange
// ClientExchange/ServerExchange, both with the same 2048-bit RSA key, crypto/rand and the
// published dh_prime (gotd's test server always sends the same pq; MTGo's draws two primes).
// Numbers are recorded in session/exchange/README.md.

var exchangeKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(cryptorand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func BenchmarkExchange(b *testing.B) {
	key := exchangeKey()
	b.Run("mtgo", func(b *testing.B) {
		pub, err := crypto.NewPublicKey(&key.PublicKey)
		if err != nil {
			b.Fatal(err)
		}
		cc := exchange.ClientConfig{Keys: []crypto.PublicKey{pub}, DC: 2, Rand: cryptorand.Reader}
		sc := exchange.ServerConfig{Key: key, Rand: cryptorand.Reader}
		b.ReportAllocs()
		for b.Loop() {
			a, s := transporttest.Pipe()
			done := make(chan error, 1)
			go func() {
				sconn, err := transport.NewServerConn(s, transport.ServerOptions{})
				if err == nil {
					_, err = exchange.RunServer(context.Background(), sconn, sc)
				}
				done <- err
			}()
			cconn, err := transport.NewClientConn(a, transport.ClientOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := exchange.RunClient(context.Background(), cconn, cc); err != nil {
				b.Fatal(err)
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			a.Close()
			s.Close()
		}
	})
	b.Run("gotd", func(b *testing.B) {
		priv := gotdexchange.PrivateKey{RSA: key}
		b.ReportAllocs()
		for b.Loop() {
			client, server := gotdtransport.Intermediate.Pipe()
			done := make(chan error, 1)
			go func() {
				_, err := gotdexchange.NewExchanger(server, 2).Server(priv).Run(context.Background())
				done <- err
			}()
			if _, err := gotdexchange.NewExchanger(client, 2).Client([]gotdexchange.PublicKey{priv.Public()}).Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			client.Close()
			server.Close()
		}
	})
}
