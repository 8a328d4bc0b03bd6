package fileid

import "fmt"

// Encode returns the file id of l: version 4, sub-version 58, as the Bot API writes them.
// A location whose fields do not fit together (an unknown type, a size source of another
// file type) fails with ErrInvalid or ErrUnsupported.
func Encode(l Location) (string, error) {
	if err := l.check(); err != nil {
		return "", err
	}
	w := writer{b: make([]byte, 0, 64+len(l.FileReference)+len(l.URL))}
	typ := int32(l.Type)
	if l.Web {
		typ |= webFlag
	}
	if l.FileReference != nil {
		typ |= referenceFlag
	}
	w.int32(typ)
	w.int32(int32(l.DC))
	if l.FileReference != nil {
		w.bytes(l.FileReference)
	}
	switch {
	case l.Web:
		w.bytes([]byte(l.URL))
		w.int64(l.AccessHash)
	case l.Type.IsPhoto():
		w.int64(l.ID)
		w.int64(l.AccessHash)
		writeSource(&w, l.Source)
	default:
		w.int64(l.ID)
		w.int64(l.AccessHash)
	}
	out := rleEncode(make([]byte, 0, len(w.b)+2), w.b)
	out = append(out, SubVersion, Version)
	return encodeString(out), nil
}

// writeSource writes a photo size source in the current layout: its kind, then its fields.
func writeSource(w *writer, s PhotoSource) {
	w.int32(int32(s.Kind))
	switch s.Kind {
	case SourceLegacy:
		w.int64(s.Secret)
	case SourceThumbnail:
		w.int32(int32(s.FileType))
		w.int32(int32(s.ThumbSize))
	case SourceChatPhotoSmall, SourceChatPhotoBig:
		w.int64(s.ChatID)
		w.int64(s.ChatAccessHash)
	case SourceStickerSetThumb:
		w.int64(s.StickerSetID)
		w.int64(s.StickerSetAccessHash)
	case SourceFullLegacy:
		w.int64(s.VolumeID)
		w.int64(s.Secret)
		w.int32(s.LocalID)
	case SourceChatPhotoSmallLegacy, SourceChatPhotoBigLegacy:
		w.int64(s.ChatID)
		w.int64(s.ChatAccessHash)
		w.int64(s.VolumeID)
		w.int32(s.LocalID)
	case SourceStickerSetThumbLegacy:
		w.int64(s.StickerSetID)
		w.int64(s.StickerSetAccessHash)
		w.int64(s.VolumeID)
		w.int32(s.LocalID)
	case SourceStickerSetThumbVersion:
		w.int64(s.StickerSetID)
		w.int64(s.StickerSetAccessHash)
		w.int32(s.StickerSetVersion)
	}
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
