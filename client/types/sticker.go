package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// StickerType is the kind of sticker.
type StickerType uint8

// Sticker types.
const (
	StickerRegular StickerType = iota
	StickerMask
	StickerCustomEmoji
)

// Sticker is a sticker or a custom emoji.
type Sticker struct {
	Document
	// Type tells regular stickers, masks and custom emoji apart.
	Type StickerType
	// Width and Height are in pixels.
	Width, Height int
	// Emoji is the emoji the sticker stands for.
	Emoji string
	// IsAnimated is true for Lottie (.tgs) stickers, IsVideo for WebM ones.
	IsAnimated, IsVideo bool
	// SetID and SetAccessHash name the sticker set, SetName its short name (when the
	// document says it); zero when the sticker belongs to no set.
	SetID, SetAccessHash int64
	SetName              string
	// CustomEmojiID is the document id of a custom emoji, 0 for stickers.
	CustomEmojiID int64
	// FreeCustomEmoji is true for custom emoji usable without Premium; TextColor for those
	// painted in the text's colour.
	FreeCustomEmoji, TextColor bool
}

// Kind returns KindSticker.
func (*Sticker) Kind() MediaKind { return KindSticker }

// NewSticker builds a Sticker from a document; nil when d is not a sticker or custom emoji.
func NewSticker(d tg.DocumentClass) *Sticker {
	s, _ := NewDocumentMedia(d).(*Sticker)
	return s
}

func newSticker(base Document, a *docAttrs) *Sticker {
	s := &Sticker{Document: base}
	var set tg.InputStickerSetClass
	switch {
	case a.emoji != nil:
		s.Type, s.Emoji, set = StickerCustomEmoji, a.emoji.Alt, a.emoji.Stickerset
		s.CustomEmojiID = base.ID
		s.FreeCustomEmoji, s.TextColor = a.emoji.Free, a.emoji.TextColor
	case a.sticker != nil:
		s.Emoji, set = a.sticker.Alt, a.sticker.Stickerset
		if a.sticker.Mask {
			s.Type = StickerMask
		}
	}
	switch set := set.(type) {
	case *tg.InputStickerSetID:
		s.SetID, s.SetAccessHash = set.ID, set.AccessHash
	case *tg.InputStickerSetShortName:
		s.SetName = set.ShortName
	}
	switch base.MimeType {
	case "application/x-tgsticker":
		s.IsAnimated = true
	case "video/webm":
		s.IsVideo = true
	}
	s.Width, s.Height, _ = a.size()
	return s
}
