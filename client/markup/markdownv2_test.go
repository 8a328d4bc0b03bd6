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

func TestParseMarkdownV2(t *testing.T) {
	type ents = []tg.MessageEntityClass
	tests := []struct {
		name, in, text string
		ents           ents
	}{
		{"plain", "hello", "hello", nil},
		{"bold italic", "*bold \\*text* _italic \\*text_", "bold *text italic *text", ents{
			&tg.MessageEntityBold{Offset: 0, Length: 10}, &tg.MessageEntityItalic{Offset: 11, Length: 12}}},
		{"underline strike spoiler", "__u__ ~s~ ||p||", "u s p", ents{
			&tg.MessageEntityUnderline{Offset: 0, Length: 1}, &tg.MessageEntityStrike{Offset: 2, Length: 1},
			&tg.MessageEntitySpoiler{Offset: 4, Length: 1}}},
		{"bot api nesting", "*bold _italic bold ~italic bold strikethrough ||italic bold strikethrough spoiler||~ __underline italic bold___ bold*",
			"bold italic bold italic bold strikethrough italic bold strikethrough spoiler underline italic bold bold", ents{
				&tg.MessageEntitySpoiler{Offset: 43, Length: 33},
				&tg.MessageEntityStrike{Offset: 17, Length: 59},
				&tg.MessageEntityUnderline{Offset: 77, Length: 21},
				&tg.MessageEntityItalic{Offset: 5, Length: 93},
				&tg.MessageEntityBold{Offset: 0, Length: 103}}},
		{"italic then underline, the Bot API's way", "___iu_**__", "iu", ents{
			&tg.MessageEntityItalic{Offset: 0, Length: 2}, &tg.MessageEntityUnderline{Offset: 0, Length: 2}}},
		{"italic then underline", "___iu_``__", "iu", ents{
			&tg.MessageEntityItalic{Offset: 0, Length: 2}, &tg.MessageEntityUnderline{Offset: 0, Length: 2}}},
		{"link and mention", "[inline URL](http://www.example.com/) [Ann](tg://user?id=123)", "inline URL Ann", ents{
			&tg.MessageEntityTextURL{Offset: 0, Length: 10, URL: "http://www.example.com/"},
			&tg.MessageEntityMentionName{Offset: 11, Length: 3, UserID: 123}}},
		{"url escapes", `[a](http://x/\(y\)\\z)`, "a", ents{&tg.MessageEntityTextURL{Offset: 0, Length: 1, URL: `http://x/(y)\z`}}},
		{"custom emoji", "![👍](tg://emoji?id=5368324170671202286) ok", "👍 ok", ents{
			&tg.MessageEntityCustomEmoji{Offset: 0, Length: 2, DocumentID: 5368324170671202286}}},
		{"code keeps reserved", "`a_b*c.d(e)` x", "a_b*c.d(e) x", ents{&tg.MessageEntityCode{Offset: 0, Length: 10}}},
		{"code escapes", "`a\\`b\\\\c`", "a`b\\c", ents{&tg.MessageEntityCode{Offset: 0, Length: 5}}},
		{"pre", "```\npre-formatted```", "pre-formatted", ents{&tg.MessageEntityPre{Offset: 0, Length: 13}}},
		{"pre with language", "```python\nprint(1)\n```", "print(1)\n", ents{
			&tg.MessageEntityPre{Offset: 0, Length: 9, Language: "python"}}},
		{"escaped reserved", `\_\*\[\]\(\)\~\` + "`" + `\>\#\+\-\=\|\{\}\.\!\\`, "_*[]()~`>#+-=|{}.!\\", nil},
		{"lone backslash", `a\`, `a\`, nil},
		{"quote", ">line one\n>line two\nafter", "line one\nline two\nafter", ents{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 17}}},
		{"quote at the end", "x\n>q", "x\nq", ents{&tg.MessageEntityBlockquote{Offset: 2, Length: 1}}},
		{"quote with bold", ">*b* c\nd", "b c\nd", ents{
			&tg.MessageEntityBold{Offset: 0, Length: 1}, &tg.MessageEntityBlockquote{Offset: 0, Length: 3}}},
		{"expandable quote", "**>The expandable\n>quote||\nafter", "The expandable\nquote\nafter", ents{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 20, Collapsed: true}}},
		{"quotes kept apart", ">a\n**>b||", "a\nb", ents{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 1},
			&tg.MessageEntityBlockquote{Offset: 2, Length: 1, Collapsed: true}}},
		{"spoiler at the end of a quote line", ">||s||\nx", "s\nx", ents{
			&tg.MessageEntitySpoiler{Offset: 0, Length: 1}, &tg.MessageEntityBlockquote{Offset: 0, Length: 1}}},
		{"utf16 emoji", "😀 *x* 👍🏽 _y_", "😀 x 👍🏽 y", ents{
			&tg.MessageEntityBold{Offset: 3, Length: 1}, &tg.MessageEntityItalic{Offset: 10, Length: 1}}},
		{"combining marks", "e\u0301 *a\u0308* 𝔘", "e\u0301 a\u0308 𝔘", ents{&tg.MessageEntityBold{Offset: 3, Length: 2}}},
		{"surrogate pair inside bold", "*𝄞𝄞*x", "𝄞𝄞x", ents{&tg.MessageEntityBold{Offset: 0, Length: 4}}},
		{"empty entities are separators", "a**b", "ab", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, got, err := markup.Parse(markup.MarkdownV2, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text {
				t.Fatalf("text = %q, want %q", text, tt.text)
			}
			if diff := cmp.Diff(tt.ents, got); diff != "" {
				t.Fatalf("entities (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMarkdownV2Errors(t *testing.T) {
	for _, tt := range []struct {
		in     string
		offset int
		reason string
	}{
		{"Hello.", 5, "reserved"},
		{"a-b", 1, "reserved"},
		{"😀 (x)", 5, "reserved"},
		{"*open", 0, "not closed"},
		{"_a *b_ c*", 8, "not closed"},
		{"x > y", 2, "reserved"},
		{"a|b", 1, "reserved"},
		{"wow!", 3, "reserved"},
		{"[text]", 5, "followed by"},
		{"[text](url", 6, "not closed with ')'"},
		{"[a [b](u)](v)", 3, "cannot be inside"},
		{"![x](http://e)", 5, "tg://emoji"},
		{"```go\na`b```", 7, "escaped inside pre"},
		{">*a\nb*", 1, "block quote"},
		{"*a\n>b*", 5, "ends inside the block quote"},
		{strings.Repeat("*_", 17) + "x", 32, "nested"},
	} {
		_, _, err := markup.Parse(markup.MarkdownV2, tt.in)
		var se *markup.SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, markup.ErrParse) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.offset || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("Parse(%q) = %v, want offset %d and %q", tt.in, err, tt.offset, tt.reason)
		}
	}
}

