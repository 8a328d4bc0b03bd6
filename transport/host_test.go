package transport

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckHost(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	long := strings.Repeat(label63+".", 3) + strings.Repeat("b", 61) // 253 bytes
	tests := []struct {
		host string
		ok   bool
	}{
		{"example.com", true},
		{"example.com.", true},
		{"my_proxy-1.example.org", true},
		{"localhost", true},
		{"149.154.167.51", true},
		{"2001:db8::1", true},
		{"[2001:db8::1]", true},
		{label63 + ".com", true},
		{long, true},
		{long + ".", true},
		{"", false},
		{long + "c", false},
		{strings.Repeat("a", 64) + ".com", false},
		{"exa mple.com", false},
		{"example.com\n", false},
		{"exa\x00mple.com", false},
		{"exa\x7fmple.com", false},
		{"пример.рф", false},
		{"a..b", false},
		{".example.com", false},
		{"example.com..", false},
		{"-example.com", false},
		{"example-.com", false},
		{"1.2.3.999", false},
		{"01.2.3.4", false},
		{"1234", false},
		{"[1.2.3.4]", false},
		{"[2001:db8::1", false},
		{"fe80::1%eth0", false},
		{"example.com:443", false},
		{"user@example.com", false},
		{"example.com/path", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := CheckHost(tt.host)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckHost(%q) = %v, want ok %v", tt.host, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrHost) {
				t.Errorf("error %v does not wrap ErrHost", err)
			}
		})
	}
}

// FuzzCheckHost: an accepted host is short and printable, and an error never grows with the
// input (it never quotes it).
func FuzzCheckHost(f *testing.F) {
	for _, s := range []string{"example.com", "1.2.3.4", "[::1]", "a\nb", "-a.b", "a..b", strings.Repeat("x.", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		err := CheckHost(h)
		if err != nil {
			if !errors.Is(err, ErrHost) || len(err.Error()) > 120 {
				t.Fatalf("error %q: not ErrHost or too long", err)
			}
			return
		}
		if len(h) > MaxHostLen+2 {
			t.Fatalf("accepted %d bytes", len(h))
		}
		for i := range len(h) {
			if c := h[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("/@?#%", c) >= 0 {
				t.Fatalf("accepted %q with byte %#x", h, c)
			}
		}
	})
}
