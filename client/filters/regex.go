package filters

import (
	"regexp"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

const matchesKey = "mtgo/filters.matches"

// MaxMatches is how many matches Regex and CallbackRegex keep for MatchesOf, the first ones.
// Each match is one search of the rest of the text, and a search that finds a short match may
// have read to the end of the text to rule out a longer one (`a*b|a` over "aaaa..."): finding
// every match takes time that grows with the square of the text, seconds for one long
// message. With at most MaxMatches searches the filter's time grows with the text.
const MaxMatches = 64

// Regex passes messages whose text (or caption) matches re, callback queries whose data
// matches it and inline queries whose text matches it. The matches, with their capture
// groups, are available to the handler through MatchesOf (the first MaxMatches). The
// expression comes compiled, so a bad pattern is the caller's error at compile time
// (regexp.Compile) and never a panic here; Go's regexp runs in time linear in the input.
func Regex(re *regexp.Regexp) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		switch {
		case ctx.Message != nil:
			return match(ctx, re, ctx.Message.Text)
		case ctx.CallbackQuery != nil:
			return match(ctx, re, string(ctx.CallbackQuery.Data))
		case ctx.InlineQuery != nil:
			return match(ctx, re, ctx.InlineQuery.Query)
		}
		return false
	}
}

// match stores the first MaxMatches matches of re in s for MatchesOf and reports whether
// there was one.
func match(ctx *mtgo.Context, re *regexp.Regexp, s string) bool {
	m := re.FindAllStringSubmatch(s, MaxMatches)
	if m == nil {
		return false
	}
	ctx.Set(matchesKey, m)
	return true
}

// MatchesOf returns the matches the last passing Regex or CallbackRegex filter found for
// this update, at most MaxMatches: one slice per match, the whole match first, then its
// capture groups.
func MatchesOf(ctx *mtgo.Context) ([][]string, bool) {
	v, ok := ctx.Get(matchesKey)
	if !ok {
		return nil, false
	}
	m, ok := v.([][]string)
	return m, ok
}
