package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// connectProxy serves a scripted HTTP proxy: it reads one CONNECT request and hands the
// connection to answer.
func connectProxy(t *testing.T, answer func(c net.Conn)) string {
	return transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		answer(c)
	})
}

// A successful CONNECT answer's Content-Length or Transfer-Encoding must be ignored (RFC 9110
// 9.3.6): the bytes after the header are the tunnel's, not a body to drain.
func TestHTTPConnectKeepsTunnelBytesAfter2xx(t *testing.T) {
	for _, hdr := range []string{"Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", ""} {
		t.Run(hdr, func(t *testing.T) {
			addr := connectProxy(t, func(c net.Conn) {
				c.Write([]byte("HTTP/1.1 200 Connection established\r\n" + hdr + "\r\nhello"))
				c.Write([]byte(" world"))
			})
			c, err := (&HTTPConnect{Addr: addr}).DialContext(ctxT(t), "tcp", "127.0.0.1:443")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			got, err := io.ReadAll(c)
			if err != nil || string(got) != "hello world" {
				t.Fatalf("tunnel read %q, %v; want %q", got, err, "hello world")
			}
		})
	}
}

// A proxy that never ends its answer's header gets an error once the answer passes a small
// bound, not memory and time until the context ends.
func TestHTTPConnectResponseBounded(t *testing.T) {
	const sent = 16 << 20
	scripts := map[string]func(c net.Conn){
		"one endless header line": func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\nX-Pad: "))
			c.Write(bytes.Repeat([]byte("a"), sent))
		},
		"endless header lines": func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			c.Write(bytes.Repeat([]byte("X-Pad: a\r\n"), sent/10))
		},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			addr := connectProxy(t, func(c net.Conn) {
				script(c)
				io.Copy(io.Discard, c) // until the client gives up
			})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := (&HTTPConnect{Addr: addr}).DialContext(ctx, "tcp", "127.0.0.1:443")
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if !errors.Is(err, ErrProtocol) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want ErrProtocol before the deadline", err)
			}
		})
	}
}

// A target host is checked before anything is sent: HTTP CONNECT writes it into the request
// line and the Host header, where a CR LF would let the caller's input inject headers or a
// second request; the SOCKS dialers carry it too.
func TestDialersCheckTargetHost(t *testing.T) {
	never := transport.DialerFunc(func(context.Context, string, string) (net.Conn, error) {
		t.Error("dialed the proxy for a target that must be refused")
		return nil, errors.New("unreachable")
	})
	dialers := map[string]transport.Dialer{
		"http":    &HTTPConnect{Addr: "127.0.0.1:1", Forward: never},
		"socks5":  &SOCKS5{Addr: "127.0.0.1:1", Forward: never},
		"socks4a": &SOCKS4{Addr: "127.0.0.1:1", A: true, Forward: never},
	}
	targets := []string{
		"example.com HTTP/1.1\r\n\r\nGET / HTTP/1.0\r\n\r\n:443",
		"a b:443",
		"a\x00b:443",
		":443",
	}
	for name, d := range dialers {
		for _, target := range targets {
			if _, err := d.DialContext(context.Background(), "tcp", target); !errors.Is(err, transport.ErrHost) {
				t.Errorf("%s to %q: %v, want ErrHost", name, target, err)
			}
		}
	}
}

// A refusal's status text comes from the proxy: the error quotes a short, escaped prefix of it,
// not kilobytes of it or the terminal escapes it may hold.
func TestHTTPConnectStatusTextBounded(t *testing.T) {
	addr := connectProxy(t, func(c net.Conn) {
		c.Write([]byte("HTTP/1.1 403 \x1b[2J" + string(bytes.Repeat([]byte("x"), 16<<10)) + "\r\n\r\n"))
	})
	_, err := (&HTTPConnect{Addr: addr}).DialContext(ctxT(t), "tcp", "127.0.0.1:443")
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	if msg := err.Error(); len(msg) > 300 || strings.ContainsRune(msg, 0x1b) {
		t.Fatalf("%d-byte error with the proxy's raw text: %.100q", len(msg), msg)
	}
}
