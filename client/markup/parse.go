// Package markup reads and writes Telegram's formatted text: Markdown and HTML markup on one
// side, plain text with message entities (UTF-16 offsets) on the other. It is what the
// client's parse modes use, and it needs no client.
package markup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The parse modes, with the values of the client's ParseMode constants.
const (
	None     = 0 // plain text, no entities
	Markdown = 1 // **bold**, __italic__, --underline--, ~~strike~~, ||spoiler||, `code`, ```pre```, [text](url)
	HTML     = 2 // <b>, <i>, <u>, <s>, <tg-spoiler>, <code>, <pre>, <a href>, <blockquote>, <tg-emoji>
)

var (
	// ErrParse reports text that the parse mode cannot read (an unclosed tag or marker, an
	// unknown HTML tag).
	ErrParse = errors.New("markup: cannot parse formatted text")
	// ErrUnknownMode reports a mode that is none of None, Markdown and HTML.
	ErrUnknownMode = errors.New("markup: unknown parse mode")
)

// maxParseDepth bounds nested formatting.
const maxParseDepth = 32

// Parse reads formatted text in mode (None, Markdown or HTML) and returns the plain text with
// its entities. Entity offsets and lengths are in UTF-16 code units, as Telegram counts them.
// A link to tg://user?id=N becomes a messageEntityMentionName of user N; a request must carry
// it as inputMessageEntityMentionName, with the user's access hash.
func Parse(mode int, text string) (string, []tg.MessageEntityClass, error) {
	switch mode {
	case None:
		return text, nil, nil
	case Markdown:
		return parseMarkdown(text)
	case HTML:
		return parseHTML(text)
	}
	return "", nil, fmt.Errorf("%w: %d", ErrUnknownMode, mode)
}

// entityKind is one formatting kind with its extra argument.
type entityKind struct {
	name string // bold, italic, underline, strike, spoiler, code, pre, url, quote, emoji
	arg  string // pre language, link url, custom emoji id
}

// open is a formatting span that has started but not ended.
type open struct {
	kind  entityKind
	start int32 // UTF-16 offset
	tag   string
}

// textBuilder accumulates plain text, its UTF-16 length and finished entities.
type textBuilder struct {
	out   strings.Builder
	n16   int32
	ents  []tg.MessageEntityClass
	stack []open
}

func (b *textBuilder) writeRune(r rune) {
	b.out.WriteRune(r)
	b.n16 += int32(utf16.RuneLen(r))
}

func (b *textBuilder) writeString(s string) {
	for _, r := range s {
		b.writeRune(r)
	}
}

func (b *textBuilder) push(k entityKind, tag string) error {
	if len(b.stack) >= maxParseDepth {
		return fmt.Errorf("%w: formatting nested more than %d deep", ErrParse, maxParseDepth)
	}
	b.stack = append(b.stack, open{kind: k, start: b.n16, tag: tag})
	return nil
}

// pop closes the innermost span, which must have tag.
func (b *textBuilder) pop(tag string) error {
	if len(b.stack) == 0 || b.stack[len(b.stack)-1].tag != tag {
		return fmt.Errorf("%w: unexpected closing %q", ErrParse, tag)
	}
	o := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	if n := b.n16 - o.start; n > 0 {
		b.ents = append(b.ents, makeEntity(o.kind, o.start, n))
	}
	return nil
}

func (b *textBuilder) top() (open, bool) {
	if len(b.stack) == 0 {
		return open{}, false
	}
	return b.stack[len(b.stack)-1], true
}

func (b *textBuilder) finish() (string, []tg.MessageEntityClass, error) {
	if o, ok := b.top(); ok {
		return "", nil, fmt.Errorf("%w: %q is not closed", ErrParse, o.tag)
	}
	return b.out.String(), b.ents, nil
}

