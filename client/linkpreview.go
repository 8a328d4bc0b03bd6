package mtgo

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// manual reports whether the preview options ask for more than Telegram's default preview
// of the text's first link: another URL, or a size for its media.
func (lp *LinkPreviewOptions) manual() bool {
	return lp != nil && !lp.IsDisabled && (lp.URL != "" || lp.PreferSmallMedia || lp.PreferLargeMedia)
}

// linkPreview is the inputMediaWebPage that gives text (with ents) the preview lp asks for,
// nil when Telegram's default preview does: lp asks for nothing particular, previews are off
// for this send, or there is no URL to preview. Without lp.URL the text's first link is
// previewed. The media is optional: a link Telegram cannot preview leaves plain text.
func linkPreview(lp *LinkPreviewOptions, noWebpage bool, text string, ents []tg.MessageEntityClass) *tg.InputMediaWebPage {
	if noWebpage || !lp.manual() {
		return nil
	}
	u := lp.URL
	if u == "" {
		u = firstLink(text, ents)
	}
	if u == "" {
		return nil
	}
	return &tg.InputMediaWebPage{URL: u, ForceLargeMedia: lp.PreferLargeMedia, ForceSmallMedia: lp.PreferSmallMedia, Optional: true}
}

// firstLink returns the first link of text: a text link's URL or the text a URL entity
// covers (offsets in UTF-16 code units), else the first http(s) address written in the text
// (which Telegram itself would find); "" when there is none.
func firstLink(text string, ents []tg.MessageEntityClass) string {
	if u := linkEntity(text, ents); u != "" {
		return u
	}
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "http")
		if j < 0 {
			return ""
		}
		i += j
		rest := text[i:]
		if (strings.HasPrefix(rest, "https://") || strings.HasPrefix(rest, "http://")) && (i == 0 || !isWordByte(text[i-1])) {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			return strings.TrimRight(rest[:end], ".,;:!?)")
		}
		i += len("http")
	}
	return ""
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// linkEntity returns the URL of the first text link or URL entity of text, "" if none.
func linkEntity(text string, ents []tg.MessageEntityClass) string {
	var units []uint16
	for _, e := range ents {
		switch e := e.(type) {
		case *tg.MessageEntityTextURL:
			return e.URL
		case *tg.MessageEntityURL:
			if units == nil {
				units = utf16.Encode([]rune(text))
			}
			from, to := int(e.Offset), int(e.Offset)+int(e.Length)
			if from < 0 || to > len(units) || from >= to || lowSurrogate(units[from]) || highSurrogate(units[to-1]) {
				// Out of range, or cutting a surrogate pair: entities from a parser are
				// neither, but they may come from the caller.
				continue
			}
			return string(utf16.Decode(units[from:to]))
		}
	}
	return ""
}

func highSurrogate(u uint16) bool { return 0xd800 <= u && u < 0xdc00 }
func lowSurrogate(u uint16) bool  { return 0xdc00 <= u && u < 0xe000 }
