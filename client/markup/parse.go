// Package markup reads and writes Telegram's formatted text: Markdown and HTML markup on one
// side, plain text with message entities (UTF-16 offsets) on the other. It is what the
// client's parse modes use, and it needs no client.
package markup

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
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
	// MarkdownV2 is the Bot API's strict MarkdownV2: *bold*, _italic_, __underline__,
	// ~strike~, ||spoiler||, `code`, ```pre```, [text](url), ![👍](tg://emoji?id=N), '>'
	// quotes; reserved characters must be escaped.
	MarkdownV2 = 3
)

var (
	// ErrParse reports text that the parse mode cannot read (an unclosed tag or marker, an
	// unknown HTML tag).
	ErrParse = errors.New("markup: cannot parse formatted text")
	// ErrUnknownMode reports a mode that is none of None, Markdown, HTML and MarkdownV2.
	ErrUnknownMode = errors.New("markup: unknown parse mode")
)

// maxParseDepth bounds nested formatting: every span open at once counts, whatever its
// kind (a Markdown marker or link, an HTML tag).
const maxParseDepth = 32

// Parse reads formatted text in mode (None, Markdown, HTML or MarkdownV2) and returns the
// plain text with its entities. Entity offsets and lengths are in UTF-16 code units, as Telegram counts them.
// A link to tg://user?id=N becomes a messageEntityMentionName of user N; a request must carry
// it as inputMessageEntityMentionName, with the user's access hash.
func Parse(mode int, text string) (string, []tg.MessageEntityClass, error) {
	switch mode {
	case None:
		return text, nil, nil
	case Markdown, HTML, MarkdownV2:
	default:
		return "", nil, fmt.Errorf("%w: %d", ErrUnknownMode, mode)
	}
	if len(text) > math.MaxInt32 {
		// Offsets are 32-bit, and the Markdown reader keeps positions in 32 bits.
		return "", nil, fmt.Errorf("%w: %d bytes of text", ErrParse, len(text))
	}
	switch mode {
	case Markdown:
		return parseMarkdown(text)
	case MarkdownV2:
		return parseMarkdownV2(text)
	}
	return parseHTML(text)
}

// entityKind is one formatting kind with its extra argument.
type entityKind struct {
	name string // bold, italic, underline, strike, spoiler, code, pre, url, quote, emoji
	arg  string // pre language, link url, custom emoji id
}

// noLink reports a link without a url ([a](), <a>, <a href="">): its text stays, without a
// link, as the Bot API reads it (the server refuses a text link to "").
func (k entityKind) noLink() bool { return k.name == "url" && strings.TrimSpace(k.arg) == "" }

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

func (b *textBuilder) writeByte(c byte) { // c < utf8.RuneSelf
	b.out.WriteByte(c)
	b.n16++
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
		return fmt.Errorf("%w: unexpected closing %q", ErrParse, clip(tag))
	}
	o := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	if n := b.n16 - o.start; n > 0 && !o.kind.noLink() {
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
		return "", nil, notClosed(o.tag)
	}
	return b.out.String(), b.ents, nil
}

// clip shortens text from the input for an error message.
func clip(s string) string {
	const most = 32
	if len(s) <= most {
		return s
	}
	return s[:most] + "..."
}

func notClosed(tag string) error { return fmt.Errorf("%w: %q is not closed", ErrParse, tag) }

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
		return &tg.MessageEntityBlockquote{Offset: off, Length: n, Collapsed: k.arg == quoteExpandable}
	case "emoji":
		id, _ := strconv.ParseInt(k.arg, 10, 64)
		return &tg.MessageEntityCustomEmoji{Offset: off, Length: n, DocumentID: id}
	}
	return &tg.MessageEntityUnknown{Offset: off, Length: n}
}

// quoteExpandable is the argument of an expandable (collapsed) block quote.
const quoteExpandable = "expandable"

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

// mdSpecial marks the bytes that can start markup: a marker, a link or an escape.
var mdSpecial = func() (special [utf8.RuneSelf]bool) {
	for _, m := range mdMarkers {
		special[m.marker[0]] = true
	}
	special['['], special['\\'] = true, true
	return special
}()

