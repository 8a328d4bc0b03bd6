package types

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
	KindGiveaway
	// KindOther is media this library does not name yet.
	KindOther
)

var mediaKindNames = [...]string{
	KindNone: "none", KindPhoto: "photo", KindVideo: "video", KindVideoNote: "video note",
	KindAnimation: "animation", KindAudio: "audio", KindVoice: "voice", KindSticker: "sticker",
	KindDocument: "document", KindContact: "contact", KindLocation: "location", KindVenue: "venue",
	KindPoll: "poll", KindDice: "dice", KindGame: "game", KindWebPage: "web page",
	KindStory: "story", KindPaidMedia: "paid media", KindInvoice: "invoice",
	KindGiveaway: "giveaway", KindOther: "other",
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
	if m == nil || m.Media == nil {
		return KindNone
	}
	return m.Media.Kind()
}
