package world

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Sticker sets: the sets tests add with AddStickerSet, which messages.getStickerSet answers
// by id or by short name. A set's stickers are stored files (upload.getFile serves them, with
// the file references the answer carries), each with documentAttributeSticker naming its set
// by id, as Telegram's documents do. A secret chat names a sticker's set by short name only
// (the end-to-end layer has no inputStickerSetID), and the receiving client resolves the
// short name with messages.getStickerSet to learn the document's file reference.

// Limits of a sticker set, as Telegram's: a short name of 1 to 64 characters (a letter, then
// letters, digits and underscores), a title of 1 to 64 characters, 1 to 120 stickers.
const (
	MaxStickerSetName     = 64
	MaxStickerSetTitle    = 64
	MaxStickerSetStickers = 120
)

// ErrStickersetInvalid is messages.getStickerSet's answer for a set that does not exist, a
// wrong access hash, or an input set of a kind the world does not model.
var ErrStickersetInvalid = rpcErr(400, "STICKERSET_INVALID")

// errStickerSetSpec reports a StickerSetSpec that AddStickerSet refuses.
var errStickerSetSpec = errors.New("world: sticker set")

// StickerSpec is one sticker of a StickerSetSpec.
type StickerSpec struct {
	// Alt is the emoji the sticker stands for.
	Alt string
	// Data is the file; empty stores a small placeholder.
	Data []byte
	// MimeType is "image/webp" (static), "application/x-tgsticker" (animated) or
	// "video/webm"; empty means "image/webp".
	MimeType string
}

// StickerSetSpec is a sticker set AddStickerSet stores.
type StickerSetSpec struct {
	ShortName, Title string
	Stickers         []StickerSpec
}

// stickerSet is a stored sticker set.
type stickerSet struct {
	id, accessHash   int64
	shortName, title string
	stickers         []*file
	hash             int32
}

// stickerSets are the sets of the world (World.stickerSets): by id and by lower-case short
// name, made on first use.
type stickerSets struct {
	byID   map[int64]*stickerSet
	byName map[string]*stickerSet
	nextID int64
}

// AddStickerSet stores a sticker set and returns how clients name it by id, and the
// document ids of its stickers in order. The short name is unique regardless of case.
func (w *World) AddStickerSet(spec StickerSetSpec) (tg.InputStickerSetID, []int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := checkStickerSetSpec(spec); err != nil {
		return tg.InputStickerSetID{}, nil, err
	}
	ss := &w.stickerSets
	name := strings.ToLower(spec.ShortName)
	if ss.byName[name] != nil {
		return tg.InputStickerSetID{}, nil, fmt.Errorf("%w: short name %q is taken", errStickerSetSpec, spec.ShortName)
	}
	if ss.byID == nil {
		ss.byID, ss.byName, ss.nextID = map[int64]*stickerSet{}, map[string]*stickerSet{}, 7800000000
	}
	ss.nextID++
	set := &stickerSet{id: ss.nextID, accessHash: w.randomInt64(), shortName: spec.ShortName, title: spec.Title}
	input := tg.InputStickerSetID{ID: set.id, AccessHash: set.accessHash}
	h := fnv.New32a()
	ids := make([]int64, 0, len(spec.Stickers))
	for _, st := range spec.Stickers {
		mime, data := st.MimeType, st.Data
		if mime == "" {
			mime = "image/webp"
		}
		if len(data) == 0 {
			data = []byte("RIFF\x00\x00\x00\x00WEBPVP8 " + spec.ShortName + st.Alt)
		}
		in := input
		f, err := w.newFile(0, append([]byte(nil), data...), false, mime, []tg.DocumentAttributeClass{
			&tg.DocumentAttributeImageSize{W: 512, H: 512},
			&tg.DocumentAttributeSticker{Alt: st.Alt, Stickerset: &in},
		})
		if err != nil {
			return tg.InputStickerSetID{}, nil, err
		}
		set.stickers = append(set.stickers, f)
		ids = append(ids, f.id)
		fmt.Fprintf(h, "%d,", f.id)
	}
	set.hash = int32(h.Sum32() | 1) // never 0, which asks for the whole set
	ss.byID[set.id] = set
	ss.byName[name] = set
	return input, ids, nil
}

