package markup_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/markup"
)

// hostileFamily is one kind of input that a parser which rescans or re-parses would take
// quadratic time or memory on: make returns about n bytes of it.
type hostileFamily struct {
	name string
	mode int
	make func(n int) string
}

// repeatTo repeats unit until the result has about n bytes.
func repeatTo(unit string, n int) string { return strings.Repeat(unit, max(1, n/len(unit))) }

// nestTo wraps x in as many open/close pairs as fit in about n bytes: open...x...close.
func nestTo(open, x, close string, n int) string {
	k := max(1, n/(len(open)+len(close)))
	return strings.Repeat(open, k) + x + strings.Repeat(close, k)
}

func repeated(mode int, unit string) hostileFamily {
	return hostileFamily{fmt.Sprintf("%s %q×n", modeName[mode], unit), mode, func(n int) string { return repeatTo(unit, n) }}
}

func nested(mode int, open, x, close string) hostileFamily {
	return hostileFamily{fmt.Sprintf("%s %q…%q", modeName[mode], open, close), mode, func(n int) string { return nestTo(open, x, close, n) }}
}

var modeName = map[int]string{markup.Markdown: "md", markup.HTML: "html", markup.MarkdownV2: "md2"}

// hostileFamilies lists the inputs a bot formatting user text could be sent: unclosed and
// nested brackets, every construct nested deeply, runs of each marker character, character
// references that never end, unclosed and mismatched tags.
var hostileFamilies = []hostileFamily{
	repeated(markup.Markdown, "plain text, for comparison. "),
	repeated(markup.HTML, "plain text, for comparison. "),
	repeated(markup.Markdown, "["),
	repeated(markup.Markdown, "]("),
	repeated(markup.Markdown, "[a]"),
	repeated(markup.Markdown, "[a]("),
	repeated(markup.Markdown, "[a](u)"),
	repeated(markup.Markdown, "[**a**](u)"),
	repeated(markup.Markdown, "[\\"),
	repeated(markup.Markdown, "\\"),
	nested(markup.Markdown, "[", "x", "](u)"),
	nested(markup.Markdown, "[", "x", "]"),
	nested(markup.Markdown, "[**", "x", "**](u)"),
	nested(markup.Markdown, "**__--~~||", "x", "||~~--__**"),
	nested(markup.Markdown, "[`", "x", "`](u)"),
	repeated(markup.Markdown, "*"),
	repeated(markup.Markdown, "_"),
	repeated(markup.Markdown, "-"),
	repeated(markup.Markdown, "~"),
	repeated(markup.Markdown, "|"),
	repeated(markup.Markdown, "`"),
	repeated(markup.Markdown, "**a**"),
	repeated(markup.Markdown, "```a```"),
	{"md ```lang…\\n", markup.Markdown, func(n int) string { return repeatTo("```a```", n) + "\n" }},
	{"md `open code", markup.Markdown, func(n int) string { return "`" + repeatTo("a", n) }},
	repeated(markup.HTML, "&"),
	repeated(markup.HTML, "&#1"),
	repeated(markup.HTML, "&#x"),
	repeated(markup.HTML, "&amp"),
	repeated(markup.HTML, "&amp;"),
	repeated(markup.HTML, "<"),
	{"html < unclosed", markup.HTML, func(n int) string { return repeatTo("<", n) + ">" }},
	repeated(markup.HTML, "<b>"),
	repeated(markup.HTML, "<b>x</b>"),
	repeated(markup.HTML, "<b></i>"),
	repeated(markup.HTML, "</b>"),
	repeated(markup.HTML, "<br>"),
	repeated(markup.HTML, "<br x=&amp;>"),
	nested(markup.HTML, "<blockquote>", "x", "</blockquote>"),
	nested(markup.HTML, "<a href=u>", "x", "</a>"),
	nested(markup.HTML, "<pre><code class=language-go>", "x", "</code></pre>"),
	{"html many attributes", markup.HTML, func(n int) string { return "<a " + repeatTo(`x="&amp;" `, n) + ">y</a>" }},
	{"html unclosed quote", markup.HTML, func(n int) string { return "<a href='" + repeatTo("&#1", n) + ">y</a>" }},
	repeated(markup.HTML, "<blockquote expandable x y z>q</blockquote>"),
	repeated(markup.MarkdownV2, "plain text, for comparison\\. "),
	repeated(markup.MarkdownV2, "*b* _i_ __u__ ~s~ ||p|| `c` "),
	repeated(markup.MarkdownV2, "[a](u) "),
	repeated(markup.MarkdownV2, "```a```"),
	repeated(markup.MarkdownV2, "```go\n``` "),
	repeated(markup.MarkdownV2, "\\\\\\*"),
	repeated(markup.MarkdownV2, ">q\n"),
	repeated(markup.MarkdownV2, "**>q||\n"),
	repeated(markup.MarkdownV2, "![👍](tg://emoji?id=1)"),
	nested(markup.MarkdownV2, "*_~||", "x", "||~_*"),
	nested(markup.MarkdownV2, "[*", "x", "*](u)"),
	{"md2 [ then a long url", markup.MarkdownV2, func(n int) string { return "[a](" + repeatTo("\\)", n) }},
	{"md2 ``` then a long language", markup.MarkdownV2, func(n int) string { return "```" + repeatTo("a", n) }},
	{"md2 quote lines", markup.MarkdownV2, func(n int) string { return repeatTo(">*a*\n", n) + "x" }},
}

