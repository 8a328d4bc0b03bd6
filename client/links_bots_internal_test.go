package mtgo

import "testing"

func TestBotLinkSlugs(t *testing.T) {
	tests := []struct {
		name, link, invoice, chat string
	}{
		{"invoice link", "https://t.me/$AbC123", "AbC123", "https://t.me/$AbC123"},
		{"invoice path", "https://t.me/invoice/xyz", "xyz", "https://t.me/invoice/xyz"},
		{"bare $ slug", "$q1", "q1", "$q1"},
		{"chat link", "https://t.me/m/Zz9", "https://t.me/m/Zz9", "Zz9"},
		{"chat link without scheme", "t.me/m/k", "t.me/m/k", "k"},
		{"deep link", "tg://message?slug=s1", "tg://message?slug=s1", "s1"},
		{"bare slug", "plain", "plain", "plain"},
		{"prefix only", "https://t.me/m/", "https://t.me/m/", "https://t.me/m/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := invoiceSlug(tt.link).Slug; got != tt.invoice {
				t.Errorf("invoiceSlug(%q) = %q, want %q", tt.link, got, tt.invoice)
			}
			if got := chatLinkSlug(tt.link); got != tt.chat {
				t.Errorf("chatLinkSlug(%q) = %q, want %q", tt.link, got, tt.chat)
			}
		})
	}
}
