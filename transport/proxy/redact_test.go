package proxy

import (
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
)

var (
	linkKey  = []byte{0x9e, 0x51, 0xa3, 0x0c, 0x7b, 0xd4, 0x28, 0xf6, 0x63, 0x1a, 0xb9, 0x45, 0xe0, 0x3d, 0x87, 0x2c}
	linkPass = "Zq8#vLw2!pK"
	linkUser = "agent-xr7"
)

func TestLinkRedacted(t *testing.T) {
	q := url.Values{"server": {"proxy.example"}, "port": {"443"}, "secret": {"ee" + hex.EncodeToString(linkKey) + hex.EncodeToString([]byte("example.com"))}}
	mt, err := ParseProxyLink("tg://proxy?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	q = url.Values{"server": {"proxy.example"}, "port": {"1080"}, "user": {linkUser}, "pass": {linkPass}}
	socks, err := ParseProxyLink("tg://socks?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	dialer, err := socks.Dialer(nil)
	if err != nil {
		t.Fatal(err)
	}
	httpc, err := ParseProxyURL("http://"+linkUser+":"+url.QueryEscape(linkPass)+"@proxy.example:3128", nil)
	if err != nil {
		t.Fatal(err)
	}
	nested := &SOCKS5{Addr: "a:1", Forward: httpc}                           // a chain: the inner dialer's password too
	for _, v := range []any{mt, *mt, socks, *socks, dialer, httpc, nested} { // Check also prints each inside a struct
		if err := redact.Check(v, linkKey, []byte(linkPass), []byte(linkUser)); err != nil {
			t.Error(err)
		}
	}
	if s := mt.String(); !strings.Contains(s, "proxy.example") || !strings.Contains(s, "example.com") {
		t.Errorf("String() = %q, want the server and the fake-TLS domain", s)
	}
}

// TestLinkErrorsQuoteNothing: links that fail to parse are reported without the secret or the
// password they carry.
func TestLinkErrorsQuoteNothing(t *testing.T) {
	secret := hex.EncodeToString(linkKey)
	tests := []struct {
		name, link string
		want       error
	}{
		{name: "control character", link: "tg://proxy?server=p&port=1&secret=" + secret + "\x7f"},
		{name: "bad escape", link: "tg://socks?server=p&port=1&user=" + linkUser + "&pass=" + linkPass + "%zz\x01"},
		{name: "secret not hex", link: "tg://proxy?server=p&port=1&secret=" + secret + "!!", want: mtproxy.ErrSecret},
		{name: "server with a newline", link: "tg://proxy?server=a%0Ab&port=1&secret=" + secret, want: transport.ErrHost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProxyLink(tt.link)
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			for _, s := range [][]byte{linkKey, []byte(linkPass), []byte(linkUser)} {
				if form, ok := redact.Leak(err.Error(), s); ok {
					t.Errorf("error shows a secret (%s): %v", form, err)
				}
			}
		})
	}
	_, err := ParseProxyURL("socks5://"+linkUser+":"+linkPass+"@proxy\x7f:1080", nil)
	if err == nil {
		t.Fatal("control character in a proxy URL accepted")
	}
	if _, ok := redact.Leak(err.Error(), []byte(linkPass)); ok {
		t.Errorf("error shows the password: %v", err)
	}
}

// TestProxyURLErrorsQuoteNothing: proxy URLs that fail to parse or lack a part are reported
// without any run of the password they carry, whatever form the mistake takes.
func TestProxyURLErrorsQuoteNothing(t *testing.T) {
	const pass = "Qx7vR2mZk"
	tests := []struct {
		name, url string
		want      error
	}{
		{"opaque form", "socks5:" + linkUser + ":" + pass + "@127.0.0.1:1080", ErrProxyParamsRequired},
		{"slash in the password", "http://" + linkUser + ":" + pass + "/z@proxy:3128", nil},
		{"hash in the password", "socks5://" + linkUser + ":" + pass + "#z@proxy:1080", nil},
		{"question mark in the password", "socks5://" + linkUser + ":" + pass + "?z@proxy:1080", nil},
		{"bad escape in the password", "socks5://" + linkUser + ":" + pass + "%zz@proxy:1080", nil},
		{"bad escape after the password", "socks5://" + linkUser + ":" + pass + "@proxy%" + pass[:2] + ":1080", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseProxyURL(tt.url, nil)
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("ParseProxyURL = %v, %v; want error %v", d, err, tt.want)
			}
			for _, s := range []string{pass, linkUser} {
				if form, ok := redact.Leak(err.Error(), []byte(s)); ok {
					t.Errorf("error shows the credentials (%s): %v", form, err)
				}
			}
		})
	}
}
