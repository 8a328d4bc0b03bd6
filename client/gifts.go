package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Star gifts: the catalogue, sending, the gifts a user or channel keeps, and what an owner
// does with one (show, hide, pin, convert, upgrade, transfer, resell); gifts are paid in
// Telegram Stars through a Stars payment form.

// ErrGiftAnswer reports a payment answer of a kind the gift methods cannot use (a form that
// is not paid in Stars, a payment that needs verification).
var ErrGiftAnswer = errors.New("mtgo: unexpected gift payment answer")

// ErrGiftRef reports a gift method given no saved gift (a nil reference).
var ErrGiftRef = errors.New("mtgo: no saved gift given")

// GetStarGiftOptions returns the star gift catalogue.
func (c *Client) GetStarGiftOptions(ctx context.Context) ([]*types.Gift, error) {
	gifts, _, err := c.GetStarGiftCatalog(ctx, 0)
	return gifts, err
}

// GetStarGiftCatalog returns the star gift catalogue and its hash; when hash (from an earlier
// call) is still current it returns no gifts and the same hash.
func (c *Client) GetStarGiftCatalog(ctx context.Context, hash int32) ([]*types.Gift, int32, error) {
	var res tg.PaymentsStarGiftsClassBox
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetStarGiftsRequest{Hash: hash}, &res); err != nil {
		return nil, 0, fmt.Errorf("mtgo: get star gifts: %w", err)
	}
	list, ok := res.PaymentsStarGifts.(*tg.PaymentsStarGifts)
	if !ok {
		return nil, hash, nil
	}
	e := types.NewEntities(list.Users, list.Chats)
	out := make([]*types.Gift, 0, len(list.Gifts))
	for _, g := range list.Gifts {
		if gift := types.NewGift(g, e); gift != nil {
			out = append(out, gift)
		}
	}
	return out, list.Hash, nil
}

// GetStarGiftUpgradeOptions returns the looks an upgrade of catalogue gift giftID may get.
func (c *Client) GetStarGiftUpgradeOptions(ctx context.Context, giftID int64) ([]*types.GiftAttribute, error) {
	var res tg.PaymentsStarGiftUpgradeAttributes
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetStarGiftUpgradeAttributesRequest{GiftID: giftID}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get star gift upgrade options: %w", err)
	}
	out := make([]*types.GiftAttribute, 0, len(res.Attributes))
	for _, a := range res.Attributes {
		if ga := types.NewGiftAttribute(a); ga != nil {
			out = append(out, ga)
		}
	}
	return out, nil
}

// GiftOption configures SendGift.
type GiftOption func(*giftParams)

type giftParams struct {
	anonymous, upgrade bool
	text               option.Text
}

// WithGiftAnonymous hides the sender's name from everybody but the receiver.
func WithGiftAnonymous() GiftOption { return func(p *giftParams) { p.anonymous = true } }

// WithGiftUpgrade pays the upgrade to a unique gift too, so the receiver upgrades it for free.
func WithGiftUpgrade() GiftOption { return func(p *giftParams) { p.upgrade = true } }

// WithGiftParseMode reads the gift's text with mode instead of Config.ParseMode.
func WithGiftParseMode(mode int) GiftOption {
	return func(p *giftParams) { p.text.ParseMode, p.text.ParseModeSet = mode, true }
}

// WithGiftEntities sends the gift's text as it is with these entities.
func WithGiftEntities(e []tg.MessageEntityClass) GiftOption {
	return func(p *giftParams) { p.text.Entities, p.text.EntitiesSet = e, true }
}

