package proxy

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
)

func TestParseProxyURL(t *testing.T) {
	tests := []struct {
		url  string
		want transport.Dialer
		err  error
	}{
		{"socks5://127.0.0.1:1080", &SOCKS5{Addr: "127.0.0.1:1080"}, nil},
		{"socks5h://u:p@proxy.example:1080", &SOCKS5{Addr: "proxy.example:1080", Username: "u", Password: "p"}, nil},
		{"socks4://id@10.0.0.1:1080", &SOCKS4{Addr: "10.0.0.1:1080", UserID: "id"}, nil},
		{"socks4a://[::1]:1080", &SOCKS4{Addr: "[::1]:1080", A: true}, nil},
		{"http://u:p%40ss@proxy:3128", &HTTPConnect{Addr: "proxy:3128", Username: "u", Password: "p@ss"}, nil},
		{"ftp://proxy:21", nil, ErrUnsupportedScheme},
		{"ftp://nope", nil, ErrUnsupportedScheme}, // the scheme is told first, not a missing port
		{"socks5://proxy", nil, ErrProxyParamsRequired},
		{"socks5://:1080", nil, ErrProxyParamsRequired},
		{"socks5://proxy:0", nil, ErrProxyParamsRequired},
		{"socks5://proxy:65536", nil, ErrProxyParamsRequired},
		{"http://proxy:99999999999999999999", nil, ErrProxyParamsRequired},
	}
	for _, tt := range tests {
		got, err := ParseProxyURL(tt.url, nil)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: err %v, want %v", tt.url, err, tt.err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.url, diff)
		}
	}
}

func TestParseProxyLink(t *testing.T) {
	key := [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	plainHex := "deadbeef0102030405060708090a0b0c"
	ee := mtproxy.Secret{Kind: mtproxy.FakeTLS, Key: key, Domain: "example.com"}
	tests := []struct {
		link string
		want *Link
		err  error
	}{
		{"tg://proxy?server=1.2.3.4&port=443&secret=" + plainHex,
			&Link{Kind: LinkMTProxy, Server: "1.2.3.4", Port: 443, Secret: mtproxy.Secret{Key: key}}, nil},
		{"https://t.me/proxy?server=proxy.example&port=8443&secret=dd" + plainHex,
			&Link{Kind: LinkMTProxy, Server: "proxy.example", Port: 8443, Secret: mtproxy.Secret{Kind: mtproxy.Padded, Key: key}}, nil},
		{"t.me/proxy?server=p&port=1&secret=" + ee.Hex(),
			&Link{Kind: LinkMTProxy, Server: "p", Port: 1, Secret: ee}, nil},
		{"tg://proxy?server=p&port=1&secret=7t6tvu8BAgMEBQYHCAkKCwxleGFtcGxlLmNvbQ", // base64url of the ee secret
			&Link{Kind: LinkMTProxy, Server: "p", Port: 1, Secret: ee}, nil},
		{"tg://socks?server=s.example&port=1080&user=u&pass=p",
			&Link{Kind: LinkSOCKS5, Server: "s.example", Port: 1080, User: "u", Pass: "p"}, nil},
		{"https://t.me/socks?server=s&port=1080", &Link{Kind: LinkSOCKS5, Server: "s", Port: 1080}, nil},
		{"tg://proxy?server=p&port=443", nil, ErrProxyParamsRequired},
		{"tg://proxy?port=443&secret=" + plainHex, nil, ErrProxyParamsRequired},
		{"tg://proxy?server=p&secret=" + plainHex, nil, ErrProxyParamsRequired},
		{"tg://socks?server=p", nil, ErrProxyParamsRequired},
		{"tg://socks?server=p&port=99999", nil, ErrProxyParamsRequired},
		{"tg://proxy?server=p&port=1&secret=zz", nil, mtproxy.ErrSecret},
		{"tg://socks?server=[2001:db8::1]&port=1080", &Link{Kind: LinkSOCKS5, Server: "2001:db8::1", Port: 1080}, nil},
		{"tg://socks?server=a%20b&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=a%0D%0Ab&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=a%00b&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=" + strings.Repeat("a.", 127) + "bc&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=" + strings.Repeat("a", 64) + ".com&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=-a.com&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=a..com&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=evil.com%2Fx%40y&port=1080", nil, transport.ErrHost},
		{"tg://socks?server=1.2.3.4:80&port=1080", nil, transport.ErrHost},
		{"tg://proxy?server=p&port=1&secret=ee" + plainHex + "612062", nil, transport.ErrHost}, // domain "a b"
		{"tg://resolve?domain=x", nil, ErrUnsupportedScheme},
		{"https://example.com/proxy?server=p&port=1&secret=" + plainHex, nil, ErrUnsupportedScheme},
	}
	for _, tt := range tests {
		got, err := ParseProxyLink(tt.link)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: err %v, want %v", tt.link, err, tt.err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.link, diff)
		}
	}
}

