package markup

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Format writes text with its entities in mode: the Markdown or HTML that Parse reads back to
// the same text and formatting. It is how a received message is echoed or stored with its
// formatting (Pyrogram's message.text.markdown).
//
// Entities that cross each other are split so the markup nests. Entities the mode cannot
// express are left out (their text stays): in Markdown blockquotes, custom emoji and anything
// inside code or pre; in both modes the kinds Telegram detects by itself (mentions by
// username, hashtags, URLs, ...). Where spans nest deeper than Parse reads (32; only links
// and custom emoji with distinct arguments can), the innermost are left out. Offsets out of
// range are clipped. Only the first MaxFormatEntities entities are written: crossing
// entities multiply the markup, so a hostile message with very many of them could otherwise
// make the output grow with their square; and when crossing spans with long arguments would
// repeat more than a megabyte of markup, the spans that do not fit lose their remaining
// pieces.
func Format(mode int, text string, ents []tg.MessageEntityClass) (string, error) {
	var w markupWriter
	switch mode {
	case None:
		return text, nil
	case Markdown:
		w = markdownWriter{}
	case HTML:
		w = htmlWriter{}
	case MarkdownV2:
		w = markdownV2Writer{}
	default:
		return "", fmt.Errorf("%w: %d", ErrUnknownMode, mode)
	}
	bounds := runeBounds(text)
	spans := formatSpans(bounds, ents, w)
	if p, ok := w.(spanPreparer); ok {
		spans = p.prepare(text, bounds, spans)
	}
	var out tokenWriter
	out.join, _ = w.(tokenJoiner)
	m := newMarkupBudget(w, spans)
	var stack []span // spans open in the output, outermost first
	cuts := spanCuts(spans, bounds.n16)
	for i, at := range cuts {
		want, keep := m.next(spans, stack, at)
		for j := len(stack) - 1; j >= keep; j-- {
			out.token(w.close(stack[j]), false)
		}
		stack = append(stack[:keep], want[keep:]...)
		for _, s := range want[keep:] {
			m.left -= m.cost[s.id]
			out.token(w.open(s), true)
		}
		if i+1 < len(cuts) {
			run := text[bounds.byteAt(at):bounds.byteAt(cuts[i+1])]
			out.text(w.escape(run, stack))
		}
	}
	for j := len(stack) - 1; j >= 0; j-- {
		out.token(w.close(stack[j]), false)
	}
	return out.b.String(), nil
}

// maxRepeatedMarkup is how many bytes of markup Format writes beyond each span's own once:
// what crossing spans cost as they close and reopen around each other.
const maxRepeatedMarkup = 1 << 20

// markupBudget bounds the markup Format writes: every span has its markup once, and
// reopening draws on maxRepeatedMarkup. A span that no longer fits is left out from there
// on, so crossing spans with long arguments (links of kilobytes) cannot multiply them.
type markupBudget struct {
	w       markupWriter
	left    int
	cost    []int  // bytes of markup that open and close each span, by id
	dropped []bool // by id
}

// newMarkupBudget numbers spans (their id) and prices their markup.
func newMarkupBudget(w markupWriter, spans []span) *markupBudget {
	m := &markupBudget{w: w, left: maxRepeatedMarkup, cost: make([]int, len(spans)), dropped: make([]bool, len(spans))}
	for i := range spans {
		spans[i].id = i
		m.cost[i] = len(w.open(spans[i])) + len(w.close(spans[i]))
		m.left += m.cost[i]
	}
	return m
}

// next returns the spans to have open at UTF-16 unit at, outermost first, and how many of
// them stack already holds. It leaves out the spans the budget cannot open any more.
func (m *markupBudget) next(spans, stack []span, at int32) ([]span, int) {
	for {
		active := slices.DeleteFunc(activeSpans(spans, at), func(s span) bool { return m.dropped[s.id] })
		want := m.w.filter(outermostOfKind(active))
		want = want[:min(len(want), maxParseDepth)] // what Parse reads back; the innermost go
		keep := 0
		for keep < len(stack) && keep < len(want) && stack[keep] == want[keep] {
			keep++
		}
		left, over := m.left, -1
		for _, s := range want[keep:] {
			if left -= m.cost[s.id]; left < 0 {
				over = s.id
				break
			}
		}
		if over < 0 {
			return want, keep
		}
		m.dropped[over] = true // it may have hidden others: choose again without it
	}
}

