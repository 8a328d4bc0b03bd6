package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The stories family beyond registerMethods' send, edit, delete and get-by-id: lists, views,
// reactions, pins, links, stealth mode, close friends, and star gifts (payments.*StarGift*,
// the gift invoices of payments.getPaymentForm and payments.sendStarsForm).

// registerStories must run after every family that registers payments.getPaymentForm or
// payments.sendStarsForm: it keeps their handlers for the invoices that are not gifts.
func (d *Dispatcher) registerStories() {
	h := d.handlers
	w := d.w

	h[tg.StoriesSendStoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesSendStoryRequest) (tl.Encoder, error) {
		sd := world.StoryDraft{
			Media: r.Media, Entities: r.Entities, Privacy: r.PrivacyRules, RandomID: r.RandomID,
			Period: r.Period.Value, Pinned: r.Pinned, Noforwards: r.Noforwards, FwdFrom: r.FwdFromID,
			FwdStory: r.FwdFromStory.Value,
		}
		if r.Caption.Set {
			sd.Caption = &r.Caption.Value
		}
		return answer(w.SendStory(c.AuthKeyID, r.Peer, sd))
	})
	h[tg.StoriesGetPeerStoriesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetPeerStoriesRequest) (tl.Encoder, error) {
		return answer(w.PeerStories(c.AuthKeyID, r.Peer))
	})
	h[tg.StoriesGetAllStoriesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetAllStoriesRequest) (tl.Encoder, error) {
		return answer(w.AllStories(c.AuthKeyID, r.Next, r.Hidden, r.State.Value))
	})
	h[tg.StoriesGetPinnedStoriesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetPinnedStoriesRequest) (tl.Encoder, error) {
		return answer(w.PinnedStories(c.AuthKeyID, r.Peer, r.OffsetID, r.Limit))
	})
	h[tg.StoriesGetStoriesArchiveRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetStoriesArchiveRequest) (tl.Encoder, error) {
		return answer(w.StoriesArchive(c.AuthKeyID, r.Peer, r.OffsetID, r.Limit))
	})
	h[tg.StoriesIncrementStoryViewsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesIncrementStoryViewsRequest) (tl.Encoder, error) {
		return done(w.IncrementStoryViews(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.StoriesReadStoriesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesReadStoriesRequest) (tl.Encoder, error) {
		return intVector(w.ReadStories(c.AuthKeyID, r.Peer, r.MaxID))
	})
	h[tg.StoriesGetStoriesViewsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetStoriesViewsRequest) (tl.Encoder, error) {
		return answer(w.StoriesViews(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.StoriesGetStoryViewsListRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetStoryViewsListRequest) (tl.Encoder, error) {
		return answer(w.StoryViewsList(c.AuthKeyID, world.ViewsQuery{
			Peer: r.Peer, ID: r.ID, Q: r.Q.Value, JustContacts: r.JustContacts, ReactionsFirst: r.ReactionsFirst,
			Offset: r.Offset, Limit: r.Limit,
		}))
	})
	h[tg.StoriesSendReactionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesSendReactionRequest) (tl.Encoder, error) {
		return answer(w.SendStoryReaction(c.AuthKeyID, r.Peer, r.StoryID, r.Reaction))
	})
	h[tg.StoriesTogglePinnedRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesTogglePinnedRequest) (tl.Encoder, error) {
		return intVector(w.TogglePinnedStories(c.AuthKeyID, r.Peer, r.ID, r.Pinned))
	})
	h[tg.StoriesTogglePinnedToTopRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesTogglePinnedToTopRequest) (tl.Encoder, error) {
		return done(w.PinStoriesToTop(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.StoriesExportStoryLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesExportStoryLinkRequest) (tl.Encoder, error) {
		return answer(w.ExportStoryLink(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.StoriesActivateStealthModeRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesActivateStealthModeRequest) (tl.Encoder, error) {
		return answer(w.ActivateStealthMode(c.AuthKeyID, r.Past, r.Future))
	})
	h[tg.ContactsEditCloseFriendsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsEditCloseFriendsRequest) (tl.Encoder, error) {
		return done(w.EditCloseFriends(c.AuthKeyID, r.ID))
	})
	h[tg.PremiumGetBoostsListRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PremiumGetBoostsListRequest) (tl.Encoder, error) {
		return answer(w.BoostsList(c.AuthKeyID, r.Peer, r.Gifts, r.Offset, r.Limit))
	})
	d.registerGifts()
}

// intVector answers a Vector<int> result.
func intVector(ids []int32, err error) (tl.Encoder, error) {
	if err != nil {
		return nil, err
	}
	return &tg.IntVector{Elems: ids}, nil
}

