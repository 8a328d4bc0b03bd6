package websocket

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// A Dialer prints without the credentials it carries: upgrade headers such as Authorization or
// Cookie, and those of the proxy it dials through.
func TestDialerRedacted(t *testing.T) {
	const token, pass = "tok-9QxZ7vR2", "Kp4wMn8s"
	d := &Dialer{
		Secure:  true,
		Header:  http.Header{"Authorization": {"Bearer " + token}, "Cookie": {"sid=" + token}},
		Forward: &proxy.SOCKS5{Addr: "proxy:1080", Username: "u", Password: pass},
	}
	for _, v := range []any{d, *d} { // Check also prints each inside a struct
		if err := redact.Check(v, []byte(token), []byte(pass)); err != nil {
			t.Error(err)
		}
	}
	if s := d.String(); !strings.Contains(s, "Authorization") || !strings.Contains(s, "proxy:1080") {
		t.Errorf("String() = %q, want the header names and the proxy address", s)
	}
}
