package world

import (
	"slices"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Stars subscriptions to bots: paying an invoice with a subscription_period (an invoice link
// of the bot, payments.exportInvoice) subscribes the person until now plus the period. The
// person lists them (payments.getStarsSubscriptions) and cancels or renews one
// (payments.changeStarsSubscription); the bot cancels or restores one by its first charge
// (payments.botCancelStarsSubscription). Renewals are not charged: the world has no timer.

// maxSubscriptionsPage is how many subscriptions one page lists.
const maxSubscriptionsPage = 100

// ErrSubscriptionIDInvalid reports an unknown subscription.
var ErrSubscriptionIDInvalid = rpcErr(400, "SUBSCRIPTION_ID_INVALID")

// starsSub is a person's subscription to a bot.
type starsSub struct {
	id                    string
	payer, bot            int64
	period                int32
	amount                int64
	until                 int32
	title                 string
	charge                string
	canceled, botCanceled bool
}

func (s *starsSub) tg() tg.StarsSubscription {
	out := tg.StarsSubscription{
		ID: s.id, Peer: &tg.PeerUser{UserID: s.bot}, UntilDate: s.until,
		Pricing:  tg.StarsSubscriptionPricing{Period: s.period, Amount: s.amount},
		Canceled: s.canceled, BotCanceled: s.botCanceled,
	}
	if s.title != "" {
		out.Title = tl.Some(s.title)
	}
	return out
}

// subscribe records the subscription a payment of inv started (under w.mu).
func (w *World) subscribe(payer int64, inv *invoice, amount int64, charge string) {
	_, slug := w.randomSlug()
	s := &starsSub{
		id: "sub_" + slug, payer: payer, bot: inv.bot, period: inv.inv.SubscriptionPeriod.Value, amount: amount,
		until: w.now() + inv.inv.SubscriptionPeriod.Value, title: inv.title, charge: charge,
	}
	w.bots.subs[payer] = append(w.bots.subs[payer], s)
	w.bots.subByCharge[charge] = s
}

// StarsSubscriptions answers payments.getStarsSubscriptions for the account itself: its
// balance and a page of its subscriptions, oldest first, from offset (the previous page's
// subscriptions_next_offset). PEER_ID_INVALID for another peer, OFFSET_INVALID.
func (w *World) StarsSubscriptions(key KeyID, peer tg.InputPeerClass, offset string) (*tg.PaymentsStarsStatus, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return nil, err
	}
	if p, err := w.resolvePeer(a, peer); err != nil || p != UserPeer(a.id) {
		return nil, ErrPeerIDInvalid
	}
	from := 0
	if offset != "" {
		if from, err = strconv.Atoi(offset); err != nil || from < 0 {
			return nil, rpcErr(400, "OFFSET_INVALID")
		}
	}
	w.gifts.init()
	w.bots.init()
	res := &tg.PaymentsStarsStatus{Balance: &tg.StarsAmount{Amount: w.gifts.balance[a.id]}, Subscriptions: []tg.StarsSubscription{}}
	list := w.bots.subs[a.id]
	var r refs
	for i := from; i < len(list) && i < from+maxSubscriptionsPage; i++ {
		res.Subscriptions = append(res.Subscriptions, list[i].tg())
		r.add(UserPeer(list[i].bot))
	}
	if from+maxSubscriptionsPage < len(list) {
		res.SubscriptionsNextOffset = tl.Some(strconv.Itoa(from + maxSubscriptionsPage))
	}
	res.Users, res.Chats = w.render(a.id, &r)
	return res, nil
}

// ChangeSubscription answers payments.changeStarsSubscription: the person cancels (or
// renews) its subscription id; nil canceled changes nothing. SUBSCRIPTION_ID_INVALID.
func (w *World) ChangeSubscription(key KeyID, id string, canceled *bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorized(key)
	if err != nil {
		return err
	}
	w.bots.init()
	i := slices.IndexFunc(w.bots.subs[a.id], func(s *starsSub) bool { return s.id == id })
	if i < 0 {
		return ErrSubscriptionIDInvalid
	}
	if canceled != nil {
		w.bots.subs[a.id][i].canceled = *canceled
	}
	return nil
}

// BotCancelSubscription answers payments.botCancelStarsSubscription: the bot cancels (or,
// with restore, restores) the subscription the person started with charge.
// USER_BOT_REQUIRED, CHARGE_ID_INVALID for a charge that started no subscription of this
// bot and person.
func (w *World) BotCancelSubscription(key KeyID, user tg.InputUserClass, charge string, restore bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	bot, err := w.authorizedBot(key)
	if err != nil {
		return err
	}
	payer, err := w.resolveUser(bot, user)
	if err != nil {
		return err
	}
	w.bots.init()
	s := w.bots.subByCharge[charge]
	if s == nil || s.bot != bot.id || s.payer != payer.id {
		return ErrChargeIDInvalid
	}
	s.botCanceled = !restore
	return nil
}