// tokenWriter collects Format's output, asking the writer's joiner, if any, what must
// separate two pieces of markup written one after the other, or markup that opened a span
// and the text after it.
type tokenWriter struct {
	b      strings.Builder
	join   tokenJoiner
	last   string // the markup written last, when nothing came after it
	opened bool   // last opened a span
}

// token writes s, the markup that opens a span (opens) or closes one.
func (t *tokenWriter) token(s string, opens bool) {
	if s == "" {
		return
	}
	if t.join != nil && t.last != "" {
		t.b.WriteString(t.join.join(t.last, s))
	}
	t.b.WriteString(s)
	t.last, t.opened = s, opens
}

func (t *tokenWriter) text(s string) {
	if s == "" {
		return
	}
	if t.join != nil && t.last != "" && t.opened {
		t.b.WriteString(t.join.joinText(t.last, s))
	}
	t.b.WriteString(s)
	t.last = ""
}

// spanPreparer is a markupWriter that adjusts the spans before they are written: it drops
// or splits what its syntax cannot place.
type spanPreparer interface {
	prepare(text string, ix runeIndex, spans []span) []span
}

// tokenJoiner is a markupWriter whose adjacent markup can run together into other markup:
// join returns what to write between prev and next, joinText what to write between the
// markup that opened a span and the text that follows it.
type tokenJoiner interface {
	join(prev, next string) string
	joinText(opened, text string) string
}

// MaxFormatEntities is how many entities Format writes at most: one per 16 characters of the
// longest message. In the worst case (each entity crossing all the others) the markup they
// repeat stays under a megabyte (maxRepeatedMarkup), besides each entity's own once.
const MaxFormatEntities = 256

// span is one entity to write, in UTF-16 units of the text.
type span struct {
	start, end int32
	kind       entityKind
	order      int // position in the input, to keep the nesting of equal spans stable
	// apart marks a block quote that starts on the line after another one ends, which
	// MarkdownV2 must keep apart.
	apart bool
	id    int // index in Format's spans, once prepared
}

