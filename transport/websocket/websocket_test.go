package websocket

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoServer answers MTProto packets over WebSocket with the same packets.
func echoServer(t *testing.T, secure bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apiws" {
			http.NotFound(w, r)
			return
		}
		nc, err := Accept(w, r, AcceptOptions{})
		if err != nil {
			return
		}
		defer nc.Close()
		c, err := transport.NewServerConn(nc, transport.ServerOptions{RequireObfuscation: true})
		if err != nil {
			return
		}
		for {
			p, err := c.ReadPacket()
			if err != nil {
				return
			}
			if c.WritePacket(p) != nil {
				return
			}
		}
	})
	var srv *httptest.Server
	if secure {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

func TestObfuscatedOverWebSocket(t *testing.T) {
	for _, secure := range []bool{false, true} {
		name := "ws"
		if secure {
			name = "wss"
		}
		t.Run(name, func(t *testing.T) {
			srv := echoServer(t, secure)
			d := &Dialer{Secure: secure}
			if secure {
				d.TLSConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
			}
			addr := strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			nc, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c, err := transport.NewClientConn(nc, transport.ClientOptions{Codec: transport.Intermediate, Obfuscated: true, DC: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, n := range []int{40, 24 + 16*1000, 24 + 16*32768} {
				p := make([]byte, n)
				p[0] = 1
				p[n-1] = 9
				if err := c.WritePacket(p); err != nil {
					t.Fatal(err)
				}
				got, err := c.ReadPacket()
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("echo %d bytes: %d, %v", n, len(got), err)
				}
			}
		})
	}
}

func TestWebSocketErrors(t *testing.T) {
	srv := echoServer(t, false)
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := (&Dialer{Path: "nope"}).DialContext(ctx, "tcp", addr); err == nil {
		t.Error("dial to a 404 path succeeded")
	}
	if _, err := (&Dialer{}).DialContext(ctx, "udp", addr); err == nil {
		t.Error("udp accepted")
	}
	// A plain TCP echo server never completes the upgrade: the context
	// bounds the wait.
	echo := transporttest.EchoServer(t)
	short, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	start := time.Now()
	if _, err := (&Dialer{}).DialContext(short, "tcp", echo); err == nil {
		t.Error("upgrade against an echo server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	// wss against a plain server fails the TLS handshake.
	if _, err := (&Dialer{Secure: true, TLSConfig: &tls.Config{InsecureSkipVerify: true}}).DialContext(ctx, "tcp", addr); err == nil {
		t.Error("wss against plain http succeeded")
	}
}

// Dial errors name the URL without the credentials it may carry, whether the URL fails to
// parse or the dial fails.
func TestDialErrorsHideCredentials(t *testing.T) {
	const pass = "Qx7vR2mZk"
	closed := transporttest.Serve(t, "127.0.0.1:0", func(net.Conn) {}) // closes every connection at once
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, u := range []string{
		"ws://mtgo:" + pass + "@" + closed + "/apiws",
		"ws://mtgo:" + pass + "@host:bad/apiws",
		"ws://mtgo:" + pass + "%zz@host:80/apiws",
		"ws:mtgo:" + pass + "@host:80",
	} {
		_, err := (&Dialer{}).Dial(ctx, u)
		if err == nil {
			t.Fatalf("dial %d-byte url succeeded", len(u))
		}
		if strings.Contains(err.Error(), pass[:4]) {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// DialContext refuses an addr whose host the other proxy dialers refuse (transport.ErrHost), and
// a bad port, before dialing anything; an addr must not smuggle userinfo, a path or a query into
// the URL it builds. Dial checks its URL's host the same way.
func TestDialChecksHost(t *testing.T) {
	never := transport.DialerFunc(func(context.Context, string, string) (net.Conn, error) {
		t.Error("dialed for an address that must be refused")
		return nil, errors.New("unreachable")
	})
	d := &Dialer{Forward: never}
	for _, tc := range []struct {
		addr string
		want error // nil: any error
	}{
		{"example.com\r\nX-Evil 1:443", transport.ErrHost},
		{"a b:443", transport.ErrHost},
		{"a\x00b:443", transport.ErrHost},
		{":443", transport.ErrHost},
		{strings.Repeat("a.", 127) + "bc:443", transport.ErrHost},
		{strings.Repeat("a", 64) + ".com:443", transport.ErrHost},
		{"user:pass@example.com:443", nil},
		{"user@example.com:443", transport.ErrHost},
		{"example.com/x?y=:443", transport.ErrHost},
		{"example.com#f:443", transport.ErrHost},
		{"[fe80::1%eth0]:443", transport.ErrHost},
		{"example.com", nil},
		{"example.com:", nil},
		{"example.com:0", nil},
		{"example.com:65536", nil},
		{"example.com:https", nil},
		{"example.com:44 3", nil},
	} {
		_, err := d.DialContext(context.Background(), "tcp", tc.addr)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("DialContext(%q) = %v, want %v", tc.addr, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "pass") {
			t.Errorf("DialContext(%q) error shows the addr: %v", tc.addr, err)
		}
	}
	for _, tc := range []struct {
		url  string
		want error // nil: any error
	}{
		{"ws://a%20b:443/apiws", nil},
		{"ws://a%00b:443/apiws", nil},
		{"ws://" + strings.Repeat("a", 64) + ".com/apiws", transport.ErrHost},
		{"ws://[fe80::1%25eth0]:443/apiws", transport.ErrHost},
		{"ws://a_b!.com:443/apiws", transport.ErrHost},
		{"ws://example.com:0/apiws", nil},
		{"ws://example.com:65536/apiws", nil},
	} {
		_, err := d.Dial(context.Background(), tc.url)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("Dial(%q) = %v, want %v", tc.url, err, tc.want)
		}
	}
}
