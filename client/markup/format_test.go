package markup_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		mode int
		text string
		ents []tg.MessageEntityClass
		want string
	}{
		{"none", markup.None, "a*b", []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 1}}, "a*b"},
		{"md bold and link", markup.Markdown, "hi Ann, see docs", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 2},
			&tg.MessageEntityMentionName{Offset: 3, Length: 3, UserID: 42},
			&tg.MessageEntityTextURL{Offset: 12, Length: 4, URL: "http://x/(y)"},
		}, "**hi** [Ann](tg://user?id=42), see [docs](http://x/(y%29)"},
		{"md escapes", markup.Markdown, "a_b **c** [d] `e` x-y --z", nil, `a_b \*\*c\*\* \[d\] \` + "`" + `e\` + "`" + ` x-y \-\-z`},
		{"md crossing spans split", markup.Markdown, "abcd", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 3},
			&tg.MessageEntityItalic{Offset: 1, Length: 3},
		}, "**a__bc__**__d__"},
		{"md pre with language, nothing nests in it", markup.Markdown, "x := 1", []tg.MessageEntityClass{
			&tg.MessageEntityPre{Offset: 0, Length: 6, Language: "go"},
			&tg.MessageEntityBold{Offset: 0, Length: 1},
		}, "```go\nx := 1```"},
		{"md drops what it cannot write", markup.Markdown, "q e", []tg.MessageEntityClass{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 1},
			&tg.MessageEntityCustomEmoji{Offset: 2, Length: 1, DocumentID: 5},
			&tg.MessageEntityHashtag{Offset: 0, Length: 1},
		}, "q e"},
		{"md utf16 offsets", markup.Markdown, "😀 ok", []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 3, Length: 2}}, "😀 **ok**"},
		{"md clipped", markup.Markdown, "ab", []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 1, Length: 100}}, "a**b**"},
		{"html all kinds", markup.HTML, "a<b & q e", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 1},
			&tg.MessageEntityTextURL{Offset: 1, Length: 2, URL: `http://x?a=1&b="2"`},
			&tg.MessageEntityBlockquote{Offset: 6, Length: 1},
			&tg.MessageEntityCustomEmoji{Offset: 8, Length: 1, DocumentID: 5},
		}, `<b>a</b><a href="http://x?a=1&amp;b=&quot;2&quot;">&lt;b</a> &amp; <blockquote>q</blockquote> <tg-emoji emoji-id="5">e</tg-emoji>`},
		{"html pre language", markup.HTML, "x", []tg.MessageEntityClass{&tg.MessageEntityPre{Offset: 0, Length: 1, Language: "go"}},
			`<pre><code class="language-go">x</code></pre>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := markup.Format(tt.mode, tt.text, tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Format = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := markup.Format(9, "x", nil); !errors.Is(err, markup.ErrUnknownMode) {
		t.Fatalf("unknown mode: err = %v", err)
	}
}

// coverage lists, for each kind and argument, the UTF-16 units its entities cover, so that
// formatting compares equal whether a span came back whole or split in pieces.
func coverage(ents []tg.MessageEntityClass) map[string][]int32 {
	out := map[string][]int32{}
	for _, e := range ents {
		key, off, n := describeEntity(e)
		for u := off; u < off+n; u++ {
			if !slices.Contains(out[key], u) {
				out[key] = append(out[key], u)
			}
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// describeEntity returns the kind of e (with its argument) and its UTF-16 span.
func describeEntity(e tg.MessageEntityClass) (string, int32, int32) {
	switch e := e.(type) {
	case *tg.MessageEntityBold:
		return "bold", e.Offset, e.Length
	case *tg.MessageEntityItalic:
		return "italic", e.Offset, e.Length
	case *tg.MessageEntityUnderline:
		return "underline", e.Offset, e.Length
	case *tg.MessageEntityStrike:
		return "strike", e.Offset, e.Length
	case *tg.MessageEntitySpoiler:
		return "spoiler", e.Offset, e.Length
	case *tg.MessageEntityCode:
		return "code", e.Offset, e.Length
	case *tg.MessageEntityPre:
		return "pre " + e.Language, e.Offset, e.Length
	case *tg.MessageEntityTextURL:
		return "url " + e.URL, e.Offset, e.Length
	case *tg.MessageEntityMentionName:
		return fmt.Sprint("mention ", e.UserID), e.Offset, e.Length
	case *tg.MessageEntityBlockquote:
		if e.Collapsed {
			return "quote expandable", e.Offset, e.Length
		}
		return "quote", e.Offset, e.Length
	case *tg.MessageEntityCustomEmoji:
		return fmt.Sprint("emoji ", e.DocumentID), e.Offset, e.Length
	}
	return fmt.Sprintf("%T", e), -1, -1 // a kind Parse never makes
}

// randomFormatted builds a text from an alphabet full of markup characters and a set of
// entities over it that HTML can express entirely (no code directly in a pre).
func randomFormatted(rng *rand.Rand) (string, []tg.MessageEntityClass) {
	alphabet := []rune("ab *_-~|`[]()\\<>&\"\n😀é")
	rs := make([]rune, 1+rng.IntN(30))
	for i := range rs {
		rs[i] = alphabet[rng.IntN(len(alphabet))]
	}
	starts := runeStarts(rs)
	var ents []tg.MessageEntityClass
	for range rng.IntN(6) {
		if e := entityBetween(rng.IntN(10*7), starts[rng.IntN(len(starts))], starts[rng.IntN(len(starts))]); e != nil {
			ents = append(ents, e)
		}
	}
	return string(rs), ents
}

