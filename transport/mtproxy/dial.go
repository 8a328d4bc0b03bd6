package mtproxy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/mtgo-labs/mtgo/transport"
)

// Config describes an MTProxy to connect through.
type Config struct {
	// Addr is the proxy's host:port.
	Addr string
	// Secret is the proxy's secret; required.
	Secret []byte
	// DC is the data center the proxy should forward to (negative for
	// media, +10000 for test DCs).
	DC int16
	// Codec is the framing for plain secrets; dd and ee secrets always use
	// padded intermediate.
	Codec transport.Kind
	// Dialer reaches the proxy; nil means plain TCP.
	Dialer transport.Dialer
	// MaxPacket caps packet lengths; 0 means transport.DefaultMaxPacket.
	MaxPacket int
	// Rand and Now are for tests; nil means crypto/rand and time.Now.
	Rand io.Reader
	Now  func() time.Time
}

// Dial connects to the proxy, runs the handshake the secret calls for
// (fake TLS for ee secrets, then obfuscated2 keyed by the secret) and returns
// a packet Conn to the data center. The context bounds the whole handshake.
func Dial(ctx context.Context, cfg Config) (transport.Conn, error) {
	if len(cfg.Secret) == 0 {
		return nil, ErrMTProxySecretRequired
	}
	if _, err := SecretFromBytes(cfg.Secret); err != nil {
		return nil, err
	}
	d := cfg.Dialer
	if d == nil {
		d = &transport.TCPDialer{}
	}
	nc, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mtproxy: dial %s: %w", cfg.Addr, err)
	}
	var c transport.Conn
	err = transport.Handshake(ctx, nc, func() error {
		var err error
		c, err = transport.NewClientConn(nc, transport.ClientOptions{
			Codec: cfg.Codec, DC: cfg.DC, Secret: cfg.Secret, MaxPacket: cfg.MaxPacket, Rand: cfg.Rand, Now: cfg.Now,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mtproxy: handshake with %s: %w", cfg.Addr, err)
	}
	return c, nil
}
