package session

import (
	"context"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/transport"
)

// PacketConn is a connection carrying whole MTProto packets, declared here by its consumer;
// transport.Conn satisfies it. ReadPacket's result needs to stay valid only until the next
// ReadPacket; Close must unblock a pending ReadPacket.
type PacketConn interface {
	ReadPacket() ([]byte, error)
	WritePacket(p []byte) error
	Close() error
}

// ServeNotifier is implemented by a PacketConn that wants to know when the session starts
// serving calls on it: the key exchange is done, the server has answered (a packet that
// decrypts and authenticates under the key arrived), the temporary key (Options.TempKeyTTL),
// if any, is bound, and Stats reports StateConnected. So that an idle session learns this
// at once, every connection starts with a ping (or the binding) the server must answer;
// with keepalive off (mtp.Config.PingInterval negative) the first answer to anything tells.
// A dialled connection that breaks, is refused (a transport error such as -404 or -429
// answering its first packet, a hang-up), or whose binding fails before then is never told.
type ServeNotifier interface {
	Serving()
}

// Dialer opens a packet connection to a data center (consumer interface). dc is the data
// center id (negative for media DCs, +10000 in test mode, as the obfuscation header wants it)
// and addr its "host:port".
type Dialer interface {
	DialPacket(ctx context.Context, dc int, addr string) (PacketConn, error)
}

// DialerFunc adapts a function to Dialer.
type DialerFunc func(ctx context.Context, dc int, addr string) (PacketConn, error)

// DialPacket calls f.
func (f DialerFunc) DialPacket(ctx context.Context, dc int, addr string) (PacketConn, error) {
	return f(ctx, dc, addr)
}

// TransportDialer dials a stream with a transport.Dialer (plain TCP, a proxy, a pipe) and frames
// it with transport.NewClientConn.
type TransportDialer struct {
	// Dialer opens the stream; nil means &transport.TCPDialer{}.
	Dialer transport.Dialer
	// Options configure the framing; Options.DC defaults to the dialed dc.
	Options transport.ClientOptions
}

// DialPacket implements Dialer. ctx bounds the dial and the transport handshake.
func (d TransportDialer) DialPacket(ctx context.Context, dc int, addr string) (PacketConn, error) {
	var nd transport.Dialer = &transport.TCPDialer{}
	if d.Dialer != nil {
		nd = d.Dialer
	}
	nc, err := nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("session: dial dc %d at %s: %w", dc, addr, err)
	}
	opts := d.Options
	if opts.DC == 0 {
		opts.DC = int16(dc)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	pc, err := transport.NewClientConn(nc, opts)
	stop()
	_ = nc.SetDeadline(time.Time{})
	if err != nil {
		_ = nc.Close()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("session: transport handshake with dc %d at %s: %w", dc, addr, err)
	}
	return pc, nil
}