// SendGift sends catalogue gift giftID to to (a user or a channel, anything ResolvePeer
// accepts) with text (read with Config.ParseMode; "" for none), paid from the account's
// Stars. It returns the gift's service message in the chat with a user; a channel's gift has
// none (nil).
func (c *Client) SendGift(ctx context.Context, to any, giftID int64, text string, opts ...GiftOption) (*types.Message, error) {
	var p giftParams
	for _, o := range opts {
		if o != nil {
			o(&p)
		}
	}
	peer, err := c.ResolvePeer(ctx, to)
	if err != nil {
		return nil, err
	}
	in := &tg.InputInvoiceStarGift{Peer: peer, GiftID: giftID, HideName: p.anonymous, IncludeUpgrade: p.upgrade}
	if text != "" {
		t, ents, err := c.messageText(ctx, text, p.text)
		if err != nil {
			return nil, err
		}
		in.Message = &tg.TextWithEntities{Text: t, Entities: ents}
		if in.Message.Entities == nil {
			in.Message.Entities = []tg.MessageEntityClass{}
		}
	}
	return c.payGift(ctx, "send gift", in)
}

// payGift pays a gift invoice from the account's Stars (payments.getPaymentForm, then
// payments.sendStarsForm) and returns the service message the payment produced, if any.
func (c *Client) payGift(ctx context.Context, what string, in tg.InputInvoiceClass) (*types.Message, error) {
	var form tg.PaymentsPaymentFormClassBox
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetPaymentFormRequest{Invoice: in}, &form); err != nil {
		return nil, fmt.Errorf("mtgo: %s: payment form: %w", what, err)
	}
	var id int64
	switch f := form.PaymentsPaymentForm.(type) {
	case *tg.PaymentsPaymentFormStarGift:
		id = f.FormID
	case *tg.PaymentsPaymentFormStars:
		id = f.FormID
	default:
		return nil, fmt.Errorf("mtgo: %s: a %T is not a Stars form: %w", what, f, ErrGiftAnswer)
	}
	var res tg.PaymentsPaymentResultClassBox
	if err := c.invoker().Invoke(ctx, &tg.PaymentsSendStarsFormRequest{FormID: id, Invoice: in}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: %s: pay: %w", what, err)
	}
	r, ok := res.PaymentsPaymentResult.(*tg.PaymentsPaymentResult)
	if !ok {
		return nil, fmt.Errorf("mtgo: %s: %T: %w", what, res.PaymentsPaymentResult, ErrGiftAnswer)
	}
	return c.serviceMessage(r.Updates), nil
}

// serviceMessage returns the first new service message in u, nil when there is none.
func (c *Client) serviceMessage(u tg.UpdatesClass) *types.Message {
	list, users, chats, _ := updatesParts(u)
	for _, x := range list {
		var m tg.MessageClass
		switch x := x.(type) {
		case *tg.UpdateNewMessage:
			m = x.Message
		case *tg.UpdateNewChannelMessage:
			m = x.Message
		}
		if s, ok := m.(*tg.MessageService); ok && s != nil {
			return types.NewMessage(clientAPI{c: c}, s, types.NewEntities(users, chats))
		}
	}
	return nil
}

// SavedGiftsFilter narrows GetSavedGifts.
type SavedGiftsFilter struct {
	// ExcludeHidden and ExcludeShown leave out the gifts hidden from or shown on the profile;
	// ExcludeUnlimited, ExcludeLimited... leave out kinds of gifts.
	ExcludeHidden, ExcludeShown      bool
	ExcludeUnlimited, ExcludeUnique  bool
	ExcludeUpgradable, ExcludeLocked bool
	// SortByValue lists the most valuable first (else the newest first); pinned ones lead.
	SortByValue bool
}

