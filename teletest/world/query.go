package world

import (
	"github.com/mtgo-labs/mtgo/tl"
)

// queryKind tells callback queries from inline queries.
type queryKind int

const (
	queryCallback queryKind = iota + 1
	queryInline
	queryPrecheckout
	queryShipping
)

// Query is a question a person put to a bot that waits for the bot's answer on another
// connection: a callback query (messages.getBotCallbackAnswer, answered with
// messages.setBotCallbackAnswer) or an inline query (messages.getInlineBotResults, answered
// with messages.setInlineBotResults).
//
// The world never waits: it records the query, pushes the update to the bot and returns the
// Query. The caller waits on Done with its own context and deadline, then reads Answer; if it
// gives up it calls Cancel, after which the bot's answer is refused with QUERY_ID_INVALID (as
// on Telegram after BOT_RESPONSE_TIMEOUT). Nothing holds the world's lock while waiting.
type Query struct {
	w    *World
	id   int64
	kind queryKind
	bot  int64
	user int64
	done chan struct{}

	// guarded by w.mu
	answer tl.Encoder
	err    error    // the bot refused (a pre-checkout query answered with an error)
	text   string   // inline: the text the person typed, for updateBotInlineSend
	form   *payForm // pre-checkout: the form being paid
	info   *payInfo // shipping and pre-checkout: the person's order info
	// pre-checkout: the amount with shipping and the chosen shipping option
	total    int64
	shipping string
}

// ID returns the query_id the bot received.
func (q *Query) ID() int64 { return q.id }

// Done is closed when the bot has answered.
func (q *Query) Done() <-chan struct{} { return q.done }

// Answer returns the outcome once Done is closed (nil, nil before): a
// *tg.MessagesBotCallbackAnswer, a *tg.MessagesBotResults or a *tg.PaymentsPaymentResult,
// or the error the person gets when the bot refused.
func (q *Query) Answer() (tl.Encoder, error) {
	q.w.mu.Lock()
	defer q.w.mu.Unlock()
	return q.answer, q.err
}

// Cancel withdraws an unanswered query and reports whether it did; false means the bot
// answered first (Answer has the result) or the query was withdrawn already. Calling it
// again, or after the answer, is harmless.
func (q *Query) Cancel() bool {
	q.w.mu.Lock()
	defer q.w.mu.Unlock()
	if q.w.queries[q.id] != q {
		return false
	}
	delete(q.w.queries, q.id)
	return true
}

// newQuery registers a waiting query of a person (user) to bot (under w.mu).
func (w *World) newQuery(kind queryKind, bot, user int64) *Query {
	id := w.randomInt64()
	for id == 0 || w.queries[id] != nil || w.inline[id] != nil {
		id = w.randomInt64()
	}
	q := &Query{w: w, id: id, kind: kind, bot: bot, user: user, done: make(chan struct{})}
	w.queries[id] = q
	return q
}

// pendingQuery returns the waiting query id of the given kind asked of bot, or
// QUERY_ID_INVALID (unknown, already answered, given up, or another bot's) (under w.mu).
func (w *World) pendingQuery(id int64, kind queryKind, bot int64) (*Query, error) {
	q := w.queries[id]
	if q == nil || q.kind != kind || q.bot != bot {
		return nil, ErrQueryIDInvalid
	}
	return q, nil
}

// finish hands the answer, or the error, to the waiting caller (under w.mu).
func (w *World) finish(q *Query, answer tl.Encoder, err error) {
	q.answer, q.err = answer, err
	delete(w.queries, q.id)
	close(q.done)
}

// PendingQueries returns how many queries wait for a bot's answer (tests: nothing leaks).
func (w *World) PendingQueries() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queries)
}
