package world

import (
	"bytes"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Telegram Stars of bots and their payers: invoices in Stars (currency XTR) move Stars from
// the payer to the bot when the bot confirms the pre-checkout query, each side gets a
// transaction, and the bot may refund the charge. The balance is the one star gifts use
// (giftState.balance; AddGiftStars funds a person), so gifts and invoices spend the same
// Stars. Exported invoices (payments.exportInvoice) are kept here as slugs.

// starsCurrency is the currency of invoices paid in Stars.
const starsCurrency = "XTR"

const (
	// maxStarsHistory bounds the transactions kept per account (oldest dropped first).
	maxStarsHistory = 1000
	// maxInvoiceLinks bounds the exported invoices kept (oldest forgotten first).
	maxInvoiceLinks = 1024
	maxStarsPage    = 100
)

// Stars errors, as Telegram names them.
var (
	ErrChargeIDInvalid       = rpcErr(400, "CHARGE_ID_INVALID")
	ErrChargeAlreadyRefunded = rpcErr(400, "CHARGE_ALREADY_REFUNDED")
	ErrInvoiceInvalid        = rpcErr(400, "INVOICE_INVALID")
)

// botState is the bots family's part of the world (the World's bots field), made on first use.
type botState struct {
	txs      map[int64][]starsTx     // account -> Stars transactions, oldest first
	charges  map[string]*starsCharge // charge id -> the payment, for refunds
	links    map[int64]*invoice      // exported invoices by slug number
	linkFIFO []int64
	scores   map[gameKey]map[int64]int32 // game message -> player -> best score (games.go)
	prepared map[string]*preparedMessage // prepared inline messages (games.go)
	// business profiles and chat link slugs (business_profile.go)
	biz       map[int64]*businessProfile
	chatLinks map[string]int64 // slug -> owner
	// open Mini App sessions by query id (webview.go)
	webViews    map[int64]*webView
	webViewFIFO []int64
	// Stars subscriptions to bots, by payer, and by their first charge (subscriptions.go)
	subs        map[int64][]*starsSub
	subByCharge map[string]*starsSub
}

func (b *botState) init() {
	if b.txs == nil {
		b.txs = make(map[int64][]starsTx)
		b.charges = make(map[string]*starsCharge)
		b.links = make(map[int64]*invoice)
		b.scores = make(map[gameKey]map[int64]int32)
		b.prepared = make(map[string]*preparedMessage)
		b.biz = make(map[int64]*businessProfile)
		b.chatLinks = make(map[string]int64)
		b.webViews = make(map[int64]*webView)
		b.subs = make(map[int64][]*starsSub)
		b.subByCharge = make(map[string]*starsSub)
	}
}

// starsTx is one Stars transaction of an account.
type starsTx struct {
	id          string
	amount      int64 // gained; negative when spent
	date        int32
	peer        int64 // the other account
	title       string
	description string
	payload     []byte // the bot's invoice payload (the bot's side only)
	refund      bool
	subPeriod   int32 // the period of a subscription payment, 0 otherwise
}

// starsCharge is a Stars invoice payment, which its bot may refund once.
type starsCharge struct {
	payer, bot int64
	amount     int64
	payload    []byte
	refunded   bool
}

// record appends t to the transactions of id.
func (b *botState) record(id int64, t starsTx) {
	h := append(b.txs[id], t)
	if len(h) > maxStarsHistory {
		h = append(h[:0:0], h[len(h)-maxStarsHistory:]...)
	}
	b.txs[id] = h
}

// payStars moves total Stars of the invoice inv from payer to its bot under the charge id
// (under w.mu): BALANCE_TOO_LOW when the payer has fewer.
func (w *World) payStars(payer int64, inv *invoice, total int64, charge string) error {
	t := starsTx{
		id: charge, amount: total, title: inv.title, description: inv.description, payload: inv.payload,
		subPeriod: inv.inv.SubscriptionPeriod.Value,
	}
	if err := w.moveStars(payer, inv.bot, t); err != nil {
		return err
	}
	w.bots.charges[charge] = &starsCharge{payer: payer, bot: inv.bot, amount: total, payload: bytes.Clone(inv.payload)}
	if t.subPeriod > 0 {
		w.subscribe(payer, inv, total, charge)
	}
	return nil
}

// moveStars moves t.amount Stars from payer to payee and records the transaction t on both
// sides (the payload on the payee's only), dated now (under w.mu): BALANCE_TOO_LOW when the
// payer has fewer.
func (w *World) moveStars(payer, payee int64, t starsTx) error {
	w.gifts.init()
	w.bots.init()
	if w.gifts.balance[payer] < t.amount {
		return ErrBalanceTooLow
	}
	w.gifts.balance[payer] -= t.amount
	w.gifts.balance[payee] += t.amount
	t.date = w.now()
	out, in := t, t
	out.amount, out.peer, out.payload = -t.amount, payee, nil
	in.peer, in.payload = payer, bytes.Clone(t.payload)
	w.bots.record(payer, out)
	w.bots.record(payee, in)
	return nil
}

// randomSlug returns a random non-negative id in base 36, for links and prepared messages.
func (w *World) randomSlug() (int64, string) {
	id := w.randomInt64() & (1<<62 - 1)
	return id, strconv.FormatInt(id, 36)
}

// checkStars refuses a Stars invoice the person cannot pay (under w.mu).
func (w *World) checkStars(payer int64, inv *invoice, total int64) error {
	if inv.inv.Currency != starsCurrency {
		return nil
	}
	w.gifts.init()
	if w.gifts.balance[payer] < total {
		return ErrBalanceTooLow
	}
	return nil
}

// StarsQuery is payments.getStarsStatus (History false) or payments.getStarsTransactions.
type StarsQuery struct {
	Peer                         tg.InputPeerClass
	History                      bool
	Inbound, Outbound, Ascending bool
	Offset                       string
	Limit                        int32
}

// StarsStatus answers payments.getStarsStatus and payments.getStarsTransactions for the
// account itself (inputPeerSelf or its own peer): the balance and, with History, a page of
// transactions, newest first unless Ascending, Inbound or Outbound only, from Offset (the
// previous page's next_offset). PEER_ID_INVALID for any other peer.
func (w *World) StarsStatus(key KeyID, q StarsQuery) (*tg.PaymentsStarsStatus, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	p, err := w.resolvePeer(a, q.Peer)
	if err != nil {
		return nil, err
	}
	if p != UserPeer(a.id) {
		return nil, ErrPeerIDInvalid
	}
	w.gifts.init()
	w.bots.init()
	res := &tg.PaymentsStarsStatus{Balance: &tg.StarsAmount{Amount: w.gifts.balance[a.id]}}
	if !q.History {
		res.Users, res.Chats = w.render(a.id, &refs{})
		return res, nil
	}
	var list []starsTx
	for _, t := range w.bots.txs[a.id] {
		if (q.Inbound && t.amount < 0) || (q.Outbound && t.amount > 0) {
			continue
		}
		list = append(list, t)
	}
	if !q.Ascending {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	from := 0
	if q.Offset != "" {
		if from, err = strconv.Atoi(q.Offset); err != nil || from < 0 {
			return nil, rpcErr(400, "OFFSET_INVALID")
		}
	}
	limit := int(q.Limit)
	if limit <= 0 || limit > maxStarsPage {
		limit = maxStarsPage
	}
	var r refs
	res.History = []tg.StarsTransaction{}
	for i := from; i < len(list) && i < from+limit; i++ {
		res.History = append(res.History, list[i].tg())
		r.add(UserPeer(list[i].peer))
	}
	if from+limit < len(list) {
		res.NextOffset.Set, res.NextOffset.Value = true, strconv.Itoa(from+limit)
	}
	res.Users, res.Chats = w.render(a.id, &r)
	return res, nil
}

// tg renders the transaction.
func (t starsTx) tg() tg.StarsTransaction {
	out := tg.StarsTransaction{
		ID: t.id, Amount: &tg.StarsAmount{Amount: t.amount}, Date: t.date,
		Peer: &tg.StarsTransactionPeer{Peer: &tg.PeerUser{UserID: t.peer}}, Refund: t.refund,
	}
	if t.title != "" {
		out.Title.Set, out.Title.Value = true, t.title
	}
	if t.description != "" {
		out.Description.Set, out.Description.Value = true, t.description
	}
	if t.payload != nil {
		out.BotPayload.Set, out.BotPayload.Value = true, bytes.Clone(t.payload)
	}
	if t.subPeriod != 0 {
		out.SubscriptionPeriod.Set, out.SubscriptionPeriod.Value = true, t.subPeriod
	}
	return out
}

// RefundStars answers payments.refundStarsCharge: the bot on key gives the Stars of its
// charge back to the person who paid, both get a refund transaction, and the private chat
// gets messageActionPaymentRefunded. USER_BOT_REQUIRED for people, CHARGE_ID_INVALID for a
// charge that is not this bot's payment from that person, CHARGE_ALREADY_REFUNDED,
// BALANCE_TOO_LOW when the bot spent the Stars.
func (w *World) RefundStars(key KeyID, user tg.InputUserClass, chargeID string) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	payer, err := w.resolveUser(bot, user)
	if err != nil {
		return nil, err
	}
	w.bots.init()
	w.gifts.init()
	ch := w.bots.charges[chargeID]
	switch {
	case ch == nil || ch.bot != bot.id || ch.payer != payer.id:
		return nil, ErrChargeIDInvalid
	case ch.refunded:
		return nil, ErrChargeAlreadyRefunded
	}
	if err := w.moveStars(bot.id, payer.id, starsTx{id: chargeID, amount: ch.amount, refund: true}); err != nil {
		return nil, err
	}
	ch.refunded = true
	action := &tg.MessageActionPaymentRefunded{
		Peer: &tg.PeerUser{UserID: bot.id}, Currency: starsCurrency, TotalAmount: ch.amount,
		Charge: tg.PaymentCharge{ID: chargeID, ProviderChargeID: chargeID},
	}
	s, err := w.deliver(bot, key, UserPeer(payer.id), content{action: action})
	if err != nil {
		return nil, err
	}
	return w.longUpdates(bot.id, []tg.UpdateClass{s.update}, &s.refs, s.date), nil
}

// ExportInvoice answers payments.exportInvoice: a bot's invoice as a link anyone may pay
// (https://t.me/$slug; inputInvoiceSlug names it). The checks are those of sending the
// invoice (TITLE_INVALID, ...); USER_BOT_REQUIRED for people, INVOICE_INVALID for media that
// is not an invoice.
func (w *World) ExportInvoice(key KeyID, in tg.InputMediaClass) (*tg.PaymentsExportedInvoice, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return nil, err
	}
	im, ok := in.(*tg.InputMediaInvoice)
	if !ok {
		return nil, ErrInvoiceInvalid
	}
	m, err := w.newInvoice(bot, im)
	if err != nil {
		return nil, err
	}
	w.bots.init()
	id, slug := w.randomSlug()
	keepBounded(w.bots.links, &w.bots.linkFIFO, id, m.invoice, maxInvoiceLinks)
	return &tg.PaymentsExportedInvoice{URL: "https://t.me/$" + slug}, nil
}

// invoiceBySlug returns the exported invoice slug names (under w.mu).
func (w *World) invoiceBySlug(slug string) (*invoice, error) {
	id, err := strconv.ParseInt(slug, 36, 64)
	if err != nil {
		return nil, ErrInvoiceInvalid
	}
	w.bots.init()
	inv := w.bots.links[id]
	if inv == nil {
		return nil, ErrInvoiceInvalid
	}
	return inv, nil
}

// StarsTransactions returns the number of Stars transactions recorded for account id (a
// test's check).
func (w *World) StarsTransactions(id int64) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.bots.txs[id])
}