func makeEntity(k entityKind, off, n int32) tg.MessageEntityClass {
	switch k.name {
	case "bold":
		return &tg.MessageEntityBold{Offset: off, Length: n}
	case "italic":
		return &tg.MessageEntityItalic{Offset: off, Length: n}
	case "underline":
		return &tg.MessageEntityUnderline{Offset: off, Length: n}
	case "strike":
		return &tg.MessageEntityStrike{Offset: off, Length: n}
	case "spoiler":
		return &tg.MessageEntitySpoiler{Offset: off, Length: n}
	case "code":
		return &tg.MessageEntityCode{Offset: off, Length: n}
	case "pre":
		return &tg.MessageEntityPre{Offset: off, Length: n, Language: k.arg}
	case "url":
		if id, ok := MentionUserID(k.arg); ok {
			return &tg.MessageEntityMentionName{Offset: off, Length: n, UserID: id}
		}
		return &tg.MessageEntityTextURL{Offset: off, Length: n, URL: k.arg}
	case "quote":
		return &tg.MessageEntityBlockquote{Offset: off, Length: n}
	case "emoji":
		id, _ := strconv.ParseInt(k.arg, 10, 64)
		return &tg.MessageEntityCustomEmoji{Offset: off, Length: n, DocumentID: id}
	}
	return &tg.MessageEntityUnknown{Offset: off, Length: n}
}

// mentionURLPrefix starts a link that mentions a user by id, as in [Ann](tg://user?id=42).
const mentionURLPrefix = "tg://user?id="

// MentionURL returns the link that mentions user id: tg://user?id=N.
func MentionURL(id int64) string { return mentionURLPrefix + strconv.FormatInt(id, 10) }

// MentionUserID returns the user id of a mention link (tg://user?id=N with N > 0).
func MentionUserID(url string) (int64, bool) {
	rest, ok := strings.CutPrefix(url, mentionURLPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// markdown markers, longest first.
var mdMarkers = [...]struct {
	marker string
	kind   string
}{
	{"```", "pre"}, {"**", "bold"}, {"__", "italic"}, {"--", "underline"}, {"~~", "strike"},
	{"||", "spoiler"}, {"`", "code"},
}

// parseMarkdown reads **bold**, __italic__, --underline--, ~~strike~~, ||spoiler||, `code`,
// ```lang\npre``` and [text](url) (a mention for tg://user?id=N); a backslash escapes the
// next character.
func parseMarkdown(s string) (string, []tg.MessageEntityClass, error) {
	var b textBuilder
	inCode := func() bool {
		o, ok := b.top()
		return ok && (o.kind.name == "code" || o.kind.name == "pre")
	}
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			r, n := utf8.DecodeRuneInString(s[i+1:])
			b.writeRune(r)
			i += 1 + n
			continue
		}
		if inCode() {
			// Inside code only the code's own closing marker counts: "`x````" closes the
			// code after x and opens a pre, whatever the longest marker would be.
			if o, _ := b.top(); strings.HasPrefix(s[i:], o.tag) {
				if err := b.pop(o.tag); err != nil {
					return "", nil, err
				}
				i += len(o.tag)
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			b.writeRune(r)
			i += n
			continue
		}
		matched := false
		for _, m := range mdMarkers {
			if !strings.HasPrefix(s[i:], m.marker) {
				continue
			}
			if o, ok := b.top(); ok && o.tag == m.marker {
				if err := b.pop(m.marker); err != nil {
					return "", nil, err
				}
				i += len(m.marker)
				matched = true
				break
			}
			k := entityKind{name: m.kind}
			i += len(m.marker)
			if m.kind == "pre" {
				if nl := strings.IndexByte(s[i:], '\n'); nl >= 0 && !strings.ContainsAny(s[i:i+nl], " `") {
					k.arg = s[i : i+nl]
					i += nl + 1
				}
			}
			if err := b.push(k, m.marker); err != nil {
				return "", nil, err
			}
			matched = true
			break
		}
		if matched {
			continue
		}
		if s[i] == '[' {
			if text, url, n, ok := mdLink(s[i:]); ok {
				if err := b.push(entityKind{name: "url", arg: url}, "]"); err != nil {
					return "", nil, err
				}
				inner, ents, err := parseMarkdown(text)
				if err != nil {
					return "", nil, err
				}
				base := b.n16
				for _, e := range ents {
					b.ents = append(b.ents, shiftEntity(e, base))
				}
				b.writeString(inner)
				if err := b.pop("]"); err != nil {
					return "", nil, err
				}
				i += n
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.writeRune(r)
		i += n
	}
	return b.finish()
}

// mdLink matches [text](url) at the start of s, returning the parts and the bytes consumed.
func mdLink(s string) (text, url string, n int, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", 0, false
				}
				end := strings.IndexByte(s[i+2:], ')')
				if end < 0 {
					return "", "", 0, false
				}
				return s[1:i], s[i+2 : i+2+end], i + 3 + end, true
			}
		}
	}
	return "", "", 0, false
}