// runeStarts returns the UTF-16 positions where the runes of rs start, and the end, so that
// entities built on them never split a surrogate pair.
func runeStarts(rs []rune) []int32 {
	starts := make([]int32, 0, len(rs)+1)
	var u int32
	for _, r := range rs {
		starts = append(starts, u)
		u += int32(utf16.RuneLen(r))
	}
	return append(starts, u)
}

// entityBetween returns an entity of kind (see entityOfKind) between positions a and b in
// either order, or nil when they are equal.
func entityBetween(kind int, a, b int32) tg.MessageEntityClass {
	if a == b {
		return nil
	}
	return entityOfKind(kind, min(a, b), max(a, b)-min(a, b))
}

// TestFormatRoundTrip formats random texts and entities and parses them back: the text must
// come back as it was, and every kind must cover the same units, except what the mode leaves
// out (in Markdown, anything inside code or pre; in HTML, code directly inside pre).
func TestFormatRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for range 20000 {
		text, ents := randomFormatted(rng)
		checkFormatRoundTrip(t, text, ents)
	}
}

// TestFormatRoundTripArgs formats entities whose arguments (link URLs, pre languages) are
// full of markup characters and parses them back.
func TestFormatRoundTripArgs(t *testing.T) {
	link := func(off, n int32, url string) tg.MessageEntityClass {
		return &tg.MessageEntityTextURL{Offset: off, Length: n, URL: url}
	}
	tests := []struct {
		name string
		text string
		ents []tg.MessageEntityClass
	}{
		{"link in a link, ']' in the inner url", "ab", []tg.MessageEntityClass{link(0, 2, "v"), link(0, 1, "u]")}},
		{"link in a link, '[' in the inner url", "ab", []tg.MessageEntityClass{link(0, 2, "v"), link(0, 1, "u[")}},
		{"link in a link, '](' in the inner url", "abc", []tg.MessageEntityClass{link(0, 3, "v"), link(1, 1, "x](y")}},
		{"brackets in both urls", "abc", []tg.MessageEntityClass{link(0, 3, "[v]]"), link(1, 1, "[[x")}},
		{"pre language with ']' in a link", "0", []tg.MessageEntityClass{link(0, 1, "u"), &tg.MessageEntityPre{Offset: 0, Length: 1, Language: "]"}}},
		{"pre language with '[' in a link", "0", []tg.MessageEntityClass{link(0, 1, "u"), &tg.MessageEntityPre{Offset: 0, Length: 1, Language: "c[]["}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkFormatRoundTrip(t, tt.text, tt.ents) })
	}
}

