package teletest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// In-memory connections (Config.InMemory): no listener, no socket. Cluster.Dialer hands the
// client one end of a transporttest.Pipe and serves the other with the same serveConn a TCP
// connection gets, so everything above the bytes (transport detection, key exchange, sessions,
// faults) is what a TCP client meets. A pipe's reads wait on a channel and a timer, never in
// the netpoller, which is what lets a whole cluster run inside a testing/synctest bubble.

// ErrNoDataCenter is what Cluster.Dialer returns for an address no data center of an
// in-memory cluster has.
var ErrNoDataCenter = errors.New("teletest: no in-memory data center at this address")

// memAddr is the placeholder address of data center dc in an in-memory cluster: an address
// of TEST-NET-1 (RFC 5737), which is never routed, so a client that dials it over the real
// network fails instead of reaching someone. DC 2 is 192.0.2.2:443.
func memAddr(dc int) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(dc)}), uint16(443+dc>>8))
}

// Dialer returns a dialer that reaches the cluster's data centers: in an in-memory cluster
// (Config.InMemory) it connects to the addresses Addrs, CDNAddr and help.getConfig list over
// in-memory pipes; otherwise it is a plain transport.TCPDialer. Give it to the client under
// test (mtgo.ReplaceDialer for MTGo's client).
func (c *Cluster) Dialer() transport.Dialer {
	if !c.cfg.InMemory {
		return &transport.TCPDialer{}
	}
	return transport.DialerFunc(c.dialMem)
}

// dialMem connects to the data center at addr through a pipe.
func (c *Cluster) dialMem(ctx context.Context, _, addr string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("teletest: dial %s: %w", addr, err)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, fmt.Errorf("teletest: dial %q: %w", addr, ErrNoDataCenter)
	}
	for _, s := range c.all() {
		if s.mem == ap {
			client, server := transporttest.Pipe()
			if !s.serveMem(server) {
				return nil, fmt.Errorf("teletest: dial %s: %w", addr, net.ErrClosed)
			}
			return client, nil
		}
	}
	return nil, fmt.Errorf("teletest: dial %s: %w", addr, ErrNoDataCenter)
}

// serveMem serves nc, the server end of an in-memory connection, on a goroutine Close waits
// for. It reports false, having closed nc, once the data center is closed.
func (s *Server) serveMem(nc net.Conn) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = nc.Close()
		return false
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		s.serveConn(s.cl.ctx, nc)
	}()
	return true
}
