package proxy

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"

	"github.com/mtgo-labs/mtgo/transport"
)

// SOCKS5 dials through a SOCKS5 proxy (RFC 1928), with username/password
// authentication (RFC 1929) when Username is set. Host names are sent to the
// proxy unresolved (remote DNS).
type SOCKS5 struct {
	// Addr is the proxy's host:port.
	Addr string
	// Username and Password, when Username is not empty, are offered with
	// the username/password method.
	Username, Password string
	// Forward reaches the proxy; nil means plain TCP.
	Forward transport.Dialer
}

var socks5Replies = [...]string{
	1: "general failure",
	2: "connection not allowed by ruleset",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

// DialContext connects to addr through the proxy.
func (d *SOCKS5) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := checkNetwork(network); err != nil {
		return nil, err
	}
	host, port, err := splitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if len(host) > 255 {
		return nil, fmt.Errorf("proxy: socks5: host name of %d bytes", len(host))
	}
	if len(d.Username) > 255 || len(d.Password) > 255 {
		return nil, fmt.Errorf("proxy: socks5: credentials longer than 255 bytes: %w", ErrAuth)
	}
	c, err := forward(d.Forward).DialContext(ctx, "tcp", d.Addr)
	if err != nil {
		return nil, fmt.Errorf("proxy: socks5 %s: %w", d.Addr, err)
	}
	err = handshake(ctx, c, func() error { return d.negotiate(c, host, port) })
	if err != nil {
		return nil, fmt.Errorf("proxy: socks5 %s to %s: %w", d.Addr, addr, err)
	}
	return c, nil
}

func (d *SOCKS5) negotiate(c net.Conn, host string, port uint16) error {
	greet := []byte{5, 1, 0}
	if d.Username != "" {
		greet = []byte{5, 2, 0, 2}
	}
	if _, err := c.Write(greet); err != nil {
		return fmt.Errorf("write greeting: %w", err)
	}
	var r [2]byte
	if _, err := io.ReadFull(c, r[:]); err != nil {
		return fmt.Errorf("read method: %w", noEOF(err))
	}
	if r[0] != 5 {
		return fmt.Errorf("version %d in method reply: %w", r[0], ErrProtocol)
	}
	switch r[1] {
	case 0:
	case 2:
		if d.Username == "" {
			return fmt.Errorf("proxy asks for a password: %w", ErrAuth)
		}
		req := []byte{1, byte(len(d.Username))}
		req = append(req, d.Username...)
		req = append(req, byte(len(d.Password)))
		req = append(req, d.Password...)
		if _, err := c.Write(req); err != nil {
			return fmt.Errorf("write credentials: %w", err)
		}
		if _, err := io.ReadFull(c, r[:]); err != nil {
			return fmt.Errorf("read auth status: %w", noEOF(err))
		}
		if r[1] != 0 {
			return fmt.Errorf("status %d: %w", r[1], ErrAuth)
		}
	case 0xff:
		return fmt.Errorf("no acceptable auth method: %w", ErrAuth)
	default:
		return fmt.Errorf("proxy chose method %d: %w", r[1], ErrProtocol)
	}

	req := []byte{5, 1, 0}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		if ip.Is4() {
			req = append(req, 1)
		} else {
			req = append(req, 4)
		}
		req = append(req, ip.AsSlice()...)
	} else {
		req = append(req, 3, byte(len(host)))
		req = append(req, host...)
	}
	req = binary.BigEndian.AppendUint16(req, port)
	if _, err := c.Write(req); err != nil {
		return fmt.Errorf("write connect: %w", err)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return fmt.Errorf("read connect reply: %w", noEOF(err))
	}
	if hdr[0] != 5 {
		return fmt.Errorf("version %d in connect reply: %w", hdr[0], ErrProtocol)
	}
	if hdr[1] != 0 {
		msg := "unknown error"
		if int(hdr[1]) < len(socks5Replies) {
			msg = socks5Replies[hdr[1]]
		}
		return fmt.Errorf("reply %d (%s): %w", hdr[1], msg, ErrRejected)
	}
	var skip int
	switch hdr[3] {
	case 1:
		skip = 4
	case 4:
		skip = 16
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return fmt.Errorf("read bound address: %w", noEOF(err))
		}
		skip = int(l[0])
	default:
		return fmt.Errorf("bound address type %d: %w", hdr[3], ErrProtocol)
	}
	var bound [255 + 2]byte
	if _, err := io.ReadFull(c, bound[:skip+2]); err != nil {
		return fmt.Errorf("read bound address: %w", noEOF(err))
	}
	return nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
