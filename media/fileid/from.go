package fileid

import "github.com/mtgo-labs/mtgo/tl/tg"

// FromDocument returns the location of document d as a file of type t (TypeDocument,
// TypeVideo, TypeSticker, ...: the kind the Bot API shows it as).
func FromDocument(d *tg.Document, t Type) Location {
	return Location{Type: t, DC: int(d.DCID), FileReference: ref(d.FileReference), ID: d.ID, AccessHash: d.AccessHash}
}

// FromPhoto returns the location of size (its type letter, "x", "y", ...) of photo p.
func FromPhoto(p *tg.Photo, size string) Location {
	return Location{
		Type: TypePhoto, DC: int(p.DCID), FileReference: ref(p.FileReference), ID: p.ID, AccessHash: p.AccessHash,
		Source: PhotoSource{Kind: SourceThumbnail, FileType: TypePhoto, ThumbSize: sizeLetter(size)},
	}
}

// FromDocumentThumb returns the location of thumbnail size (its type letter) of document d.
func FromDocumentThumb(d *tg.Document, size string) Location {
	return Location{
		Type: TypeThumbnail, DC: int(d.DCID), FileReference: ref(d.FileReference), ID: d.ID, AccessHash: d.AccessHash,
		Source: PhotoSource{Kind: SourceThumbnail, FileType: TypeThumbnail, ThumbSize: sizeLetter(size)},
	}
}

// FromChatPhoto returns the location of the current profile photo photoID (stored in data
// center dc) of a chat, named as the Bot API names chats (users positive, basic groups
// negative, channels -100...), with the chat's access hash; big picks the 640x640 size over
// the 160x160 one.
func FromChatPhoto(chatID, accessHash, photoID int64, dc int, big bool) Location {
	kind := SourceChatPhotoSmall
	if big {
		kind = SourceChatPhotoBig
	}
	return Location{
		Type: TypeProfilePhoto, DC: dc, ID: photoID,
		Source: PhotoSource{Kind: kind, ChatID: chatID, ChatAccessHash: accessHash},
	}
}

// FromStickerSetThumb returns the location of the thumbnail (version version, stored in
// data center dc) of sticker set s.
func FromStickerSetThumb(s *tg.StickerSet, version int32, dc int) Location {
	return Location{
		Type: TypeThumbnail, DC: dc,
		Source: PhotoSource{
			Kind: SourceStickerSetThumbVersion, StickerSetID: s.ID, StickerSetAccessHash: s.AccessHash,
			StickerSetVersion: version,
		},
	}
}

// FromWeb returns the location of a web file (a document of type t served by Telegram from
// url, as inline results and invoices carry them).
func FromWeb(t Type, url string, accessHash int64) Location {
	return Location{Type: t, Web: true, URL: url, AccessHash: accessHash}
}

// ref keeps a present file reference present: Telegram's objects always carry one, even
// empty.
func ref(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func sizeLetter(size string) byte {
	if size == "" {
		return 0
	}
	return size[0]
}
