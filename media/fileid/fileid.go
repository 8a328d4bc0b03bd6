package fileid

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrInvalid reports a file id or unique id that is not well formed: bad base64, a
	// truncated or overlong body, a field out of range, a size source that does not fit the
	// file type.
	ErrInvalid = errors.New("fileid: invalid file id")
	// ErrUnsupported reports a well-formed id of a version, file type or photo size source
	// this package does not know.
	ErrUnsupported = errors.New("fileid: unsupported file id")
	// ErrConvert reports a location that has no tl/tg form of the requested kind (a web file
	// as an InputDocument, a document as an InputPhoto, ...).
	ErrConvert = errors.New("fileid: location cannot be converted")
)

// MaxLen is the longest file id or unique id Decode and DecodeUnique read, in characters.
// Real ids are under 200 characters; web file ids carry their URL.
const MaxLen = 8192

// maxRaw bounds the decoded (zero-expanded) body of an id, so that a short string of zero
// runs cannot make Decode allocate much.
const maxRaw = 3 * MaxLen / 4 * 2

// Version numbers written at the end of a file id.
const (
	// Version is the persistent id version Encode writes.
	Version = 4
	// SubVersion is the sub-version Encode writes (TDLib's current one).
	SubVersion = 58
	// versionOld is the version of ids without a sub-version byte.
	versionOld = 2
)

// Flags or-ed into the file type of an id.
const (
	webFlag       = 1 << 24
	referenceFlag = 1 << 25
)

// Type is TDLib's file type, the first field of a file id.
type Type int32

// File types, numbered as TDLib numbers them.
const (
	TypeThumbnail Type = iota
	TypeProfilePhoto
	TypePhoto
	TypeVoice
	TypeVideo
	TypeDocument
	TypeEncrypted
	TypeTemp
	TypeSticker
	TypeAudio
	TypeAnimation
	TypeEncryptedThumbnail
	TypeWallpaper
	TypeVideoNote
	TypeSecureRaw
	TypeSecure
	TypeBackground
	TypeDocumentAsFile
	TypeRingtone
	TypeCallLog
	TypePhotoStory
	TypeVideoStory
	TypeSelfDestructingPhoto
	TypeSelfDestructingVideo
	TypeSelfDestructingVideoNote
	TypeSelfDestructingVoice
	typeCount
)

var typeNames = [...]string{
	"thumbnail", "profile photo", "photo", "voice", "video", "document", "encrypted", "temp",
	"sticker", "audio", "animation", "encrypted thumbnail", "wallpaper", "video note",
	"secure raw", "secure", "background", "document as file", "ringtone", "call log",
	"photo story", "video story", "self-destructing photo", "self-destructing video",
	"self-destructing video note", "self-destructing voice",
}

