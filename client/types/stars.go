package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// StarsCurrency is the currency of invoices paid in Telegram Stars.
const StarsCurrency = "XTR"

// StarsTransaction is one movement of Telegram Stars on an account (payments.getStarsTransactions).
type StarsTransaction struct {
	// ID is the transaction's id; for an invoice payment, the charge id a bot refunds with
	// RefundStarsCharge.
	ID string
	// Amount is what the account gained (negative: spent), in whole Stars; Nanos the
	// fraction, in billionths.
	Amount int64
	Nanos  int32
	Date   time.Time
	// Peer is the other side: the chat (user, bot, channel) when there is one, nil for
	// Telegram itself, Fragment, the app stores, ...
	Peer *Chat
	// Title and Description are the invoice's; Payload the bot's invoice payload.
	Title, Description string
	Payload            []byte
	// Refund marks a refund, Pending one not settled yet, Failed one that did not go
	// through, Reaction a paid reaction, Gift a gift.
	Refund, Pending, Failed, Reaction, Gift bool
	// SubscriptionPeriod is the period of a subscription payment, 0 otherwise.
	SubscriptionPeriod time.Duration
	// Raw is the TL transaction.
	Raw *tg.StarsTransaction
}

// NewStarsTransaction builds a StarsTransaction with the chats and users in e.
func NewStarsTransaction(t *tg.StarsTransaction, e Entities) *StarsTransaction {
	if t == nil {
		return nil
	}
	amount, nanos := StarsAmount(t.Amount)
	out := &StarsTransaction{
		ID: t.ID, Amount: amount, Nanos: nanos, Date: time.Unix(int64(t.Date), 0),
		Title: t.Title.Value, Description: t.Description.Value, Payload: t.BotPayload.Value,
		Refund: t.Refund, Pending: t.Pending, Failed: t.Failed, Reaction: t.Reaction, Gift: t.Gift,
		SubscriptionPeriod: time.Duration(t.SubscriptionPeriod.Value) * time.Second, Raw: t,
	}
	if p, ok := t.Peer.(*tg.StarsTransactionPeer); ok {
		out.Peer = e.Chat(p.Peer)
	}
	return out
}

// StarsAmount reads a Stars amount: whole Stars and billionths (a TON amount is nanotons, all
// in the first value).
func StarsAmount(a tg.StarsAmountClass) (int64, int32) {
	switch a := a.(type) {
	case *tg.StarsAmount:
		return a.Amount, a.Nanos
	case *tg.StarsTonAmount:
		return a.Amount, 0
	}
	return 0, 0
}

// PaymentForm is the form a user fills to pay an invoice (payments.getPaymentForm).
type PaymentForm struct {
	// ID is the form's id, for SendPaymentForm.
	ID int64
	// BotID is the bot that sent the invoice.
	BotID              int64
	Title, Description string
	// Currency is the invoice's currency (StarsCurrency for Stars), Prices its lines and
	// Total their sum, in the currency's smallest units.
	Currency string
	Prices   []tg.LabeledPrice
	Total    int64
	// Stars marks a form paid in Telegram Stars (no payment provider).
	Stars bool
	// URL is the payment provider's page, empty for Stars.
	URL string
	// Invoice is the invoice's terms as Telegram sent them.
	Invoice tg.Invoice
	// Raw is the TL form.
	Raw tg.PaymentsPaymentFormClass
}

// NewPaymentForm builds a PaymentForm; nil for a gift form or nil.
func NewPaymentForm(f tg.PaymentsPaymentFormClass) *PaymentForm {
	var out *PaymentForm
	switch f := f.(type) {
	case *tg.PaymentsPaymentForm:
		out = &PaymentForm{ID: f.FormID, BotID: f.BotID, Title: f.Title, Description: f.Description, URL: f.URL, Invoice: f.Invoice}
	case *tg.PaymentsPaymentFormStars:
		out = &PaymentForm{ID: f.FormID, BotID: f.BotID, Title: f.Title, Description: f.Description, Invoice: f.Invoice, Stars: true}
	default:
		return nil
	}
	out.Currency, out.Prices, out.Raw = out.Invoice.Currency, out.Invoice.Prices, f
	for _, p := range out.Prices {
		out.Total += p.Amount
	}
	out.Stars = out.Stars || out.Currency == StarsCurrency
	return out
}

// GameHighScore is one line of a game's high score table.
type GameHighScore struct {
	Position int
	User     *User
	Score    int
}

// NewGameHighScores builds the table of messages.getGameHighScores.
func NewGameHighScores(r *tg.MessagesHighScores) []GameHighScore {
	if r == nil {
		return nil
	}
	e := NewEntities(r.Users, nil)
	out := make([]GameHighScore, 0, len(r.Scores))
	for _, s := range r.Scores {
		out = append(out, GameHighScore{Position: int(s.Pos), User: e.userOrID(s.UserID), Score: int(s.Score)})
	}
	return out
}

// PurchasedPaidMedia is a user's purchase of paid media the bot sent
// (updateBotPurchasedPaidMedia).
type PurchasedPaidMedia struct {
	From *User
	// Payload is the bot's payload of the paid media.
	Payload string
	Raw     *tg.UpdateBotPurchasedPaidMedia
}

// NewPurchasedPaidMedia builds a PurchasedPaidMedia from updateBotPurchasedPaidMedia; nil
// for any other update.
func NewPurchasedPaidMedia(u tg.UpdateClass, e Entities) *PurchasedPaidMedia {
	p, ok := u.(*tg.UpdateBotPurchasedPaidMedia)
	if !ok || p == nil {
		return nil
	}
	return &PurchasedPaidMedia{From: e.userOrID(p.UserID), Payload: p.Payload, Raw: p}
}

// StarsSubscription is a subscription the account pays in Stars every period (to a bot, or a
// channel through an invite link).
type StarsSubscription struct {
	ID string
	// Chat is the bot or channel paid.
	Chat *Chat
	// Until is the end of the period paid; Period and Amount the price.
	Until  time.Time
	Period time.Duration
	Amount int64
	Title  string
	// Canceled: the account canceled it (it ends at Until); BotCanceled: the bot did.
	Canceled, BotCanceled bool
	Raw                   *tg.StarsSubscription
}

// NewStarsSubscription builds a StarsSubscription with the chats and users in e.
func NewStarsSubscription(s *tg.StarsSubscription, e Entities) *StarsSubscription {
	if s == nil {
		return nil
	}
	return &StarsSubscription{
		ID: s.ID, Chat: e.Chat(s.Peer), Until: time.Unix(int64(s.UntilDate), 0),
		Period: time.Duration(s.Pricing.Period) * time.Second, Amount: s.Pricing.Amount, Title: s.Title.Value,
		Canceled: s.Canceled, BotCanceled: s.BotCanceled, Raw: s,
	}
}
