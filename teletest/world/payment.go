package world

import (
	"bytes"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

const (
	maxInvoiceTitle   = 32
	maxInvoicePayload = 128
	// maxForms bounds the payment forms kept for payments.sendPaymentForm.
	maxForms = 1024
)

// invoice is a bot's invoice message (messages.sendMedia with inputMediaInvoice).
type invoice struct {
	bot         int64
	title       string
	description string
	inv         tg.Invoice
	payload     []byte
	startParam  string
	photo       *tg.InputWebDocument // shown as a web document (webfile.go)
}

func (in *invoice) total() int64 {
	var t int64
	for _, p := range in.inv.Prices {
		t += p.Amount
	}
	return t
}

// payForm is a payment form a person opened (payments.getPaymentForm).
type payForm struct {
	id      int64
	user    int64
	invoice *invoice
	// paid, peer and msgID: the form of a paid media message (paidmedia.go) instead
	paid  *paidMedia
	peer  Peer
	msgID int32
}

// newInvoice checks the invoice a bot sends (under w.mu). People cannot send invoices
// (MEDIA_INVALID); TITLE_INVALID, INVOICE_PAYLOAD_INVALID, CURRENCY_TOTAL_AMOUNT_INVALID,
// PAYMENT_PROVIDER_INVALID (a provider is needed except for Telegram Stars, XTR).
func (w *World) newInvoice(a *account, in *tg.InputMediaInvoice) (*media, error) {
	if !a.bot {
		return nil, ErrMediaInvalid
	}
	inv := &invoice{
		bot: a.id, title: in.Title, description: in.Description, inv: in.Invoice,
		payload: bytes.Clone(in.Payload), startParam: in.StartParam.Value, photo: in.Photo,
	}
	if err := checkInputWebDocument(in.Photo); err != nil {
		return nil, err
	}
	switch {
	case in.Title == "" || len([]rune(in.Title)) > maxInvoiceTitle:
		return nil, rpcErr(400, "TITLE_INVALID")
	case len(in.Payload) == 0 || len(in.Payload) > maxInvoicePayload:
		return nil, rpcErr(400, "INVOICE_PAYLOAD_INVALID")
	case len(in.Invoice.Currency) != 3 || len(in.Invoice.Prices) == 0:
		return nil, rpcErr(400, "CURRENCY_TOTAL_AMOUNT_INVALID")
	case in.Invoice.Currency != "XTR" && in.Provider.Value == "":
		return nil, rpcErr(400, "PAYMENT_PROVIDER_INVALID")
	}
	for _, p := range in.Invoice.Prices {
		if p.Amount <= 0 {
			return nil, rpcErr(400, "CURRENCY_TOTAL_AMOUNT_INVALID")
		}
	}
	return &media{invoice: inv}, nil
}

// tg renders the invoice media.
func (in *invoice) tg() *tg.MessageMediaInvoice {
	return &tg.MessageMediaInvoice{
		ShippingAddressRequested: in.inv.ShippingAddressRequested, Test: in.inv.Test,
		Title: in.title, Description: in.description, Currency: in.inv.Currency,
		TotalAmount: in.total(), StartParam: in.startParam,
	}
}

// PaymentForm answers payments.getPaymentForm for an invoice message
// (inputInvoiceMessage): a form the person then pays with payments.sendPaymentForm.
// MESSAGE_ID_INVALID for a message without an invoice, BOT_METHOD_INVALID for bots. An
// invoice in Stars (XTR) gets payments.paymentFormStars, paid with payments.sendStarsForm;
// an exported invoice is named by its slug (inputInvoiceSlug).
func (w *World) PaymentForm(key KeyID, in tg.InputInvoiceClass) (tg.PaymentsPaymentFormClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if f := w.paidMediaForm(a, in); f != nil {
		keepBounded(w.forms, &w.formFIFO, f.id, f, maxForms)
		var r refs
		r.add(UserPeer(f.paid.owner))
		users, _ := w.render(a.id, &r)
		return &tg.PaymentsPaymentFormStars{
			FormID: f.id, BotID: f.paid.owner, Title: "Paid media", Users: users,
			Invoice: tg.Invoice{Currency: starsCurrency, Prices: []tg.LabeledPrice{{Label: "Paid media", Amount: f.paid.stars}}},
		}, nil
	}
	inv, err := w.invoiceOf(a, in)
	if err != nil {
		return nil, err
	}
	f := &payForm{id: w.randomInt64(), user: a.id, invoice: inv}
	keepBounded(w.forms, &w.formFIFO, f.id, f, maxForms)
	var r refs
	r.add(UserPeer(inv.bot))
	users, _ := w.render(a.id, &r)
	if inv.inv.Currency == starsCurrency {
		return &tg.PaymentsPaymentFormStars{
			FormID: f.id, BotID: inv.bot, Title: inv.title, Description: inv.description, Invoice: inv.inv, Users: users,
		}, nil
	}
	return &tg.PaymentsPaymentForm{
		FormID: f.id, BotID: inv.bot, Title: inv.title, Description: inv.description, Invoice: inv.inv,
		URL: "https://t.me/$" + strconv.FormatInt(f.id, 36), Users: users,
	}, nil
}

// invoiceOf returns the invoice of the message in names (under w.mu).
func (w *World) invoiceOf(a *account, in tg.InputInvoiceClass) (*invoice, error) {
	if sl, ok := in.(*tg.InputInvoiceSlug); ok {
		return w.invoiceBySlug(sl.Slug)
	}
	im, ok := in.(*tg.InputInvoiceMessage)
	if !ok {
		return nil, ErrMessageIDInvalid
	}
	p, err := w.resolvePeer(a, im.Peer)
	if err != nil {
		return nil, err
	}
	m, err := w.messageIn(a, p, im.MsgID)
	if err != nil {
		return nil, err
	}
	if m.media == nil || m.media.invoice == nil {
		return nil, ErrMessageIDInvalid
	}
	return m.media.invoice, nil
}

// payInfo is a person's validated order info (payments.validateRequestedInfo) and the
// shipping options its bot offered.
type payInfo struct {
	id      int64
	user    int64
	invoice *invoice
	info    tg.PaymentRequestedInfo
	options []tg.ShippingOption
}

// ref renders the info id as the API carries it.
func (pi *payInfo) ref() string { return strconv.FormatInt(pi.id, 36) }

// RequestedInfo is payments.validateRequestedInfo.
type RequestedInfo struct {
	Invoice tg.InputInvoiceClass
	Info    tg.PaymentRequestedInfo
}

// ValidateInfo answers payments.validateRequestedInfo. For a flexible invoice with a
// shipping address, the invoice's bot receives updateBotShippingQuery and the returned
// Query waits for its messages.setBotShippingResults; otherwise the info is accepted at
// once and the validated info comes back (the Query is nil). MESSAGE_ID_INVALID for a
// message without an invoice.
func (w *World) ValidateInfo(key KeyID, ri RequestedInfo) (*Query, *tg.PaymentsValidatedRequestedInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, nil, err
	}
	inv, err := w.invoiceOf(a, ri.Invoice)
	if err != nil {
		return nil, nil, err
	}
	pi := &payInfo{id: w.randomInt64(), user: a.id, invoice: inv, info: ri.Info}
	keepBounded(w.infos, &w.infoFIFO, pi.id, pi, maxForms)
	if !inv.inv.Flexible || ri.Info.ShippingAddress == nil {
		return nil, &tg.PaymentsValidatedRequestedInfo{ID: tl.Some(pi.ref())}, nil
	}
	q := w.newQuery(queryShipping, inv.bot, a.id)
	q.info = pi
	var r refs
	r.add(UserPeer(a.id))
	u := &tg.UpdateBotShippingQuery{QueryID: q.id, UserID: a.id, Payload: bytes.Clone(inv.payload), ShippingAddress: *ri.Info.ShippingAddress}
	w.push(inv.bot, KeyID{}, w.longUpdates(inv.bot, []tg.UpdateClass{u}, &r, w.now()))
	return q, nil, nil
}

