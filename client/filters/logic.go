package filters

import mtgo "github.com/mtgo-labs/mtgo/client"

// And passes when every filter in fs passes, trying them in order and stopping at the first
// that fails; nil filters pass. And() passes everything.
func And(fs ...mtgo.Filter) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		for _, f := range fs {
			if f != nil && !f(ctx) {
				return false
			}
		}
		return true
	}
}

// Or passes when some filter in fs passes, trying them in order and stopping at the first
// that passes; nil filters are skipped. Or() passes nothing.
func Or(fs ...mtgo.Filter) mtgo.Filter {
	return func(ctx *mtgo.Context) bool {
		for _, f := range fs {
			if f != nil && f(ctx) {
				return true
			}
		}
		return false
	}
}

// Not passes when no filter in fs passes: Not(f) inverts f, Not(a, b) is Not(Or(a, b)).
func Not(fs ...mtgo.Filter) mtgo.Filter {
	or := Or(fs...)
	return func(ctx *mtgo.Context) bool { return !or(ctx) }
}