// checkStickerSetSpec applies Telegram's limits to a set's short name, title and stickers.
func checkStickerSetSpec(spec StickerSetSpec) error {
	name := spec.ShortName
	switch {
	case name == "" || len(name) > MaxStickerSetName:
		return fmt.Errorf("%w: short name of %d bytes, want 1 to %d", errStickerSetSpec, len(name), MaxStickerSetName)
	case !isASCIILetter(name[0]):
		return fmt.Errorf("%w: short name %q does not start with a letter", errStickerSetSpec, name)
	case spec.Title == "" || len([]rune(spec.Title)) > MaxStickerSetTitle:
		return fmt.Errorf("%w: title of %d characters, want 1 to %d", errStickerSetSpec, len([]rune(spec.Title)), MaxStickerSetTitle)
	case len(spec.Stickers) == 0 || len(spec.Stickers) > MaxStickerSetStickers:
		return fmt.Errorf("%w: %d stickers, want 1 to %d", errStickerSetSpec, len(spec.Stickers), MaxStickerSetStickers)
	}
	for i := range len(name) {
		if c := name[i]; !isASCIILetter(c) && (c < '0' || c > '9') && c != '_' {
			return fmt.Errorf("%w: short name %q: only letters, digits and underscores", errStickerSetSpec, name)
		}
	}
	return nil
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// StickerSet answers messages.getStickerSet: the set in, named by id (with its access hash)
// or by short name (any case), with its stickers (rendered afresh: the files' current
// references) and one pack per emoji; messages.stickerSetNotModified when hash is the set's.
// Other kinds of input set (the animated emoji, dice, premium gifts and the like) are not
// modelled: STICKERSET_INVALID, as for an unknown set.
func (w *World) StickerSet(key KeyID, in tg.InputStickerSetClass, hash int32) (tg.MessagesStickerSetClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorized(key); err != nil {
		return nil, err
	}
	var set *stickerSet
	switch in := in.(type) {
	case *tg.InputStickerSetID:
		if s := w.stickerSets.byID[in.ID]; s != nil && s.accessHash == in.AccessHash {
			set = s
		}
	case *tg.InputStickerSetShortName:
		set = w.stickerSets.byName[strings.ToLower(in.ShortName)]
	}
	if set == nil {
		return nil, ErrStickersetInvalid
	}
	if hash != 0 && hash == set.hash {
		return &tg.MessagesStickerSetNotModified{}, nil
	}
	docs := make([]tg.DocumentClass, len(set.stickers))
	var packs []tg.StickerPack
	pack := map[string]int{} // emoji -> index in packs
	for i, f := range set.stickers {
		docs[i] = f.tgDocument()
		alt := stickerAlt(f)
		j, ok := pack[alt]
		if !ok {
			j = len(packs)
			pack[alt] = j
			packs = append(packs, tg.StickerPack{Emoticon: alt})
		}
		packs[j].Documents = append(packs[j].Documents, f.id)
	}
	return &tg.MessagesStickerSet{
		Set: tg.StickerSet{ID: set.id, AccessHash: set.accessHash, Title: set.title, ShortName: set.shortName,
			Count: int32(len(set.stickers)), Hash: set.hash},
		Packs: packs, Keywords: []tg.StickerKeyword{}, Documents: docs,
	}, nil
}

// stickerAlt is the emoji of a sticker file.
func stickerAlt(f *file) string {
	for _, a := range f.attrs {
		if s, ok := a.(*tg.DocumentAttributeSticker); ok {
			return s.Alt
		}
	}
	return ""
}