// cost returns the time and the bytes allocated per Parse of s, over a batch of runs.
func cost(mode int, s string) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	runs := 0
	for runs == 0 || time.Since(start) < 10*time.Millisecond {
		markup.Parse(mode, s)
		runs++
	}
	per := time.Since(start) / time.Duration(runs)
	runtime.ReadMemStats(&after)
	return per, (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// TestParseLinear parses each hostile family at two sizes, n and 32n: a linear parser takes
// about 32 times as long and allocates about 32 times as much for the larger, a quadratic one
// 1024 times. The bytes allocated do not depend on the machine, and may grow 64 times. Time
// does: under the race detector on a busy 2-core machine a linear family measured up to 22
// times for 8 times the input (the CI failure that made the sizes this far apart), so time
// may grow 256 times, eight times what a linear parser needs and a quarter of a quadratic
// one's (and a little slack for the tiniest costs). Each size keeps its least cost over a
// few rounds taken in turn, so that a burst of load elsewhere does not make a linear parser
// look quadratic. The costs themselves are benchmarks' business (BenchmarkParseHostile).
func TestParseLinear(t *testing.T) {
	const n, factor, timeLimit, allocLimit, rounds = 2 << 10, 32, 256, 64, 5
	for _, f := range hostileFamilies {
		t.Run(f.name, func(t *testing.T) {
			small, large := f.make(n), f.make(factor*n)
			ts, tl := time.Duration(1<<62), time.Duration(1<<62)
			bs, bl := ^uint64(0), ^uint64(0)
			for range rounds {
				d, b := cost(f.mode, small)
				ts, bs = min(ts, d), min(bs, b)
				d, b = cost(f.mode, large)
				tl, bl = min(tl, d), min(bl, b)
			}
			t.Logf("%d bytes: %v, %d B; %d bytes: %v, %d B", len(small), ts, bs, len(large), tl, bl)
			if tl > timeLimit*ts+20*time.Microsecond {
				t.Errorf("time grows %.1f times for %d times the input (%v, then %v)", float64(tl)/float64(ts), factor, ts, tl)
			}
			if bl > allocLimit*bs+4<<10 {
				t.Errorf("allocation grows %.1f times for %d times the input (%d B, then %d B)", float64(bl)/float64(bs), factor, bs, bl)
			}
		})
	}
}

func BenchmarkParseHostile(b *testing.B) {
	for _, f := range hostileFamilies {
		s := f.make(64 << 10)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				markup.Parse(f.mode, s)
			}
		})
	}
}

// maxAllocPerByte bounds what Parse may allocate per byte of input, over a fixed allowance:
// the plain text (a replaced invalid byte takes three), its entities (one per five bytes of
// the shortest markup, "**a**") and the slices that hold them as they grow.
const maxAllocPerByte, allocAllowance = 64, 8 << 10

// FuzzParseBounded checks a resource bound rather than only the absence of panics: no input
// makes Parse allocate more than maxAllocPerByte per byte, whatever the mode.
func FuzzParseBounded(f *testing.F) {
	for _, fam := range hostileFamilies {
		f.Add(fam.make(256))
	}
	f.Add("**bold** [link](http://x) <b>x</b> &amp; &#65;")
	f.Fuzz(func(t *testing.T, s string) {
		for _, mode := range []int{markup.Markdown, markup.HTML, markup.MarkdownV2} {
			got := allocated(func() { markup.Parse(mode, s) })
			if limit := uint64(maxAllocPerByte*len(s) + allocAllowance); got > limit {
				t.Fatalf("mode %d: %d bytes of input allocated %d bytes, over %d", mode, len(s), got, limit)
			}
		}
	})
}

// allocated returns the bytes f allocates, the smaller of two runs so that an allocation by
// another goroutine in between does not count.
func allocated(f func()) uint64 {
	least := ^uint64(0)
	for range 2 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}
