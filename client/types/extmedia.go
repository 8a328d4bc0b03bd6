package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Game is a game (sent with SendGame by its bot).
type Game struct {
	ID                      int64
	ShortName, Title, About string
	// Photo is the game's photo, Animation its animation (nil if none).
	Photo     *Photo
	Animation Media
}

// Kind returns KindGame.
func (*Game) Kind() MediaKind { return KindGame }

// Invoice is a request for payment.
type Invoice struct {
	Title, Description string
	// Currency is the ISO 4217 code, TotalAmount the price in the currency's smallest unit.
	Currency    string
	TotalAmount int64
	// StartParameter is the bot's deep-link parameter for the invoice.
	StartParameter string
	// Test marks a test invoice; ShippingAddressRequested one asking for an address.
	Test, ShippingAddressRequested bool
	// ReceiptMessageID is the message with the receipt once paid, 0 before.
	ReceiptMessageID int
	// Photo is the product's picture (a web file), nil if none.
	Photo *WebFile
	// ExtendedMedia is the media a paid invoice unlocks: the media once paid, a
	// *PaidMediaPreview before; nil if none.
	ExtendedMedia Media
}

// Kind returns KindInvoice.
func (*Invoice) Kind() MediaKind { return KindInvoice }

// WebFile is a file Telegram serves from the web on behalf of a bot (invoice photos, inline
// results' thumbnails).
type WebFile struct {
	File
	URL      string
	MimeType string
}

// Giveaway is a giveaway in channels: Quantity winners get Months of Premium or Stars.
type Giveaway struct {
	// Channels are the channels users must follow.
	Channels           []*Chat
	Quantity           int
	Months             int
	Stars              int64
	UntilDate          time.Time
	OnlyNewSubscribers bool
	WinnersAreVisible  bool
	// Countries are the ISO 3166-1 alpha-2 codes of the countries users must be in, nil for
	// everywhere.
	Countries        []string
	PrizeDescription string
}

// Kind returns KindGiveaway.
func (*Giveaway) Kind() MediaKind { return KindGiveaway }

// GiveawayWinners is the result of a giveaway.
type GiveawayWinners struct {
	Chat                *Chat
	GiveawayMessageID   int
	WinnerCount         int
	UnclaimedCount      int
	Winners             []int64
	AdditionalChatCount int
	Months              int
	Stars               int64
	UntilDate           time.Time
	OnlyNewSubscribers  bool
	Refunded            bool
	PrizeDescription    string
}

// Kind returns KindGiveaway.
func (*GiveawayWinners) Kind() MediaKind { return KindGiveaway }

// PaidMedia is media unlocked for Stars.
type PaidMedia struct {
	StarsAmount int64
	// Media are the items: their typed media once paid, *PaidMediaPreview before.
	Media []Media
}

// Kind returns KindPaidMedia.
func (*PaidMedia) Kind() MediaKind { return KindPaidMedia }

// PaidMediaPreview is an item of paid media not bought yet: only its shape is known.
type PaidMediaPreview struct {
	Width, Height int
	Duration      time.Duration
}

// Kind returns KindPaidMedia.
func (*PaidMediaPreview) Kind() MediaKind { return KindPaidMedia }

// OtherMedia is media this library does not type yet; Raw holds it.
type OtherMedia struct {
	Raw tg.MessageMediaClass
}

// Kind returns KindOther.
func (*OtherMedia) Kind() MediaKind { return KindOther }

// Kind returns KindStory.
func (*Story) Kind() MediaKind { return KindStory }

func storyID(s tg.StoryItemClass) int {
	switch s := s.(type) {
	case *tg.StoryItem:
		return int(s.ID)
	case *tg.StoryItemDeleted:
		return int(s.ID)
	case *tg.StoryItemSkipped:
		return int(s.ID)
	}
	return 0
}

func newGame(g *tg.Game) *Game {
	out := &Game{ID: g.ID, ShortName: g.ShortName, Title: g.Title, About: g.Description, Photo: NewPhoto(g.Photo)}
	out.Animation = NewDocumentMedia(g.Document)
	return out
}

func newInvoice(md *tg.MessageMediaInvoice) *Invoice {
	out := &Invoice{
		Title: md.Title, Description: md.Description, Currency: md.Currency, TotalAmount: md.TotalAmount,
		StartParameter: md.StartParam, Test: md.Test, ShippingAddressRequested: md.ShippingAddressRequested,
		ReceiptMessageID: int(md.ReceiptMsgID.Value),
	}
	if w, ok := md.Photo.(*tg.WebDocument); ok && w != nil {
		out.Photo = &WebFile{
			File: NewFile(fileid.FromWeb(fileid.TypePhoto, w.URL, w.AccessHash), int64(w.Size)),
			URL:  w.URL, MimeType: w.MimeType,
		}
	}
	out.ExtendedMedia = newExtendedMedia(md.ExtendedMedia)
	return out
}

func newExtendedMedia(x tg.MessageExtendedMediaClass) Media {
	switch x := x.(type) {
	case *tg.MessageExtendedMedia:
		return newMedia(x.Media, nil, 0, Entities{})
	case *tg.MessageExtendedMediaPreview:
		return &PaidMediaPreview{Width: int(x.W.Value), Height: int(x.H.Value), Duration: time.Duration(x.VideoDuration.Value) * time.Second}
	}
	return nil
}

func newGiveaway(md *tg.MessageMediaGiveaway, e Entities) *Giveaway {
	out := &Giveaway{
		Quantity: int(md.Quantity), Months: int(md.Months.Value), Stars: md.Stars.Value, UntilDate: unix(md.UntilDate),
		OnlyNewSubscribers: md.OnlyNewSubscribers, WinnersAreVisible: md.WinnersAreVisible,
		Countries: md.CountriesIso2, PrizeDescription: md.PrizeDescription.Value,
	}
	out.Channels = make([]*Chat, len(md.Channels))
	for i, id := range md.Channels {
		out.Channels[i] = e.Chat(&tg.PeerChannel{ChannelID: id})
	}
	return out
}

func newGiveawayWinners(md *tg.MessageMediaGiveawayResults, e Entities) *GiveawayWinners {
	return &GiveawayWinners{
		Chat: e.Chat(&tg.PeerChannel{ChannelID: md.ChannelID}), GiveawayMessageID: int(md.LaunchMsgID),
		WinnerCount: int(md.WinnersCount), UnclaimedCount: int(md.UnclaimedCount), Winners: md.Winners,
		AdditionalChatCount: int(md.AdditionalPeersCount.Value), Months: int(md.Months.Value), Stars: md.Stars.Value,
		UntilDate: unix(md.UntilDate), OnlyNewSubscribers: md.OnlyNewSubscribers, Refunded: md.Refunded,
		PrizeDescription: md.PrizeDescription.Value,
	}
}

func newPaidMedia(md *tg.MessageMediaPaidMedia) *PaidMedia {
	out := &PaidMedia{StarsAmount: md.StarsAmount, Media: make([]Media, 0, len(md.ExtendedMedia))}
	for _, x := range md.ExtendedMedia {
		if m := newExtendedMedia(x); m != nil {
			out.Media = append(out.Media, m)
		}
	}
	return out
}
