package markup

import (
	"slices"
	"strings"
)

// markdownV2Writer writes the MarkdownV2 that parseMarkdownV2 reads.
type markdownV2Writer struct{}

// v2MarkerOf is the markup that opens a span of kind (and closes it, but for pre, links
// and custom emoji).
func v2MarkerOf(kind string) string {
	for _, m := range v2Markers {
		if m.kind == kind {
			return m.tag
		}
	}
	return ""
}

func (markdownV2Writer) can(k entityKind) bool {
	return k.name == "quote" || v2MarkerOf(k.name) != ""
}

// filter drops what MarkdownV2 cannot nest: everything inside code or pre, a link or
// custom emoji inside another, a quote inside a quote. The quote goes first: its '>'
// starts lines, so nothing can be open around it.
func (markdownV2Writer) filter(active []span) []span {
	out := make([]span, 1, len(active)+1) // out[0] is for the quote
	var link, quote bool
	for _, s := range active {
		switch s.kind.name {
		case "url", "emoji":
			if link {
				continue
			}
			link = true
		case "quote":
			if !quote {
				out[0], quote = s, true
			}
			continue
		}
		out = append(out, s)
		if s.kind.name == "code" || s.kind.name == "pre" {
			break
		}
	}
	if !quote {
		return out[1:]
	}
	return out
}

func (markdownV2Writer) open(s span) string {
	switch s.kind.name {
	case "pre":
		lang := s.kind.arg
		if strings.ContainsAny(lang, " \t\r\n`") {
			lang = ""
		}
		return v2Pre + lang + "\n"
	case "quote":
		if s.apart {
			return "``>" // an empty code ends the quote of the line before
		}
		return ">"
	}
	return v2MarkerOf(s.kind.name)
}

var v2URLEscape = strings.NewReplacer(`\`, `\\`, ")", `\)`)

func (markdownV2Writer) close(s span) string {
	switch s.kind.name {
	case "pre":
		return v2Pre
	case "url":
		return "](" + v2URLEscape.Replace(s.kind.arg) + ")"
	case "emoji":
		return "](" + customEmojiURLPrefix + s.kind.arg + ")"
	case "quote":
		if s.kind.arg == quoteExpandable {
			return "||"
		}
		return ""
	}
	return v2MarkerOf(s.kind.name)
}

// escape puts a backslash before every reserved character and the backslash; inside code
// and pre only before '`' and '\'. In a quote every new line starts with '>'.
func (markdownV2Writer) escape(run string, open []span) string {
	var inCode, inQuote bool
	for _, s := range open {
		switch s.kind.name {
		case "code", "pre":
			inCode = true
		case "quote":
			inQuote = true
		}
	}
	var b strings.Builder
	b.Grow(len(run) + len(run)/4)
	for i := 0; i < len(run); i++ {
		c := run[i]
		switch {
		case inCode:
			if c == '`' || c == '\\' {
				b.WriteByte('\\')
			}
		case c == '\\' || c < 128 && v2Reserved[c]:
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		if c == '\n' && inQuote && !inCode {
			b.WriteByte('>')
		}
	}
	return b.String()
}

// join separates two markers that would read as another: "_" then "__" is not italic then
// underline but underline then italic, so an empty code goes between them.
func (markdownV2Writer) join(prev, next string) string {
	if strings.HasSuffix(prev, "_") && strings.HasPrefix(next, "_") {
		return "``"
	}
	return ""
}

// joinText separates a spoiler's opening "||" from a newline after it: in a quote, "||" at
// the end of a line is the mark of an expandable quote.
func (markdownV2Writer) joinText(opened, text string) string {
	if opened == v2Spoiler && strings.HasPrefix(text, "\n") {
		return "``"
	}
	return ""
}

// prepare places the block quotes: a quote must start and end at line boundaries outside
// code and overlap no quote before it (else it is left out), a quote on the line after
// another is kept apart from it, and nothing may open between an expandable quote's
// closing "||" and the end of its line, so the spans going on past one skip that newline.
func (markdownV2Writer) prepare(text string, ix runeIndex, spans []span) []span {
	inCode := func(u int32) bool {
		return slices.ContainsFunc(spans, func(s span) bool {
			return (s.kind.name == "code" || s.kind.name == "pre") && s.start <= u && u < s.end
		})
	}
	newline := func(u int32) bool { return text[ix.byteAt(u)] == '\n' && !inCode(u) }
	out := spans[:0:0]
	var quotes []span
	for _, s := range spans {
		if s.kind.name == "quote" {
			if (s.start > 0 && !newline(s.start-1)) || (s.end < ix.n16 && !newline(s.end)) {
				continue
			}
			if slices.ContainsFunc(quotes, func(q span) bool { return s.start < q.end && q.start < s.end }) {
				continue // quotes do not nest, and the rest of one crossing another would start mid-line
			}
			for _, q := range quotes {
				if q.kind.arg != quoteExpandable && q.end+1 == s.start {
					s.apart = true
				}
			}
			quotes = append(quotes, s)
		}
		out = append(out, s)
	}
	// Splitting may at most double the spans, keeping Format's cost bounded.
	budget := len(out)
	for _, q := range quotes {
		if q.kind.arg != quoteExpandable || q.end == ix.n16 {
			continue
		}
		for i := 0; i < len(out); i++ {
			s := out[i]
			if s.kind.name == "quote" || s.start > q.end || s.end <= q.end {
				continue
			}
			// s goes on past the quote's end: it resumes after the newline.
			out[i].end = q.end
			if s.end > q.end+1 && budget > 0 {
				budget--
				rest := s
				rest.start = q.end + 1
				out = append(out, rest)
			}
		}
	}
	out = slices.DeleteFunc(out, func(s span) bool { return s.start >= s.end })
	slices.SortStableFunc(out, outerFirst)
	return out
}
