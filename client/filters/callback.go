package filters

import (
	"bytes"
	"regexp"
	"strings"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// CallbackData passes callback queries whose data is exactly data.
func CallbackData(data string) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		q := ctx.CallbackQuery
		return q != nil && string(q.Data) == data
	}
}

// CallbackPrefix passes callback queries whose data starts with prefix.
func CallbackPrefix(prefix string) mtgo.Filter {
	p := []byte(prefix)
	return func(ctx *mtgo.Context) bool {
		q := ctx.CallbackQuery
		return q != nil && bytes.HasPrefix(q.Data, p)
	}
}

// CallbackRegex passes callback queries whose data matches re; the matches are available
// through MatchesOf.
func CallbackRegex(re *regexp.Regexp) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		q := ctx.CallbackQuery
		return q != nil && match(ctx, re, string(q.Data))
	}
}

// InlineQueryPrefix passes inline queries whose text starts with prefix.
func InlineQueryPrefix(prefix string) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		q := ctx.InlineQuery
		return q != nil && strings.HasPrefix(q.Query, prefix)
	}
}