// FuzzFormat is TestFormatRoundTrip with the text and the entities chosen by the fuzzer:
// every 3 bytes of spec are one entity (kind, offset, length, taken modulo what fits); arg,
// when not empty, is the URL of every link and the language of every pre.
func FuzzFormat(f *testing.F) {
	f.Add("hello *world* [x]", []byte{0, 0, 5, 7, 6, 7, 5, 2, 9}, "")
	f.Add("😀 a`b", []byte{8, 0, 6, 1, 3, 2}, "")
	f.Add("abc", []byte{5, 0, 3, 5, 1, 2}, "u]")
	f.Add("abc", []byte{5, 0, 3, 15, 1, 2}, "x](y)")
	f.Add("a\nb\nc", []byte{9, 0, 3, 0, 1, 2}, "go lang")
	f.Add("e\u0301\xff😀", []byte{9, 0, 4, 5, 1, 3}, "a\\`<&quot;>|")
	f.Fuzz(func(t *testing.T, text string, spec []byte, arg string) {
		text = strings.ToValidUTF8(text, "?")
		arg = strings.ToValidUTF8(arg, "?")
		if _, ok := markup.MentionUserID(arg); ok {
			arg = "x" + arg // a link Parse reads as a mention instead
		}
		starts := runeStarts([]rune(text))
		var ents []tg.MessageEntityClass
		for i := 0; i+2 < len(spec) && len(ents) < 16; i += 3 {
			pick := func(b byte) int32 { return starts[int(b)%len(starts)] }
			e := entityBetween(int(spec[i]), pick(spec[i+1]), pick(spec[i+2]))
			switch e := e.(type) {
			case nil:
				continue
			case *tg.MessageEntityTextURL:
				if strings.TrimSpace(arg) != "" { // a blank url is no link
					e.URL = arg
				}
			case *tg.MessageEntityPre:
				if arg != "" {
					e.Language = arg
				}
			}
			ents = append(ents, e)
		}
		checkFormatRoundTrip(t, text, ents)
	})
}

// formattedArgs returns ents with the arguments mode writes: Markdown writes ')' in a URL
// as %29, and the Markdowns write no language that their pre line cannot hold.
func formattedArgs(mode int, ents []tg.MessageEntityClass) []tg.MessageEntityClass {
	out := make([]tg.MessageEntityClass, 0, len(ents))
	for _, e := range ents {
		switch e := e.(type) {
		case *tg.MessageEntityTextURL:
			if mode == markup.Markdown {
				e = &tg.MessageEntityTextURL{Offset: e.Offset, Length: e.Length, URL: strings.ReplaceAll(e.URL, ")", "%29")}
			}
			out = append(out, e)
		case *tg.MessageEntityPre:
			if (mode == markup.Markdown && strings.ContainsAny(e.Language, " `\n")) ||
				(mode == markup.MarkdownV2 && strings.ContainsAny(e.Language, " \t\r\n`")) {
				e = &tg.MessageEntityPre{Offset: e.Offset, Length: e.Length}
			}
			out = append(out, e)
		default:
			out = append(out, e)
		}
	}
	return out
}

