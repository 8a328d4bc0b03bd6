package proxy

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
)

// ErrProxyParamsRequired is returned by ParseProxyLink when a link lacks the
// server, the port or (for an MTProxy) the secret, and by ParseProxyURL when
// a URL lacks the host or port.
var ErrProxyParamsRequired = errors.New("proxy: server, port and secret are required")

// ErrUnsupportedScheme is returned by ParseProxyURL for a scheme it cannot
// dial.
var ErrUnsupportedScheme = errors.New("proxy: unsupported proxy URL scheme")

// ParseProxyURL returns a dialer for a proxy URL: socks5:// (or socks5h://),
// socks4://, socks4a:// or http://, with optional user:password@. The dialer
// reaches the proxy through forward (nil means plain TCP).
func ParseProxyURL(raw string, forward transport.Dialer) (transport.Dialer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("proxy: parse url: %w", withoutURL(err))
	}
	user, pass := "", ""
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	addr := u.Host
	var d transport.Dialer
	switch strings.ToLower(u.Scheme) {
	case "socks5", "socks5h":
		d = &SOCKS5{Addr: addr, Username: user, Password: pass, Forward: forward}
	case "socks4":
		d = &SOCKS4{Addr: addr, UserID: user, Forward: forward}
	case "socks4a":
		d = &SOCKS4{Addr: addr, UserID: user, A: true, Forward: forward}
	case "http":
		d = &HTTPConnect{Addr: addr, Username: user, Password: pass, Forward: forward}
	default: // checked first: a URL of another kind is not a proxy missing its port
		return nil, fmt.Errorf("%w %q", ErrUnsupportedScheme, u.Scheme)
	}
	// An opaque URL ("socks5:user:pass@host:port") keeps its credentials in Opaque, where
	// Redacted does not look: no part of the URL is quoted.
	if u.Opaque != "" || u.Hostname() == "" || u.Port() == "" {
		return nil, fmt.Errorf("%w: %s url has no host or port", ErrProxyParamsRequired, u.Scheme)
	}
	if p, err := strconv.ParseUint(u.Port(), 10, 16); err != nil || p == 0 {
		return nil, fmt.Errorf("%w: url port of %d digits is not in 1..65535", ErrProxyParamsRequired, len(u.Port()))
	}
	if err := transport.CheckHost(u.Hostname()); err != nil {
		return nil, fmt.Errorf("proxy: url host: %w", err)
	}
	return d, nil
}

// withoutURL returns the cause of a url.Parse error without the URL it quotes, which may
// carry a password or an MTProxy secret. The cause itself may quote a piece of the URL too
// ("invalid port \":pa55word\" after host" when a password holds an unescaped '/', '?' or '#';
// an invalid escape; a bad host character): it is cut before the first quote.
func withoutURL(err error) error {
	ue := (*url.Error)(nil)
	if !errors.As(err, &ue) {
		return err
	}
	msg := ue.Err.Error()
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	what := strings.TrimSpace(msg[:i])
	if strings.HasPrefix(what, "invalid port") {
		what += " after host (escape '/', '?' and '#' in credentials)"
	}
	return fmt.Errorf("%s: %s (quoted text not shown)", ue.Op, what)
}

// LinkKind tells which proxy a link describes.
type LinkKind uint8

// Link kinds.
const (
	// LinkMTProxy is tg://proxy or t.me/proxy.
	LinkMTProxy LinkKind = iota + 1
	// LinkSOCKS5 is tg://socks or t.me/socks.
	LinkSOCKS5
)

// Link is a parsed Telegram proxy link.
type Link struct {
	Kind   LinkKind
	Server string
	Port   uint16
	// Secret is set for MTProxy links.
	Secret mtproxy.Secret
	// User and Pass are the optional SOCKS5 credentials.
	User, Pass string
}

// Addr returns the proxy's host:port.
func (l *Link) Addr() string { return net.JoinHostPort(l.Server, strconv.Itoa(int(l.Port))) }

// Dialer returns a SOCKS5 dialer for a socks link, reaching the proxy
// through forward. MTProxy links are dialed with mtproxy.Dial instead, since
// an MTProxy carries MTProto packets rather than arbitrary streams.
func (l *Link) Dialer(forward transport.Dialer) (transport.Dialer, error) {
	if l.Kind != LinkSOCKS5 {
		return nil, fmt.Errorf("proxy: %s link has no stream dialer (use mtproxy.Dial): %w", l.kindName(), ErrUnsupportedScheme)
	}
	return &SOCKS5{Addr: l.Addr(), Username: l.User, Password: l.Pass, Forward: forward}, nil
}

