package proxy

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// FuzzParseProxyURL: any URL parses or fails cleanly; a parsed dialer's proxy address splits
// into a host CheckHost accepts and a port in 1..65535.
func FuzzParseProxyURL(f *testing.F) {
	for _, s := range []string{
		"socks5://127.0.0.1:1080",
		"socks5h://u:p@proxy.example:1080",
		"socks4a://id@[::1]:1080",
		"http://u:p%40ss@proxy:3128",
		"socks5:u:p@h:1",
		"http://u:p/ss@proxy:3128",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, err := ParseProxyURL(raw, nil)
		if err != nil {
			return
		}
		var addr string
		switch d := d.(type) {
		case *SOCKS5:
			addr = d.Addr
		case *SOCKS4:
			addr = d.Addr
		case *HTTPConnect:
			addr = d.Addr
		default:
			t.Fatalf("dialer %T", d)
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("address %q: %v", addr, err)
		}
		if err := transport.CheckHost(host); err != nil {
			t.Fatalf("host %q: %v", host, err)
		}
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			t.Fatalf("port %q", port)
		}
	})
}

// FuzzProxyReplies: whatever a SOCKS5, SOCKS4 or HTTP proxy answers, the dial ends (the
// answer runs out into a passed deadline) with a connection or an error, never a panic.
func FuzzProxyReplies(f *testing.F) {
	f.Add(uint8(0), []byte{5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 80})
	f.Add(uint8(0), []byte{5, 2, 1, 0, 5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 80})
	f.Add(uint8(0), []byte{5, 0, 5, 0, 0, 4})
	f.Add(uint8(1), []byte{0, 0x5a, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(2), []byte("HTTP/1.1 200 Connection established\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add(uint8(2), []byte("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n"))
	f.Fuzz(func(t *testing.T, which uint8, reply []byte) {
		a, b := transporttest.Pipe()
		defer a.Close()
		defer b.Close()
		b.Write(reply)
		_ = a.SetReadDeadline(time.Unix(1, 0)) // the answer ends where reply does
		fwd := transport.DialerFunc(func(context.Context, string, string) (net.Conn, error) { return a, nil })
		var d transport.Dialer
		switch which % 3 {
		case 0:
			d = &SOCKS5{Addr: "proxy:1", Username: "u", Password: "p", Forward: fwd}
		case 1:
			d = &SOCKS4{Addr: "proxy:1", Forward: fwd}
		default:
			d = &HTTPConnect{Addr: "proxy:1", Forward: fwd}
		}
		c, err := d.DialContext(context.Background(), "tcp", "10.0.0.1:443")
		if err == nil {
			c.Close()
		}
	})
}
