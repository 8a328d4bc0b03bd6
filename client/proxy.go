package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
	"github.com/mtgo-labs/mtgo/transport/proxy"
	"github.com/mtgo-labs/mtgo/transport/websocket"
)

// parseProxy checks Config.Proxy and Config.MTProxy and returns the MTProxy link, if any.
func parseProxy(cfg Config) (*proxy.Link, error) {
	if cfg.Proxy != "" {
		if _, err := proxy.ParseProxyURL(cfg.Proxy, nil); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidProxy, err)
		}
	}
	if cfg.MTProxy == "" {
		return nil, nil
	}
	link, err := proxy.ParseProxyLink(cfg.MTProxy)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidProxy, err)
	}
	if link.Kind == proxy.LinkMTProxy && len(link.Secret.Bytes()) == 0 {
		return nil, ErrMTProxySecretRequired
	}
	return link, nil
}

// newStreamDialer is the default dialer layer: TCP (from Config.LocalAddr, bounded by
// Config.DialTimeout), behind Config.Proxy (or a SOCKS5 link in Config.MTProxy) when set.
func newStreamDialer(cfg Config) (transport.Dialer, error) {
	local, err := parseLocalAddr(cfg.LocalAddr)
	if err != nil {
		return nil, err
	}
	var d transport.Dialer = &transport.TCPDialer{Timeout: cfg.DialTimeout, LocalAddr: local}
	if cfg.Proxy != "" {
		pd, err := proxy.ParseProxyURL(cfg.Proxy, d)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidProxy, err)
		}
		return pd, nil
	}
	link, err := parseProxy(cfg)
	if err != nil {
		return nil, err
	}
	if link != nil && link.Kind == proxy.LinkSOCKS5 {
		return link.Dialer(d)
	}
	return d, nil
}

// codecKinds maps Config.Transport.Codec to the transport's framings.
var codecKinds = map[TransportCodec]transport.Kind{
	CodecIntermediate: transport.Intermediate,
	CodecAbridged:     transport.Abridged,
	CodecPadded:       transport.PaddedIntermediate,
	CodecFull:         transport.Full,
}

// transportFor returns the stream dialer and framing Config.Transport asks for on top of d:
// the WebSocket dialer rides on d (so proxies and a replaced dialer still apply).
func transportFor(cfg Config, d transport.Dialer) (transport.Dialer, transport.ClientOptions) {
	t := cfg.Transport
	opts := transport.ClientOptions{Codec: codecKinds[t.codec()], Obfuscated: !cfg.NoObfuscation && !t.NoObfuscation}
	if t.WebSocket {
		d = &websocket.Dialer{Secure: t.WebSocketTLS, Path: t.WebSocketPath, TLSConfig: t.TLSConfig, Forward: d}
	}
	return d, opts
}

// packetDialer returns how the session layer reaches a data center: through the MTProxy of
// link, or with d and the framing of Config.Transport. Media connections announce a negative
// DC in the obfuscation header, as the protocol wants.
func packetDialer(link *proxy.Link, d transport.Dialer, cfg Config) func(media bool) session.Dialer {
	stream, opts := transportFor(cfg, d)
	return func(media bool) session.Dialer {
		sign := 1
		if media {
			sign = -1
		}
		if link != nil && link.Kind == proxy.LinkMTProxy {
			return session.DialerFunc(func(ctx context.Context, dc int, _ string) (session.PacketConn, error) {
				cfg, err := link.MTProxy(int16(sign*dc), d)
				if err != nil {
					return nil, err
				}
				return mtproxy.Dial(ctx, cfg)
			})
		}
		td := session.TransportDialer{Dialer: stream, Options: opts}
		return session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
			return td.DialPacket(ctx, sign*dc, addr)
		})
	}
}
