package markup_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		mode int
		in   string
		text string
		ents []tg.MessageEntityClass
	}{
		{"plain", markup.None, "**not** parsed", "**not** parsed", nil},
		{"md bold italic", markup.Markdown, "**bold** and __it__", "bold and it", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 4}, &tg.MessageEntityItalic{Offset: 9, Length: 2}}},
		{"md utf16 offsets", markup.Markdown, "😀 **x**", "😀 x", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 3, Length: 1}}},
		{"md nested", markup.Markdown, "**a __b__**", "a b", []tg.MessageEntityClass{
			&tg.MessageEntityItalic{Offset: 2, Length: 1}, &tg.MessageEntityBold{Offset: 0, Length: 3}}},
		{"md code keeps markers", markup.Markdown, "`a**b`", "a**b", []tg.MessageEntityClass{
			&tg.MessageEntityCode{Offset: 0, Length: 4}}},
		{"md pre with language", markup.Markdown, "```go\nx := 1```", "x := 1", []tg.MessageEntityClass{
			&tg.MessageEntityPre{Offset: 0, Length: 6, Language: "go"}}},
		{"md link with bold", markup.Markdown, "see [**b**](http://u)!", "see b!", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 4, Length: 1}, &tg.MessageEntityTextURL{Offset: 4, Length: 1, URL: "http://u"}}},
		{"md escapes", markup.Markdown, `\*\*x\*\* ~~s~~ ||p|| --u--`, "**x** s p u", []tg.MessageEntityClass{
			&tg.MessageEntityStrike{Offset: 6, Length: 1}, &tg.MessageEntitySpoiler{Offset: 8, Length: 1},
			&tg.MessageEntityUnderline{Offset: 10, Length: 1}}},
		{"html tags", markup.HTML, `<b>a</b> <a href="http://x?a=1&amp;b=2">l</a> &lt;3`, "a l <3", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 1}, &tg.MessageEntityTextURL{Offset: 2, Length: 1, URL: "http://x?a=1&b=2"}}},
		{"html pre language", markup.HTML, `<pre><code class="language-go">x</code></pre>`, "x", []tg.MessageEntityClass{
			&tg.MessageEntityPre{Offset: 0, Length: 1, Language: "go"}}},
		{"html spoiler emoji quote", markup.HTML, `<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">t</span><tg-emoji emoji-id="5">e</tg-emoji><blockquote>q</blockquote><br>`, "steq\n", []tg.MessageEntityClass{
			&tg.MessageEntitySpoiler{Offset: 0, Length: 1}, &tg.MessageEntitySpoiler{Offset: 1, Length: 1},
			&tg.MessageEntityCustomEmoji{Offset: 2, Length: 1, DocumentID: 5}, &tg.MessageEntityBlockquote{Offset: 3, Length: 1}}},
		{"html numeric refs", markup.HTML, "&#65;&#x42;&bogus; &", "AB&bogus; &", nil},
		{"html empty element", markup.HTML, "<b></b>x", "x", nil},
		{"md code closes before a pre", markup.Markdown, "`x````\ny```", "xy", []tg.MessageEntityClass{
			&tg.MessageEntityCode{Offset: 0, Length: 1}, &tg.MessageEntityPre{Offset: 1, Length: 1}}},
		{"md mention", markup.Markdown, "😀 hi [Ann](tg://user?id=42)", "😀 hi Ann", []tg.MessageEntityClass{
			&tg.MessageEntityMentionName{Offset: 6, Length: 3, UserID: 42}}},
		{"html mention", markup.HTML, `<a href="tg://user?id=7"><b>Bo</b></a>`, "Bo", []tg.MessageEntityClass{
			&tg.MessageEntityBold{Offset: 0, Length: 2}, &tg.MessageEntityMentionName{Offset: 0, Length: 2, UserID: 7}}},
		{"md nested links", markup.Markdown, "[[a](u) **b**](v) [c](w)", "a b c", []tg.MessageEntityClass{
			&tg.MessageEntityTextURL{Offset: 0, Length: 1, URL: "u"}, &tg.MessageEntityBold{Offset: 2, Length: 1},
			&tg.MessageEntityTextURL{Offset: 0, Length: 3, URL: "v"}, &tg.MessageEntityTextURL{Offset: 4, Length: 1, URL: "w"}}},
		{"md link text ends at its bracket", markup.Markdown, "[a\\](u)](v) [x] [y](z", "a](u) [x] [y](z", []tg.MessageEntityClass{
			&tg.MessageEntityTextURL{Offset: 0, Length: 5, URL: "v"}}},
		{"md pre language without spaces", markup.Markdown, "```a b\nx``` ```c\ny```", "a b\nx y", []tg.MessageEntityClass{
			&tg.MessageEntityPre{Offset: 0, Length: 5}, &tg.MessageEntityPre{Offset: 6, Length: 1, Language: "c"}}},
		{"html references end within 10 bytes", markup.HTML, "&#00000065; &#000000065; &#x1F600;&", "A &#000000065; 😀&", nil},
		{"html '>' in quoted attributes", markup.HTML, `<a href="http://x/?a>b">t</a><a href='y>'>u</a><a href = "z>" >v</a>`, "tuv", []tg.MessageEntityClass{
			&tg.MessageEntityTextURL{Offset: 0, Length: 1, URL: "http://x/?a>b"},
			&tg.MessageEntityTextURL{Offset: 1, Length: 1, URL: "y>"},
			&tg.MessageEntityTextURL{Offset: 2, Length: 1, URL: "z>"}}},
		{"html tags over CRLF lines", markup.HTML, "<a\r\nhref=\"x\"\r\n>t</a><blockquote\r\nexpandable>u</blockquote>", "tu", []tg.MessageEntityClass{
			&tg.MessageEntityTextURL{Offset: 0, Length: 1, URL: "x"}, &tg.MessageEntityBlockquote{Offset: 1, Length: 1, Collapsed: true}}},
		{"not a mention", markup.Markdown, "[a](tg://user?id=x) [b](tg://user?id=0) [c](tg://user?id=-5)", "a b c", []tg.MessageEntityClass{
			&tg.MessageEntityTextURL{Offset: 0, Length: 1, URL: "tg://user?id=x"},
			&tg.MessageEntityTextURL{Offset: 2, Length: 1, URL: "tg://user?id=0"},
			&tg.MessageEntityTextURL{Offset: 4, Length: 1, URL: "tg://user?id=-5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, ents, err := markup.Parse(tt.mode, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text {
				t.Fatalf("text = %q, want %q", text, tt.text)
			}
			if diff := cmp.Diff(tt.ents, ents); diff != "" {
				t.Fatalf("entities (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		mode int
		in   string
		want error
	}{
		{markup.Markdown, "**open", markup.ErrParse},
		{markup.Markdown, "__a**b__**", markup.ErrParse},
		{markup.HTML, "<b>x", markup.ErrParse},
		{markup.HTML, "<b>x</i>", markup.ErrParse},
		{markup.HTML, "<foo>x</foo>", markup.ErrParse},
		{markup.HTML, "<b", markup.ErrParse},
		{markup.HTML, "<span>x</span>", markup.ErrParse},
		{markup.HTML, `<a href="x>t</a>`, markup.ErrParse},
		{markup.HTML, `<tg-emoji emoji-id="abc">e</tg-emoji>`, markup.ErrParse},
		{markup.HTML, `<tg-emoji>e</tg-emoji>`, markup.ErrParse},
		{markup.HTML, `<tg-emoji emoji-id="99999999999999999999">e</tg-emoji>`, markup.ErrParse},
		{markup.Markdown, "[**x](u)**", markup.ErrParse},
		{markup.Markdown, nest("[", "x", "](u)", 33), markup.ErrParse},
		// One nesting budget covers every construct: 16 links around 16 bolds fit, one
		// more span of any kind does not.
		{markup.Markdown, "__" + nest("[**", "x", "**](u)", 16) + "__", markup.ErrParse},
		{markup.Markdown, "[" + nest("[**", "x", "**](u)", 16) + "](u)", markup.ErrParse},
		{markup.HTML, "<blockquote>" + nest("<a href=u><i>", "x", "</i></a>", 16) + "</blockquote>", markup.ErrParse},
		{markup.HTML, "<b>" + strings.Repeat("x", 100) + "</i>", markup.ErrParse},
		{9, "x", markup.ErrUnknownMode},
	} {
		if _, _, err := markup.Parse(tt.mode, tt.in); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%d, %q) = %v, want %v", tt.mode, tt.in, err, tt.want)
		}
	}
}

