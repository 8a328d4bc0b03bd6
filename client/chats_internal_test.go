package mtgo

import (
	"testing"

	"github.com/mtgo-labs/mtgo/peers"
)

// TestJoinTarget: what JoinChat makes of its argument.
func TestJoinTarget(t *testing.T) {
	tests := []struct{ in, user, hash string }{
		{"@durov", "durov", ""},
		{"durov", "durov", "durov"}, // a bare word: a username, else a hash
		{"https://t.me/durov", "durov", ""},
		{"t.me/durov", "durov", ""},
		{"https://t.me/+AbCd_-12", "", "AbCd_-12"},
		{"https://t.me/joinchat/AbCd", "", "AbCd"},
		{"+AbCd", "", "AbCd"},
		{"AbCd-12", "", "AbCd-12"}, // not a username: a bare hash
		{"0123abcd", "", "0123abcd"},
		{"ba6d2322ba649571", "ba6d2322ba649571", "ba6d2322ba649571"},
		{"", "", ""},
		{"not a link!", "", ""},
		{"@no", "", ""},
		{"https://t.me/+bad hash", "", ""},
		{"https://example.com/x", "", ""},
		// Links as ResolvePeer reads them (peers.ParseQuery).
		{"https://t.me/durov/", "durov", ""},
		{"https://t.me/durov/123", "durov", ""},
		{"t.me/s/durov", "durov", ""},
		{"https://durov.t.me", "durov", ""},
		{"tg://resolve?domain=durov", "durov", ""},
		{"https://www.t.me/+AbCd", "", "AbCd"},
		{"HTTPS://T.ME/+AbCd", "", "AbCd"},
		{"t.me/+AbCd?x=1", "", "AbCd"},
		{"https://t.me/joinchat/AbCd/", "", "AbCd"},
		{"tg://join?invite=AbCd&x=1", "", "AbCd"},
		{"+15551234567", "", ""}, // a phone number
		{"t.me/c/123/4", "", ""},
	}
	for _, tt := range tests {
		u, h := joinTarget(tt.in)
		if u != tt.user || h != tt.hash {
			t.Errorf("joinTarget(%q) = %q, %q; want %q, %q", tt.in, u, h, tt.user, tt.hash)
		}
	}
}

func FuzzJoinTarget(f *testing.F) {
	for _, s := range []string{"@durov", "https://t.me/+x", "t.me/joinchat/y", "+", "tg://join?invite="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, h := joinTarget(s)
		if u != "" && h != "" && u != h {
			t.Fatalf("joinTarget(%q) gave both %q and %q", s, u, h)
		}
		if u != "" && !peers.ValidUsername(u) || h != "" && !isInviteHash(h) {
			t.Fatalf("joinTarget(%q) = %q, %q: not well formed", s, u, h)
		}
	})
}
