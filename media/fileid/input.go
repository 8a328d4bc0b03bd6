package fileid

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Bot API chat ids: basic groups are the negated chat id, channels -1000000000000 minus the
// channel id.
const (
	channelBase = 1_000_000_000_000
	maxChatID   = 999_999_999_999
)

// InputPeer returns the peer a Bot API chat id names, with accessHash for users and
// channels.
func InputPeer(chatID, accessHash int64) (tg.InputPeerClass, error) {
	switch {
	case chatID > 0:
		return &tg.InputPeerUser{UserID: chatID, AccessHash: accessHash}, nil
	case chatID < 0 && chatID >= -maxChatID: // not -chatID: math.MinInt64 has no negation
		return &tg.InputPeerChat{ChatID: -chatID}, nil
	case chatID < -channelBase && -channelBase-chatID <= maxChatID:
		return &tg.InputPeerChannel{ChannelID: -channelBase - chatID, AccessHash: accessHash}, nil
	}
	return nil, fmt.Errorf("%w: chat id %d names no user, group or channel", ErrConvert, chatID)
}

// InputFileLocation returns the location upload.getFile takes for l: a document or photo
// (size), a document thumbnail, a profile photo, a sticker set thumbnail, an encrypted or
// secure file. Web files (see InputWebFileLocation) and photos named by a secret alone fail
// with ErrConvert.
func (l Location) InputFileLocation() (tg.InputFileLocationClass, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if l.Web {
		return nil, fmt.Errorf("%w: a web file has no input file location", ErrConvert)
	}
	switch l.Type.class() {
	case classEncrypted:
		return &tg.InputEncryptedFileLocation{ID: l.ID, AccessHash: l.AccessHash}, nil
	case classSecure:
		return &tg.InputSecureFileLocation{ID: l.ID, AccessHash: l.AccessHash}, nil
	case classDocument:
		return &tg.InputDocumentFileLocation{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference()}, nil
	}
	s := l.Source
	if chat, big := s.isChatPhoto(); chat {
		peer, err := InputPeer(s.ChatID, s.ChatAccessHash)
		if err != nil {
			return nil, err
		}
		return &tg.InputPeerPhotoFileLocation{Big: big, Peer: peer, PhotoID: l.ID}, nil
	}
	if s.isStickerSet() {
		set := &tg.InputStickerSetID{ID: s.StickerSetID, AccessHash: s.StickerSetAccessHash}
		return &tg.InputStickerSetThumb{Stickerset: set, ThumbVersion: s.StickerSetVersion}, nil
	}
	switch s.Kind {
	case SourceThumbnail:
		size := string([]byte{s.ThumbSize})
		if l.Type == TypeThumbnail || l.Type == TypeEncryptedThumbnail {
			return &tg.InputDocumentFileLocation{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference(), ThumbSize: size}, nil
		}
		return &tg.InputPhotoFileLocation{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference(), ThumbSize: size}, nil
	case SourceFullLegacy:
		return &tg.InputPhotoLegacyFileLocation{
			ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference(),
			VolumeID: s.VolumeID, LocalID: s.LocalID, Secret: s.Secret,
		}, nil
	}
	return nil, fmt.Errorf("%w: photo size source %d has no input file location", ErrConvert, int32(s.Kind))
}

// reference is the file reference to send: never nil, as TL byte strings have no absent
// value.
func (l Location) reference() []byte {
	if l.FileReference == nil {
		return []byte{}
	}
	return l.FileReference
}

// InputWebFileLocation returns the location upload.getWebFile takes for a web file.
func (l Location) InputWebFileLocation() (*tg.InputWebFileLocation, error) {
	if !l.Web {
		return nil, fmt.Errorf("%w: a %v is not a web file", ErrConvert, l.Type)
	}
	return &tg.InputWebFileLocation{URL: l.URL, AccessHash: l.AccessHash}, nil
}

// InputDocument returns the document l names, to send it again. Photos, web, secure and
// encrypted files fail with ErrConvert.
func (l Location) InputDocument() (*tg.InputDocument, error) {
	if l.Web || l.Type.class() != classDocument {
		return nil, fmt.Errorf("%w: a %v is not a document", ErrConvert, l.kindName())
	}
	return &tg.InputDocument{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference()}, nil
}

// InputPhoto returns the photo l names, to send it again. Only photos (not profile photos,
// document thumbnails or sticker set thumbnails) convert; the rest fail with ErrConvert.
func (l Location) InputPhoto() (*tg.InputPhoto, error) {
	switch {
	case l.Web || !l.Type.IsPhoto() || l.Type == TypeThumbnail || l.Type == TypeProfilePhoto:
		return nil, fmt.Errorf("%w: a %v is not a photo", ErrConvert, l.kindName())
	}
	return &tg.InputPhoto{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.reference()}, nil
}

// InputMedia returns the media to send l again: inputMediaPhoto for photos, inputMediaDocument
// for documents of every kind (the document's attributes keep its kind), inputMediaPhotoExternal
// or inputMediaDocumentExternal for web files.
func (l Location) InputMedia() (tg.InputMediaClass, error) {
	if l.Web {
		if l.Type.IsPhoto() {
			return &tg.InputMediaPhotoExternal{URL: l.URL}, nil
		}
		return &tg.InputMediaDocumentExternal{URL: l.URL}, nil
	}
	if p, err := l.InputPhoto(); err == nil {
		return &tg.InputMediaPhoto{ID: p}, nil
	}
	d, err := l.InputDocument()
	if err != nil {
		return nil, err
	}
	return &tg.InputMediaDocument{ID: d}, nil
}

// MediaLocation returns l as the media package downloads it: its data center and input file
// location (size unknown).
func (l Location) MediaLocation() (media.Location, error) {
	in, err := l.InputFileLocation()
	if err != nil {
		return media.Location{}, err
	}
	return media.Location{DC: l.DC, Input: in}, nil
}

func (l Location) kindName() string {
	if l.Web {
		return "web file"
	}
	return l.Type.String()
}
