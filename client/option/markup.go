package option

import "github.com/mtgo-labs/mtgo/tl/tg"

// Markup is the reply markup an option attaches to a message: a typed keyboard of package
// types (types.InlineKeyboard, types.ReplyKeyboard, types.RemoveKeyboard, types.ForceReply)
// or TL markup as it is (*RawMarkup). The client converts it when it builds the request, so
// an invalid keyboard fails the call with an error naming the button, before anything is
// sent.
type Markup interface {
	// ToTL returns the markup as a request carries it, or an error naming what is invalid.
	ToTL() (tg.ReplyMarkupClass, error)
}

// RawMarkup is TL reply markup sent as it is. It is also the option that attaches it
// (mtgo.WithReplyMarkup), so attaching costs one allocation, as a plain option would.
type RawMarkup struct {
	Markup tg.ReplyMarkupClass
}

// ToTL implements Markup.
func (r *RawMarkup) ToTL() (tg.ReplyMarkupClass, error) { return r.Markup, nil }

// ApplySend implements Send: r becomes the reply markup, nil TL markup none.
func (r *RawMarkup) ApplySend(p *SendParams) { r.apply(&p.Common) }

// ApplyEdit implements Edit.
func (r *RawMarkup) ApplyEdit(p *EditParams) { r.apply(&p.Common) }

func (r *RawMarkup) apply(c *Common) {
	c.ReplyMarkup = nil
	if r.Markup != nil {
		c.ReplyMarkup = r
	}
}

// Raw wraps TL markup as a Markup; nil stays nil (no markup).
func Raw(m tg.ReplyMarkupClass) Markup {
	if m == nil {
		return nil
	}
	return &RawMarkup{Markup: m}
}

var _ SendEdit = (*RawMarkup)(nil)