// A standard-base64 secret holds '+', which a URL query decodes as a space: the link's secret
// is read with '+' kept, whether it stands in the middle, first (where trimming would eat the
// space) or is escaped as %2B.
func TestParseProxyLinkBase64Plus(t *testing.T) {
	key := [16]byte{0xfb, 0xef, 0xbe, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xf8}
	want := &Link{Kind: LinkMTProxy, Server: "p", Port: 443, Secret: mtproxy.Secret{Key: key}}
	for _, link := range []string{
		"tg://proxy?server=p&port=443&secret=++++/wECAwQFBgcICQoL+A==",
		"tg://proxy?secret=++++/wECAwQFBgcICQoL+A&server=p&port=443",
		"https://t.me/proxy?server=p&port=443&secret=++++/wECAwQFBgcICQoL+A%3D%3D",
		"t.me/proxy?server=p&port=443&secret=%2B%2B++/wECAwQFBgcICQoL%2BA==",
	} {
		got, err := ParseProxyLink(link)
		if err != nil {
			t.Errorf("%s: %v", link, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", link, diff)
		}
	}
}

func TestLinkDialers(t *testing.T) {
	l, err := ParseProxyLink("tg://socks?server=::1&port=1080&user=u&pass=p")
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.Dialer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&SOCKS5{Addr: "[::1]:1080", Username: "u", Password: "p"}, d); diff != "" {
		t.Error(diff)
	}
	if _, err := l.MTProxy(2, nil); !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("MTProxy() on a socks link: %v", err)
	}
	m, _ := ParseProxyLink("tg://proxy?server=p&port=443&secret=dddeadbeef0102030405060708090a0b0c")
	cfg, err := m.MTProxy(-2, nil)
	if err != nil || cfg.Addr != "p:443" || cfg.DC != -2 || len(cfg.Secret) != 17 {
		t.Errorf("MTProxy config %+v, %v", cfg, err)
	}
	if _, err := m.Dialer(nil); !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("Dialer() on an mtproxy link: %v", err)
	}
}

// FuzzParseProxyLink: any link parses or fails cleanly; a parsed link has a valid server, and
// its Addr splits back into that server and port.
func FuzzParseProxyLink(f *testing.F) {
	for _, s := range []string{
		"tg://proxy?server=1.2.3.4&port=443&secret=deadbeef0102030405060708090a0b0c",
		"https://t.me/socks?server=s.example&port=1080&user=u&pass=p",
		"tg://socks?server=[::1]&port=1",
		"tg://proxy?server=p&port=1&secret=eedeadbeef0102030405060708090a0b0c6578616d706c652e636f6d",
		"t.me/proxy?server=a%0Ab&port=1&secret=00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		l, err := ParseProxyLink(link)
		if err != nil {
			return
		}
		if err := transport.CheckHost(l.Server); err != nil {
			t.Fatalf("parsed server %q: %v", l.Server, err)
		}
		host, _, err := net.SplitHostPort(l.Addr())
		if err != nil || host != l.Server {
			t.Fatalf("Addr %q does not split back into %q: %v", l.Addr(), l.Server, err)
		}
		if l.Kind == LinkMTProxy && l.Secret.Kind == mtproxy.FakeTLS {
			if err := transport.CheckHost(l.Secret.Domain); err != nil {
				t.Fatalf("parsed fake-TLS domain %q: %v", l.Secret.Domain, err)
			}
		}
	})
}
