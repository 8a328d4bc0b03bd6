package e2e_test

import (
	"context"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
	"github.com/mtgo-labs/mtgo/transport/proxy"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// The client through every kind of proxy to the test cluster: the real SOCKS and HTTP
// daemons scripts/services.d/proxies.sh starts (skipped with a message when they are not
// installed, required under MTGO_CI), MTProxy (the transport module's own server in front of
// the cluster) and WebSocket.

// The daemons and their credentials, as scripts/services.d/proxies.sh configures them.
var (
	microsocks     = transporttest.Service{Name: "microsocks", Env: "MTGO_SOCKS5_ADDR", Default: "127.0.0.1:41080", Binary: "microsocks"}
	microsocksAuth = transporttest.Service{Name: "microsocks (auth)", Env: "MTGO_SOCKS5_AUTH_ADDR", Default: "127.0.0.1:41081", Binary: "microsocks"}
	dante          = transporttest.Service{Name: "danted", Env: "MTGO_DANTE_ADDR", Default: "127.0.0.1:41082", Binary: "danted"}
	tinyproxy      = transporttest.Service{Name: "tinyproxy", Env: "MTGO_HTTP_PROXY_ADDR", Default: "127.0.0.1:41083", Binary: "tinyproxy"}
	tinyproxyAuth  = transporttest.Service{Name: "tinyproxy (auth)", Env: "MTGO_HTTP_PROXY_AUTH_ADDR", Default: "127.0.0.1:41084", Binary: "tinyproxy"}
)

const proxyCreds = "mtgo:mtgo-pass"

// proxyCluster is one cluster (with WebSocket listeners) for every proxy test.
var proxyCluster = sync.OnceValues(func() (*teletest.Cluster, error) {
	return teletest.Start(teletest.Config{WebSocket: true})
})

func startProxyCluster(t *testing.T) *teletest.Cluster {
	t.Helper()
	cl, err := proxyCluster()
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

var botSeq atomic.Int32

// proxiedBot logs a new bot in with the configuration edit gives and returns its client.
func proxiedBot(t *testing.T, cl *teletest.Cluster, edit func(*mtgo.Config)) (*mtgo.Client, error) {
	t.Helper()
	name := fmt.Sprintf("proxy_bot_%d", botSeq.Add(1))
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
	if err != nil {
		t.Fatal(err)
	}
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.BotToken = bot.Token
	cfg.DCAddrs = cl.Addrs()
	cfg.PublicKeys = []*rsa.PublicKey{cl.RSAPublicKey()}
	cfg.RequestTimeout = 15 * time.Second
	edit(&cfg)
	c, err := mtgo.NewClient(4242, "proxy-hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.ConnectContext(ctx); err != nil {
		return c, err
	}
	if err := c.Login(ctx); err != nil {
		return c, err
	}
	if me := c.Me(); me == nil || me.ID != bot.ID {
		t.Fatalf("Me = %+v, want %d", me, bot.ID)
	}
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		return c, err
	}
	return c, nil
}

// mtproxyFront runs an MTProxy with secret in front of the cluster: it accepts the client's
// obfuscated (or fake-TLS) stream with the transport module's MTProxy server, connects to
// the data center the client's header names, and relays packets both ways.
func mtproxyFront(t *testing.T, cl *teletest.Cluster, secret string) string {
	t.Helper()
	sec, err := mtproxy.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	srv := mtproxy.NewServer(mtproxy.ServerConfig{Secret: sec})
	return transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		in, err := srv.Accept(ctx, c)
		cancel()
		if err != nil {
			t.Logf("mtproxy accept: %v", err)
			return
		}
		dc := int(in.(interface{ DC() int16 }).DC())
		if dc < 0 {
			dc = -dc // a media connection
		}
		nc, err := net.Dial("tcp", cl.Addrs()[dc])
		if err != nil {
			return
		}
		out, err := transport.NewClientConn(nc, transport.ClientOptions{})
		if err != nil {
			_ = nc.Close()
			return
		}
		relay(in, out)
	})
}

// relay copies packets both ways until either side fails, then closes both.
func relay(a, b transport.Conn) {
	done := make(chan struct{}, 2)
	copyPackets := func(dst, src transport.Conn) {
		defer func() { done <- struct{}{} }()
		for {
			p, err := src.ReadPacket()
			if err != nil {
				return
			}
			if err := dst.WritePacket(p); err != nil {
				return
			}
		}
	}
	go copyPackets(a, b)
	go copyPackets(b, a)
	<-done
	_ = a.Close()
	_ = b.Close()
	<-done
}

