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
	var w writer
	w.b = make([]byte, 0, 24+len(l.URL))
	if l.Web {
		w.int32(int32(UniqueWeb))
		w.bytes([]byte(l.URL))
		return encodeString(rleEncode(nil, w.b)), nil
	}
	switch l.Type.class() {
	case classPhoto:
		w.int32(int32(UniquePhoto))
		s := l.Source
		switch s.Kind {
		case SourceThumbnail:
			w.int64(l.ID)
			w.byte(thumbSubType(s.ThumbSize))
		case SourceChatPhotoSmall, SourceChatPhotoBig:
			w.int64(l.ID)
			w.byte(byte(s.Kind - SourceChatPhotoSmall))
		case SourceFullLegacy, SourceChatPhotoSmallLegacy, SourceChatPhotoBigLegacy, SourceStickerSetThumbLegacy:
			w.int64(s.VolumeID)
			w.int32(s.LocalID)
		case SourceStickerSetThumbVersion:
			w.byte(stickerSetMark)
			w.int64(s.StickerSetID)
			w.int32(s.StickerSetVersion)
		default:
			return "", fmt.Errorf("%w: photo size source %d has no unique id", ErrConvert, int32(s.Kind))
		}
	case classDocument:
		w.int32(int32(UniqueDocument))
		w.int64(l.ID)
	case classSecure:
		w.int32(int32(UniqueSecure))
		w.int64(l.ID)
	case classEncrypted:
		w.int32(int32(UniqueEncrypted))
		w.int64(l.ID)
	}
	return encodeString(rleEncode(nil, w.b)), nil
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