// parseMarkdown reads **bold**, __italic__, --underline--, ~~strike~~, ||spoiler||, `code`,
// ```lang\npre``` and [text](url) (a mention for tg://user?id=N); a backslash escapes the
// next character.
//
// It reads the text once, left to right, in time and memory linear in its length: the
// links are found beforehand in one pass (findMarkdownLinks), a link's text is read in place
// with the link on the same stack as every other span, so one nesting budget covers them all,
// and the line of a pre's language is found through searches that never go back.
func parseMarkdown(s string) (string, []tg.MessageEntityClass, error) {
	p := mdParser{s: s, links: findMarkdownLinks(s)}
	p.b.out.Grow(len(s)) // the text is at most the input, but for invalid UTF-8
	p.newline.init('\n')
	p.space.init(' ')
	p.backtick.init('`')
	return p.run()
}

// mdParser is the state of one parseMarkdown.
type mdParser struct {
	s     string
	b     textBuilder
	links []mdLink // every [text](url) that can start a link, by position
	next  int      // first of links not yet passed
	// texts holds the links whose text is being read, innermost last.
	texts []mdLink
	// The next newline, space and backtick at or after the parser's position.
	newline, space, backtick nextByte
}

func (p *mdParser) run() (string, []tg.MessageEntityClass, error) {
	s, b := p.s, &p.b
	for i := 0; ; {
		// t is the text being read: the whole input, or the text of the innermost link,
		// which ends at its ']'.
		t := s
		if len(p.texts) > 0 {
			t = s[:p.texts[len(p.texts)-1].close]
		}
		if i == len(t) {
			if len(p.texts) == 0 {
				return b.finish()
			}
			l := p.texts[len(p.texts)-1]
			p.texts = p.texts[:len(p.texts)-1]
			if o, _ := b.top(); o.tag != "]" {
				return "", nil, notClosed(o.tag)
			}
			if err := b.pop("]"); err != nil {
				return "", nil, err
			}
			i = int(l.end) + 1
			continue
		}
		if c := t[i]; c < utf8.RuneSelf && !mdSpecial[c] {
			b.writeByte(c) // the common case: a byte that is text wherever it stands
			i++
			continue
		}
		if t[i] == '\\' && i+1 < len(t) {
			r, n := utf8.DecodeRuneInString(t[i+1:])
			b.writeRune(r)
			i += 1 + n
			continue
		}
		o, ok := b.top()
		if inCode := ok && (o.kind.name == "code" || o.kind.name == "pre"); inCode {
			// Inside code only the code's own closing marker counts: "`x````" closes the
			// code after x and opens a pre, whatever the longest marker would be.
			if strings.HasPrefix(t[i:], o.tag) {
				if err := b.pop(o.tag); err != nil {
					return "", nil, err
				}
				i += len(o.tag)
				continue
			}
		} else {
			n, ok, err := p.marker(t, i)
			if err != nil {
				return "", nil, err
			}
			if ok {
				i += n
				continue
			}
			if l, ok := p.linkAt(i); ok && int(l.end) < len(t) {
				if err := b.push(entityKind{name: "url", arg: s[l.close+2 : l.end]}, "]"); err != nil {
					return "", nil, err
				}
				p.texts = append(p.texts, l)
				i++
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(t[i:])
		b.writeRune(r)
		i += n
	}
}

// marker opens or closes the span of the marker at t[i], if one starts there, and returns
// the bytes it took.
func (p *mdParser) marker(t string, i int) (int, bool, error) {
	for _, m := range mdMarkers {
		if !strings.HasPrefix(t[i:], m.marker) {
			continue
		}
		if o, ok := p.b.top(); ok && o.tag == m.marker {
			return len(m.marker), true, p.b.pop(m.marker)
		}
		k := entityKind{name: m.kind}
		n := len(m.marker)
		if m.kind == "pre" {
			// A language is the rest of the line, when it has no space or backtick.
			from := i + n
			if nl := p.newline.from(p.s, from); nl < len(t) &&
				p.space.from(p.s, from) > nl && p.backtick.from(p.s, from) > nl {
				k.arg = t[from:nl]
				n = nl + 1 - i
			}
		}
		return n, true, p.b.push(k, m.marker)
	}
	return 0, false, nil
}

// linkAt returns the link that can start at s[i]. The parser asks in increasing order of i,
// so one pass over links answers every question.
func (p *mdParser) linkAt(i int) (mdLink, bool) {
	for p.next < len(p.links) && int(p.links[p.next].open) < i {
		p.next++
	}
	if p.next < len(p.links) && int(p.links[p.next].open) == i {
		return p.links[p.next], true
	}
	return mdLink{}, false
}

// mdLink is where a [text](url) lies in the input: its '[', the ']' that ends the text (the
// '(' follows it) and the first ')' after that, which ends the url.
type mdLink struct{ open, close, end int32 }

// findMarkdownLinks finds, in one pass, every '[' that starts a [text](url): the ']' that
// matches it (brackets nest; a backslash escapes the next byte) is followed by '(' and a ')'
// comes later. Brackets are matched on the whole input, which is right for a link's text
// too: a '[' inside a text is matched inside it, since brackets nest. A url is raw and runs
// to the first ')', so the brackets in it count for nothing: the ']' of "[[a](u])b](v)"
// ends the inner url, not the outer text. The links come sorted by their '['.
func findMarkdownLinks(s string) []mdLink {
	brackets := strings.Count(s, "[")
	if brackets == 0 {
		return nil
	}
	// Sized once: growing by append would allocate several times what they end up holding.
	links := make([]mdLink, 0, min(brackets, strings.Count(s, "](")))
	opens := make([]int32, 0, brackets) // unmatched '['
scan:
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			opens = append(opens, int32(i))
		case ']':
			if len(opens) == 0 {
				continue
			}
			o := opens[len(opens)-1]
			opens = opens[:len(opens)-1]
			if i+1 == len(s) || s[i+1] != '(' {
				continue
			}
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				break scan // no ')' is left: no later '[' can start a link either
			}
			links = append(links, mdLink{open: o, close: int32(i), end: int32(i + 2 + end)})
			i += 2 + end // past the url, read once
		}
	}
	slices.SortFunc(links, func(a, b mdLink) int { return cmp.Compare(a.open, b.open) })
	return links
}

