package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// MediaKind says what a message's media is, as filters and handlers tell them apart.
type MediaKind uint8

// Media kinds. A document is KindDocument only when it is none of the more specific kinds
// (video, audio, voice, sticker, animation, video note).
const (
	// KindNone is a message without media (a link preview is not media here).
	KindNone MediaKind = iota
	KindPhoto
	KindVideo
	KindVideoNote
	KindAnimation
	KindAudio
	KindVoice
	KindSticker
	KindDocument
	KindContact
	KindLocation
	KindVenue
	KindPoll
	KindDice
	KindGame
	KindWebPage
	KindStory
	KindPaidMedia
	KindInvoice
	// KindOther is media this library does not name yet.
	KindOther
)

var mediaKindNames = [...]string{
	KindNone: "none", KindPhoto: "photo", KindVideo: "video", KindVideoNote: "video note",
	KindAnimation: "animation", KindAudio: "audio", KindVoice: "voice", KindSticker: "sticker",
	KindDocument: "document", KindContact: "contact", KindLocation: "location", KindVenue: "venue",
	KindPoll: "poll", KindDice: "dice", KindGame: "game", KindWebPage: "web page",
	KindStory: "story", KindPaidMedia: "paid media", KindInvoice: "invoice", KindOther: "other",
}

// String returns the kind's name.
func (k MediaKind) String() string {
	if int(k) < len(mediaKindNames) {
		return mediaKindNames[k]
	}
	return "unknown"
}

// MediaKind returns the kind of the message's media; KindNone when it has none. A link
// preview is KindWebPage.
func (m *Message) MediaKind() MediaKind {
	if m == nil {
		return KindNone
	}
	switch md := m.Media.(type) {
	case nil, *tg.MessageMediaEmpty, *tg.MessageMediaUnsupported:
		return KindNone
	case *tg.MessageMediaPhoto:
		return KindPhoto
	case *tg.MessageMediaDocument:
		return documentKind(md)
	case *tg.MessageMediaContact:
		return KindContact
	case *tg.MessageMediaGeo, *tg.MessageMediaGeoLive:
		return KindLocation
	case *tg.MessageMediaVenue:
		return KindVenue
	case *tg.MessageMediaPoll:
		return KindPoll
	case *tg.MessageMediaDice:
		return KindDice
	case *tg.MessageMediaGame:
		return KindGame
	case *tg.MessageMediaWebPage:
		return KindWebPage
	case *tg.MessageMediaStory:
		return KindStory
	case *tg.MessageMediaPaidMedia:
		return KindPaidMedia
	case *tg.MessageMediaInvoice:
		return KindInvoice
	}
	return KindOther
}

// documentKind tells the kinds of document apart by the media's flags and the document's
// attributes.
func documentKind(md *tg.MessageMediaDocument) MediaKind {
	switch {
	case md.Round:
		return KindVideoNote
	case md.Voice:
		return KindVoice
	}
	doc, ok := md.Document.(*tg.Document)
	if !ok || doc == nil {
		return KindDocument
	}
	kind := KindDocument
	for _, a := range doc.Attributes {
		switch a := a.(type) {
		case *tg.DocumentAttributeSticker:
			return KindSticker
		case *tg.DocumentAttributeAnimated:
			return KindAnimation
		case *tg.DocumentAttributeVideo:
			if a.RoundMessage {
				return KindVideoNote
			}
			kind = KindVideo
		case *tg.DocumentAttributeAudio:
			if a.Voice {
				return KindVoice
			}
			kind = KindAudio
		}
	}
	if kind == KindDocument && md.Video {
		kind = KindVideo
	}
	return kind
}
