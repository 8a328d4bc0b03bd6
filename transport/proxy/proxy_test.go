package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	microsocks     = transporttest.Service{Name: "microsocks", Env: "MTGO_SOCKS5_ADDR", Default: "127.0.0.1:41080", Binary: "microsocks"}
	microsocksAuth = transporttest.Service{Name: "microsocks (auth)", Env: "MTGO_SOCKS5_AUTH_ADDR", Default: "127.0.0.1:41081", Binary: "microsocks"}
	dante          = transporttest.Service{Name: "danted", Env: "MTGO_DANTE_ADDR", Default: "127.0.0.1:41082", Binary: "danted"}
	tinyproxy      = transporttest.Service{Name: "tinyproxy", Env: "MTGO_HTTP_PROXY_ADDR", Default: "127.0.0.1:41083", Binary: "tinyproxy"}
	tinyproxyAuth  = transporttest.Service{Name: "tinyproxy (auth)", Env: "MTGO_HTTP_PROXY_AUTH_ADDR", Default: "127.0.0.1:41084", Binary: "tinyproxy"}
)

// Credentials configured in scripts/services.d/proxies.sh.
const (
	proxyUser = "mtgo"
	proxyPass = "mtgo-pass"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// echoThrough checks that bytes written through c come back.
func echoThrough(t *testing.T, c net.Conn) {
	t.Helper()
	msg := bytes.Repeat([]byte("mtgo through a proxy "), 500)
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read echo: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("echo differs")
	}
}

func TestRealProxies(t *testing.T) {
	echo := transporttest.EchoServer(t)
	_, echoPort, _ := net.SplitHostPort(echo)
	byName := "localhost:" + echoPort
	tests := []struct {
		name   string
		svc    transporttest.Service
		dialer func(addr string) transport.Dialer
		target string
	}{
		{"microsocks/socks5", microsocks, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, echo},
		{"microsocks/socks5 remote dns", microsocks, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, byName},
		{"microsocks/socks5 password", microsocksAuth, func(a string) transport.Dialer {
			return &SOCKS5{Addr: a, Username: proxyUser, Password: proxyPass}
		}, echo},
		{"dante/socks5", dante, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, echo},
		{"dante/socks5 remote dns", dante, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, byName},
		{"dante/socks4", dante, func(a string) transport.Dialer { return &SOCKS4{Addr: a, UserID: "mtgo"} }, echo},
		{"tinyproxy/connect", tinyproxy, func(a string) transport.Dialer { return &HTTPConnect{Addr: a} }, echo},
		{"tinyproxy/connect basic auth", tinyproxyAuth, func(a string) transport.Dialer {
			return &HTTPConnect{Addr: a, Username: proxyUser, Password: proxyPass}
		}, echo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := transporttest.Require(t, tt.svc)
			c, err := tt.dialer(addr).DialContext(ctxT(t), "tcp", tt.target)
			if err != nil {
				t.Fatalf("dial %s via %s: %v", tt.target, addr, err)
			}
			defer c.Close()
			echoThrough(t, c)
		})
	}
}