// AnswerShipping answers messages.setBotShippingResults: the bot offers shipping options
// (the person's validateRequestedInfo returns them with the info id) or refuses with an
// error text (the person gets 400 SHIPPING_NOT_AVAILABLE). QUERY_ID_INVALID,
// SHIPPING_OPTIONS_EMPTY (neither options nor an error).
func (w *World) AnswerShipping(key KeyID, queryID int64, errText string, options []tg.ShippingOption) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	q, err := w.pendingQuery(queryID, queryShipping, a.id)
	if err != nil {
		return err
	}
	switch {
	case errText != "":
		w.finish(q, nil, rpcErr(400, "SHIPPING_NOT_AVAILABLE"))
	case len(options) == 0:
		return rpcErr(400, "SHIPPING_OPTIONS_EMPTY")
	default:
		q.info.options = options
		w.finish(q, &tg.PaymentsValidatedRequestedInfo{ID: tl.Some(q.info.ref()), ShippingOptions: options}, nil)
	}
	return nil
}

// Payment is payments.sendPaymentForm.
type Payment struct {
	FormID  int64
	Invoice tg.InputInvoiceClass
	// InfoID and ShippingOptionID name a validated order info and one of its shipping
	// options (payments.validateRequestedInfo); empty for none.
	InfoID           string
	ShippingOptionID string
}