// entityOfKind returns an entity of one of the kinds the round trip checks.
func entityOfKind(kind int, off, n int32) tg.MessageEntityClass {
	switch kind % 10 {
	case 0:
		return &tg.MessageEntityBold{Offset: off, Length: n}
	case 1:
		return &tg.MessageEntityItalic{Offset: off, Length: n}
	case 2:
		return &tg.MessageEntityUnderline{Offset: off, Length: n}
	case 3:
		return &tg.MessageEntityStrike{Offset: off, Length: n}
	case 4:
		return &tg.MessageEntitySpoiler{Offset: off, Length: n}
	case 5:
		return &tg.MessageEntityTextURL{Offset: off, Length: n, URL: "http://e.x/p?q=1&r=\"s\""}
	case 6:
		return &tg.MessageEntityMentionName{Offset: off, Length: n, UserID: int64(1 + kind%7)}
	case 7:
		return &tg.MessageEntityCode{Offset: off, Length: n}
	case 8:
		return &tg.MessageEntityCustomEmoji{Offset: off, Length: n, DocumentID: int64(kind)}
	}
	return &tg.MessageEntityPre{Offset: off, Length: n, Language: "go"}
}

func checkFormatRoundTrip(t *testing.T, text string, ents []tg.MessageEntityClass) {
	t.Helper()
	for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
		out, err := markup.Format(mode, text, ents)
		if err != nil {
			t.Fatal(err)
		}
		back, got, err := markup.Parse(mode, out)
		if err != nil {
			t.Fatalf("mode %d: %q with %s formats to %q, which does not parse: %v", mode, text, dump(ents), out, err)
		}
		if back != text {
			t.Fatalf("mode %d: %q with %s formats to %q, which parses to text %q", mode, text, dump(ents), out, back)
		}
		want := coverage(expressible(mode, formattedArgs(mode, ents)))
		if diff := cmp.Diff(want, coverage(got)); diff != "" {
			t.Fatalf("mode %d: %q with %s formats to %q; coverage (-want +got):\n%s", mode, text, dump(ents), out, diff)
		}
	}
}

// expressible removes, unit by unit, what mode cannot write: the reference for the round trip.
// At each unit the covering entities are nested as Format nests them; an entity inside one
// of the same kind adds nothing and is dropped.
func expressible(mode int, ents []tg.MessageEntityClass) []tg.MessageEntityClass {
	keep := htmlKeeps
	switch mode {
	case markup.Markdown:
		keep = markdownKeeps
	case markup.MarkdownV2:
		keep = markdownV2Keeps
	}
	var end int32
	for _, e := range ents {
		_, off, n := describeEntity(e)
		end = max(end, off+n)
	}
	var out []tg.MessageEntityClass
	for u := range end {
		out = append(out, unitEntities(keep(outermostOfKind(activeAt(ents, u))), u)...)
	}
	return out
}