// An MTProto packet connection works end to end through every proxy kind.
func TestMTProtoThroughProxies(t *testing.T) {
	srv := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		sc, err := transport.NewServerConn(c, transport.ServerOptions{})
		if err != nil {
			return
		}
		for {
			p, err := sc.ReadPacket()
			if err != nil {
				return
			}
			if sc.WritePacket(p) != nil {
				return
			}
		}
	})
	// Each factory requires its proxy on the subtest's t, so a missing proxy fails (or skips)
	// that subtest only.
	dialers := map[string]func(t *testing.T) transport.Dialer{
		"socks5": func(t *testing.T) transport.Dialer { return &SOCKS5{Addr: transporttest.Require(t, microsocks)} },
		"socks4": func(t *testing.T) transport.Dialer { return &SOCKS4{Addr: transporttest.Require(t, dante)} },
		"http":   func(t *testing.T) transport.Dialer { return &HTTPConnect{Addr: transporttest.Require(t, tinyproxy)} },
	}
	for name, mk := range dialers {
		t.Run(name, func(t *testing.T) {
			nc, err := mk(t).DialContext(ctxT(t), "tcp", srv)
			if err != nil {
				t.Fatal(err)
			}
			c, err := transport.NewClientConn(nc, transport.ClientOptions{Codec: transport.PaddedIntermediate, Obfuscated: true, DC: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			p := append([]byte{1, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 16+16*100)...)
			for range 3 {
				if err := c.WritePacket(p); err != nil {
					t.Fatal(err)
				}
				got, err := c.ReadPacket()
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("echo through proxy: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

func TestRealProxyErrors(t *testing.T) {
	closed := closedPort(t)
	tests := []struct {
		name   string
		svc    transporttest.Service
		dialer func(addr string) transport.Dialer
		target string
		want   error
	}{
		{"socks5 wrong password", microsocksAuth, func(a string) transport.Dialer {
			return &SOCKS5{Addr: a, Username: proxyUser, Password: "wrong"}
		}, "127.0.0.1:1", ErrAuth},
		{"socks5 no credentials", microsocksAuth, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, "127.0.0.1:1", ErrAuth},
		{"socks5 refused target", microsocks, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, closed, ErrRejected},
		{"dante socks5 refused target", dante, func(a string) transport.Dialer { return &SOCKS5{Addr: a} }, closed, ErrRejected},
		// Dante speaks SOCKS4 but not the 4a extension: it takes 0.0.0.1 as
		// the literal destination, which its rules block.
		{"dante socks4a unsupported", dante, func(a string) transport.Dialer { return &SOCKS4{Addr: a, A: true} }, "localhost:80", ErrRejected},
		{"dante socks4 refused target", dante, func(a string) transport.Dialer { return &SOCKS4{Addr: a} }, closed, ErrRejected},
		{"http wrong password", tinyproxyAuth, func(a string) transport.Dialer {
			return &HTTPConnect{Addr: a, Username: proxyUser, Password: "wrong"}
		}, closed, ErrAuth},
		{"http refused target", tinyproxy, func(a string) transport.Dialer { return &HTTPConnect{Addr: a} }, closed, ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := transporttest.Require(t, tt.svc)
			c, err := tt.dialer(addr).DialContext(ctxT(t), "tcp", tt.target)
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestSocks4AddressChecks(t *testing.T) {
	never := transport.DialerFunc(func(context.Context, string, string) (net.Conn, error) {
		t.Fatal("dialed the proxy for a request that cannot be sent")
		return nil, nil
	})
	tests := []struct {
		d      *SOCKS4
		target string
		want   error
	}{
		{&SOCKS4{Forward: never}, "example.com:443", ErrSocks4Domain},
		{&SOCKS4{Forward: never}, "[2001:db8::1]:443", ErrSocks4IPv6},
		{&SOCKS4{A: true, Forward: never}, "[2001:db8::1]:443", ErrSocks4IPv6},
	}
	for _, tt := range tests {
		if _, err := tt.d.DialContext(context.Background(), "tcp", tt.target); !errors.Is(err, tt.want) {
			t.Errorf("socks4(a=%v) %s: %v, want %v", tt.d.A, tt.target, err, tt.want)
		}
	}
}

// Scripted proxies that misbehave: each must give a clear error quickly.
func TestMisbehavingProxies(t *testing.T) {
	scripts := []struct {
		name   string
		handle func(c net.Conn)
		want   error
	}{
		// The greeting is read before closing: closing with unread bytes makes the kernel
		// send RST instead of FIN, and the client would see a reset rather than an EOF.
		{"closes without answering", func(c net.Conn) {
			buf := make([]byte, 3)
			io.ReadFull(c, buf)
		}, io.ErrUnexpectedEOF},
		{"closes mid-handshake", func(c net.Conn) {
			buf := make([]byte, 3)
			io.ReadFull(c, buf)
			c.Write([]byte{5})
		}, io.ErrUnexpectedEOF},
		{"answers garbage", func(c net.Conn) {
			buf := make([]byte, 3)
			io.ReadFull(c, buf)
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		}, ErrProtocol},
		{"rejects the connect", func(c net.Conn) {
			buf := make([]byte, 3)
			io.ReadFull(c, buf)
			c.Write([]byte{5, 0})
			req := make([]byte, 10)
			io.ReadFull(c, req)
			c.Write([]byte{5, 2, 0, 1, 0, 0, 0, 0, 0, 0})
		}, ErrRejected},
		{"never answers", func(c net.Conn) { io.Copy(io.Discard, c) }, context.DeadlineExceeded},
	}
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			addr := transporttest.Serve(t, "127.0.0.1:0", s.handle)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := (&SOCKS5{Addr: addr}).DialContext(ctx, "tcp", "127.0.0.1:443")
			if !errors.Is(err, s.want) {
				t.Fatalf("err = %v, want %v", err, s.want)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %s", d)
			}
		})
	}
	t.Run("http proxy closes mid-response", func(t *testing.T) {
		addr := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
			buf := make([]byte, 10)
			c.Read(buf)
			c.Write([]byte("HTTP/1.1 200 Conn"))
		})
		_, err := (&HTTPConnect{Addr: addr}).DialContext(ctxT(t), "tcp", "127.0.0.1:443")
		if !errors.Is(err, ErrProtocol) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("socks4 cancel", func(t *testing.T) {
		addr := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) { io.Copy(io.Discard, c) })
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := (&SOCKS4{Addr: addr}).DialContext(ctx, "tcp", "127.0.0.1:443")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

// SOCKS4a against a scripted server that checks the exact request bytes
// (no Debian daemon implements 4a: Dante treats 0.0.0.x literally).
func TestSocks4aRequest(t *testing.T) {
	echo := transporttest.EchoServer(t)
	_, port, _ := net.SplitHostPort(echo)
	addr := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		want := []byte{4, 1, 0, 0, 0, 0, 0, 1}
		want[2], want[3] = portBytes(port)
		want = append(want, "id\x00localhost\x00"...)
		got := make([]byte, len(want))
		if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
			c.Write([]byte{0, 0x5b, 0, 0, 0, 0, 0, 0})
			return
		}
		up, err := net.Dial("tcp", echo)
		if err != nil {
			return
		}
		defer up.Close()
		c.Write([]byte{0, 0x5a, 0, 0, 0, 0, 0, 0})
		done := make(chan struct{})
		go func() {
			defer close(done)
			io.Copy(up, c)
			up.Close()
		}()
		io.Copy(c, up)
		c.Close()
		<-done
	})
	c, err := (&SOCKS4{Addr: addr, A: true, UserID: "id"}).DialContext(ctxT(t), "tcp", "localhost:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echoThrough(t, c)
}

func portBytes(p string) (byte, byte) {
	n, _ := net.LookupPort("tcp", p)
	return byte(n >> 8), byte(n)
}

// A SOCKS4 user id is NUL-terminated on the wire: a NUL inside it (a socks4a://a%00evil@...
// URL) would end it early and make the rest the SOCKS4a destination host.
func TestSocks4UserIDWithNUL(t *testing.T) {
	never := transport.DialerFunc(func(context.Context, string, string) (net.Conn, error) {
		t.Error("dialed the proxy with a user id that rewrites the request")
		return nil, errors.New("unreachable")
	})
	for _, a := range []bool{false, true} {
		d := &SOCKS4{Addr: "127.0.0.1:1", UserID: "id\x00evil.example", A: a, Forward: never}
		for _, target := range []string{"target.example:443", "10.0.0.1:443"} {
			if !a && target == "target.example:443" {
				continue // refused as a domain anyway
			}
			if _, err := d.DialContext(context.Background(), "tcp", target); err == nil || !strings.Contains(err.Error(), "user id") {
				t.Errorf("socks4(a=%v) to %s: %v, want a user id error", a, target, err)
			}
		}
	}
}