// nextByte finds the next c at or after a position that never decreases between calls: it
// keeps its answer until the position passes it, so a whole parse reads the input once.
type nextByte struct {
	c  byte
	at int
}

func (n *nextByte) init(c byte) { n.c, n.at = c, -1 }

// from returns the index of the first c in s at or after i, or len(s).
func (n *nextByte) from(s string, i int) int {
	if n.at < i {
		n.at = len(s)
		if j := strings.IndexByte(s[i:], n.c); j >= 0 {
			n.at = i + j
		}
	}
	return n.at
}

// htmlTags maps tag names to entity kinds.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
	"ins": "underline", "s": "strike", "strike": "strike", "del": "strike", "code": "code",
	"pre": "pre", "a": "url", "tg-spoiler": "spoiler", "blockquote": "quote", "tg-emoji": "emoji",
	"span": "spoiler",
}

// parseHTML reads <b>, <i>, <u>, <s>, <code>, <pre>, <a href> (a mention for
// tg://user?id=N), <tg-spoiler>, <span class="tg-spoiler">, <blockquote> and <blockquote
// expandable>, <tg-emoji emoji-id>, <pre><code class="language-x"> and the entities &lt; &gt; &amp; &quot; and numeric character references.
func parseHTML(s string) (string, []tg.MessageEntityClass, error) {
	var b textBuilder
	b.out.Grow(len(s))
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := tagEnd(s[i:])
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
				return "", nil, fmt.Errorf("%w: unsupported tag <%s>", ErrParse, clip(name))
			}
			k := entityKind{name: kind}
			switch name {
			case "a":
				k.arg = attrs.href
			case "tg-emoji":
				id, err := strconv.ParseInt(attrs.emojiID, 10, 64)
				if err != nil {
					return "", nil, fmt.Errorf("%w: <tg-emoji> needs a numeric emoji-id, not %q", ErrParse, clip(attrs.emojiID))
				}
				k.arg = strconv.FormatInt(id, 10)
			case "blockquote":
				if attrs.expandable {
					k.arg = quoteExpandable
				}
			case "span":
				if attrs.class != "tg-spoiler" {
					return "", nil, fmt.Errorf("%w: <span> without class=\"tg-spoiler\"", ErrParse)
				}
			case "code":
				if o, ok := b.top(); ok && o.tag == "pre" {
					// A language for the enclosing pre.
					b.stack[len(b.stack)-1].kind.arg = strings.TrimPrefix(attrs.class, "language-")
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
			if s[i] < utf8.RuneSelf {
				b.writeByte(s[i])
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			b.writeRune(r)
			i += n
		}
	}
	return b.finish()
}

