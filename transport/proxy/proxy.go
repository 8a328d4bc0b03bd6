// Package proxy has dialers that reach an address through a proxy server:
// SOCKS5 (no auth or username/password, remote DNS), SOCKS4 and 4a, and HTTP
// CONNECT with optional basic auth. Each wraps another transport.Dialer (plain
// TCP by default), so proxies chain. ParseProxyURL builds one from a URL and
// ParseProxyLink reads Telegram's tg:// and t.me proxy links.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/mtgo-labs/mtgo/transport"
)

// Errors reported by the dialers. Matching is by errors.Is.
var (
	// ErrSocks4Domain is returned when a SOCKS4 (not 4a) dialer is given a
	// host name: SOCKS4 carries IPv4 addresses only.
	ErrSocks4Domain = errors.New("proxy: socks4 cannot carry a domain name (use socks4a)")
	// ErrSocks4IPv6 is returned when a SOCKS4 or 4a dialer is given an IPv6
	// address.
	ErrSocks4IPv6 = errors.New("proxy: socks4 cannot carry an IPv6 address")
	// ErrRejected is returned when the proxy refuses the request; the
	// wrapping error names the proxy's reply.
	ErrRejected = errors.New("proxy: request rejected")
	// ErrAuth is returned when the proxy refuses the credentials or needs
	// ones that were not given.
	ErrAuth = errors.New("proxy: authentication failed")
	// ErrProtocol is returned when the proxy's answer is malformed.
	ErrProtocol = errors.New("proxy: malformed reply")
)

// forward returns d, or a plain TCP dialer when d is nil.
func forward(d transport.Dialer) transport.Dialer {
	if d == nil {
		return &transport.TCPDialer{}
	}
	return d
}

// handshake runs fn with c's deadlines bound to ctx; see transport.Handshake.
func handshake(ctx context.Context, c net.Conn, fn func() error) error {
	return transport.Handshake(ctx, c, fn)
}

// splitHostPort parses addr into a host that transport.CheckHost accepts (HTTP CONNECT writes
// it into its request, where a CR LF would start a header) and a 16-bit port.
func splitHostPort(addr string) (string, uint16, error) {
	host, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("proxy: target %q: %w", addr, err)
	}
	if err := transport.CheckHost(host); err != nil {
		return "", 0, fmt.Errorf("proxy: target host: %w", err)
	}
	port, err := net.LookupPort("tcp", ps)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("proxy: target %q: bad port", addr)
	}
	return host, uint16(port), nil
}

func checkNetwork(network string) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
		return nil
	}
	return fmt.Errorf("proxy: unsupported network %q", network)
}
