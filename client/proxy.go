package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
	"github.com/mtgo-labs/mtgo/transport/proxy"
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

// newStreamDialer is the default dialer layer: TCP, behind Config.Proxy (or a SOCKS5 link in
// Config.MTProxy) when set.
func newStreamDialer(cfg Config) (transport.Dialer, error) {
	var d transport.Dialer = &transport.TCPDialer{}
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

// packetDialer returns how the session layer reaches a data center: through the MTProxy of
// link, or with d and (unless noObfuscation) obfuscated framing. Media connections announce a
// negative DC in the obfuscation header, as the protocol wants.
func packetDialer(link *proxy.Link, d transport.Dialer, noObfuscation bool) func(media bool) session.Dialer {
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
		td := session.TransportDialer{Dialer: d, Options: transport.ClientOptions{Obfuscated: !noObfuscation}}
		return session.DialerFunc(func(ctx context.Context, dc int, addr string) (session.PacketConn, error) {
			return td.DialPacket(ctx, sign*dc, addr)
		})
	}
}
