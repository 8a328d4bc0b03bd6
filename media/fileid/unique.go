package fileid

import "fmt"

// UniqueType is the kind of file a unique id names, its first field.
type UniqueType int32

// Unique id types, numbered as TDLib numbers them.
const (
	UniqueWeb UniqueType = iota
	UniquePhoto
	UniqueDocument
	UniqueSecure
	UniqueEncrypted
	UniqueTemp
)

// UniquePhotoKind says how a photo unique id names its file.
type UniquePhotoKind uint8

const (
	// UniqueBySize names a photo by ID and SubType: the size (see ThumbSizeOf) or, for a
	// profile photo, 0 small and 1 big.
	UniqueBySize UniquePhotoKind = iota
	// UniqueByVolume names an old photo by VolumeID and LocalID.
	UniqueByVolume
	// UniqueByStickerSet names a sticker set thumbnail by ID (the set) and Version.
	UniqueByStickerSet
)

// Unique is a decoded unique file id. It names a file the same way for every account but
// cannot be used to fetch it.
type Unique struct {
	Type UniqueType
	// URL is the address of a web file.
	URL string
	// ID is the document or photo id (the sticker set id for UniqueByStickerSet).
	ID int64
	// Photo, SubType, VolumeID, LocalID and Version describe photo unique ids.
	Photo    UniquePhotoKind
	SubType  byte
	VolumeID int64
	LocalID  int32
	Version  int32
}

// stickerSetMark is the sub-type byte that starts a sticker set thumbnail's unique part.
const stickerSetMark = 2

// thumbSubType is the sub-type byte of a photo size in a unique id.
func thumbSubType(size byte) byte {
	switch size {
	case 'a':
		return 0
	case 'c':
		return 1
	}
	return size + 5
}

// ThumbSizeOf returns the size letter of a UniqueBySize sub-type of a photo (not a profile
// photo).
func ThumbSizeOf(sub byte) byte {
	switch sub {
	case 0:
		return 'a'
	case 1:
		return 'c'
	}
	return sub - 5
}

// UniqueID returns the unique file id of l. Legacy photos named by a secret alone and sticker
// set thumbnails without a version have none (ErrConvert), as in TDLib.
func UniqueID(l Location) (string, error) {
	if err := l.check(); err != nil {
		return "", err
	}
	var body, packed [64]byte
	b := body[:0]
	if l.Web {
		b = putInt32(b, int32(UniqueWeb))
		b = putBytes(b, []byte(l.URL))
		return encodeString(rleEncode(packed[:0], b))
	}
	switch l.Type.class() {
	case classPhoto:
		b = putInt32(b, int32(UniquePhoto))
		s := l.Source
		switch s.Kind {
		case SourceThumbnail:
			b = putInt64(b, l.ID)
			b = append(b, thumbSubType(s.ThumbSize))
		case SourceChatPhotoSmall, SourceChatPhotoBig:
			b = putInt64(b, l.ID)
			b = append(b, byte(s.Kind-SourceChatPhotoSmall))
		case SourceFullLegacy, SourceChatPhotoSmallLegacy, SourceChatPhotoBigLegacy, SourceStickerSetThumbLegacy:
			b = putInt64(b, s.VolumeID)
			b = putInt32(b, s.LocalID)
		case SourceStickerSetThumbVersion:
			b = append(b, stickerSetMark)
			b = putInt64(b, s.StickerSetID)
			b = putInt32(b, s.StickerSetVersion)
		default:
			return "", fmt.Errorf("%w: photo size source %d has no unique id", ErrConvert, int32(s.Kind))
		}
	case classDocument:
		b = putInt32(b, int32(UniqueDocument))
		b = putInt64(b, l.ID)
	case classSecure:
		b = putInt32(b, int32(UniqueSecure))
		b = putInt64(b, l.ID)
	case classEncrypted:
		b = putInt32(b, int32(UniqueEncrypted))
		b = putInt64(b, l.ID)
	}
	return encodeString(rleEncode(packed[:0], b))
}

// DecodeUnique reads a unique file id. Malformed input fails with ErrInvalid, an unknown type
// with ErrUnsupported.
func DecodeUnique(id string) (Unique, error) {
	raw, err := decodeString(id)
	if err != nil {
		return Unique{}, err
	}
	body, err := rleDecode(raw)
	if err != nil {
		return Unique{}, err
	}
	r := reader{b: body}
	u := Unique{Type: UniqueType(r.int32())}
	if r.err != nil {
		return Unique{}, r.err
	}
	switch u.Type {
	case UniqueWeb:
		u.URL = string(r.bytes())
	case UniquePhoto:
		// The three photo forms differ in length: id and sub-type (9 bytes), volume and
		// local id (12), sticker set mark, id and version (13).
		switch rest := len(body) - r.off; rest {
		case 9:
			u.ID, u.SubType = r.int64(), r.byte()
		case 12:
			u.Photo, u.VolumeID, u.LocalID = UniqueByVolume, r.int64(), r.int32()
		case 13:
			if r.byte() != stickerSetMark {
				return Unique{}, fmt.Errorf("%w: photo unique id of 13 bytes without the sticker set mark", ErrInvalid)
			}
			u.Photo, u.ID, u.Version = UniqueByStickerSet, r.int64(), r.int32()
		default:
			return Unique{}, fmt.Errorf("%w: photo unique id of %d bytes", ErrInvalid, rest)
		}
	case UniqueDocument, UniqueSecure, UniqueEncrypted, UniqueTemp:
		u.ID = r.int64()
	default:
		return Unique{}, fmt.Errorf("%w: unique id type %d", ErrUnsupported, int32(u.Type))
	}
	if err := r.done(); err != nil {
		return Unique{}, err
	}
	return u, nil
}