// formatSpans turns the entities w can write into spans, clipped to the text and widened to
// whole characters: an end or start inside a surrogate pair would leave an empty run of text
// between two cuts, where markers run together ("`" "`" "```" reads as a pre).
func formatSpans(ix runeIndex, ents []tg.MessageEntityClass, w markupWriter) []span {
	var out []span
	for i, e := range ents[:min(len(ents), MaxFormatEntities)] {
		k, off, n, ok := entityOf(e)
		if !ok || !w.can(k) || k.noLink() {
			continue
		}
		start, end := max(off, 0), min(int64(off)+int64(n), int64(ix.n16))
		if int64(start) >= end {
			continue
		}
		s := span{start: start, end: int32(end), kind: k, order: i}
		if ix.bytes[s.start] < 0 {
			s.start-- // to the pair's first unit
		}
		if ix.bytes[s.end] < 0 {
			s.end++ // past the pair
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, outerFirst)
	return out
}

// outerFirst orders spans outer first: earlier start, then longer, then input order.
func outerFirst(a, b span) int {
	if a.start != b.start {
		return int(a.start - b.start)
	}
	if a.end != b.end {
		return int(b.end - a.end)
	}
	return a.order - b.order
}

// entityOf is the inverse of makeEntity: the kind of e with its UTF-16 offset and length.
func entityOf(e tg.MessageEntityClass) (k entityKind, off, n int32, ok bool) {
	switch e := e.(type) {
	case *tg.MessageEntityBold:
		return entityKind{name: "bold"}, e.Offset, e.Length, true
	case *tg.MessageEntityItalic:
		return entityKind{name: "italic"}, e.Offset, e.Length, true
	case *tg.MessageEntityUnderline:
		return entityKind{name: "underline"}, e.Offset, e.Length, true
	case *tg.MessageEntityStrike:
		return entityKind{name: "strike"}, e.Offset, e.Length, true
	case *tg.MessageEntitySpoiler:
		return entityKind{name: "spoiler"}, e.Offset, e.Length, true
	case *tg.MessageEntityCode:
		return entityKind{name: "code"}, e.Offset, e.Length, true
	case *tg.MessageEntityPre:
		return entityKind{name: "pre", arg: e.Language}, e.Offset, e.Length, true
	case *tg.MessageEntityTextURL:
		return entityKind{name: "url", arg: e.URL}, e.Offset, e.Length, true
	case *tg.MessageEntityMentionName:
		return entityKind{name: "url", arg: MentionURL(e.UserID)}, e.Offset, e.Length, true
	case *tg.MessageEntityBlockquote:
		k := entityKind{name: "quote"}
		if e.Collapsed {
			k.arg = quoteExpandable
		}
		return k, e.Offset, e.Length, true
	case *tg.MessageEntityCustomEmoji:
		return entityKind{name: "emoji", arg: strconv.FormatInt(e.DocumentID, 10)}, e.Offset, e.Length, true
	case *tg.MessageEntityUnknown:
		return entityKind{name: "unknown"}, e.Offset, e.Length, true
	}
	return entityKind{}, 0, 0, false
}

// spanCuts returns the sorted UTF-16 positions where some span starts or ends, with 0 and
// the text's end.
func spanCuts(spans []span, n16 int32) []int32 {
	cuts := []int32{0, n16}
	for _, s := range spans {
		cuts = append(cuts, s.start, s.end)
	}
	slices.Sort(cuts)
	return slices.Compact(cuts)
}

// activeSpans returns the spans covering the UTF-16 unit at, outermost first.
func activeSpans(spans []span, at int32) []span {
	var out []span
	for _, s := range spans {
		if s.start <= at && at < s.end {
			out = append(out, s)
		}
	}
	return out
}

// outermostOfKind drops each span nested in a span of the same kind and argument: it adds
// nothing, and Markdown could not write it (the inner "__" would close the outer italic).
func outermostOfKind(active []span) []span {
	out := active[:0:0]
	for _, s := range active {
		if !slices.ContainsFunc(out, func(o span) bool { return o.kind == s.kind }) {
			out = append(out, s)
		}
	}
	return out
}

// runeIndex maps UTF-16 positions of a text to byte offsets.
type runeIndex struct {
	n16   int32
	bytes []int // byte offset at each UTF-16 position; -1 inside a surrogate pair
}

func runeBounds(text string) runeIndex {
	ix := runeIndex{bytes: make([]int, 0, len(text)+1)}
	for i, r := range text {
		ix.bytes = append(ix.bytes, i)
		if utf16.RuneLen(r) == 2 {
			ix.bytes = append(ix.bytes, -1)
		}
	}
	ix.bytes = append(ix.bytes, len(text))
	ix.n16 = int32(len(ix.bytes) - 1)
	return ix
}

// byteAt returns the byte offset of UTF-16 position p, or of the rune that contains it when
// p falls inside a surrogate pair.
func (ix runeIndex) byteAt(p int32) int {
	for ; p > 0 && ix.bytes[p] < 0; p-- {
	}
	return ix.bytes[p]
}

// markupWriter writes one parse mode's markup.
type markupWriter interface {
	can(k entityKind) bool       // whether the mode has markup for k
	filter(active []span) []span // the active spans the mode can nest, outermost first
	open(s span) string          // markup that starts s
	close(s span) string         // markup that ends s
	// escape makes text literal inside the spans open around it, outermost first.
	escape(run string, open []span) string
}

// markdownMarker returns the marker Parse's Markdown reads for kind ("" for none).
func markdownMarker(kind string) string {
	for _, m := range mdMarkers {
		if m.kind == kind {
			return m.marker
		}
	}
	return ""
}

type markdownWriter struct{}

func (markdownWriter) can(k entityKind) bool {
	return markdownMarker(k.name) != "" || k.name == "url"
}

// filter drops what Markdown cannot nest: everything inside code or pre.
func (markdownWriter) filter(active []span) []span {
	for i, s := range active {
		if s.kind.name == "code" || s.kind.name == "pre" {
			out := active[: i+1 : i+1]
			if s.kind.name == "pre" && strings.ContainsAny(s.kind.arg, "[]") &&
				slices.ContainsFunc(out[:i], func(o span) bool { return o.kind.name == "url" }) {
				// The brackets of its language would match those of the link.
				out = slices.Clone(out)
				out[i].kind.arg = ""
			}
			return out
		}
	}
	return active
}

func (markdownWriter) open(s span) string {
	switch s.kind.name {
	case "pre":
		lang := s.kind.arg
		if strings.ContainsAny(lang, " `\n") { // Parse reads none with a space or backtick
			lang = ""
		}
		return "```" + lang + "\n"
	case "url":
		return "["
	}
	return markdownMarker(s.kind.name)
}

func (markdownWriter) close(s span) string {
	if s.kind.name == "url" {
		return "](" + strings.ReplaceAll(s.kind.arg, ")", "%29") + ")"
	}
	return markdownMarker(s.kind.name)
}

// escape puts a backslash before every character that could start or end markup: the
// backslash, backticks and brackets always, and *_-~| where two of them meet or at either
// end of the run, where a neighbouring marker could join them.
func (markdownWriter) escape(run string, _ []span) string {
	var b strings.Builder
	rs := []rune(run)
	for i, r := range rs {
		switch r {
		case '\\', '`', '[', ']':
			b.WriteByte('\\')
		case '*', '_', '-', '~', '|':
			if i == 0 || i == len(rs)-1 || rs[i-1] == r || rs[i+1] == r {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// htmlTagOf is the tag Parse's HTML reads for each kind.
var htmlTagOf = map[string]string{
	"bold": "b", "italic": "i", "underline": "u", "strike": "s", "spoiler": "tg-spoiler",
	"code": "code", "pre": "pre", "url": "a", "quote": "blockquote", "emoji": "tg-emoji",
}

type htmlWriter struct{}

func (htmlWriter) can(k entityKind) bool {
	_, ok := htmlTagOf[k.name]
	return ok
}

// filter drops a code span directly inside a pre: Parse reads <pre><code> as the pre's
// language, not as code.
func (htmlWriter) filter(active []span) []span {
	out := active[:0:0]
	for _, s := range active {
		if s.kind.name == "code" && len(out) > 0 && out[len(out)-1].kind.name == "pre" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func (htmlWriter) open(s span) string {
	switch s.kind.name {
	case "pre":
		if s.kind.arg != "" {
			return `<pre><code class="language-` + htmlAttr(s.kind.arg) + `">`
		}
	case "url":
		return `<a href="` + htmlAttr(s.kind.arg) + `">`
	case "emoji":
		return `<tg-emoji emoji-id="` + htmlAttr(s.kind.arg) + `">`
	case "quote":
		if s.kind.arg == quoteExpandable {
			return "<blockquote expandable>"
		}
	}
	return "<" + htmlTagOf[s.kind.name] + ">"
}

func (htmlWriter) close(s span) string {
	if s.kind.name == "pre" && s.kind.arg != "" {
		return "</code></pre>"
	}
	return "</" + htmlTagOf[s.kind.name] + ">"
}

// htmlText and htmlAttrValue escape text and double-quoted attribute values; built once,
// since a replacer compiles its table on first use.
var (
	htmlText      = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	htmlAttrValue = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

func (htmlWriter) escape(run string, _ []span) string { return htmlText.Replace(run) }

// htmlAttr escapes an attribute value written in double quotes.
func htmlAttr(v string) string { return htmlAttrValue.Replace(v) }
