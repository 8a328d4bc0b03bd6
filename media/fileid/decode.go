package fileid

import "fmt"

// Decode reads a file id of version 2 or 4 (any sub-version up to SubVersion). Malformed
// input fails with an error wrapping ErrInvalid, ids of an unknown version, file type or
// size source with one wrapping ErrUnsupported.
func Decode(id string) (Location, error) {
	raw, err := decodeString(id)
	if err != nil {
		return Location{}, err
	}
	var sub byte
	switch v := raw[len(raw)-1]; v {
	case versionOld:
		raw = raw[:len(raw)-1]
	case Version:
		if len(raw) < 2 {
			return Location{}, fmt.Errorf("%w: no sub-version", ErrInvalid)
		}
		sub = raw[len(raw)-2]
		if sub > SubVersion {
			return Location{}, fmt.Errorf("%w: sub-version %d", ErrUnsupported, sub)
		}
		raw = raw[:len(raw)-2]
	default:
		return Location{}, fmt.Errorf("%w: version %d", ErrUnsupported, v)
	}
	body, err := rleDecode(raw)
	if err != nil {
		return Location{}, err
	}
	l, err := decodeBody(body, sub)
	if err == nil && len(id) > MaxLen-canonicalGrowth {
		// Near the limit: the id Encode writes for l (sub-version 58, the current photo
		// layout) may be a few bytes longer than an old one; read only what can be written
		// back and read again.
		if _, err := Encode(l); err != nil {
			return Location{}, err
		}
	}
	return l, err
}

// canonicalGrowth bounds, in characters, how much longer Encode's id of a decoded location
// can be than the id it was decoded from (a sub-version byte, a size source kind and their
// zero runs take a few bytes).
const canonicalGrowth = 32

// decodeBody reads the zero-expanded body of an id of sub-version sub (0 for version 2).
func decodeBody(body []byte, sub byte) (Location, error) {
	r := reader{b: body}
	typ := r.int32()
	dc := r.int32()
	if r.err != nil {
		return Location{}, r.err
	}
	l := Location{Type: Type(typ &^ (webFlag | referenceFlag)), DC: int(dc), Web: typ&webFlag != 0}
	if l.Type < 0 || l.Type >= typeCount {
		return Location{}, fmt.Errorf("%w: file type %d", ErrUnsupported, int32(l.Type))
	}
	if typ&referenceFlag != 0 {
		ref := r.bytes()
		// A reference of one '#' is TDLib's mark for an invalid reference: none.
		if ref != nil && !(len(ref) == 1 && ref[0] == '#') {
			l.FileReference = append([]byte{}, ref...)
		}
	}
	switch {
	case l.Web:
		l.URL = string(r.bytes())
		l.AccessHash = r.int64()
	case l.Type.IsPhoto():
		l.ID = r.int64()
		l.AccessHash = r.int64()
		l.Source = readPhotoSource(&r, sub)
	case l.Type.class() == classDocument, l.Type.class() == classSecure, l.Type.class() == classEncrypted:
		l.ID = r.int64()
		l.AccessHash = r.int64()
	default:
		return Location{}, fmt.Errorf("%w: file type %v has no remote location", ErrUnsupported, l.Type)
	}
	if err := r.done(); err != nil {
		return Location{}, err
	}
	if err := l.check(); err != nil {
		return Location{}, err
	}
	return l, nil
}

// readPhotoSource reads the size source of a photo location in the layout of sub-version
// sub: since 32 the source alone; from 22 a volume id, the source and a local id; before 22
// a volume id, a secret and a local id. The old layouts become the legacy kinds.
func readPhotoSource(r *reader, sub byte) PhotoSource {
	if sub >= 32 {
		return readSource(r)
	}
	volume := r.int64()
	if sub < 22 {
		s := PhotoSource{Kind: SourceFullLegacy, VolumeID: volume, Secret: r.int64()}
		s.LocalID = r.int32()
		return s
	}
	s := readSource(r)
	local := r.int32()
	switch s.Kind {
	case SourceLegacy:
		s = PhotoSource{Kind: SourceFullLegacy, Secret: s.Secret}
	case SourceChatPhotoSmall:
		s.Kind = SourceChatPhotoSmallLegacy
	case SourceChatPhotoBig:
		s.Kind = SourceChatPhotoBigLegacy
	case SourceStickerSetThumb:
		s.Kind = SourceStickerSetThumbLegacy
	case SourceThumbnail:
		return s
	default:
		if r.err == nil {
			r.err = fmt.Errorf("%w: photo size source %d in an old photo location", ErrInvalid, int32(s.Kind))
		}
		return s
	}
	s.VolumeID, s.LocalID = volume, local
	return s
}

// readSource reads a photo size source: its kind, then its fields.
func readSource(r *reader) PhotoSource {
	s := PhotoSource{Kind: SourceKind(r.int32())}
	switch s.Kind {
	case SourceLegacy:
		s.Secret = r.int64()
	case SourceThumbnail:
		s.FileType = Type(r.int32())
		t := r.int32()
		if (t < 0 || t > 255) && r.err == nil {
			r.err = fmt.Errorf("%w: thumbnail size %d", ErrInvalid, t)
		}
		s.ThumbSize = byte(t)
	case SourceChatPhotoSmall, SourceChatPhotoBig:
		s.ChatID = r.int64()
		s.ChatAccessHash = r.int64()
	case SourceStickerSetThumb:
		s.StickerSetID = r.int64()
		s.StickerSetAccessHash = r.int64()
	case SourceFullLegacy:
		s.VolumeID = r.int64()
		s.Secret = r.int64()
		s.LocalID = r.int32()
	case SourceChatPhotoSmallLegacy, SourceChatPhotoBigLegacy:
		s.ChatID = r.int64()
		s.ChatAccessHash = r.int64()
		s.VolumeID = r.int64()
		s.LocalID = r.int32()
	case SourceStickerSetThumbLegacy:
		s.StickerSetID = r.int64()
		s.StickerSetAccessHash = r.int64()
		s.VolumeID = r.int64()
		s.LocalID = r.int32()
	case SourceStickerSetThumbVersion:
		s.StickerSetID = r.int64()
		s.StickerSetAccessHash = r.int64()
		s.StickerSetVersion = r.int32()
	default:
		if r.err == nil {
			r.err = fmt.Errorf("%w: photo size source %d", ErrUnsupported, int32(s.Kind))
		}
	}
	return s
}
