package proxy_test

import (
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// Telegram's proxy links, as users paste them. Printing a link never shows its secret or
// password, so it is safe to log. link.Dialer (SOCKS) or link.MTProxy (MTProxy) then makes the
// connection to a data center go through it.
func ExampleParseProxyLink() {
	for _, raw := range []string{
		"tg://proxy?server=proxy.example&port=443&secret=ee00112233445566778899aabbccddeeff6578616d706c652e636f6d",
		"https://t.me/socks?server=10.0.0.1&port=1080&user=ann&pass=hunter2",
	} {
		link, err := proxy.ParseProxyLink(raw)
		if err != nil {
			panic(err)
		}
		fmt.Println(link.Addr())
		fmt.Println(link)
	}

	// Output:
	// proxy.example:443
	// proxy.Link{Kind:mtproxy Server:proxy.example Port:443 Secret:mtproxy.Secret{Kind:ee Key:[redacted] Domain:example.com} User: Pass:}
	// 10.0.0.1:1080
	// proxy.Link{Kind:socks Server:10.0.0.1 Port:1080 User:[redacted] Pass:[redacted]}
}

// A proxy URL becomes a transport.Dialer wrapping another one (nil: plain TCP), so proxies
// chain; the client takes it as its dialer.
func ExampleParseProxyURL() {
	for _, raw := range []string{"socks5://ann:hunter2@127.0.0.1:1080", "http://proxy.example:3128", "ftp://proxy.example:21"} {
		d, err := proxy.ParseProxyURL(raw, nil)
		if err != nil {
			fmt.Println("unsupported:", errors.Is(err, proxy.ErrUnsupportedScheme))
			continue
		}
		fmt.Printf("%T\n", d)
	}

	// Output:
	// *proxy.SOCKS5
	// *proxy.HTTPConnect
	// unsupported: true
}
