package teletest

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
)

// lazyKey returns a function that hands out one RSA-2048 key for the whole test binary,
// generated on first use: generating keys is slow.
func lazyKey(what string) func(testing.TB) *rsa.PrivateKey {
	var (
		once sync.Once
		key  *rsa.PrivateKey
		err  error
	)
	return func(tb testing.TB) *rsa.PrivateKey {
		tb.Helper()
		once.Do(func() { key, err = rsa.GenerateKey(crand.Reader, 2048) })
		if err != nil {
			tb.Fatalf("%s rsa key: %v", what, err)
		}
		return key
	}
}

// testKey is the servers' key for every cluster of the test binary; testCDNKey, another one,
// is the CDN data centers'.
var (
	testKey    = lazyKey("server")
	testCDNKey = lazyKey("cdn")
)

// startCluster starts a cluster closed when the test ends.
func startCluster(tb testing.TB, cfg Config) *Cluster {
	tb.Helper()
	if cfg.Key == nil {
		cfg.Key = testKey(tb)
	}
	cl, err := Start(cfg)
	if err != nil {
		tb.Fatalf("start cluster: %v", err)
	}
	tb.Cleanup(func() { _ = cl.Close() })
	return cl
}

// testClient is a raw MTProto client (session.Conn) connected to one DC of a cluster.
type testClient struct {
	*session.Conn
	updates chan []byte
	cancel  context.CancelFunc
	done    chan error
}

// HandleUpdates implements session.UpdateHandler.
func (c *testClient) HandleUpdates(ctx context.Context, body []byte) error {
	select {
	case c.updates <- append([]byte(nil), body...):
	case <-ctx.Done():
	}
	return nil
}

// dialCluster connects a session.Conn to data center dc and waits until it works.
func dialCluster(tb testing.TB, cl *Cluster, dc int, tune func(*session.Options)) *testClient {
	tb.Helper()
	c := &testClient{updates: make(chan []byte, 256), done: make(chan error, 1)}
	opts := session.Options{
		Session:    session.Session{DC: dc, Addr: cl.Addr(dc)},
		PublicKeys: []crypto.PublicKey{cl.PublicKey()},
		Init: &session.InitConnection{
			Layer: Layer, APIID: 1, DeviceModel: "teletest", SystemVersion: "go", AppVersion: "1",
			SystemLangCode: "en", LangCode: "en",
		},
		Updates: c,
	}
	if tune != nil {
		tune(&opts)
	}
	conn, err := session.New(opts)
	if err != nil {
		tb.Fatalf("session: %v", err)
	}
	c.Conn = conn
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.done <- conn.Run(ctx) }()
	tb.Cleanup(c.close)
	return c
}

func (c *testClient) close() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	<-c.done
	c.cancel = nil
}

// ctx returns a context bounded for one test step.
func testCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}