// shiftEntity returns an entity of nested text (as makeEntity made it) moved by base UTF-16
// units.
func shiftEntity(e tg.MessageEntityClass, base int32) tg.MessageEntityClass {
	k, off, n, ok := entityOf(e)
	if !ok {
		return e
	}
	return makeEntity(k, off+base, n)
}

// htmlTags maps tag names to entity kinds.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
	"ins": "underline", "s": "strike", "strike": "strike", "del": "strike", "code": "code",
	"pre": "pre", "a": "url", "tg-spoiler": "spoiler", "blockquote": "quote", "tg-emoji": "emoji",
	"span": "spoiler",
}

// parseHTML reads <b>, <i>, <u>, <s>, <code>, <pre>, <a href> (a mention for
// tg://user?id=N), <tg-spoiler>, <span class="tg-spoiler">, <blockquote>, <tg-emoji emoji-id>
// and the entities &lt; &gt; &amp; &quot; and numeric character references.
func parseHTML(s string) (string, []tg.MessageEntityClass, error) {
	var b textBuilder
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", nil, fmt.Errorf("%w: unterminated tag at byte %d", ErrParse, i)
			}
			tag := s[i+1 : i+end]
			i += end + 1
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if o, ok := b.top(); ok && o.tag == "pre" && name == "code" {
					continue // <pre><code class="language-x">...</code></pre>
				}
				if err := b.pop(name); err != nil {
					return "", nil, err
				}
				continue
			}
			name, attrs := splitTag(tag)
			if name == "br" || name == "br/" {
				b.writeRune('\n')
				continue
			}
			kind, ok := htmlTags[name]
			if !ok {
				return "", nil, fmt.Errorf("%w: unsupported tag <%s>", ErrParse, name)
			}
			k := entityKind{name: kind}
			switch name {
			case "a":
				k.arg = attrs["href"]
			case "tg-emoji":
				k.arg = attrs["emoji-id"]
			case "span":
				if attrs["class"] != "tg-spoiler" {
					return "", nil, fmt.Errorf("%w: <span> without class=\"tg-spoiler\"", ErrParse)
				}
			case "code":
				if o, ok := b.top(); ok && o.tag == "pre" {
					// A language for the enclosing pre.
					b.stack[len(b.stack)-1].kind.arg = strings.TrimPrefix(attrs["class"], "language-")
					continue
				}
			}
			if err := b.push(k, name); err != nil {
				return "", nil, err
			}
		case '&':
			r, n := htmlEntity(s[i:])
			b.writeRune(r)
			i += n
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			b.writeRune(r)
			i += n
		}
	}
	return b.finish()
}

// splitTag splits `a href="x" class='y'` into the lower-case name and its attributes.
func splitTag(tag string) (string, map[string]string) {
	tag = strings.TrimSpace(tag)
	sp := strings.IndexAny(tag, " \t\n")
	if sp < 0 {
		return strings.ToLower(tag), nil
	}
	name := strings.ToLower(tag[:sp])
	attrs := map[string]string{}
	rest := tag[sp:]
	for {
		rest = strings.TrimLeft(rest, " \t\n")
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return name, attrs
		}
		key := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t\n")
		var val string
		if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
			q := rest[0]
			end := strings.IndexByte(rest[1:], q)
			if end < 0 {
				val, rest = rest[1:], ""
			} else {
				val, rest = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := strings.IndexAny(rest, " \t\n")
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		attrs[key] = htmlUnescape(val)
	}
}

// htmlEntity decodes the character reference at the start of s ("&amp;", "&#39;"), or
// returns '&' alone when s does not start with one.
func htmlEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return '&', 1
	}
	name := s[1:end]
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	case "apos":
		return '\'', end + 1
	case "nbsp":
		return '\u00a0', end + 1
	}
	if name[0] == '#' {
		var v uint64
		var err error
		if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
			v, err = strconv.ParseUint(name[2:], 16, 32)
		} else {
			v, err = strconv.ParseUint(name[1:], 10, 32)
		}
		if err == nil && utf8.ValidRune(rune(v)) {
			return rune(v), end + 1
		}
	}
	return '&', 1
}

func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			r, n := htmlEntity(s[i:])
			out.WriteRune(r)
			i += n
			continue
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}
