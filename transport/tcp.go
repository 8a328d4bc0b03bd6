package transport

import (
	"context"
	"fmt"
	"net"
	"time"
)

// Dialer opens stream connections. It has the shape of net.Dialer's
// DialContext so users can plug any implementation: proxies, tunnels,
// in-memory pipes.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// DialerFunc adapts a function to Dialer.
type DialerFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// DialContext calls f.
func (f DialerFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// TCPDialer dials plain TCP over IPv4 or IPv6. The context bounds the dial;
// Timeout, when set, bounds it further.
type TCPDialer struct {
	// Timeout caps each dial; zero means only the context's deadline.
	Timeout time.Duration
	// LocalAddr, when set, is the local address to dial from.
	LocalAddr *net.TCPAddr
	// KeepAlive is the TCP keep-alive period; zero keeps Go's default and
	// a negative value disables keep-alives.
	KeepAlive time.Duration
}

// DialContext dials addr ("host:port"; IPv6 hosts in brackets) over network
// "tcp", "tcp4" or "tcp6".
func (d *TCPDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("transport: tcp dial %s: unsupported network %q", addr, network)
	}
	nd := net.Dialer{Timeout: d.Timeout, KeepAlive: d.KeepAlive}
	if d.LocalAddr != nil {
		nd.LocalAddr = d.LocalAddr
	}
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("transport: tcp dial %s: %w", addr, err)
	}
	return c, nil
}
