package mtgo

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrParse reports text that the parse mode cannot read (an unclosed tag or marker, an
// unknown HTML tag). It is markup.ErrParse.
var ErrParse = markup.ErrParse

// ParseText reads formatted text in parse mode mode (ParseModeNone, ParseModeMarkdown,
// ParseModeHTML or ParseModeMarkdownV2) and returns the plain text with its entities, in UTF-16 offsets as Telegram
// counts them (see package markup). A link to tg://user?id=N becomes a mention of user N,
// which SendMessage sends with the user's access hash.
func ParseText(mode int, text string) (string, []tg.MessageEntityClass, error) {
	if !knownParseMode(mode) {
		return "", nil, fmt.Errorf("%w: %d", ErrUnknownParseMode, mode)
	}
	return markup.Parse(mode, text)
}

// FormatText writes text with its entities in parse mode mode: Markdown, HTML or MarkdownV2
// that ParseText reads back to the same formatting (see markup.Format for what each mode leaves
// out). It is how a received message is echoed or stored with its formatting.
func FormatText(mode int, text string, ents []tg.MessageEntityClass) (string, error) {
	if !knownParseMode(mode) {
		return "", fmt.Errorf("%w: %d", ErrUnknownParseMode, mode)
	}
	return markup.Format(mode, text, ents)
}

func knownParseMode(mode int) bool {
	switch mode {
	case ParseModeNone, ParseModeMarkdown, ParseModeHTML, ParseModeMarkdownV2:
		return true
	}
	return false
}