// MTProxy returns the mtproxy.Config for an MTProxy link.
func (l *Link) MTProxy(dc int16, d transport.Dialer) (mtproxy.Config, error) {
	if l.Kind != LinkMTProxy {
		return mtproxy.Config{}, fmt.Errorf("proxy: %s link is not an MTProxy: %w", l.kindName(), ErrUnsupportedScheme)
	}
	return mtproxy.Config{Addr: l.Addr(), Secret: l.Secret.Bytes(), DC: dc, Dialer: d}, nil
}

func (l *Link) kindName() string {
	if l.Kind == LinkMTProxy {
		return "mtproxy"
	}
	return "socks"
}

// ParseProxyLink reads tg://proxy?server=..&port=..&secret=..,
// https://t.me/proxy?..., tg://socks?server=..&port=..[&user=..&pass=..] and
// https://t.me/socks?... (also http:// and scheme-less t.me forms). A link
// missing the server, the port, or an MTProxy's secret returns
// ErrProxyParamsRequired; a server that is no IP address or sane host name
// returns an error wrapping transport.ErrHost (see transport.CheckHost).
// Secrets may be hex or base64 (URL or standard alphabet; a '+' in the
// secret is kept, not read as a space). No error quotes the secret or the
// credentials.
func ParseProxyLink(link string) (*Link, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return nil, fmt.Errorf("proxy: parse link: %w", withoutURL(err))
	}
	var what string
	switch strings.ToLower(u.Scheme) {
	case "tg":
		what = u.Host
		if what == "" {
			what = strings.TrimPrefix(u.Opaque, "//")
		}
	case "https", "http", "":
		host := strings.ToLower(u.Host)
		path := u.Path
		if u.Scheme == "" {
			host, path, _ = strings.Cut(strings.ToLower(u.Path), "/")
			path = "/" + path
		}
		switch host {
		case "t.me", "telegram.me", "www.t.me", "telegram.dog":
		default:
			return nil, fmt.Errorf("proxy: link host %q is not t.me: %w", host, ErrUnsupportedScheme)
		}
		what = strings.Trim(path, "/")
	default:
		return nil, fmt.Errorf("proxy: link scheme %q: %w", u.Scheme, ErrUnsupportedScheme)
	}
	q := u.Query()
	l := &Link{Server: q.Get("server"), User: q.Get("user"), Pass: q.Get("pass")}
	switch strings.ToLower(what) {
	case "proxy":
		l.Kind = LinkMTProxy
	case "socks":
		l.Kind = LinkSOCKS5
	default:
		return nil, fmt.Errorf("proxy: link type %q: %w", what, ErrUnsupportedScheme)
	}
	if l.Server == "" || q.Get("port") == "" {
		return nil, fmt.Errorf("proxy: link without server or port: %w", ErrProxyParamsRequired)
	}
	port, err := strconv.ParseUint(q.Get("port"), 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("proxy: link port %q: %w", q.Get("port"), ErrProxyParamsRequired)
	}
	l.Port = uint16(port)
	if err := transport.CheckHost(l.Server); err != nil {
		return nil, fmt.Errorf("proxy: link server: %w", err)
	}
	// Addr adds the brackets an IPv6 address needs.
	if strings.HasPrefix(l.Server, "[") {
		l.Server = l.Server[1 : len(l.Server)-1]
	}
	if l.Kind == LinkMTProxy {
		secret := linkSecret(u.RawQuery)
		if secret == "" {
			return nil, fmt.Errorf("proxy: mtproxy link without secret: %w", ErrProxyParamsRequired)
		}
		if l.Secret, err = mtproxy.ParseSecret(secret); err != nil {
			return nil, fmt.Errorf("proxy: link secret: %w", err)
		}
	}
	return l, nil
}

// linkSecret returns the secret parameter of a link's raw query with every '+' kept. A query
// decodes '+' as a space, but a secret is hex or base64 and never holds a space, while a
// standard-base64 secret holds '+' wherever its bits say so: links carry it unescaped.
func linkSecret(rawQuery string) string {
	q, _ := url.ParseQuery(strings.ReplaceAll(rawQuery, "+", "%2B")) // u.Query drops bad pairs too
	return q.Get("secret")
}