// AskPayment answers the first half of payments.sendPaymentForm and payments.sendStarsForm:
// the bot that sent the invoice receives updateBotPrecheckoutQuery (payload, currency, total)
// and the caller waits on the returned Query for its messages.setBotPrecheckoutResults.
// Credentials are not checked and money does not move; Stars do (stars.go): BALANCE_TOO_LOW
// when the person has too few. FORM_EXPIRED for a form this person did not open (or one
// forgotten), MESSAGE_ID_INVALID for an invoice that is not the form's. The form of paid
// media is paid at once (buyPaidMedia), without a pre-checkout query; the returned Query is
// already answered.
func (w *World) AskPayment(key KeyID, pay Payment) (*Query, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	f := w.forms[pay.FormID]
	if f == nil || f.user != a.id {
		return nil, rpcErr(400, "FORM_EXPIRED")
	}
	if f.paid != nil { // paid media: paid at once, no pre-checkout query
		res, err := w.buyPaidMedia(a, f)
		if err != nil {
			return nil, err
		}
		q := w.newQuery(queryPrecheckout, f.paid.owner, a.id)
		w.finish(q, res, nil)
		return q, nil
	}
	inv, err := w.invoiceOf(a, pay.Invoice)
	if err != nil {
		return nil, err
	}
	if inv != f.invoice {
		return nil, ErrMessageIDInvalid
	}
	var pi *payInfo
	var shipping int64
	if pay.InfoID != "" {
		id, _ := strconv.ParseInt(pay.InfoID, 36, 64)
		if pi = w.infos[id]; pi == nil || pi.user != a.id || pi.invoice != inv {
			return nil, rpcErr(400, "REQUESTED_INFO_INVALID")
		}
	}
	if pay.ShippingOptionID != "" {
		var opt *tg.ShippingOption
		if pi != nil {
			for i := range pi.options {
				if pi.options[i].ID == pay.ShippingOptionID {
					opt = &pi.options[i]
				}
			}
		}
		if opt == nil {
			return nil, rpcErr(400, "SHIPPING_OPTION_INVALID")
		}
		for _, p := range opt.Prices {
			shipping += p.Amount
		}
	}
	if err := w.checkStars(a.id, inv, inv.total()+shipping); err != nil {
		return nil, err
	}
	q := w.newQuery(queryPrecheckout, inv.bot, a.id)
	q.form, q.info = f, pi
	q.total, q.shipping = inv.total()+shipping, pay.ShippingOptionID
	var r refs
	r.add(UserPeer(a.id))
	u := &tg.UpdateBotPrecheckoutQuery{
		QueryID: q.id, UserID: a.id, Payload: bytes.Clone(inv.payload), Currency: inv.inv.Currency,
		TotalAmount: q.total,
	}
	if pi != nil {
		info := pi.info
		u.Info = &info
	}
	if pay.ShippingOptionID != "" {
		u.ShippingOptionID = tl.Some(pay.ShippingOptionID)
	}
	w.push(inv.bot, KeyID{}, w.longUpdates(inv.bot, []tg.UpdateClass{u}, &r, w.now()))
	return q, nil
}

