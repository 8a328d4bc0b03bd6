package fileid

import "fmt"

// Encode returns the file id of l: version 4, sub-version 58, as the Bot API writes them.
// A location whose fields do not fit together (an unknown type, a size source of another
// file type) fails with ErrInvalid or ErrUnsupported, one whose id would be longer than
// MaxLen (a URL or file reference of kilobytes) with ErrInvalid: Decode could not read it.
func Encode(l Location) (string, error) {
	if err := l.check(); err != nil {
		return "", err
	}
	// Ids of documents and photos fit the stack buffers; the string is the one allocation.
	var body, packed [128]byte
	b := body[:0]
	typ := int32(l.Type)
	if l.Web {
		typ |= webFlag
	}
	if l.FileReference != nil {
		typ |= referenceFlag
	}
	b = putInt32(b, typ)
	b = putInt32(b, int32(l.DC))
	if l.FileReference != nil {
		b = putBytes(b, l.FileReference)
	}
	switch {
	case l.Web:
		b = putBytes(b, []byte(l.URL))
		b = putInt64(b, l.AccessHash)
	case l.Type.IsPhoto():
		b = putInt64(b, l.ID)
		b = putInt64(b, l.AccessHash)
		b = appendSource(b, l.Source)
	default:
		b = putInt64(b, l.ID)
		b = putInt64(b, l.AccessHash)
	}
	out := rleEncode(packed[:0], b)
	out = append(out, SubVersion, Version)
	return encodeString(out)
}

// appendSource appends a photo size source in the current layout: its kind, then its fields.
func appendSource(b []byte, s PhotoSource) []byte {
	b = putInt32(b, int32(s.Kind))
	switch s.Kind {
	case SourceLegacy:
		b = putInt64(b, s.Secret)
	case SourceThumbnail:
		b = putInt32(b, int32(s.FileType))
		b = putInt32(b, int32(s.ThumbSize))
	case SourceChatPhotoSmall, SourceChatPhotoBig:
		b = putInt64(b, s.ChatID)
		b = putInt64(b, s.ChatAccessHash)
	case SourceStickerSetThumb:
		b = putInt64(b, s.StickerSetID)
		b = putInt64(b, s.StickerSetAccessHash)
	case SourceFullLegacy:
		b = putInt64(b, s.VolumeID)
		b = putInt64(b, s.Secret)
		b = putInt32(b, s.LocalID)
	case SourceChatPhotoSmallLegacy, SourceChatPhotoBigLegacy:
		b = putInt64(b, s.ChatID)
		b = putInt64(b, s.ChatAccessHash)
		b = putInt64(b, s.VolumeID)
		b = putInt32(b, s.LocalID)
	case SourceStickerSetThumbLegacy:
		b = putInt64(b, s.StickerSetID)
		b = putInt64(b, s.StickerSetAccessHash)
		b = putInt64(b, s.VolumeID)
		b = putInt32(b, s.LocalID)
	case SourceStickerSetThumbVersion:
		b = putInt64(b, s.StickerSetID)
		b = putInt64(b, s.StickerSetAccessHash)
		b = putInt32(b, s.StickerSetVersion)
	}
	return b
}

// MustEncode is Encode for locations known to be valid (built by the From functions); it
// returns "" instead of failing.
func MustEncode(l Location) string {
	s, _ := Encode(l)
	return s
}

// String returns the file id of l, or a description of why it has none.
func (l Location) String() string {
	s, err := Encode(l)
	if err != nil {
		return fmt.Sprintf("fileid(%v)", err)
	}
	return s
}
