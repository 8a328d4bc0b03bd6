package mtgo

import (
	"errors"
	"strings"
	"testing"
)

func TestBotLinkSlugs(t *testing.T) {
	tests := []struct {
		name, link, invoice, chat string // "" when the link is refused
	}{
		{"invoice link", "https://t.me/$AbC123", "AbC123", ""},
		{"invoice path", "https://t.me/invoice/xyz", "xyz", ""},
		{"invoice without scheme", "t.me/$q1", "q1", ""},
		{"invoice trailing slash", "https://t.me/$q1/", "q1", ""},
		{"invoice www", "https://www.t.me/$q1", "q1", ""},
		{"invoice upper-case host", "HTTPS://T.ME/$q1", "q1", ""},
		{"invoice query", "https://t.me/$q1?start=x#frag", "q1", ""},
		{"invoice telegram.me path", "http://telegram.me/INVOICE/xyz/", "xyz", ""},
		{"invoice deep link", "tg://invoice?slug=s1", "s1", ""},
		{"invoice deep link upper case", "TG://Invoice/?slug=s1&x=2", "s1", ""},
		{"bare $ slug", "$q1", "q1", ""},
		{"chat link", "https://t.me/m/Zz9", "", "Zz9"},
		{"chat link without scheme", "t.me/m/k", "", "k"},
		{"chat link trailing slash", "https://t.me/m/k/", "", "k"},
		{"chat link www upper case", "HTTPS://WWW.T.ME/M/k", "", "k"},
		{"chat link query", "telegram.dog/m/k?x=1", "", "k"},
		{"chat deep link", "tg://message?slug=s1", "", "s1"},
		{"bare slug", "plain", "plain", "plain"},
		{"padded bare slug", " plain\n", "plain", "plain"},
		{"prefix only", "https://t.me/m/", "", ""},
		{"invoice prefix only", "https://t.me/$", "", ""},
		{"deep link without slug", "tg://invoice?x=1", "", ""},
		{"other host", "https://example.com/m/k", "", ""},
		{"username link", "https://t.me/durov", "", ""},
		{"extra segment", "https://t.me/m/k/extra", "", ""},
		{"empty", "", "", ""},
		{"too long", "t.me/m/" + strings.Repeat("a", 600), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := invoiceSlug(tt.link)
			switch {
			case tt.invoice == "" && !errors.Is(err, ErrSlugLink):
				t.Errorf("invoiceSlug(%q) = %v, %v, want ErrSlugLink", tt.link, in, err)
			case tt.invoice != "" && (err != nil || in.Slug != tt.invoice):
				t.Errorf("invoiceSlug(%q) = %v, %v, want %q", tt.link, in, err, tt.invoice)
			}
			got, err := chatLinkSlug(tt.link)
			switch {
			case tt.chat == "" && !errors.Is(err, ErrSlugLink):
				t.Errorf("chatLinkSlug(%q) = %q, %v, want ErrSlugLink", tt.link, got, err)
			case tt.chat != "" && (err != nil || got != tt.chat):
				t.Errorf("chatLinkSlug(%q) = %q, %v, want %q", tt.link, got, err, tt.chat)
			}
		})
	}
}

// FuzzSlugLink reads any string as an invoice and a business chat link: no panic, and a slug
// read is one that the canonical link of its kind gives back.
func FuzzSlugLink(f *testing.F) {
	for _, s := range []string{"https://t.me/$AbC", "tg://invoice?slug=s&x=%zz", "HTTP://WWW.T.ME/M/k/?q#f", "$", "a b", "t.me/invoice/x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		for _, k := range []struct {
			links  slugLink
			prefix string
		}{{invoiceLinks, "https://t.me/$"}, {businessChatLinks, "https://t.me/m/"}} {
			slug, err := k.links.slug(link)
			if err != nil {
				if !errors.Is(err, ErrSlugLink) {
					t.Fatalf("%s slug(%q): %v, not ErrSlugLink", k.links.what, link, err)
				}
				continue
			}
			if len(k.prefix+slug) > maxSlugLink {
				continue // a bare slug near the bound: its link is over it
			}
			if back, err := k.links.slug(k.prefix + slug); err != nil || back != slug {
				t.Fatalf("%s slug(%q) = %q, but slug(%q) = %q, %v", k.links.what, link, slug, k.prefix+slug, back, err)
			}
		}
	})
}
