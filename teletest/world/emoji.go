package world

import (
	"hash/fnv"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Reactions and custom emoji: the catalogue messages.getAvailableReactions answers (made on
// first use, its icons and animations stored files that upload.getFile serves) and the
// custom emoji documents tests add with AddCustomEmoji, which
// messages.getCustomEmojiDocuments answers.

// MaxCustomEmojiIDs is how many document ids one messages.getCustomEmojiDocuments answers;
// later ids are ignored.
const MaxCustomEmojiIDs = 200

// customEmojiSetID names the sticker set every custom emoji added by AddCustomEmoji is in.
const customEmojiSetID = 7700000001

// catalogueReactions are the reactions the world offers, in Telegram's order: the free ones,
// then one that needs Premium.
var catalogueReactions = [...]struct {
	emoticon, title string
	premium         bool
}{
	{"👍", "Thumbs Up", false},
	{"👎", "Thumbs Down", false},
	{"❤", "Red Heart", false},
	{"🔥", "Fire", false},
	{"🎉", "Party Popper", false},
	{"🤩", "Star-Struck", true},
}

// reactionCatalogue is the answer of messages.getAvailableReactions, built once.
type reactionCatalogue struct {
	list []catalogueEntry
	hash int32
}

// catalogueEntry is one reaction with its stored files: a static icon and one animation
// that serves as every animation of the reaction.
type catalogueEntry struct {
	emoticon, title string
	premium         bool
	icon, anim      *file
}

// AvailableReactions answers messages.getAvailableReactions: the catalogue, or
// messages.availableReactionsNotModified when hash is the catalogue's.
func (w *World) AvailableReactions(key KeyID, hash int32) (tg.MessagesAvailableReactionsClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	cat, err := w.reactionCatalogue()
	if err != nil {
		return nil, err
	}
	if hash != 0 && hash == cat.hash {
		return &tg.MessagesAvailableReactionsNotModified{}, nil
	}
	// The documents are rendered afresh, so they carry the files' current references.
	out := make([]tg.AvailableReaction, len(cat.list))
	for i, e := range cat.list {
		anim := e.anim.tgDocument()
		out[i] = tg.AvailableReaction{
			Premium: e.premium, Reaction: e.emoticon, Title: e.title, StaticIcon: e.icon.tgDocument(),
			AppearAnimation: anim, SelectAnimation: anim, ActivateAnimation: anim, EffectAnimation: anim,
		}
	}
	return &tg.MessagesAvailableReactions{Hash: cat.hash, Reactions: out}, nil
}

// reactionCatalogue returns the catalogue, storing its files on first use. Under w.mu.
func (w *World) reactionCatalogue() (*reactionCatalogue, error) {
	if w.reactions != nil {
		return w.reactions, nil
	}
	cat := &reactionCatalogue{}
	h := fnv.New32a()
	sticker := func(data, mime string, side int32, alt string) (*file, error) {
		return w.newFile(0, []byte(data+alt), false, mime, []tg.DocumentAttributeClass{
			&tg.DocumentAttributeImageSize{W: side, H: side},
			&tg.DocumentAttributeSticker{Alt: alt, Stickerset: &tg.InputStickerSetEmpty{}},
		})
	}
	for _, r := range catalogueReactions {
		icon, err := sticker("RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", 100, r.emoticon)
		if err != nil {
			return nil, err
		}
		anim, err := sticker("\x1f\x8btgs ", "application/x-tgsticker", 512, r.emoticon)
		if err != nil {
			return nil, err
		}
		cat.list = append(cat.list, catalogueEntry{emoticon: r.emoticon, title: r.title, premium: r.premium, icon: icon, anim: anim})
		h.Write([]byte(r.emoticon))
		h.Write([]byte{0})
	}
	cat.hash = int32(h.Sum32() | 1) // never 0, which asks for the whole list
	w.reactions = cat
	return cat, nil
}

// CustomEmojiSpec is a custom emoji AddCustomEmoji stores.
type CustomEmojiSpec struct {
	// Alt is the emoji it stands for.
	Alt string
	// Data is the file; empty stores a small placeholder.
	Data []byte
	// MimeType is "image/webp" (static), "application/x-tgsticker" (animated) or
	// "video/webm"; empty means "application/x-tgsticker".
	MimeType string
	// Free marks an emoji usable without Premium, TextColor one painted in the text's colour.
	Free, TextColor bool
}

// AddCustomEmoji stores a custom emoji document (in one world-wide emoji set) and returns its
// document id, the id messageEntityCustomEmoji and reactionCustomEmoji name it by.
func (w *World) AddCustomEmoji(spec CustomEmojiSpec) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	mime := spec.MimeType
	if mime == "" {
		mime = "application/x-tgsticker"
	}
	data := spec.Data
	if len(data) == 0 {
		data = []byte("\x1f\x8btgs " + spec.Alt)
	}
	f, err := w.newFile(0, append([]byte(nil), data...), false, mime, []tg.DocumentAttributeClass{
		&tg.DocumentAttributeCustomEmoji{
			Free: spec.Free, TextColor: spec.TextColor, Alt: spec.Alt,
			Stickerset: &tg.InputStickerSetID{ID: customEmojiSetID, AccessHash: customEmojiSetID ^ 0x5a5a},
		},
		&tg.DocumentAttributeImageSize{W: 100, H: 100},
	})
	if err != nil {
		return 0, err
	}
	return f.id, nil
}

// CustomEmojiDocuments answers messages.getCustomEmojiDocuments: the documents of the ids
// that name custom emoji, in the order asked, each once; other ids are left out (the first
// MaxCustomEmojiIDs ids are looked at).
func (w *World) CustomEmojiDocuments(key KeyID, ids []int64) ([]tg.DocumentClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	ids = ids[:min(len(ids), MaxCustomEmojiIDs)]
	out := make([]tg.DocumentClass, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		f := w.files[id]
		if f == nil || seen[id] || !isCustomEmoji(f) {
			continue
		}
		seen[id] = true
		out = append(out, f.tgDocument())
	}
	return out, nil
}

// isCustomEmoji reports whether f is a custom emoji document.
func isCustomEmoji(f *file) bool {
	for _, a := range f.attrs {
		if _, ok := a.(*tg.DocumentAttributeCustomEmoji); ok {
			return true
		}
	}
	return false
}