func (d *Dispatcher) registerGifts() {
	h := d.handlers
	w := d.w

	h[tg.PaymentsGetStarGiftsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarGiftsRequest) (tl.Encoder, error) {
		return answer(w.StarGifts(c.AuthKeyID, r.Hash))
	})
	h[tg.PaymentsGetStarGiftUpgradeAttributesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarGiftUpgradeAttributesRequest) (tl.Encoder, error) {
		return answer(w.UpgradeAttributes(c.AuthKeyID, r.GiftID))
	})
	h[tg.PaymentsGetSavedStarGiftsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetSavedStarGiftsRequest) (tl.Encoder, error) {
		return answer(w.SavedGifts(c.AuthKeyID, world.SavedGiftsQuery{
			Peer: r.Peer, ExcludeUnsaved: r.ExcludeUnsaved, ExcludeSaved: r.ExcludeSaved,
			ExcludeUnlimited: r.ExcludeUnlimited, ExcludeUniq: r.ExcludeUnique, SortByValue: r.SortByValue,
			Offset: r.Offset, Limit: r.Limit,
		}))
	})
	h[tg.PaymentsGetSavedStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetSavedStarGiftRequest) (tl.Encoder, error) {
		return answer(w.SavedGiftsByID(c.AuthKeyID, r.Stargift))
	})
	h[tg.PaymentsSaveStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsSaveStarGiftRequest) (tl.Encoder, error) {
		return done(w.SaveGift(c.AuthKeyID, r.Stargift, r.Unsave))
	})
	h[tg.PaymentsConvertStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsConvertStarGiftRequest) (tl.Encoder, error) {
		return done(w.ConvertGift(c.AuthKeyID, r.Stargift))
	})
	h[tg.PaymentsUpgradeStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsUpgradeStarGiftRequest) (tl.Encoder, error) {
		return answer(w.UpgradeGift(c.AuthKeyID, r.Stargift))
	})
	h[tg.PaymentsTransferStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsTransferStarGiftRequest) (tl.Encoder, error) {
		return answer(w.TransferGift(c.AuthKeyID, r.Stargift, r.ToID))
	})
	h[tg.PaymentsUpdateStarGiftPriceRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsUpdateStarGiftPriceRequest) (tl.Encoder, error) {
		return done(w.SetResalePrice(c.AuthKeyID, r.Stargift, r.ResellAmount))
	})
	h[tg.PaymentsGetResaleStarGiftsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetResaleStarGiftsRequest) (tl.Encoder, error) {
		return answer(w.ResaleGifts(c.AuthKeyID, r.GiftID, r.SortByPrice, r.Offset, r.Limit))
	})
	h[tg.PaymentsGetUniqueStarGiftRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetUniqueStarGiftRequest) (tl.Encoder, error) {
		return answer(w.UniqueGift(c.AuthKeyID, r.Slug))
	})
	h[tg.PaymentsGetUniqueStarGiftValueInfoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetUniqueStarGiftValueInfoRequest) (tl.Encoder, error) {
		return answer(w.UniqueGiftValue(c.AuthKeyID, r.Slug))
	})
	h[tg.PaymentsToggleStarGiftsPinnedToTopRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsToggleStarGiftsPinnedToTopRequest) (tl.Encoder, error) {
		return done(w.PinGifts(c.AuthKeyID, r.Peer, r.Stargift))
	})
	h[tg.PaymentsGetStarGiftWithdrawalURLRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsGetStarGiftWithdrawalURLRequest) (tl.Encoder, error) {
		url, err := w.GiftWithdrawalURL(c.AuthKeyID, r.Stargift, r.Password)
		if err != nil {
			return nil, err
		}
		return &tg.PaymentsStarGiftWithdrawalURL{URL: url}, nil
	})
	h[tg.PaymentsSendStarGiftOfferRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsSendStarGiftOfferRequest) (tl.Encoder, error) {
		return answer(w.SendGiftOffer(c.AuthKeyID, r.Peer, r.Slug, r.Price, r.Duration, r.RandomID))
	})
	h[tg.PaymentsResolveStarGiftOfferRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PaymentsResolveStarGiftOfferRequest) (tl.Encoder, error) {
		return answer(w.ResolveGiftOffer(c.AuthKeyID, r.OfferMsgID, r.Decline))
	})

	// The gift invoices; any other invoice goes to the handler registered before.
	prevForm, prevPay := h[tg.PaymentsGetPaymentFormRequestTypeID], h[tg.PaymentsSendStarsFormRequestTypeID]
	h[tg.PaymentsGetPaymentFormRequestTypeID] = func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
		if r, ok := req.(*tg.PaymentsGetPaymentFormRequest); ok && world.IsGiftInvoice(r.Invoice) {
			return answer(w.GiftForm(c.AuthKeyID, r.Invoice))
		}
		return orUnknown(prevForm)(ctx, c, req)
	}
	h[tg.PaymentsSendStarsFormRequestTypeID] = func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
		if r, ok := req.(*tg.PaymentsSendStarsFormRequest); ok && world.IsGiftInvoice(r.Invoice) {
			return answer(w.PayGiftForm(c.AuthKeyID, r.FormID))
		}
		return orUnknown(prevPay)(ctx, c, req)
	}
}

// orUnknown is h, or a handler answering INPUT_METHOD_INVALID when there is none.
func orUnknown(h Handler) Handler {
	if h != nil {
		return h
	}
	return func(context.Context, *Caller, tl.Object) (tl.Encoder, error) { return nil, ErrInputMethodInvalid }
}
