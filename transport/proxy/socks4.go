package proxy

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"

	"github.com/mtgo-labs/mtgo/transport"
)

// SOCKS4 dials through a SOCKS4 proxy, or SOCKS4a when A is set (host names
// resolved by the proxy). SOCKS4 given a host name returns ErrSocks4Domain;
// either given an IPv6 address returns ErrSocks4IPv6.
type SOCKS4 struct {
	// Addr is the proxy's host:port.
	Addr string
	// UserID is sent in the request; most proxies ignore it.
	UserID string
	// A selects SOCKS4a.
	A bool
	// Forward reaches the proxy; nil means plain TCP.
	Forward transport.Dialer
}

// DialContext connects to addr through the proxy.
func (d *SOCKS4) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := checkNetwork(network); err != nil {
		return nil, err
	}
	host, port, err := splitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if strings.IndexByte(d.UserID, 0) >= 0 {
		// The user id ends at a NUL on the wire: the rest would become a SOCKS4a host.
		return nil, fmt.Errorf("proxy: socks4 user id of %d bytes holds a NUL byte", len(d.UserID))
	}
	req := []byte{4, 1}
	req = binary.BigEndian.AppendUint16(req, port)
	ip, perr := netip.ParseAddr(host)
	switch {
	case perr == nil && ip.Unmap().Is4():
		req = append(req, ip.Unmap().AsSlice()...)
		req = append(req, d.UserID...)
		req = append(req, 0)
	case perr == nil:
		return nil, fmt.Errorf("proxy: socks4 to %s: %w", addr, ErrSocks4IPv6)
	case !d.A:
		return nil, fmt.Errorf("proxy: socks4 to %s: %w", addr, ErrSocks4Domain)
	default:
		req = append(req, 0, 0, 0, 1)
		req = append(req, d.UserID...)
		req = append(req, 0)
		req = append(req, host...)
		req = append(req, 0)
	}
	c, err := forward(d.Forward).DialContext(ctx, "tcp", d.Addr)
	if err != nil {
		return nil, fmt.Errorf("proxy: socks4 %s: %w", d.Addr, err)
	}
	err = handshake(ctx, c, func() error {
		if _, err := c.Write(req); err != nil {
			return fmt.Errorf("write request: %w", err)
		}
		var r [8]byte
		if _, err := io.ReadFull(c, r[:]); err != nil {
			return fmt.Errorf("read reply: %w", noEOF(err))
		}
		if r[0] != 0 {
			return fmt.Errorf("reply version %d: %w", r[0], ErrProtocol)
		}
		switch r[1] {
		case 0x5a:
			return nil
		case 0x5b:
			return fmt.Errorf("request rejected or failed (0x5b): %w", ErrRejected)
		case 0x5c, 0x5d:
			return fmt.Errorf("identd check failed (%#x): %w", r[1], ErrAuth)
		}
		return fmt.Errorf("reply code %#x: %w", r[1], ErrProtocol)
	})
	if err != nil {
		return nil, fmt.Errorf("proxy: socks4 %s to %s: %w", d.Addr, addr, err)
	}
	return c, nil
}