// tagEnd returns the index of the '>' that ends the tag at the start of s, or -1. A '>'
// inside a quoted attribute value (href="a>b") does not end it; a quote opens a value when
// it follows '=', as splitTag reads it.
func tagEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '>':
			return i
		case '=':
			j := i + 1
			for j < len(s) && strings.IndexByte(htmlSpace, s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '"' || s[j] == '\'') {
				end := strings.IndexByte(s[j+1:], s[j])
				if end < 0 {
					return -1
				}
				i = j + 1 + end
			}
		}
	}
	return -1
}

// htmlSpace is the white space that separates a tag's name and attributes.
const htmlSpace = " \t\n\r\f"

// tagAttrs holds the attributes parseHTML reads; the others are skipped.
type tagAttrs struct {
	href, emojiID, class string
	expandable           bool // a bare attribute
}

// splitTag splits `a href="x" class='y'` into the lower-case name and its attributes; when
// one is given twice, the last counts.
func splitTag(tag string) (string, tagAttrs) {
	var attrs tagAttrs
	tag = strings.TrimSpace(tag)
	sp := strings.IndexAny(tag, htmlSpace)
	if sp < 0 {
		return strings.ToLower(tag), attrs
	}
	name := strings.ToLower(tag[:sp])
	rest := tag[sp:]
	for {
		rest = strings.TrimLeft(rest, htmlSpace)
		if rest == "" {
			return name, attrs
		}
		end := strings.IndexAny(rest, "="+htmlSpace)
		if end < 0 {
			end = len(rest)
		}
		key := strings.ToLower(rest[:end])
		rest = strings.TrimLeft(rest[end:], htmlSpace)
		if rest == "" || rest[0] != '=' {
			// An attribute without a value.
			if key == "expandable" {
				attrs.expandable = true
			}
			continue
		}
		rest = strings.TrimLeft(rest[1:], htmlSpace)
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
			end := strings.IndexAny(rest, htmlSpace)
			if end < 0 {
				end = len(rest)
			}
			val, rest = rest[:end], rest[end:]
		}
		switch key {
		case "href":
			attrs.href = htmlUnescape(val)
		case "emoji-id":
			attrs.emojiID = htmlUnescape(val)
		case "class":
			attrs.class = htmlUnescape(val)
		}
	}
}

// maxRefLen is the longest character reference htmlEntity reads, with its '&' and ';'.
const maxRefLen = 11

// htmlEntity decodes the character reference at the start of s ("&amp;", "&#39;"), or
// returns '&' alone when s does not start with one. It looks no further than a reference
// can reach, so a text of many '&' is read in linear time.
func htmlEntity(s string) (rune, int) {
	end := strings.IndexByte(s[:min(len(s), maxRefLen)], ';')
	if end < 2 {
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
		if r, ok := numericRef(name[1:]); ok {
			return r, end + 1
		}
	}
	return '&', 1
}

// numericRef reads the digits of a numeric character reference, decimal ("65") or
// hexadecimal ("x41"). A reference has at most 8 digits, too few to overflow 32 bits.
func numericRef(digits string) (rune, bool) {
	base := uint32(10)
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	var v uint32
	for i := 0; i < len(digits); i++ {
		d := base // not a digit
		switch c := digits[i]; {
		case '0' <= c && c <= '9':
			d = uint32(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint32(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = uint32(c-'A') + 10
		}
		if d >= base {
			return 0, false
		}
		v = v*base + d
	}
	return rune(v), utf8.ValidRune(rune(v))
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