// markdownKeeps drops custom emoji and quotes, and everything inside the outermost code or
// pre; a pre inside a link loses a language with brackets.
func markdownKeeps(act []tg.MessageEntityClass) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	link := false
	for _, e := range cutAtCode(act) {
		switch e := e.(type) {
		case *tg.MessageEntityCustomEmoji, *tg.MessageEntityBlockquote:
			continue
		case *tg.MessageEntityTextURL, *tg.MessageEntityMentionName:
			link = true
		case *tg.MessageEntityPre:
			if link && strings.ContainsAny(e.Language, "[]") {
				out = append(out, &tg.MessageEntityPre{Offset: e.Offset, Length: e.Length})
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// cutAtCode drops everything inside the outermost code or pre.
func cutAtCode(act []tg.MessageEntityClass) []tg.MessageEntityClass {
	for i, e := range act {
		switch e.(type) {
		case *tg.MessageEntityCode, *tg.MessageEntityPre:
			return act[:i+1]
		}
	}
	return act
}

// markdownV2Keeps drops everything inside the outermost code or pre, and a link (or custom
// emoji) inside another.
func markdownV2Keeps(act []tg.MessageEntityClass) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	link := false
	for _, e := range cutAtCode(act) {
		switch e.(type) {
		case *tg.MessageEntityTextURL, *tg.MessageEntityMentionName, *tg.MessageEntityCustomEmoji:
			if link {
				continue
			}
			link = true
		}
		out = append(out, e)
	}
	return out
}

// htmlKeeps drops a code directly inside a pre (Parse reads it as the pre's language).
func htmlKeeps(act []tg.MessageEntityClass) []tg.MessageEntityClass {
	for i, e := range act {
		if _, ok := e.(*tg.MessageEntityCode); ok && i > 0 {
			if _, ok := act[i-1].(*tg.MessageEntityPre); ok {
				return append(act[:i:i], act[i+1:]...)
			}
		}
	}
	return act
}

// activeAt returns the entities covering unit u, outermost first (earlier start, then longer,
// then input order), as Format nests them.
func activeAt(ents []tg.MessageEntityClass, u int32) []tg.MessageEntityClass {
	type item struct {
		e           tg.MessageEntityClass
		off, end, i int32
	}
	var act []item
	for i, e := range ents {
		_, off, n := describeEntity(e)
		if off <= u && u < off+n {
			act = append(act, item{e, off, off + n, int32(i)})
		}
	}
	slices.SortStableFunc(act, func(a, b item) int {
		if a.off != b.off {
			return int(a.off - b.off)
		}
		if a.end != b.end {
			return int(b.end - a.end)
		}
		return int(a.i - b.i)
	})
	out := make([]tg.MessageEntityClass, len(act))
	for i, a := range act {
		out[i] = a.e
	}
	return out
}

// outermostOfKind keeps the first entity of each kind and argument in act.
func outermostOfKind(act []tg.MessageEntityClass) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	seen := map[string]bool{}
	for _, e := range act {
		k, _, _ := describeEntity(e)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// unitEntities returns one-unit entities of the kinds in act at unit u.
func unitEntities(act []tg.MessageEntityClass, u int32) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	for _, e := range act {
		switch e := e.(type) {
		case *tg.MessageEntityBold:
			out = append(out, &tg.MessageEntityBold{Offset: u, Length: 1})
		case *tg.MessageEntityItalic:
			out = append(out, &tg.MessageEntityItalic{Offset: u, Length: 1})
		case *tg.MessageEntityUnderline:
			out = append(out, &tg.MessageEntityUnderline{Offset: u, Length: 1})
		case *tg.MessageEntityStrike:
			out = append(out, &tg.MessageEntityStrike{Offset: u, Length: 1})
		case *tg.MessageEntitySpoiler:
			out = append(out, &tg.MessageEntitySpoiler{Offset: u, Length: 1})
		case *tg.MessageEntityCode:
			out = append(out, &tg.MessageEntityCode{Offset: u, Length: 1})
		case *tg.MessageEntityPre:
			out = append(out, &tg.MessageEntityPre{Offset: u, Length: 1, Language: e.Language})
		case *tg.MessageEntityTextURL:
			out = append(out, &tg.MessageEntityTextURL{Offset: u, Length: 1, URL: e.URL})
		case *tg.MessageEntityMentionName:
			out = append(out, &tg.MessageEntityMentionName{Offset: u, Length: 1, UserID: e.UserID})
		case *tg.MessageEntityBlockquote:
			out = append(out, &tg.MessageEntityBlockquote{Offset: u, Length: 1, Collapsed: e.Collapsed})
		case *tg.MessageEntityCustomEmoji:
			out = append(out, &tg.MessageEntityCustomEmoji{Offset: u, Length: 1, DocumentID: e.DocumentID})
		}
	}
	return out
}

func dump(ents []tg.MessageEntityClass) string {
	var s []string
	for _, e := range ents {
		k, off, n := describeEntity(e)
		s = append(s, fmt.Sprintf("%s@%d+%d", k, off, n))
	}
	return fmt.Sprint(s)
}

// A received message's text and entities, written back as Markdown and as HTML.
func ExampleFormat() {
	text := "Ann, see the docs"
	ents := []tg.MessageEntityClass{
		&tg.MessageEntityMentionName{Offset: 0, Length: 3, UserID: 42},
		&tg.MessageEntityBold{Offset: 9, Length: 8},
		&tg.MessageEntityTextURL{Offset: 13, Length: 4, URL: "https://core.telegram.org"},
	}
	md, _ := markup.Format(markup.Markdown, text, ents)
	html, _ := markup.Format(markup.HTML, text, ents)
	fmt.Println(md)
	fmt.Println(html)
	// Output:
	// [Ann](tg://user?id=42), see **the [docs](https://core.telegram.org)**
	// <a href="tg://user?id=42">Ann</a>, see <b>the <a href="https://core.telegram.org">docs</a></b>
}

// TestFormatBoundsHostileEntities gives Format many mutually crossing links, each with its own
// URL so none is folded into another. Every cut reopens all the links still open, so the
// markup grows with the square of their number; Format writes at most MaxFormatEntities.
func TestFormatBoundsHostileEntities(t *testing.T) {
	text := strings.Repeat("a", 4096)
	var ents []tg.MessageEntityClass
	for i := range int32(20000) {
		ents = append(ents, &tg.MessageEntityTextURL{Offset: i % 2048, Length: 2048, URL: fmt.Sprint("u", i)})
	}
	out, err := markup.Format(markup.HTML, text, ents)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes", len(out))
	if len(out) > 1<<20 {
		t.Fatalf("%d entities wrote %d bytes of markup", len(ents), len(out))
	}
}

// TestFormatDeepNesting nests more links, each with its own URL, than Parse reads: Format
// writes the outermost ones its markup can carry, and what it writes parses back.
func TestFormatDeepNesting(t *testing.T) {
	const deep = 40
	text := strings.Repeat("a", 2*deep)
	var ents []tg.MessageEntityClass
	for i := range int32(deep) {
		ents = append(ents, &tg.MessageEntityTextURL{Offset: i, Length: 2*deep - 2*i, URL: fmt.Sprint("u", i)})
	}
	for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
		out, err := markup.Format(mode, text, ents)
		if err != nil {
			t.Fatal(err)
		}
		back, got, err := markup.Parse(mode, out)
		if err != nil {
			t.Fatalf("mode %d: %q does not parse: %v", mode, out, err)
		}
		if back != text {
			t.Fatalf("mode %d: text %q, want %q", mode, back, text)
		}
		want := ents[:32]
		if mode == markup.MarkdownV2 {
			want = ents[:1] // a link cannot be inside another
		}
		if diff := cmp.Diff(coverage(want), coverage(got)); diff != "" {
			t.Errorf("mode %d: coverage (-want +got):\n%s", mode, diff)
		}
	}
}

// TestFormatBoundsHostileArgs is TestFormatBoundsHostileEntities with long URLs: each link
// reopened at every cut repeats its URL, so 256 crossing links of 4 KB each would write
// over a hundred times the message. What Format repeats is bounded whatever the arguments.
func TestFormatBoundsHostileArgs(t *testing.T) {
	text := strings.Repeat("a", 4096)
	in := len(text)
	var ents []tg.MessageEntityClass
	for i := range int32(markup.MaxFormatEntities) {
		url := fmt.Sprint(i, strings.Repeat("u", 4000))
		in += len(url)
		ents = append(ents, &tg.MessageEntityTextURL{Offset: i, Length: 2048, URL: url})
	}
	for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
		out, err := markup.Format(mode, text, ents)
		if err != nil {
			t.Fatal(err)
		}
		if most := 2*in + 1<<20; len(out) > most {
			t.Errorf("mode %d: %d bytes of text and urls wrote %d bytes of markup, want at most %d", mode, in, len(out), most)
		}
		if _, _, err := markup.Parse(mode, out); err != nil {
			t.Errorf("mode %d: the bounded markup does not parse: %v", mode, err)
		}
	}
}