// nest wraps x in k pairs of open and close.
func nest(open, x, close string, k int) string {
	return strings.Repeat(open, k) + x + strings.Repeat(close, k)
}

func TestParseNestingBudget(t *testing.T) {
	for _, in := range []string{nest("[**", "x", "**](u)", 16), nest("[", "x", "](u)", 32)} {
		if _, ents, err := markup.Parse(markup.Markdown, in); err != nil || len(ents) != 32 {
			t.Errorf("Parse(%q) = %d entities, %v; want 32 and no error", in, len(ents), err)
		}
	}
	in := nest("<b><a href=u>", "x", "</a></b>", 16)
	if _, ents, err := markup.Parse(markup.HTML, in); err != nil || len(ents) != 32 {
		t.Errorf("Parse(%q) = %d entities, %v; want 32 and no error", in, len(ents), err)
	}
}

// FuzzParse checks that no input panics and that every entity lies inside the text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"**bold** and __it__", "😀 **x**", "```go\nx```", "[**b**](http://u)", `\*x`,
		`<b>a</b> <a href="h">l</a> &lt;`, `<pre><code class="language-go">x</code></pre>`,
		"<b><i><u>x</u></i></b>", "&#x1F600;", "[a](", "<a href='x", "``````",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
			text, ents, err := markup.Parse(mode, s)
			if err != nil {
				continue
			}
			n := int32(len(utf16.Encode([]rune(text))))
			for _, e := range ents {
				kind, off, length := describeEntity(e)
				if strings.HasPrefix(kind, "*tg.") || off < 0 || length <= 0 || off+length > n {
					t.Fatalf("mode %d input %q: entity %#v outside text %q (%d units)", mode, s, e, text, n)
				}
			}
		}
	})
}

