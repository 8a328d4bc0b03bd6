package dcs

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestTableAddr(t *testing.T) {
	tab := New(false, false, map[int]string{7: "10.0.0.7:443"})
	tab.Learn([]tg.DCOption{
		{ID: 2, IPAddress: "10.0.0.2", Port: 443},
		{ID: 2, IPAddress: "10.0.0.3", Port: 443}, // a second address of the same kind is ignored
		{ID: 2, IPAddress: "10.0.1.2", Port: 443, MediaOnly: true},
		{ID: 4, IPAddress: "2001:db8::4", Port: 443, IPv6: true},
		{ID: 5, IPAddress: "10.0.0.5", Port: 443, Cdn: true},
		{ID: 6, IPAddress: "not an ip", Port: 443},
		{ID: 6, IPAddress: "10.0.0.6", Port: 70000},
		{ID: 6, IPAddress: "10.0.0.6", Port: 443, TcpoOnly: true},
	})
	tab.Override(7, "ignored:1") // an override stays
	tab.Override(8, "10.0.0.8:443")
	tests := []struct {
		dc         int
		media, cdn bool
		want       string
		ok         bool
	}{
		{2, false, false, "10.0.0.2:443", true},
		{2, true, false, "10.0.1.2:443", true},
		{4, false, false, "[2001:db8::4]:443", true}, // the other family when the preferred has none
		{4, true, false, "[2001:db8::4]:443", true},  // media falls back to the ordinary address
		{5, false, true, "10.0.0.5:443", true},
		{2, false, true, "", false}, // no CDN address learned for DC 2
		{6, false, false, "", false},
		{1, false, false, "", false}, // a learned list is the whole truth, and custom servers never fall back
		{7, false, false, "10.0.0.7:443", true},
		{8, false, false, "10.0.0.8:443", true},
	}
	for _, tt := range tests {
		if got, ok := tab.Addr(tt.dc, tt.media, tt.cdn); got != tt.want || ok != tt.ok {
			t.Errorf("Addr(%d, media %v, cdn %v) = %q, %v; want %q, %v", tt.dc, tt.media, tt.cdn, got, ok, tt.want, tt.ok)
		}
	}
	tab.Learn([]tg.DCOption{{ID: 6, IPAddress: "bad", Port: 1}}) // nothing usable: the list stays
	if !tab.Known(2) {
		t.Fatal("a list without usable addresses replaced the learned one")
	}
	if got, _ := New(true, true, nil).Addr(1, false, false); got != "[2001:b28:f23d:f001::e]:443" {
		t.Fatalf("test IPv6 built-in address of DC 1 = %q", got)
	}
}

// TestTableBuiltinOnlyForTelegram checks that the built-in list serves only a client of
// Telegram's own servers, and only until help.getConfig answers.
func TestTableBuiltinOnlyForTelegram(t *testing.T) {
	tab := New(false, false, nil)
	if got, ok := tab.Addr(4, false, false); !ok || got != "149.154.167.91:443" {
		t.Fatalf("before getConfig: Addr(4) = %q, %v; want the built-in address", got, ok)
	}
	tab.Learn([]tg.DCOption{{ID: 203, IPAddress: "10.0.0.203", Port: 443, Cdn: true}})
	if _, ok := tab.Addr(4, false, false); !ok {
		t.Fatal("a list of CDN data centers only dropped the built-in addresses")
	}
	tab.Learn([]tg.DCOption{{ID: 2, IPAddress: "10.0.0.2", Port: 443}})
	if got, ok := tab.Addr(4, false, false); ok {
		t.Fatalf("after getConfig without DC 4: Addr(4) = %q, want none", got)
	}
	custom := New(false, false, map[int]string{1: "127.0.0.1:1"})
	if got, ok := custom.Addr(4, false, false); ok {
		t.Fatalf("custom servers: Addr(4) = %q, want none (never Telegram's)", got)
	}
	custom.Override(4, "127.0.0.1:4")
	if got, ok := custom.Addr(4, false, false); !ok || got != "127.0.0.1:4" {
		t.Fatalf("custom servers with an override: Addr(4) = %q, %v", got, ok)
	}
}

func TestTableFixedAddress(t *testing.T) {
	tb := New(false, false, map[int]string{4: "10.0.0.4:443"})
	tb.SetFixed("10.0.0.1:443")
	tests := []struct {
		dc         int
		media, cdn bool
		want       string
		ok         bool
	}{
		{dc: 2, want: "10.0.0.1:443", ok: true},
		{dc: 2, media: true, want: "10.0.0.1:443", ok: true},
		{dc: 4, want: "10.0.0.4:443", ok: true}, // an override wins
		{dc: 9, want: "10.0.0.1:443", ok: true},
		{dc: 0},
		{dc: -1},
	}
	for _, tt := range tests {
		got, ok := tb.Addr(tt.dc, tt.media, tt.cdn)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Addr(%d, %v, %v) = %q, %v; want %q, %v", tt.dc, tt.media, tt.cdn, got, ok, tt.want, tt.ok)
		}
	}
	tb.SetFixed("")
	if _, ok := tb.Addr(9, false, false); ok {
		t.Error("dc 9 known after SetFixed(\"\")")
	}
}
