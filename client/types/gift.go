package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Gift is a star gift: one of the catalogue (Client.GetStarGiftOptions) or, upgraded, a
// unique collectible (Unique, with Slug and Num).
type Gift struct {
	// ID is the catalogue gift's id (for a unique gift, the id of the gift it came from is
	// GiftID and ID is the collectible's).
	ID, GiftID int64
	Title      string
	// Stars is the price; ConvertStars what the receiver gets converting it; UpgradeStars
	// what an upgrade costs (0: it cannot be upgraded).
	Stars, ConvertStars, UpgradeStars int64
	// Limited gifts have Total copies of which Remains are left; SoldOut when none are.
	Limited, SoldOut bool
	Remains, Total   int
	// Unique gifts: the slug (t.me/nft/<slug>), the number, the owner and the resale price
	// in Stars (0: not for sale).
	Unique      bool
	Slug        string
	Num         int
	Owner       *Chat
	ResalePrice int64
	// Attributes are a unique gift's looks (model, pattern, backdrop).
	Attributes []*GiftAttribute
	Raw        tg.StarGiftClass
}

// NewGift types a star gift; nil for nil or a kind this package does not know.
func NewGift(g tg.StarGiftClass, e Entities) *Gift {
	switch g := g.(type) {
	case *tg.StarGift:
		if g == nil {
			return nil
		}
		return &Gift{
			ID: g.ID, GiftID: g.ID, Title: g.Title.Value, Stars: g.Stars, ConvertStars: g.ConvertStars,
			UpgradeStars: g.UpgradeStars.Value, Limited: g.Limited, SoldOut: g.SoldOut,
			Remains: int(g.AvailabilityRemains.Value), Total: int(g.AvailabilityTotal.Value), Raw: g,
		}
	case *tg.StarGiftUnique:
		if g == nil {
			return nil
		}
		out := &Gift{
			ID: g.ID, GiftID: g.GiftID, Title: g.Title, Unique: true, Slug: g.Slug, Num: int(g.Num),
			Total: int(g.AvailabilityTotal), Raw: g,
		}
		if g.OwnerID != nil {
			out.Owner = e.Chat(g.OwnerID)
		}
		for _, a := range g.ResellAmount {
			if s, ok := a.(*tg.StarsAmount); ok {
				out.ResalePrice = s.Amount
			}
		}
		for _, a := range g.Attributes {
			if ga := NewGiftAttribute(a); ga != nil {
				out.Attributes = append(out.Attributes, ga)
			}
		}
		return out
	}
	return nil
}

// GiftAttribute is one look of a unique gift.
type GiftAttribute struct {
	// Kind is "model", "pattern", "backdrop" or "original_details".
	Kind string
	Name string
	// RarityPermille is how many of 1000 upgrades get it (0 when not given).
	RarityPermille int
	Raw            tg.StarGiftAttributeClass
}

// NewGiftAttribute types a star gift attribute; nil for nil or an unknown kind.
func NewGiftAttribute(a tg.StarGiftAttributeClass) *GiftAttribute {
	rarity := func(r tg.StarGiftAttributeRarityClass) int {
		if r, ok := r.(*tg.StarGiftAttributeRarity); ok {
			return int(r.Permille)
		}
		return 0
	}
	switch a := a.(type) {
	case *tg.StarGiftAttributeModel:
		return &GiftAttribute{Kind: "model", Name: a.Name, RarityPermille: rarity(a.Rarity), Raw: a}
	case *tg.StarGiftAttributePattern:
		return &GiftAttribute{Kind: "pattern", Name: a.Name, RarityPermille: rarity(a.Rarity), Raw: a}
	case *tg.StarGiftAttributeBackdrop:
		return &GiftAttribute{Kind: "backdrop", Name: a.Name, RarityPermille: rarity(a.Rarity), Raw: a}
	case *tg.StarGiftAttributeOriginalDetails:
		return &GiftAttribute{Kind: "original_details", Raw: a}
	}
	return nil
}

