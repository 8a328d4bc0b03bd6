package option

import "time"

// InlineAnswer configures the answer to an inline query: mtgo.AnswerInlineQuery and
// types.InlineQuery.Answer take the same options.
type InlineAnswer interface {
	ApplyInlineAnswer(*InlineAnswerParams)
}

// InlineAnswerParams is what the options of an inline answer set.
type InlineAnswerParams struct {
	// CacheTime is how long the server may keep the results for the same query.
	CacheTime time.Duration
	// Personal caches the results for the user who asked only.
	Personal bool
	// NextOffset is the offset the user's app sends to ask for more results; empty when
	// there are no more.
	NextOffset string
	// Gallery shows the results as a grid of media.
	Gallery bool
	// SwitchPMText, when set, shows a button above the results that opens the private chat
	// with the bot and sends /start SwitchPMParam.
	SwitchPMText  string
	SwitchPMParam string
}

// InlineAnswerFunc is an InlineAnswer built from a function.
type InlineAnswerFunc func(*InlineAnswerParams)

// ApplyInlineAnswer implements InlineAnswer.
func (f InlineAnswerFunc) ApplyInlineAnswer(p *InlineAnswerParams) { f(p) }

// CollectInlineAnswer applies opts in order to zero InlineAnswerParams; later options win.
// Nil options are skipped.
func CollectInlineAnswer(opts []InlineAnswer) InlineAnswerParams {
	return collect(opts, InlineAnswer.ApplyInlineAnswer)
}