func TestFormatMarkdownV2(t *testing.T) {
	type ents = []tg.MessageEntityClass
	tests := []struct {
		name, text string
		ents       ents
		want       string
	}{
		{"escapes", "a.b-c (d) 1+1=2! #x", nil, `a\.b\-c \(d\) 1\+1\=2\! \#x`},
		{"kinds", "b i u s p c", ents{
			&tg.MessageEntityBold{Offset: 0, Length: 1}, &tg.MessageEntityItalic{Offset: 2, Length: 1},
			&tg.MessageEntityUnderline{Offset: 4, Length: 1}, &tg.MessageEntityStrike{Offset: 6, Length: 1},
			&tg.MessageEntitySpoiler{Offset: 8, Length: 1}, &tg.MessageEntityCode{Offset: 10, Length: 1},
		}, "*b* _i_ __u__ ~s~ ||p|| `c`"},
		{"code escapes only backtick and backslash", "a`b\\c.d", ents{&tg.MessageEntityCode{Offset: 0, Length: 7}}, "`a\\`b\\\\c.d`"},
		{"pre language", "x := 1", ents{&tg.MessageEntityPre{Offset: 0, Length: 6, Language: "go"}}, "```go\nx := 1```"},
		{"link and mention", "docs Ann", ents{
			&tg.MessageEntityTextURL{Offset: 0, Length: 4, URL: "http://x/(y)"},
			&tg.MessageEntityMentionName{Offset: 5, Length: 3, UserID: 42},
		}, `[docs](http://x/(y\)) [Ann](tg://user?id=42)`},
		{"custom emoji", "👍!", ents{&tg.MessageEntityCustomEmoji{Offset: 0, Length: 2, DocumentID: 7}}, `![👍](tg://emoji?id=7)\!`},
		{"italic next to underline", "ab", ents{
			&tg.MessageEntityItalic{Offset: 0, Length: 1}, &tg.MessageEntityUnderline{Offset: 1, Length: 1},
		}, "_a_``__b__"},
		{"quote", "q1\nq2\nafter", ents{&tg.MessageEntityBlockquote{Offset: 0, Length: 5}}, ">q1\n>q2\nafter"},
		{"expandable quote", "x\nq1\nq2", ents{&tg.MessageEntityBlockquote{Offset: 2, Length: 5, Collapsed: true}}, "x\n>q1\n>q2||"},
		{"quotes apart", "a\nb", ents{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 1}, &tg.MessageEntityBlockquote{Offset: 2, Length: 1},
		}, ">a\n``>b"},
		{"quote not at a line start is left out", "ab", ents{&tg.MessageEntityBlockquote{Offset: 1, Length: 1}}, "ab"},
		{"bold out of an expandable quote skips the newline", "q\nx", ents{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 1, Collapsed: true}, &tg.MessageEntityBold{Offset: 0, Length: 3},
		}, ">*q*||\n*x*"},
		{"utf16 offsets", "😀 ok", ents{&tg.MessageEntityBold{Offset: 3, Length: 2}}, "😀 *ok*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := markup.Format(markup.MarkdownV2, tt.text, tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Format = %q, want %q", got, tt.want)
			}
			text, _, err := markup.Parse(markup.MarkdownV2, got)
			if err != nil || text != tt.text {
				t.Fatalf("Parse(Format) = %q, %v; want %q", text, err, tt.text)
			}
		})
	}
}

