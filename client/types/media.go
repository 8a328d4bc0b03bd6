package types

import (
	"context"
	"io"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MediaAPI is what the download methods of Message need from the client that created it; API
// includes it.
type MediaAPI interface {
	// DownloadMessage writes the media of m to w.
	DownloadMessage(ctx context.Context, m *Message, w io.Writer, opts ...media.Option) (int64, error)
	// DownloadMessageToFile downloads the media of m to path, resuming path+".part".
	DownloadMessageToFile(ctx context.Context, m *Message, path string, opts ...media.Option) (int64, error)
}

func (m *Message) mediaAPI() (MediaAPI, error) {
	if m == nil || m.api == nil {
		return nil, ErrContextNoClient
	}
	return m.api, nil
}

// Download writes the message's media (the largest photo size, the document) to w and returns
// the bytes written. An expired file reference is refreshed by fetching the message again. A
// message without media fails with the client's ErrContextNoMedia.
func (m *Message) Download(ctx context.Context, w io.Writer, opts ...media.Option) (int64, error) {
	api, err := m.mediaAPI()
	if err != nil {
		return 0, err
	}
	return api.DownloadMessage(ctx, m, w, opts...)
}

// DownloadToFile downloads the message's media to path, resuming path+".part" when a former
// attempt left one.
func (m *Message) DownloadToFile(ctx context.Context, path string, opts ...media.Option) (int64, error) {
	api, err := m.mediaAPI()
	if err != nil {
		return 0, err
	}
	return api.DownloadMessageToFile(ctx, m, path, opts...)
}

// Media is the typed media of a message: *Photo, *Video, *Animation, *Audio, *Voice,
// *VideoNote, *Sticker, *Document, *Contact, *Location, *Venue, *Poll, *Dice, *Game,
// *Invoice, *Giveaway, *GiveawayWinners, *WebPage, *Story, *PaidMedia, or *OtherMedia for
// media this library does not type yet. The kinds with a file embed File (FileID,
// FileUniqueID, FileSize).
type Media interface {
	// Kind says what the media is.
	Kind() MediaKind
}

// NewMedia types message media md, with the users and chats in e; chat and msgID are the
// message's (polls keep them). It returns nil for nil, messageMediaEmpty and
// messageMediaUnsupported.
func NewMedia(md tg.MessageMediaClass, chat *Chat, msgID int, e Entities) Media {
	return newMedia(md, chat, msgID, e)
}

func newMedia(md tg.MessageMediaClass, chat *Chat, msgID int, e Entities) Media {
	switch md := md.(type) {
	case nil, *tg.MessageMediaEmpty, *tg.MessageMediaUnsupported:
		return nil
	case *tg.MessageMediaPhoto:
		return newPhotoMedia(md)
	case *tg.MessageMediaDocument:
		return newDocumentMessageMedia(md)
	case *tg.MessageMediaContact:
		return &Contact{PhoneNumber: md.PhoneNumber, FirstName: md.FirstName, LastName: md.LastName, UserID: md.UserID, VCard: md.Vcard}
	case *tg.MessageMediaGeo:
		l := newLocation(md.Geo)
		return &l
	case *tg.MessageMediaGeoLive:
		l := newLocation(md.Geo)
		l.LivePeriod, l.Heading, l.ProximityAlertRadius = int(md.Period), int(md.Heading.Value), int(md.ProximityNotificationRadius.Value)
		return &l
	case *tg.MessageMediaVenue:
		return &Venue{Location: newLocation(md.Geo), Title: md.Title, Address: md.Address, Provider: md.Provider, ID: md.VenueID, Type: md.VenueType}
	case *tg.MessageMediaPoll:
		return newPollMedia(md, chat, msgID)
	case *tg.MessageMediaDice:
		return &Dice{Emoji: md.Emoticon, Value: int(md.Value)}
	case *tg.MessageMediaGame:
		return newGame(&md.Game)
	case *tg.MessageMediaInvoice:
		return newInvoice(md)
	case *tg.MessageMediaGiveaway:
		return newGiveaway(md, e)
	case *tg.MessageMediaGiveawayResults:
		return newGiveawayWinners(md, e)
	case *tg.MessageMediaWebPage:
		return newWebPage(md)
	case *tg.MessageMediaStory:
		return &Story{Chat: e.Chat(md.Peer), Story: md.Story, ID: int(md.ID), ViaMention: md.ViaMention}
	case *tg.MessageMediaPaidMedia:
		return newPaidMedia(md)
	}
	return &OtherMedia{Raw: md}
}

// RawMedia returns the tl/tg media the message was built with, nil if none.
func (m *Message) RawMedia() tg.MessageMediaClass {
	if m == nil {
		return nil
	}
	if r, ok := m.Raw().(*tg.Message); ok && r != nil {
		return r.Media
	}
	return nil
}

// FileOf returns the File of media with a file (photos, every document kind, web files of
// invoices); nil for the others.
func FileOf(md Media) *File {
	switch md := md.(type) {
	case *Photo:
		return &md.File
	case *Invoice:
		if md.Photo != nil {
			return &md.Photo.File
		}
		return nil
	}
	if d := documentOf(md); d != nil {
		return &d.File
	}
	return nil
}