// TestEmptyURL checks that a link without a url keeps its text with no link, as the Bot API
// drops it, rather than a text link the server refuses; Format writes none either.
func TestEmptyURL(t *testing.T) {
	bold := []tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 1}}
	for _, tt := range []struct {
		name string
		mode int
		in   string
		text string
		ents []tg.MessageEntityClass
	}{
		{"md empty", markup.Markdown, "[a]() b", "a b", nil},
		{"md blank", markup.Markdown, "[**a**]( )", "a", bold},
		{"v2 empty", markup.MarkdownV2, "[a]() b", "a b", nil},
		{"v2 blank", markup.MarkdownV2, "[*a*]( )", "a", bold},
		{"html no href", markup.HTML, "<a>a</a> b", "a b", nil},
		{"html empty href", markup.HTML, `<a href=""><b>a</b></a>`, "a", bold},
		{"html blank href", markup.HTML, `<a href=" ">a</a>`, "a", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text, ents, err := markup.Parse(tt.mode, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text {
				t.Fatalf("text = %q, want %q", text, tt.text)
			}
			if diff := cmp.Diff(tt.ents, ents); diff != "" {
				t.Fatalf("entities (-want +got):\n%s", diff)
			}
		})
	}
	for _, mode := range []int{markup.Markdown, markup.MarkdownV2, markup.HTML} {
		out, err := markup.Format(mode, "a", []tg.MessageEntityClass{&tg.MessageEntityTextURL{Offset: 0, Length: 1}})
		if err != nil || out != "a" {
			t.Errorf("Format(%d, a, empty text link) = %q, %v, want \"a\"", mode, out, err)
		}
	}
}
