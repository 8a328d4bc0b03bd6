package mtgo

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestFirstLink(t *testing.T) {
	tests := []struct {
		name string
		text string
		ents []tg.MessageEntityClass
		want string
	}{
		{"none", "no link", nil, ""},
		{"plain", "see https://example.com/a?b=1 now", nil, "https://example.com/a?b=1"},
		{"http, trailing punctuation", "(http://example.com).", nil, "http://example.com"},
		{"inside a word is not a link", "xhttps://example.com", nil, ""},
		{"a bare scheme word", "http and https are protocols", nil, ""},
		{"text link wins", "click here https://plain.example", []tg.MessageEntityClass{&tg.MessageEntityTextURL{Offset: 0, Length: 5, URL: "https://hidden.example"}}, "https://hidden.example"},
		// "👍 " is three UTF-16 units; the entity covers the URL after it.
		{"url entity in utf-16 units", "👍 https://e.example", []tg.MessageEntityClass{&tg.MessageEntityURL{Offset: 3, Length: 17}}, "https://e.example"},
		{"entity out of range falls back to the text", "see https://x.example", []tg.MessageEntityClass{&tg.MessageEntityURL{Offset: 90, Length: 5}}, "https://x.example"},
		{"entity cutting a surrogate pair", "👍https://z.example", []tg.MessageEntityClass{&tg.MessageEntityURL{Offset: 1, Length: 18}}, "https://z.example"},
		{"negative entity", "https://y.example", []tg.MessageEntityClass{&tg.MessageEntityURL{Offset: -4, Length: 2}}, "https://y.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := firstLink(tt.text, tt.ents); got != tt.want {
				t.Fatalf("firstLink = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFirstLinkLinear: a text of many "http" that are not links is scanned once.
func TestFirstLinkLinear(t *testing.T) {
	text := strings.Repeat("xhttp ", 200000)
	if got := firstLink(text, nil); got != "" {
		t.Fatalf("got %q", got)
	}
}

func TestLinkPreviewChoice(t *testing.T) {
	lp := &LinkPreviewOptions{PreferLargeMedia: true}
	if linkPreview(nil, false, "https://a.example", nil) != nil || linkPreview(&LinkPreviewOptions{ShowAboveText: true}, false, "https://a.example", nil) != nil {
		t.Fatal("a preview Telegram makes by default needs no media")
	}
	if linkPreview(lp, true, "https://a.example", nil) != nil {
		t.Fatal("no_webpage wins")
	}
	if linkPreview(&LinkPreviewOptions{IsDisabled: true, URL: "https://a.example"}, false, "x", nil) != nil {
		t.Fatal("a disabled preview with a URL")
	}
	got := linkPreview(lp, false, "see https://a.example", nil)
	if got == nil || got.URL != "https://a.example" || !got.ForceLargeMedia || !got.Optional {
		t.Fatalf("got %+v", got)
	}
}

// FuzzFirstLink: any text and entity offsets give a link that is in the text or a text
// link's URL, never a panic.
func FuzzFirstLink(f *testing.F) {
	f.Add("see https://example.com/x.", int32(4), int32(21))
	f.Add("👍 https://e.example", int32(3), int32(17))
	f.Add("http://", int32(-1), int32(1<<30))
	f.Fuzz(func(t *testing.T, text string, off, n int32) {
		got := firstLink(text, []tg.MessageEntityClass{&tg.MessageEntityURL{Offset: off, Length: n}})
		// (Invalid UTF-8 reads as replacement characters, which the text does not hold.)
		if got != "" && utf8.ValidString(text) && !strings.Contains(text, got) {
			t.Fatalf("firstLink(%q) = %q, not in the text", text, got)
		}
	})
}
