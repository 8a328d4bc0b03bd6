package option

import "time"

// CallbackAnswer configures the answer to a callback query (a press of an inline button):
// mtgo.AnswerCallbackQuery, types.CallbackQuery.Answer and the handler Context's
// AnswerCallback take the same options.
type CallbackAnswer interface {
	ApplyCallbackAnswer(*CallbackAnswerParams)
}

// CallbackAnswerParams is what the options of a callback answer set.
type CallbackAnswerParams struct {
	// Alert shows the text as an alert the user must dismiss instead of a toast.
	Alert bool
	// URL is opened by the user's app (a game URL, or a t.me link that starts the bot).
	URL string
	// CacheTime is how long the user's app may keep the answer for the same button.
	CacheTime time.Duration
}

// CallbackAnswerFunc is a CallbackAnswer built from a function.
type CallbackAnswerFunc func(*CallbackAnswerParams)

// ApplyCallbackAnswer implements CallbackAnswer.
func (f CallbackAnswerFunc) ApplyCallbackAnswer(p *CallbackAnswerParams) { f(p) }

// CollectCallbackAnswer applies opts in order to zero CallbackAnswerParams; later options
// win. Nil options are skipped.
func CollectCallbackAnswer(opts []CallbackAnswer) CallbackAnswerParams {
	return collect(opts, CallbackAnswer.ApplyCallbackAnswer)
}