// AnswerPrecheckout answers messages.setBotPrecheckoutResults: with success the payment goes
// through: the private chat of the person and the bot gets a service message
// (messageActionPaymentSent for the person, messageActionPaymentSentMe with payload and
// charge for the bot) and the person's payments.sendPaymentForm returns
// payments.paymentResult; otherwise the person gets 400 PAYMENT_FAILED (the bot's error
// text is what an app would show). QUERY_ID_INVALID, ERROR_TEXT_EMPTY (refusing without a
// reason).
func (w *World) AnswerPrecheckout(key KeyID, queryID int64, success bool, errText string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	q, err := w.pendingQuery(queryID, queryPrecheckout, a.id)
	if err != nil {
		return err
	}
	if !success {
		if errText == "" {
			return rpcErr(400, "ERROR_TEXT_EMPTY")
		}
		w.finish(q, nil, rpcErr(400, "PAYMENT_FAILED"))
		return nil
	}
	payer := w.users[q.user]
	if payer == nil {
		w.finish(q, nil, ErrUserIDInvalid)
		return nil
	}
	inv := q.form.invoice
	action := &tg.MessageActionPaymentSentMe{
		Currency: inv.inv.Currency, TotalAmount: q.total, Payload: bytes.Clone(inv.payload),
		Charge: tg.PaymentCharge{ID: "teletest-" + strconv.FormatInt(q.id, 36), ProviderChargeID: "teletest"},
	}
	if inv.inv.Currency == starsCurrency {
		if err := w.payStars(payer.id, inv, q.total, action.Charge.ID); err != nil {
			w.finish(q, nil, err)
			return nil
		}
		if p := inv.inv.SubscriptionPeriod.Value; p > 0 {
			action.RecurringInit, action.SubscriptionUntilDate = true, tl.Some(w.now()+p)
		}
	}
	if q.info != nil {
		info := q.info.info
		action.Info = &info
	}
	if q.shipping != "" {
		action.ShippingOptionID = tl.Some(q.shipping)
	}
	s, err := w.deliver(payer, KeyID{}, UserPeer(a.id), content{action: action})
	if err != nil {
		w.finish(q, nil, err)
		return nil
	}
	w.finish(q, &tg.PaymentsPaymentResult{Updates: w.longUpdates(payer.id, []tg.UpdateClass{s.update}, &s.refs, s.date)}, nil)
	return nil
}

// paymentAction renders a payment service message for viewer: the payer (its author) sees
// messageActionPaymentSent, the bot messageActionPaymentSentMe.
func paymentAction(viewer int64, m *message) tg.MessageActionClass {
	me, ok := m.action.(*tg.MessageActionPaymentSentMe)
	if !ok || viewer != m.from {
		return m.action
	}
	return &tg.MessageActionPaymentSent{
		Currency: me.Currency, TotalAmount: me.TotalAmount, RecurringInit: me.RecurringInit,
		SubscriptionUntilDate: me.SubscriptionUntilDate,
	}
}
