// Package websocket carries the (obfuscated) MTProto byte stream over
// WebSocket binary messages, for networks where only HTTP(S) gets through.
// Telegram serves it at wss://<dc>.web.telegram.org/apiws with the "binary"
// subprotocol; the stream inside must be obfuscated2 (set
// transport.ClientOptions.Obfuscated).
//
// RFC 6455 framing, masking, control frames and the close handshake come
// from github.com/coder/websocket; see the transport README for why.
package websocket

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	ws "github.com/coder/websocket"

	"github.com/mtgo-labs/mtgo/transport"
)

// Subprotocol is the WebSocket subprotocol Telegram's endpoints speak.
const Subprotocol = "binary"

// DefaultMaxMessage caps an incoming WebSocket message: one MTProto packet
// of transport.DefaultMaxPacket with envelope room.
const DefaultMaxMessage = transport.DefaultMaxPacket + 1024

// Dialer opens WebSocket connections and returns them as net.Conn streams
// of binary messages. It implements transport.Dialer: addr is the server's
// host:port and the URL is built from Secure and Path.
type Dialer struct {
	// Secure selects wss (TLS) instead of ws.
	Secure bool
	// Path is the URL path; empty means "/apiws".
	Path string
	// TLSConfig configures wss; nil means the system roots and the host
	// name from addr.
	TLSConfig *tls.Config
	// Forward reaches the server (a proxy, for instance); nil means plain
	// TCP.
	Forward transport.Dialer
	// Header is sent with the upgrade request.
	Header http.Header
	// MaxMessage caps incoming messages; 0 means DefaultMaxMessage.
	MaxMessage int64
}

// DialContext opens ws(s)://addr/path. The context bounds the dial and the
// upgrade only; the returned connection lives until closed.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("websocket: unsupported network %q", network)
	}
	host, port, err := splitHostPort(addr)
	if err != nil {
		return nil, err
	}
	scheme := "ws"
	if d.Secure {
		scheme = "wss"
	}
	path := d.Path
	if path == "" {
		path = "/apiws"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return d.Dial(ctx, scheme+"://"+net.JoinHostPort(host, port)+path)
}

// splitHostPort parses addr into a host that transport.CheckHost accepts and a decimal port in
// 1..65535, so addr cannot carry userinfo, a path, a query or header-breaking bytes into the URL
// DialContext builds. Errors give addr's length, not addr: it may hold a password.
func splitHostPort(addr string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("websocket: address of %d bytes is not host:port", len(addr))
	}
	if err := transport.CheckHost(host); err != nil {
		return "", "", fmt.Errorf("websocket: address host: %w", err)
	}
	if err := checkPort(port); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// checkPort reports whether p is a decimal port in 1..65535.
func checkPort(p string) error {
	if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
		return fmt.Errorf("websocket: port of %d bytes is not a number in 1..65535", len(p))
	}
	return nil
}

// Dial opens the WebSocket at rawURL (ws:// or wss://). Errors show the URL
// without its password.
func (d *Dialer) Dial(ctx context.Context, rawURL string) (net.Conn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the URL, and its cause may quote a piece of it.
		return nil, fmt.Errorf("websocket: url of %d bytes does not parse", len(rawURL))
	}
	if u.Opaque != "" || u.Host == "" {
		// An opaque URL keeps userinfo in Opaque, where Redacted does not look.
		return nil, fmt.Errorf("websocket: %s url has no host", u.Scheme)
	}
	if err := transport.CheckHost(u.Hostname()); err != nil {
		return nil, fmt.Errorf("websocket: url host: %w", err)
	}
	if p := u.Port(); p != "" {
		if err := checkPort(p); err != nil {
			return nil, err
		}
	}
	fwd := d.Forward
	if fwd == nil {
		fwd = &transport.TCPDialer{}
	}
	rt := &http.Transport{
		DialContext:       fwd.DialContext,
		TLSClientConfig:   d.TLSConfig,
		ForceAttemptHTTP2: false,
		DisableKeepAlives: true,
	}
	defer rt.CloseIdleConnections()
	c, resp, err := ws.Dial(ctx, u.String(), &ws.DialOptions{
		HTTPClient:   &http.Client{Transport: rt},
		HTTPHeader:   d.Header,
		Subprotocols: []string{Subprotocol},
	})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("websocket: dial %s: %w", u.Redacted(), err)
	}
	return wrap(c, d.MaxMessage), nil
}

// AcceptOptions configures Accept.
type AcceptOptions struct {
	// OriginPatterns lists allowed Origin hosts for browser clients; see
	// github.com/coder/websocket.AcceptOptions.
	OriginPatterns []string
	// MaxMessage caps incoming messages; 0 means DefaultMaxMessage.
	MaxMessage int64
}

// Accept upgrades an HTTP request to a WebSocket speaking the "binary"
// subprotocol and returns it as a net.Conn, ready for
// transport.NewServerConn. On error the response has been written.
func Accept(w http.ResponseWriter, r *http.Request, opts AcceptOptions) (net.Conn, error) {
	c, err := ws.Accept(w, r, &ws.AcceptOptions{
		Subprotocols:   []string{Subprotocol},
		OriginPatterns: opts.OriginPatterns,
	})
	if err != nil {
		return nil, fmt.Errorf("websocket: accept: %w", err)
	}
	return wrap(c, opts.MaxMessage), nil
}

func wrap(c *ws.Conn, max int64) net.Conn {
	if max <= 0 {
		max = DefaultMaxMessage
	}
	c.SetReadLimit(max)
	return ws.NetConn(context.Background(), c, ws.MessageBinary)
}