// GetSavedGifts lists the gifts owner (a user, "me", or a channel) received, up to 100 a
// request (payments.getSavedStarGifts); others than the owner see only the gifts it shows on
// its profile. Breaking out of the loop stops the listing; an error is yielded once and ends
// it.
func (c *Client) GetSavedGifts(ctx context.Context, owner any, filter ...SavedGiftsFilter) iter.Seq2[*types.SavedGift, error] {
	return func(yield func(*types.SavedGift, error) bool) {
		peer, err := c.ResolvePeer(ctx, owner)
		if err != nil {
			yield(nil, err)
			return
		}
		req := &tg.PaymentsGetSavedStarGiftsRequest{Peer: peer, Limit: maxPage}
		for _, f := range filter {
			req.ExcludeUnsaved, req.ExcludeSaved = f.ExcludeHidden, f.ExcludeShown
			req.ExcludeUnlimited, req.ExcludeUnique, req.SortByValue = f.ExcludeUnlimited, f.ExcludeUnique, f.SortByValue
			req.ExcludeUpgradable, req.ExcludeUnupgradable = f.ExcludeUpgradable, f.ExcludeLocked
		}
		for range maxStoryPages {
			var res tg.PaymentsSavedStarGifts
			if err := c.invoker().Invoke(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get saved gifts: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for i := range res.Gifts {
				if !yield(types.NewSavedGift(&res.Gifts[i], peer, e), nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.Gifts) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}

// GetSavedGiftByID returns saved gifts by reference (SavedGift.Ref, or an
// inputSavedStarGift* built by hand).
func (c *Client) GetSavedGiftByID(ctx context.Context, gifts ...tg.InputSavedStarGiftClass) ([]*types.SavedGift, error) {
	if len(gifts) == 0 || gifts[0] == nil {
		return nil, ErrGiftRef
	}
	var res tg.PaymentsSavedStarGifts
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetSavedStarGiftRequest{Stargift: gifts}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get saved gift: %w", err)
	}
	e := types.NewEntities(res.Users, res.Chats)
	out := make([]*types.SavedGift, 0, len(res.Gifts))
	for i := range res.Gifts {
		var owner tg.InputPeerClass
		if i < len(gifts) {
			if ch, ok := gifts[i].(*tg.InputSavedStarGiftChat); ok {
				owner = ch.Peer
			}
		}
		out = append(out, types.NewSavedGift(&res.Gifts[i], owner, e))
	}
	return out, nil
}

// giftBool invokes a gift method answered with a Bool, on a saved gift.
func (c *Client) giftBool(ctx context.Context, what string, gift tg.InputSavedStarGiftClass, req tl.Encoder) error {
	if gift == nil {
		return ErrGiftRef
	}
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}

// ShowGift shows a saved gift on its owner's profile.
func (c *Client) ShowGift(ctx context.Context, gift tg.InputSavedStarGiftClass) error {
	return c.giftBool(ctx, "show gift", gift, &tg.PaymentsSaveStarGiftRequest{Stargift: gift})
}

// HideGift hides a saved gift from its owner's profile.
func (c *Client) HideGift(ctx context.Context, gift tg.InputSavedStarGiftClass) error {
	return c.giftBool(ctx, "hide gift", gift, &tg.PaymentsSaveStarGiftRequest{Stargift: gift, Unsave: true})
}

// ConvertGift trades a received gift for its ConvertStars (once; it then leaves the
// profile).
func (c *Client) ConvertGift(ctx context.Context, gift tg.InputSavedStarGiftClass) error {
	return c.giftBool(ctx, "convert gift", gift, &tg.PaymentsConvertStarGiftRequest{Stargift: gift})
}

// SetGiftResalePrice puts a unique gift on sale for stars Stars, or takes it off sale (0).
func (c *Client) SetGiftResalePrice(ctx context.Context, gift tg.InputSavedStarGiftClass, stars int64) error {
	return c.giftBool(ctx, "set gift resale price", gift, &tg.PaymentsUpdateStarGiftPriceRequest{
		Stargift: gift, ResellAmount: &tg.StarsAmount{Amount: stars},
	})
}

// PinGifts shows gifts of owner (a user, "me", or a channel) first on its profile; the list
// replaces the previous one (none unpins all).
func (c *Client) PinGifts(ctx context.Context, owner any, gifts ...tg.InputSavedStarGiftClass) error {
	peer, err := c.ResolvePeer(ctx, owner)
	if err != nil {
		return err
	}
	if gifts == nil {
		gifts = []tg.InputSavedStarGiftClass{}
	}
	var res tg.BoolBox
	if err := c.invoker().Invoke(ctx, &tg.PaymentsToggleStarGiftsPinnedToTopRequest{Peer: peer, Stargift: gifts}, &res); err != nil {
		return fmt.Errorf("mtgo: pin gifts: %w", err)
	}
	return nil
}

// UpgradeGift turns a saved gift into a unique collectible: free when the sender paid the
// upgrade, else paid from the account's Stars. keepOriginalDetails keeps the sender and text
// on the collectible. It returns the upgrade's service message.
func (c *Client) UpgradeGift(ctx context.Context, gift tg.InputSavedStarGiftClass, keepOriginalDetails bool) (*types.Message, error) {
	if gift == nil {
		return nil, ErrGiftRef
	}
	var res tg.UpdatesClassBox
	err := c.invoker().Invoke(ctx, &tg.PaymentsUpgradeStarGiftRequest{Stargift: gift, KeepOriginalDetails: keepOriginalDetails}, &res)
	switch {
	case err == nil:
		return c.serviceMessage(res.Updates), nil
	case rpcerr.IsType(err, "PAYMENT_REQUIRED"):
		return c.payGift(ctx, "upgrade gift", &tg.InputInvoiceStarGiftUpgrade{Stargift: gift, KeepOriginalDetails: keepOriginalDetails})
	}
	return nil, fmt.Errorf("mtgo: upgrade gift: %w", err)
}

// PrepayGiftUpgrade pays, from the account's Stars, the upgrade of a gift owner received
// (SavedGift.PrepaidUpgradeHash names it) and returns the service message.
func (c *Client) PrepayGiftUpgrade(ctx context.Context, owner any, hash string) (*types.Message, error) {
	peer, err := c.ResolvePeer(ctx, owner)
	if err != nil {
		return nil, err
	}
	return c.payGift(ctx, "prepay gift upgrade", &tg.InputInvoiceStarGiftPrepaidUpgrade{Peer: peer, Hash: hash})
}

// TransferGift gives a unique gift to to (a user or channel): free when Telegram asks
// nothing, else paid from the account's Stars. It returns the transfer's service message.
func (c *Client) TransferGift(ctx context.Context, gift tg.InputSavedStarGiftClass, to any) (*types.Message, error) {
	if gift == nil {
		return nil, ErrGiftRef
	}
	peer, err := c.ResolvePeer(ctx, to)
	if err != nil {
		return nil, err
	}
	var res tg.UpdatesClassBox
	err = c.invoker().Invoke(ctx, &tg.PaymentsTransferStarGiftRequest{Stargift: gift, ToID: peer}, &res)
	switch {
	case err == nil:
		return c.serviceMessage(res.Updates), nil
	case rpcerr.IsType(err, "PAYMENT_REQUIRED"):
		return c.payGift(ctx, "transfer gift", &tg.InputInvoiceStarGiftTransfer{Stargift: gift, ToID: peer})
	}
	return nil, fmt.Errorf("mtgo: transfer gift: %w", err)
}

// GetResaleGifts lists the unique gifts of catalogue gift giftID on sale, cheapest first with
// byPrice (else newest first), up to 100 a request (payments.getResaleStarGifts). Breaking
// out of the loop stops the listing; an error is yielded once and ends it.
func (c *Client) GetResaleGifts(ctx context.Context, giftID int64, byPrice bool) iter.Seq2[*types.Gift, error] {
	return func(yield func(*types.Gift, error) bool) {
		req := &tg.PaymentsGetResaleStarGiftsRequest{GiftID: giftID, SortByPrice: byPrice, Limit: maxPage}
		for range maxStoryPages {
			var res tg.PaymentsResaleStarGifts
			if err := c.invoker().Invoke(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get resale gifts: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for _, g := range res.Gifts {
				if gift := types.NewGift(g, e); gift != nil && !yield(gift, nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.Gifts) == 0 || next == req.Offset {
				return
			}
			req.Offset = next
		}
	}
}

// BuyResaleGift buys the unique gift slug on sale, for to (the account, "me", or another
// user or channel), paid from the account's Stars, and returns the service message.
func (c *Client) BuyResaleGift(ctx context.Context, slug string, to any) (*types.Message, error) {
	peer, err := c.ResolvePeer(ctx, to)
	if err != nil {
		return nil, err
	}
	return c.payGift(ctx, "buy resale gift", &tg.InputInvoiceStarGiftResale{Slug: slug, ToID: peer})
}

// GetUniqueGift returns the unique gift slug (the end of its t.me/nft/ link).
func (c *Client) GetUniqueGift(ctx context.Context, slug string) (*types.Gift, error) {
	var res tg.PaymentsUniqueStarGift
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetUniqueStarGiftRequest{Slug: slug}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get unique gift: %w", err)
	}
	return types.NewGift(res.Gift, types.NewEntities(res.Users, res.Chats)), nil
}

// GetGiftValue returns what the unique gift slug is worth.
func (c *Client) GetGiftValue(ctx context.Context, slug string) (*types.GiftValue, error) {
	var res tg.PaymentsUniqueStarGiftValueInfo
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetUniqueStarGiftValueInfoRequest{Slug: slug}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get gift value: %w", err)
	}
	return types.NewGiftValue(&res), nil
}

// GetGiftWithdrawalURL returns the link that exports a unique gift to the blockchain; the
// account's two-step verification password proves it is the owner.
func (c *Client) GetGiftWithdrawalURL(ctx context.Context, gift tg.InputSavedStarGiftClass, password string) (string, error) {
	if gift == nil {
		return "", ErrGiftRef
	}
	check, err := c.passwordSRP(ctx, password)
	if err != nil {
		return "", fmt.Errorf("mtgo: get gift withdrawal url: %w", err)
	}
	var res tg.PaymentsStarGiftWithdrawalURL
	if err := c.invoker().Invoke(ctx, &tg.PaymentsGetStarGiftWithdrawalURLRequest{Stargift: gift, Password: check}, &res); err != nil {
		return "", fmt.Errorf("mtgo: get gift withdrawal url: %w", err)
	}
	return res.URL, nil
}

// SendGiftOffer offers stars Stars to owner for its unique gift slug, valid for duration
// (whole seconds, rounded down; ErrOutOfRange when negative or past 2^31-1 seconds); the
// offer is a service message in their chat, which it returns.
func (c *Client) SendGiftOffer(ctx context.Context, owner any, slug string, stars int64, duration time.Duration) (*types.Message, error) {
	secs, err := wirenum.Seconds("offer duration", duration, 0, math.MaxInt32)
	if err != nil {
		return nil, fmt.Errorf("mtgo: send gift offer: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, owner)
	if err != nil {
		return nil, err
	}
	req := &tg.PaymentsSendStarGiftOfferRequest{
		Peer: peer, Slug: slug, Price: &tg.StarsAmount{Amount: stars}, Duration: secs, RandomID: randomID(),
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: send gift offer: %w", err)
	}
	return c.serviceMessage(res.Updates), nil
}

// ResolveGiftOffer accepts (the gift goes to the buyer, the Stars to the account) or
// declines the purchase offer in message messageID and returns the service message that
// records it.
func (c *Client) ResolveGiftOffer(ctx context.Context, messageID int, accept bool) (*types.Message, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: resolve gift offer: %w", err)
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, &tg.PaymentsResolveStarGiftOfferRequest{OfferMsgID: id, Decline: !accept}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: resolve gift offer: %w", err)
	}
	return c.serviceMessage(res.Updates), nil
}

// UserGift names the gift a user received in service message messageID, for the gift
// methods. An id no message can have (below 1 or past the wire's 32 bits) fails with
// ErrMessageID: cut to 32 bits, it would name another message's gift.
func UserGift(messageID int) (tg.InputSavedStarGiftClass, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: user gift: %w", err)
	}
	return &tg.InputSavedStarGiftUser{MsgID: id}, nil
}

// UniqueGiftRef names a unique gift by its slug, for the gift methods.
func UniqueGiftRef(slug string) tg.InputSavedStarGiftClass {
	return &tg.InputSavedStarGiftSlug{Slug: slug}
}