// TestFormatSurrogateHalves gives entities that start or end inside a surrogate pair, as a
// server may: Format widens them to the whole character, so no span is left empty (where
// markers would run together, as "`" "`" "```" reads as a pre) and the markup parses back.
func TestFormatSurrogateHalves(t *testing.T) {
	tests := []struct {
		name string
		text string
		ents []tg.MessageEntityClass
		want []tg.MessageEntityClass // in every mode
	}{
		{"code on a high half, then pre", "😀😀a", []tg.MessageEntityClass{
			&tg.MessageEntityCode{Offset: -1, Length: 2}, &tg.MessageEntityPre{Offset: 1, Length: 3},
		}, []tg.MessageEntityClass{&tg.MessageEntityPre{Offset: 0, Length: 4}}}, // the code is inside
		{"code on a high half", "😀😀a", []tg.MessageEntityClass{&tg.MessageEntityCode{Offset: 2, Length: 1}},
			[]tg.MessageEntityClass{&tg.MessageEntityCode{Offset: 2, Length: 2}}},
		{"bold on the low half", "😀a", []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 1, Length: 2}},
			[]tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 3}}},
		{"italic on each half", "😀", []tg.MessageEntityClass{
			&tg.MessageEntityItalic{Offset: 0, Length: 1}, &tg.MessageEntityBold{Offset: 1, Length: 1},
		}, []tg.MessageEntityClass{&tg.MessageEntityItalic{Offset: 0, Length: 2}, &tg.MessageEntityBold{Offset: 0, Length: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
				out, err := markup.Format(mode, tt.text, tt.ents)
				if err != nil {
					t.Fatal(err)
				}
				back, got, err := markup.Parse(mode, out)
				if err != nil {
					t.Fatalf("mode %d: %q does not parse: %v", mode, out, err)
				}
				if back != tt.text {
					t.Fatalf("mode %d: %q parses to text %q, want %q", mode, out, back, tt.text)
				}
				want := tt.want
				if mode == markup.Markdown {
					want = markdownKeeps(want)
				}
				if diff := cmp.Diff(coverage(want), coverage(got)); diff != "" {
					t.Errorf("mode %d: %q: coverage (-want +got):\n%s", mode, out, diff)
				}
			}
		})
	}
}

