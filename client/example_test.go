package mtgo_test

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log"
	"net"
	"sync/atomic"
	"time"

	"go.uber.org/fx"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/transport"
)

// countingDialer wraps the client's dialer and counts the bytes of every connection.
type countingDialer struct {
	next    transport.Dialer
	written atomic.Int64
	read    atomic.Int64
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.next.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, d: d}, nil
}

type countingConn struct {
	net.Conn
	d *countingDialer
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.d.read.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.d.written.Add(int64(n))
	return n, err
}

// auditStorage is a custom storage: the in-memory one, counting the sessions it saves.
type auditStorage struct {
	storage.Storage
	saved atomic.Int32
}

func (s *auditStorage) SaveSession(ctx context.Context, v session.Session) error {
	s.saved.Add(1)
	return s.Storage.SaveSession(ctx, v)
}

// Swap layers of the client through Config.FxOptions: here the dialer is wrapped to count
// bytes and the storage is replaced by a custom one. The client runs against the in-process
// test server.
func Example_swapLayers() {
	cl, err := teletest.Start(teletest.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Example", Username: "example_bot"})
	if err != nil {
		log.Fatal(err)
	}

	counter := &countingDialer{}
	store := &auditStorage{Storage: storage.NewInMemory()}

	cfg := mtgo.DefaultConfig
	cfg.BotToken = bot.Token
	cfg.DCAddrs = cl.Addrs()                             // the test server's data centers
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()} // and its key
	cfg.FxOptions = []fx.Option{
		mtgo.DecorateDialer(func(d transport.Dialer) transport.Dialer {
			counter.next = d
			return counter
		}),
		mtgo.ReplaceStorage(store),
	}
	client, err := mtgo.NewClient(12345, "0123456789abcdef0123456789abcdef", &cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.ConnectContext(ctx); err != nil {
		log.Fatal(err)
	}
	if err := client.Login(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in as", client.Me().Username)
	fmt.Println("bytes counted both ways:", counter.written.Load() > 0 && counter.read.Load() > 0)
	fmt.Println("custom storage used:", client.Storage() == mtgo.Storage(store) && store.saved.Load() > 0)
	// Output:
	// logged in as example_bot
	// bytes counted both ways: true
	// custom storage used: true
}
