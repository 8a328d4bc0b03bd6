package markup

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SyntaxError is an error of the strict MarkdownV2 reader: what is wrong and the byte
// offset in the input where it is. It matches ErrParse.
type SyntaxError struct {
	Offset int    // byte offset in the input
	Reason string // what is wrong there
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: %s at byte offset %d", ErrParse, e.Reason, e.Offset)
}

// Unwrap makes errors.Is(err, ErrParse) hold.
func (e *SyntaxError) Unwrap() error { return ErrParse }

// v2Reserved are the characters MarkdownV2 reserves: outside code, pre and link URLs they
// must be escaped with a backslash unless they are markup.
var v2Reserved = func() (r [utf8.RuneSelf]bool) {
	for _, c := range "_*[]()~`>#+-=|{}.!" {
		r[c] = true
	}
	return r
}()

// customEmojiURLPrefix starts the link of a custom emoji: ![👍](tg://emoji?id=5368324170671202286).
const customEmojiURLPrefix = "tg://emoji?id="

// Tags of the MarkdownV2 spans on the builder's stack.
const (
	v2Bold      = "*"
	v2Italic    = "_"
	v2Underline = "__"
	v2Strike    = "~"
	v2Spoiler   = "||"
	v2Code      = "`"
	v2Pre       = "```"
	v2Link      = "["
	v2Emoji     = "!["
)

// v2Markers are the markup that opens a span, longest first, with the kind of the span.
var v2Markers = [...]struct{ tag, kind string }{
	{v2Pre, "pre"}, {v2Underline, "underline"}, {v2Spoiler, "spoiler"}, {v2Emoji, "emoji"},
	{v2Italic, "italic"}, {v2Bold, "bold"}, {v2Strike, "strike"}, {v2Code, "code"}, {v2Link, "url"},
}

// v2Parser is the state of one parseMarkdownV2.
type v2Parser struct {
	s  string
	b  textBuilder
	at []int // byte offset where each span of b.stack opened
	// line is where the reader stands in the current line of text: lineMid after text,
	// lineStart after a newline (outside code) with nothing written since, lineQuoted once
	// the line's '>' was read.
	line  int8
	nlAt  int32 // UTF-16 offset of the last newline written outside code
	quote struct {
		open  bool
		start int32 // UTF-16 offset
		depth int   // spans open when it started
		at    int   // byte offset of its '>'
	}
}

const (
	lineMid int8 = iota
	lineStart
	lineQuoted
)

// parseMarkdownV2 reads the Bot API's MarkdownV2: *bold*, _italic_, __underline__,
// ~strike~, ||spoiler||, `code`, ```lang\npre```, [text](url), ![emoji](tg://emoji?id=N),
// block quotes (lines starting with '>'; one whose last line ends with "||" is expandable)
// and backslash escapes of any ASCII character. Unlike Markdown it is strict: a reserved
// character that is not markup must be escaped, and a span left open is an error, both
// reported as a *SyntaxError with the byte offset.
//
// It reads the input once, left to right; a link's URL and a pre's language are read
// forward from where they start and never read again, so time and memory are linear.
func parseMarkdownV2(s string) (string, []tg.MessageEntityClass, error) {
	p := v2Parser{s: s, line: lineStart}
	p.b.out.Grow(len(s))
	return p.run()
}

func (p *v2Parser) fail(at int, format string, args ...any) error {
	return &SyntaxError{Offset: at, Reason: fmt.Sprintf(format, args...)}
}

// write adds one rune of text and follows the line it is on.
func (p *v2Parser) write(r rune, inCode bool) {
	if r == '\n' && !inCode {
		p.nlAt = p.b.n16
		p.line = lineStart
	} else {
		p.line = lineMid
	}
	p.b.writeRune(r)
}

func (p *v2Parser) push(k entityKind, tag string, at int) error {
	if err := p.b.push(k, tag); err != nil {
		return p.fail(at, "formatting nested more than %d deep", maxParseDepth)
	}
	p.at = append(p.at, at)
	return nil
}

// pop ends the innermost span. A span that began before the open block quote cannot end
// inside it.
func (p *v2Parser) pop(at int) error {
	top := len(p.b.stack) - 1
	if p.quote.open && top < p.quote.depth {
		return p.fail(at, "entity opened at byte offset %d ends inside the block quote opened at byte offset %d", p.at[top], p.quote.at)
	}
	o := p.b.stack[top]
	p.at = p.at[:top]
	return p.b.pop(o.tag)
}

// closeQuote ends the open block quote at UTF-16 offset end. The spans opened in it must
// have ended, but for those opened at its very end (they cover what follows).
func (p *v2Parser) closeQuote(end int32, expandable bool, at int) error {
	for i := p.quote.depth; i < len(p.b.stack); i++ {
		if p.b.stack[i].start < end {
			return p.fail(p.at[i], "entity is not closed before the end of its block quote (byte offset %d)", at)
		}
	}
	p.quote.open = false
	if n := end - p.quote.start; n > 0 {
		p.b.ents = append(p.b.ents, &tg.MessageEntityBlockquote{Offset: p.quote.start, Length: n, Collapsed: expandable})
	}
	return nil
}