// FuzzFormatAnyEntities gives Format entities as a hostile server may send them: offsets and
// lengths anywhere (negative, past the end, inside a surrogate pair), crossing, of every kind
// with quotes. Whatever Format writes must parse back to the text (with invalid UTF-8 read
// as U+FFFD, as Parse reads it).
func FuzzFormatAnyEntities(f *testing.F) {
	f.Add("😀😀a\xff\xfeb", []byte{7, 0xff, 2, 9, 1, 3})
	f.Add("\n>x\n", []byte{4, 0, 0xff, 10, 1, 2, 4, 2, 2})
	f.Add("a\nb\n\nc", []byte{10, 0, 3, 11, 2, 5, 4, 1, 2, 1, 0, 7})
	f.Add("_*|`\n[]\n", []byte{0, 0, 9, 1, 1, 1, 7, 3, 2})
	f.Fuzz(func(t *testing.T, text string, spec []byte) {
		var ents []tg.MessageEntityClass
		for i := 0; i+2 < len(spec) && len(ents) < 16; i += 3 {
			off, n := int32(int8(spec[i+1])), int32(int8(spec[i+2]))
			switch k := spec[i] % 12; k {
			case 10, 11:
				ents = append(ents, &tg.MessageEntityBlockquote{Offset: off, Length: n, Collapsed: k == 11})
			default:
				ents = append(ents, entityOfKind(int(k), off, n))
			}
		}
		want := string([]rune(text))
		for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
			out, err := markup.Format(mode, text, ents)
			if err != nil {
				t.Fatal(err)
			}
			back, _, err := markup.Parse(mode, out)
			if err != nil {
				t.Fatalf("mode %d: %q with %s formats to %q, which does not parse: %v", mode, text, dump(ents), out, err)
			}
			if back != want {
				t.Fatalf("mode %d: %q with %s formats to %q, which parses to text %q", mode, text, dump(ents), out, back)
			}
		}
	})
}