// SavedGift is a gift a user or channel received, as Client.GetSavedGifts lists them.
type SavedGift struct {
	Gift *Gift
	// From is who sent it; nil when the sender hid its name from the account (NameHidden).
	From       *User
	NameHidden bool
	// Text is the message sent with the gift.
	Text     string
	Entities []tg.MessageEntityClass
	Date     time.Time
	// Hidden gifts are not shown on the profile; Pinned ones are shown first.
	Hidden, Pinned bool
	// CanUpgrade: it can be upgraded to a unique gift; UpgradePrepaid: the sender paid the
	// upgrade, so it is free. PrepaidUpgradeHash lets anybody pay it (PrepayGiftUpgrade).
	CanUpgrade, UpgradePrepaid bool
	PrepaidUpgradeHash         string
	// ConvertStars is what converting it pays (seen by the owner).
	ConvertStars int64
	// MessageID is the service message of a user's gift; SavedID names a channel's gift.
	MessageID int
	SavedID   int64
	// Ref names the gift in the gift methods (ShowGift, ConvertGift, UpgradeGift, ...);
	// nil when the listing did not say enough to name it.
	Ref tg.InputSavedStarGiftClass
	Raw *tg.SavedStarGift
}

// NewSavedGift types a saved star gift of owner (the input peer used to list it).
func NewSavedGift(g *tg.SavedStarGift, owner tg.InputPeerClass, e Entities) *SavedGift {
	if g == nil {
		return nil
	}
	out := &SavedGift{
		Gift: NewGift(g.Gift, e), NameHidden: g.NameHidden, Date: unix(g.Date), Hidden: g.Unsaved,
		Pinned: g.PinnedToTop, CanUpgrade: g.CanUpgrade, UpgradePrepaid: g.UpgradeStars.Set,
		PrepaidUpgradeHash: g.PrepaidUpgradeHash.Value, ConvertStars: g.ConvertStars.Value,
		MessageID: int(g.MsgID.Value), SavedID: g.SavedID.Value, Raw: g,
	}
	if p, ok := g.FromID.(*tg.PeerUser); ok {
		out.From = e.userOrID(p.UserID)
	}
	if g.Message != nil {
		out.Text, out.Entities = g.Message.Text, g.Message.Entities
	}
	switch {
	case g.SavedID.Set && owner != nil:
		out.Ref = &tg.InputSavedStarGiftChat{Peer: owner, SavedID: g.SavedID.Value}
	case g.MsgID.Set:
		out.Ref = &tg.InputSavedStarGiftUser{MsgID: g.MsgID.Value}
	case out.Gift != nil && out.Gift.Slug != "":
		out.Ref = &tg.InputSavedStarGiftSlug{Slug: out.Gift.Slug}
	}
	return out
}

// GiftValue is what a unique gift is worth, as Client.GetGiftValue returns it.
type GiftValue struct {
	// Currency and Value: the estimated value in the currency's smallest units.
	Currency string
	Value    int64
	// InitialSaleStars and InitialSalePrice (in Currency) are the first sale's; the last
	// resale's are LastSalePrice and LastSaleDate (zero when it was never resold).
	InitialSaleDate  time.Time
	InitialSaleStars int64
	InitialSalePrice int64
	LastSaleDate     time.Time
	LastSalePrice    int64
	// FloorPrice and AveragePrice of the gifts of its kind on sale; ListedCount of them.
	FloorPrice, AveragePrice int64
	ListedCount              int
	Raw                      *tg.PaymentsUniqueStarGiftValueInfo
}

// NewGiftValue types payments.uniqueStarGiftValueInfo; nil for nil.
func NewGiftValue(v *tg.PaymentsUniqueStarGiftValueInfo) *GiftValue {
	if v == nil {
		return nil
	}
	return &GiftValue{
		Currency: v.Currency, Value: v.Value, InitialSaleDate: unix(v.InitialSaleDate),
		InitialSaleStars: v.InitialSaleStars, InitialSalePrice: v.InitialSalePrice,
		LastSaleDate: unix(v.LastSaleDate.Value), LastSalePrice: v.LastSalePrice.Value,
		FloorPrice: v.FloorPrice.Value, AveragePrice: v.AveragePrice.Value, ListedCount: int(v.ListedCount.Value), Raw: v,
	}
}