// String returns the type's name.
func (t Type) String() string {
	if t >= 0 && t < typeCount {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", int32(t))
}

// class is the layout of a type's location.
type class uint8

const (
	classNone class = iota
	classPhoto
	classDocument
	classSecure
	classEncrypted
	classTemp
)

func (t Type) class() class {
	switch t {
	case TypeThumbnail, TypeProfilePhoto, TypePhoto, TypeEncryptedThumbnail, TypeWallpaper,
		TypePhotoStory, TypeSelfDestructingPhoto:
		return classPhoto
	case TypeVoice, TypeVideo, TypeDocument, TypeSticker, TypeAudio, TypeAnimation,
		TypeVideoNote, TypeBackground, TypeDocumentAsFile, TypeRingtone, TypeCallLog,
		TypeVideoStory, TypeSelfDestructingVideo, TypeSelfDestructingVideoNote,
		TypeSelfDestructingVoice:
		return classDocument
	case TypeSecureRaw, TypeSecure:
		return classSecure
	case TypeEncrypted:
		return classEncrypted
	case TypeTemp:
		return classTemp
	}
	return classNone
}

// IsPhoto reports whether locations of type t are photos (an id, an access hash and a
// PhotoSource) rather than documents (an id and an access hash).
func (t Type) IsPhoto() bool { return t.class() == classPhoto }

// SourceKind says which size of which photo a photo location names.
type SourceKind int32

// Photo size sources, numbered as TDLib numbers them. The legacy kinds come from ids
// written before photos lost their volume and local ids; Encode writes them back as they
// were read.
const (
	// SourceLegacy is a photo named by a secret alone (very old ids).
	SourceLegacy SourceKind = iota
	// SourceThumbnail is one size of a photo, or a thumbnail of a document: FileType and
	// ThumbSize.
	SourceThumbnail
	// SourceChatPhotoSmall and SourceChatPhotoBig are the current profile photo of a chat:
	// ChatID and ChatAccessHash.
	SourceChatPhotoSmall
	SourceChatPhotoBig
	// SourceStickerSetThumb is the thumbnail of a sticker set: StickerSetID and
	// StickerSetAccessHash.
	SourceStickerSetThumb
	// SourceFullLegacy is an old photo by VolumeID, LocalID and Secret.
	SourceFullLegacy
	// SourceChatPhotoSmallLegacy and SourceChatPhotoBigLegacy are old profile photos, with
	// VolumeID and LocalID.
	SourceChatPhotoSmallLegacy
	SourceChatPhotoBigLegacy
	// SourceStickerSetThumbLegacy is an old sticker set thumbnail, with VolumeID and LocalID.
	SourceStickerSetThumbLegacy
	// SourceStickerSetThumbVersion is the thumbnail of a sticker set at StickerSetVersion.
	SourceStickerSetThumbVersion
	sourceCount
)

// PhotoSource is the source of a photo location's size. Which fields count depends on Kind.
type PhotoSource struct {
	Kind SourceKind
	// FileType is the type the thumbnail belongs to (TypePhoto for photo sizes,
	// TypeThumbnail for document thumbnails); it equals the location's Type.
	FileType Type
	// ThumbSize is the size letter ('s', 'm', 'x', 'y', 'w', 'a', 'c', 'i', ...).
	ThumbSize byte
	// ChatID is the chat of a profile photo as the Bot API numbers chats: users positive,
	// basic groups negative, channels -100 followed by the channel id.
	ChatID         int64
	ChatAccessHash int64
	// StickerSetID, StickerSetAccessHash and StickerSetVersion name a sticker set thumbnail.
	StickerSetID         int64
	StickerSetAccessHash int64
	StickerSetVersion    int32
	// VolumeID, LocalID and Secret are the old file coordinates of legacy sources.
	VolumeID int64
	LocalID  int32
	Secret   int64
}

// isChatPhoto reports a profile photo source; big tells its size.
func (s PhotoSource) isChatPhoto() (chat, big bool) {
	switch s.Kind {
	case SourceChatPhotoSmall, SourceChatPhotoSmallLegacy:
		return true, false
	case SourceChatPhotoBig, SourceChatPhotoBigLegacy:
		return true, true
	}
	return false, false
}

// isStickerSet reports a sticker set thumbnail source.
func (s PhotoSource) isStickerSet() bool {
	switch s.Kind {
	case SourceStickerSetThumb, SourceStickerSetThumbLegacy, SourceStickerSetThumbVersion:
		return true
	}
	return false
}

// Location is a decoded file id: everything needed to download the file or send it again.
type Location struct {
	// Type is the TDLib file type.
	Type Type
	// DC is the data center storing the file (0 for web files).
	DC int
	// FileReference is the file reference; nil when the id carries none (profile photos,
	// web files, old ids), which differs from an empty one.
	FileReference []byte
	// Web marks a web file, named by URL and AccessHash.
	Web bool
	URL string
	// ID and AccessHash name the document or photo.
	ID         int64
	AccessHash int64
	// Source is the photo size source of photo types (Type.IsPhoto); zero otherwise.
	Source PhotoSource
}

// check reports a location whose fields do not fit together.
func (l *Location) check() error {
	if l.Type < 0 || l.Type >= typeCount {
		return fmt.Errorf("%w: file type %d", ErrUnsupported, int32(l.Type))
	}
	if l.Web {
		return nil
	}
	switch l.Type.class() {
	case classTemp, classNone:
		return fmt.Errorf("%w: file type %v has no remote location", ErrUnsupported, l.Type)
	case classPhoto:
	default:
		return nil
	}
	s := &l.Source
	switch {
	case s.Kind < 0 || s.Kind >= sourceCount:
		return fmt.Errorf("%w: photo size source %d", ErrUnsupported, int32(s.Kind))
	case s.Kind == SourceThumbnail && s.FileType != l.Type:
		return fmt.Errorf("%w: thumbnail of file type %v in a %v id", ErrInvalid, s.FileType, l.Type)
	case s.Kind == SourceThumbnail && l.Type == TypeProfilePhoto:
		return fmt.Errorf("%w: thumbnail source in a profile photo id", ErrInvalid)
	}
	if chat, _ := s.isChatPhoto(); chat && l.Type != TypeProfilePhoto {
		return fmt.Errorf("%w: profile photo source in a %v id", ErrInvalid, l.Type)
	}
	if s.isStickerSet() && l.Type != TypeThumbnail {
		return fmt.Errorf("%w: sticker set thumbnail source in a %v id", ErrInvalid, l.Type)
	}
	if s.LocalID < 0 {
		return fmt.Errorf("%w: negative local id", ErrInvalid)
	}
	return nil
}
