package world

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Paid media: photos and videos (messages.sendMedia with inputMediaPaidMedia) that others see
// as previews until they pay the price in Stars (payments.getPaymentForm on the message, then
// payments.sendStarsForm, without a pre-checkout query). The Stars go to the sender; a bot
// sender receives updateBotPurchasedPaidMedia with its payload. The buyer's answer carries
// updateMessageExtendedMedia with the media unlocked.

const maxPaidMediaStars = 10000

// paidMedia is the content of a paid media message.
type paidMedia struct {
	owner   int64 // the sender, who sees the media and is paid
	stars   int64
	payload string
	items   []*media
	buyers  map[int64]bool
}

// newPaidMedia checks paid media a sends (under w.mu): 1 to 10 photos or videos,
// STARS_AMOUNT_INVALID for a price outside 1..10000.
func (w *World) newPaidMedia(a *account, in *tg.InputMediaPaidMedia) (*media, error) {
	if in.StarsAmount < 1 || in.StarsAmount > maxPaidMediaStars {
		return nil, rpcErr(400, "STARS_AMOUNT_INVALID")
	}
	if len(in.ExtendedMedia) == 0 || len(in.ExtendedMedia) > 10 {
		return nil, ErrMediaInvalid
	}
	p := &paidMedia{owner: a.id, stars: in.StarsAmount, payload: in.Payload.Value, buyers: make(map[int64]bool)}
	for _, em := range in.ExtendedMedia {
		m, err := w.inputMedia(a, em)
		if err != nil {
			return nil, err
		}
		if m.file == nil {
			return nil, ErrMediaInvalid
		}
		p.items = append(p.items, m)
	}
	return &media{paid: p}, nil
}

// paidMediaTG renders paid media for viewer: the media for the sender and buyers, previews
// for the others (under w.mu).
func (w *World) paidMediaTG(viewer int64, p *paidMedia) *tg.MessageMediaPaidMedia {
	out := &tg.MessageMediaPaidMedia{StarsAmount: p.stars}
	out.ExtendedMedia = w.extendedMedia(viewer, p)
	return out
}

func (w *World) extendedMedia(viewer int64, p *paidMedia) []tg.MessageExtendedMediaClass {
	out := make([]tg.MessageExtendedMediaClass, 0, len(p.items))
	for _, it := range p.items {
		if viewer == p.owner || p.buyers[viewer] {
			out = append(out, &tg.MessageExtendedMedia{Media: w.tgMedia(viewer, it)})
		} else {
			out = append(out, &tg.MessageExtendedMediaPreview{})
		}
	}
	return out
}

// paidMediaForm is the Stars form of a paid media message (under w.mu); nil when in names
// no such message.
func (w *World) paidMediaForm(a *account, in tg.InputInvoiceClass) *payForm {
	im, ok := in.(*tg.InputInvoiceMessage)
	if !ok {
		return nil
	}
	p, err := w.resolvePeer(a, im.Peer)
	if err != nil {
		return nil
	}
	m, err := w.messageIn(a, p, im.MsgID)
	if err != nil || m.media == nil || m.media.paid == nil {
		return nil
	}
	return &payForm{id: w.randomInt64(), user: a.id, paid: m.media.paid, peer: p, msgID: im.MsgID}
}

// buyPaidMedia pays form f of paid media for the person a (under w.mu): BALANCE_TOO_LOW,
// PAID_MEDIA_ALREADY_PAID... as Telegram names them; the answer is the person's
// payments.paymentResult.
func (w *World) buyPaidMedia(a *account, f *payForm) (tg.PaymentsPaymentResultClass, error) {
	p := f.paid
	if a.id == p.owner || p.buyers[a.id] {
		return nil, rpcErr(400, "PAID_MEDIA_ALREADY_PAID")
	}
	_, charge := w.randomSlug()
	t := starsTx{id: "teletest-paid-" + charge, amount: p.stars, title: "Paid media", payload: []byte(p.payload)}
	if err := w.moveStars(a.id, p.owner, t); err != nil {
		return nil, err
	}
	now := w.now()
	p.buyers[a.id] = true
	if owner := w.users[p.owner]; owner != nil && owner.bot {
		r := &refs{}
		r.add(UserPeer(a.id))
		u := w.appendNumbered(&owner.box.qlog, &owner.qts, 1, now, func(qts int32) tg.UpdateClass {
			return &tg.UpdateBotPurchasedPaidMedia{UserID: a.id, Payload: p.payload, Qts: qts}
		}, r.order)
		w.push(owner.id, KeyID{}, w.longUpdates(owner.id, []tg.UpdateClass{u}, r, now))
	}
	var r refs
	r.add(f.peer)
	u := &tg.UpdateMessageExtendedMedia{Peer: peerTG(f.peer), MsgID: f.msgID, ExtendedMedia: w.extendedMedia(a.id, p)}
	return &tg.PaymentsPaymentResult{Updates: w.longUpdates(a.id, []tg.UpdateClass{u}, &r, now)}, nil
}