func TestClientThroughProxies(t *testing.T) {
	cl := startProxyCluster(t)
	key := "00112233445566778899aabbccddeeff"
	tests := []struct {
		name  string
		setup func(t *testing.T, cfg *mtgo.Config)
	}{
		{"socks5 microsocks", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "socks5://" + transporttest.Require(t, microsocks)
		}},
		{"socks5 microsocks password", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "socks5://" + proxyCreds + "@" + transporttest.Require(t, microsocksAuth)
		}},
		{"socks5 link in MTProxy", func(t *testing.T, cfg *mtgo.Config) {
			host, port, _ := net.SplitHostPort(transporttest.Require(t, microsocksAuth))
			cfg.MTProxy = "https://t.me/socks?server=" + host + "&port=" + port + "&user=mtgo&pass=mtgo-pass"
		}},
		{"socks5 dante", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "socks5://" + transporttest.Require(t, dante)
		}},
		{"socks4 dante", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "socks4://" + transporttest.Require(t, dante)
		}},
		{"http connect tinyproxy", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "http://" + transporttest.Require(t, tinyproxy)
		}},
		{"http connect tinyproxy basic auth", func(t *testing.T, cfg *mtgo.Config) {
			cfg.Proxy = "http://" + proxyCreds + "@" + transporttest.Require(t, tinyproxyAuth)
		}},
		{"mtproxy plain", func(t *testing.T, cfg *mtgo.Config) {
			cfg.MTProxy = mtproxyLink(mtproxyFront(t, cl, key), key)
		}},
		{"mtproxy dd", func(t *testing.T, cfg *mtgo.Config) {
			cfg.MTProxy = mtproxyLink(mtproxyFront(t, cl, "dd"+key), "dd"+key)
		}},
		{"mtproxy ee", func(t *testing.T, cfg *mtgo.Config) {
			sec := "ee" + key + hex.EncodeToString([]byte("example.com"))
			cfg.MTProxy = mtproxyLink(mtproxyFront(t, cl, sec), sec)
		}},
		{"websocket", func(t *testing.T, cfg *mtgo.Config) {
			cfg.DCAddrs = wsAddrs(cl)
			cfg.Transport.WebSocket = true
		}},
		{"websocket through socks5", func(t *testing.T, cfg *mtgo.Config) {
			cfg.DCAddrs = wsAddrs(cl)
			cfg.Transport.WebSocket = true
			cfg.Proxy = "socks5://" + transporttest.Require(t, microsocks)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := proxiedBot(t, cl, func(cfg *mtgo.Config) { tt.setup(t, cfg) })
			if err != nil {
				t.Fatal(err)
			}
			if !c.Health().Connected {
				t.Fatalf("health: %+v", c.Health())
			}
		})
	}
}

func TestClientProxyWrongPassword(t *testing.T) {
	cl := startProxyCluster(t)
	tests := []struct {
		name  string
		proxy func(t *testing.T) string
	}{
		{"socks5", func(t *testing.T) string { return "socks5://mtgo:wrong@" + transporttest.Require(t, microsocksAuth) }},
		{"socks5 no credentials", func(t *testing.T) string { return "socks5://" + transporttest.Require(t, microsocksAuth) }},
		{"http", func(t *testing.T) string { return "http://mtgo:wrong@" + transporttest.Require(t, tinyproxyAuth) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Refused credentials end the connection at once (no retries with backoff).
			_, err := proxiedBot(t, cl, func(cfg *mtgo.Config) { cfg.Proxy = tt.proxy(t) })
			if !errors.Is(err, proxy.ErrAuth) {
				t.Fatalf("connect with a wrong proxy password: %v, want proxy.ErrAuth", err)
			}
			t.Logf("error: %v", err)
			if strings.Contains(err.Error(), "wrong") {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

// mtproxyLink is the tg:// link of an MTProxy at addr.
func mtproxyLink(addr, secret string) string {
	host, port, _ := net.SplitHostPort(addr)
	return "tg://proxy?server=" + host + "&port=" + port + "&secret=" + secret
}

// wsAddrs maps the cluster's data centers to their WebSocket addresses.
func wsAddrs(cl *teletest.Cluster) map[int]string {
	out := map[int]string{}
	for dc := range cl.Addrs() {
		if a := cl.DC(dc).WebSocketAddr(); a != "" {
			out[dc] = a
		}
	}
	return out
}
