package mtgo

import (
	"encoding/binary"
	"math"
	"unicode/utf16"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Conversions between the secret layer's objects (tl/e2e) and their twins of the main API
// (tl/tg), both ways. A constructor id names one definition across Telegram's schemas, so most
// values convert by their bytes (retypeTL); the few pairs whose constructors differ (the main
// API changed them after the secret layer copied them) are the explicit cases below, each
// written next to its reverse: entities (blockquote, mention name), document attributes
// (sticker, video) and sticker sets inside them. A value without a twin is left out.

// retypeTL re-reads v in another schema: decode must take v's bytes whole. b is scratch
// space, reused by the caller across values.
func retypeTL[T any](b *tl.Buffer, v tl.Encoder, decode func(*tl.Buffer) (T, error)) (T, bool) {
	var zero T
	b.Reset()
	if v == nil || v.Encode(b) != nil {
		return zero, false
	}
	var r tl.Buffer
	r.ResetTo(b.Raw())
	out, err := decode(&r)
	if err != nil || r.Len() != 0 {
		return zero, false
	}
	return out, true
}

// convertAll converts each of in with one, leaving out the values without a twin; nil for
// none.
func convertAll[S, T any](in []S, one func(*tl.Buffer, S) (T, bool)) []T {
	var (
		out []T
		b   tl.Buffer
	)
	for _, v := range in {
		if t, ok := one(&b, v); ok {
			out = append(out, t)
		}
	}
	return out
}

// secretEntities converts message entities to the secret layer's (secretEntity).
func secretEntities(ents []tg.MessageEntityClass) []e2e.MessageEntityClass {
	return convertAll(ents, secretEntity)
}

// plainEntities converts a peer's secret layer entities of text to the main API's
// (plainEntity), leaving out the ones that do not lie in text: a negative offset, a length
// below 1, or an end past text's length in UTF-16 units. Its work is linear in the text and
// the entities.
func plainEntities(text string, ents []e2e.MessageEntityClass) []tg.MessageEntityClass {
	var n16 int64
	for _, r := range text {
		n16 += int64(max(utf16.RuneLen(r), 1)) // an invalid rune is read as U+FFFD: one unit
	}
	return convertAll(ents, func(b *tl.Buffer, e e2e.MessageEntityClass) (tg.MessageEntityClass, bool) {
		off, n := e2eSpan(b, e)
		if off < 0 || n < 1 || int64(off)+int64(n) > n16 {
			return nil, false
		}
		return plainEntity(b, e)
	})
}

// e2eSpan returns the offset and length of a secret layer entity: every MessageEntity of the
// end-to-end schema starts with offset:int length:int (tl/schema/secret.tl), read from its
// bytes after the constructor id; a value that does not encode has length 0. b is scratch.
func e2eSpan(b *tl.Buffer, e e2e.MessageEntityClass) (off, n int32) {
	b.Reset()
	if e == nil || e.Encode(b) != nil || b.Len() < 12 {
		return 0, 0
	}
	raw := b.Raw()
	return int32(binary.LittleEndian.Uint32(raw[4:])), int32(binary.LittleEndian.Uint32(raw[8:]))
}

// secretEntity is e in the secret layer. A mention of a user (by id, or by input user once
// resolved) goes as messageEntityMentionName with the id in 32 bits: ids past them are left
// out, as are the kinds the layer lacks (a collapsed blockquote loses its flag).
func secretEntity(b *tl.Buffer, e tg.MessageEntityClass) (e2e.MessageEntityClass, bool) {
	switch e := e.(type) {
	case *tg.MessageEntityBlockquote:
		return &e2e.MessageEntityBlockquote{Offset: e.Offset, Length: e.Length}, true
	case *tg.MessageEntityMentionName:
		return secretMention(e.Offset, e.Length, e.UserID)
	case *tg.InputMessageEntityMentionName:
		if u, ok := e.UserID.(*tg.InputUser); ok {
			return secretMention(e.Offset, e.Length, u.UserID)
		}
		return nil, false
	}
	return retypeTL(b, e, e2e.DecodeMessageEntityClass)
}

// plainEntity is the twin of a peer's entity e (secretEntity's reverse); a mention of a
// user id below 1 is left out.
func plainEntity(b *tl.Buffer, e e2e.MessageEntityClass) (tg.MessageEntityClass, bool) {
	switch e := e.(type) {
	case *e2e.MessageEntityBlockquote:
		return &tg.MessageEntityBlockquote{Offset: e.Offset, Length: e.Length}, true
	case *e2e.MessageEntityMentionName:
		if e.UserID < 1 {
			return nil, false
		}
		return &tg.MessageEntityMentionName{Offset: e.Offset, Length: e.Length, UserID: int64(e.UserID)}, true
	}
	return retypeTL(b, e, tg.DecodeMessageEntityClass)
}

func secretMention(offset, length int32, userID int64) (e2e.MessageEntityClass, bool) {
	if userID < 1 || userID > math.MaxInt32 {
		return nil, false
	}
	return &e2e.MessageEntityMentionName{Offset: offset, Length: length, UserID: int32(userID)}, true
}

// secretAttribute is a document attribute in the secret layer: a sticker keeps its set by
// short name only (the layer has no set ids), a video's duration goes in whole seconds.
func secretAttribute(b *tl.Buffer, a tg.DocumentAttributeClass) (e2e.DocumentAttributeClass, bool) {
	switch a := a.(type) {
	case *tg.DocumentAttributeSticker:
		set, ok := retypeTL(b, a.Stickerset, e2e.DecodeInputStickerSetClass)
		if !ok {
			set = &e2e.InputStickerSetEmpty{}
		}
		return &e2e.DocumentAttributeSticker{Alt: a.Alt, Stickerset: set}, true
	case *tg.DocumentAttributeVideo:
		return &e2e.DocumentAttributeVideo{RoundMessage: a.RoundMessage, Duration: wire32(int64(math.Round(a.Duration))), W: a.W, H: a.H}, true
	}
	return retypeTL(b, a, e2e.DecodeDocumentAttributeClass)
}

// plainAttribute is the twin of a peer's document attribute (secretAttribute's reverse).
func plainAttribute(b *tl.Buffer, a e2e.DocumentAttributeClass) (tg.DocumentAttributeClass, bool) {
	switch a := a.(type) {
	case *e2e.DocumentAttributeSticker:
		set, ok := retypeTL(b, a.Stickerset, tg.DecodeInputStickerSetClass)
		if !ok {
			set = &tg.InputStickerSetEmpty{}
		}
		return &tg.DocumentAttributeSticker{Alt: a.Alt, Stickerset: set}, true
	case *e2e.DocumentAttributeVideo:
		return &tg.DocumentAttributeVideo{RoundMessage: a.RoundMessage, Duration: float64(a.Duration), W: a.W, H: a.H}, true
	}
	return retypeTL(b, a, tg.DecodeDocumentAttributeClass)
}