func TestHTMLExpandableQuote(t *testing.T) {
	in := "<blockquote expandable>long\nquote</blockquote><blockquote>q</blockquote>"
	text, ents, err := markup.Parse(markup.HTML, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []tg.MessageEntityClass{
		&tg.MessageEntityBlockquote{Offset: 0, Length: 10, Collapsed: true},
		&tg.MessageEntityBlockquote{Offset: 10, Length: 1},
	}
	if text != "long\nquoteq" {
		t.Fatalf("text = %q", text)
	}
	if diff := cmp.Diff(want, ents); diff != "" {
		t.Fatalf("entities (-want +got):\n%s", diff)
	}
	out, err := markup.Format(markup.HTML, text, ents)
	if err != nil || out != in {
		t.Fatalf("Format = %q, %v; want %q", out, err, in)
	}
}

// TestFormatMarkdownV2SpoilerBeforeNewline opens a spoiler just before a newline in a block
// quote, where "||" would read as the mark of an expandable quote.
func TestFormatMarkdownV2SpoilerBeforeNewline(t *testing.T) {
	tests := []struct {
		name string
		text string
		ents []tg.MessageEntityClass
	}{
		{"spoiler starting on a quoted newline", "a\nb", []tg.MessageEntityClass{
			&tg.MessageEntityBlockquote{Offset: 0, Length: 3}, &tg.MessageEntitySpoiler{Offset: 1, Length: 2}}},
		{"spoiler going on past the quote", "\n>x\n", []tg.MessageEntityClass{
			&tg.MessageEntityBlockquote{Offset: 1, Length: 2}, &tg.MessageEntitySpoiler{Offset: 2, Length: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkFormatRoundTrip(t, tt.text, tt.ents) })
	}
}

// FuzzParseFormatRoundTrip parses markup in each mode; what parses must format back to
// markup that parses to the same text and entities (entity by entity, as coverage).
func FuzzParseFormatRoundTrip(f *testing.F) {
	for _, s := range []string{
		"*bold* _it_ __u__ ~s~ ||p|| `c` ```go\nx``` [l](u) ![👍](tg://emoji?id=1)",
		">q1\n>q2\n**>e1\n>e2||\nx", "😀 *e\u0301* 𝄞", "<b>a</b><blockquote expandable>q</blockquote>",
		"**a __b__** [x](tg://user?id=5)", "```a\n>b```", ">`a\nb` c\nd",
		"[[a](u])b](v)", "[a[b](x](y)c](v)", `<a href="x>y"><a href='[v'>t</a></a>`,
		`<tg-emoji emoji-id="5">e</tg-emoji>`, "[```go\nx```](u)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
			text, ents, err := markup.Parse(mode, s)
			if err != nil {
				continue
			}
			out, err := markup.Format(mode, text, ents)
			if err != nil {
				t.Fatal(err)
			}
			back, got, err := markup.Parse(mode, out)
			if err != nil {
				t.Fatalf("mode %d: %q parses to %q %s, which formats to %q, which does not parse: %v", mode, s, text, dump(ents), out, err)
			}
			if back != text {
				t.Fatalf("mode %d: %q formats back to %q, text %q, want %q", mode, s, out, back, text)
			}
			want := coverage(expressible(mode, ents))
			if diff := cmp.Diff(want, coverage(got)); diff != "" {
				t.Fatalf("mode %d: %q (%s) formats back to %q; coverage (-want +got):\n%s", mode, s, dump(ents), out, diff)
			}
		}
	})
}

// TestUTF16Offsets checks, for every mode, that offsets count UTF-16 units: an astral
// emoji is two units, a combining mark one.
func TestUTF16Offsets(t *testing.T) {
	for _, tt := range []struct {
		mode int
		in   string
	}{
		{markup.Markdown, "😀e\u0301𝄞 **x**"},
		{markup.HTML, "😀e\u0301𝄞 <b>x</b>"},
		{markup.MarkdownV2, "😀e\u0301𝄞 *x*"},
	} {
		text, ents, err := markup.Parse(tt.mode, tt.in)
		if err != nil || len(ents) != 1 {
			t.Fatalf("mode %d: %q, %v", tt.mode, ents, err)
		}
		_, off, n := describeEntity(ents[0])
		u := utf16.Encode([]rune(text))
		if off != 7 || n != 1 || string(utf16.Decode(u[off:off+n])) != "x" {
			t.Errorf("mode %d: entity at %d+%d of %q", tt.mode, off, n, text)
		}
	}
}