func (p *v2Parser) run() (string, []tg.MessageEntityClass, error) {
	s := p.s
	for i := 0; i < len(s); {
		c := s[i]
		top, has := p.b.top()
		inCode := has && (top.tag == v2Code || top.tag == v2Pre)
		escaped := c == '\\' && i+1 < len(s) && s[i+1] >= 1 && s[i+1] < utf8.RuneSelf
		if inCode {
			switch {
			case escaped:
				p.write(rune(s[i+1]), true)
				i += 2
			case top.tag == v2Pre && strings.HasPrefix(s[i:], v2Pre):
				if err := p.pop(i); err != nil {
					return "", nil, err
				}
				i += len(v2Pre)
			case c == '`' && top.tag == v2Code:
				if err := p.pop(i); err != nil {
					return "", nil, err
				}
				i++
			case c == '`':
				return "", nil, p.fail(i, "character '`' must be escaped inside pre")
			default:
				r, n := utf8.DecodeRuneInString(s[i:])
				p.write(r, true)
				i += n
			}
			continue
		}
		if p.line == lineStart {
			if c == '>' {
				if !p.quote.open {
					p.quote.open, p.quote.start, p.quote.depth, p.quote.at = true, p.b.n16, len(p.b.stack), i
				}
				p.line = lineQuoted
				i++
				continue
			}
			if p.quote.open {
				if err := p.closeQuote(p.nlAt, false, i); err != nil {
					return "", nil, err
				}
			}
		}
		if escaped {
			p.write(rune(s[i+1]), false)
			i += 2
			continue
		}
		if c == '|' && strings.HasPrefix(s[i:], "||") && p.quote.open && len(p.b.stack) == p.quote.depth &&
			(i+2 == len(s) || s[i+2] == '\n') {
			// The mark of an expandable quote, at the end of its last line.
			if err := p.closeQuote(p.b.n16, true, i); err != nil {
				return "", nil, err
			}
			i += 2
			continue
		}
		if has && p.endsTop(top.tag, i) {
			n, err := p.end(top.tag, i)
			if err != nil {
				return "", nil, err
			}
			i += n
			continue
		}
		n, err := p.start(i)
		if err != nil {
			return "", nil, err
		}
		if n > 0 {
			i += n
			continue
		}
		if c < utf8.RuneSelf && v2Reserved[c] {
			return "", nil, p.fail(i, "character %q is reserved and must be escaped with '\\'", c)
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		p.write(r, false)
		i += n
	}
	if p.quote.open {
		end := p.b.n16
		if p.line == lineStart {
			end = p.nlAt
		}
		if err := p.closeQuote(end, false, len(s)); err != nil {
			return "", nil, err
		}
	}
	if len(p.b.stack) > 0 {
		top := len(p.b.stack) - 1
		return "", nil, p.fail(p.at[top], "entity %q is not closed", p.b.stack[top].tag)
	}
	return p.b.out.String(), p.b.ents, nil
}

// endsTop reports whether the markup at s[i] ends the innermost span, whose tag is tag.
// "__" always ends an underline rather than an italic: write ___x_**__ for both.
func (p *v2Parser) endsTop(tag string, i int) bool {
	s := p.s
	switch tag {
	case v2Italic:
		return s[i] == '_' && !strings.HasPrefix(s[i:], "__")
	case v2Link, v2Emoji:
		return s[i] == ']'
	}
	return strings.HasPrefix(s[i:], tag)
}

// end closes the innermost span at s[i] and returns the bytes it took: its tag, or for a
// link or a custom emoji the "](url)".
func (p *v2Parser) end(tag string, i int) (int, error) {
	if tag != v2Link && tag != v2Emoji {
		return len(tag), p.pop(i)
	}
	s := p.s
	if i+1 >= len(s) || s[i+1] != '(' {
		return 0, p.fail(i, "']' of a link must be followed by '(url)'")
	}
	var url strings.Builder
	j := i + 2
	for ; j < len(s) && s[j] != ')'; j++ {
		if s[j] == '\\' && j+1 < len(s) && s[j+1] >= 1 && s[j+1] < utf8.RuneSelf {
			j++
		}
		url.WriteByte(s[j])
	}
	if j == len(s) {
		return 0, p.fail(i+1, "the url of a link is not closed with ')'")
	}
	arg := url.String()
	if tag == v2Emoji {
		id, err := strconv.ParseInt(strings.TrimPrefix(arg, customEmojiURLPrefix), 10, 64)
		if !strings.HasPrefix(arg, customEmojiURLPrefix) || err != nil {
			return 0, p.fail(i+2, "a custom emoji needs a tg://emoji?id= link")
		}
		arg = strconv.FormatInt(id, 10)
	}
	p.b.stack[len(p.b.stack)-1].kind.arg = arg
	return j + 1 - i, p.pop(i)
}

// start opens the span whose markup is at s[i] and returns the bytes it took, or 0 when no
// markup starts there.
func (p *v2Parser) start(i int) (int, error) {
	s := p.s
	tag, kind := "", ""
	for _, m := range v2Markers {
		if strings.HasPrefix(s[i:], m.tag) {
			tag, kind = m.tag, m.kind
			break
		}
	}
	if tag == "" {
		return 0, nil
	}
	if tag == v2Link || tag == v2Emoji {
		for j, o := range p.b.stack {
			if o.tag == v2Link || o.tag == v2Emoji {
				return 0, p.fail(i, "a link or custom emoji cannot be inside the one at byte offset %d", p.at[j])
			}
		}
	}
	k := entityKind{name: kind}
	n := len(tag)
	if tag == v2Pre {
		// The language runs to the first space or backtick, when a space ends it; then one
		// newline is skipped.
		from := i + n
		end := from
		for end < len(s) && !isSpace(s[end]) && s[end] != '`' {
			end++
		}
		if end > from && end < len(s) && s[end] != '`' {
			k.arg = s[from:end]
			n = end - i
		}
		if rest := s[i+n:]; strings.HasPrefix(rest, "\r\n") {
			n += 2
		} else if strings.HasPrefix(rest, "\n") {
			n++
		}
	}
	return n, p.push(k, tag, i)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
