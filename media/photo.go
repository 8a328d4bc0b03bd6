package media

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MediaLocation returns the file to download for message media: the largest size of a photo,
// the document of a document, web page, game or paid media. nil media fails with ErrMediaNil,
// media without a file (contacts, polls, geo points, ...) with ErrNoDownloadableMedia.
func MediaLocation(m tg.MessageMediaClass) (Location, error) {
	switch m := m.(type) {
	case nil:
		return Location{}, ErrMediaNil
	case *tg.MessageMediaPhoto:
		if m == nil {
			return Location{}, ErrMediaNil
		}
		if m.Photo == nil {
			return Location{}, ErrPhotoNoData
		}
		return PhotoLocation(m.Photo, "")
	case *tg.MessageMediaDocument:
		if m == nil {
			return Location{}, ErrMediaNil
		}
		return DocumentLocation(m.Document)
	case *tg.MessageMediaWebPage:
		if m == nil {
			return Location{}, ErrMediaNil
		}
		if wp, ok := m.Webpage.(*tg.WebPage); ok && wp != nil {
			if _, ok := wp.Document.(*tg.Document); ok {
				return DocumentLocation(wp.Document)
			}
			if wp.Photo != nil {
				return PhotoLocation(wp.Photo, "")
			}
		}
	case *tg.MessageMediaGame:
		if m == nil {
			return Location{}, ErrMediaNil
		}
		if _, ok := m.Game.Document.(*tg.Document); ok {
			return DocumentLocation(m.Game.Document)
		}
		if m.Game.Photo != nil {
			return PhotoLocation(m.Game.Photo, "")
		}
	case *tg.MessageMediaInvoice:
		if m == nil {
			return Location{}, ErrMediaNil
		}
		if em, ok := m.ExtendedMedia.(*tg.MessageExtendedMedia); ok && em != nil {
			return MediaLocation(em.Media)
		}
	}
	return Location{}, ErrNoDownloadableMedia
}

// PhotoLocation returns the location of the size named sizeType of photo p ("" for the best
// size, see BestPhotoSize). A photoEmpty fails with ErrPhotoNoData, a photo without a
// downloadable size with ErrPhotoNoSizes, a missing named size with ErrNoThumb.
func PhotoLocation(p tg.PhotoClass, sizeType string) (Location, error) {
	ph, ok := p.(*tg.Photo)
	if !ok || ph == nil {
		if p == nil {
			return Location{}, ErrMediaNil
		}
		return Location{}, ErrPhotoNoData
	}
	size, ok := pickSize(ph.Sizes, sizeType)
	switch {
	case !ok && sizeType == "":
		return Location{}, ErrPhotoNoSizes
	case !ok:
		return Location{}, fmt.Errorf("%w: photo %d has no size %q", ErrNoThumb, ph.ID, sizeType)
	}
	return Location{
		DC: int(ph.DCID),
		Input: &tg.InputPhotoFileLocation{
			ID: ph.ID, AccessHash: ph.AccessHash, FileReference: ph.FileReference, ThumbSize: sizeTypeOf(size),
		},
		Size: sizeBytes(size),
	}, nil
}

// DocumentLocation returns the location of document d's file. A nil or empty document fails
// with ErrNoDownloadableMedia.
func DocumentLocation(d tg.DocumentClass) (Location, error) {
	doc, ok := d.(*tg.Document)
	if !ok || doc == nil {
		return Location{}, ErrNoDownloadableMedia
	}
	return Location{
		DC:    int(doc.DCID),
		Input: &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference},
		Size:  doc.Size,
	}, nil
}

// ThumbLocation returns the location of a thumbnail of document d: the size named thumbType,
// or the best one for "". A document without thumbnails fails with ErrNoThumb.
func ThumbLocation(d tg.DocumentClass, thumbType string) (Location, error) {
	doc, ok := d.(*tg.Document)
	if !ok || doc == nil {
		return Location{}, ErrNoDownloadableMedia
	}
	size, ok := pickSize(doc.Thumbs, thumbType)
	if !ok {
		return Location{}, fmt.Errorf("%w: document %d, thumb %q", ErrNoThumb, doc.ID, thumbType)
	}
	return Location{
		DC: int(doc.DCID),
		Input: &tg.InputDocumentFileLocation{
			ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference, ThumbSize: sizeTypeOf(size),
		},
		Size: sizeBytes(size),
	}, nil
}

// InlineThumb returns the bytes of a thumbnail sent inside the object itself
// (photoCachedSize), which needs no download, and whether there is one. Stripped and path
// sizes are not returned: they are not image files.
func InlineThumb(sizes []tg.PhotoSizeClass) ([]byte, bool) {
	for _, s := range sizes {
		if c, ok := s.(*tg.PhotoCachedSize); ok && c != nil && len(c.Bytes) > 0 {
			return c.Bytes, true
		}
	}
	return nil, false
}

// BestPhotoSize returns the downloadable size with the most pixels (the largest byte size
// breaking ties): photoSize, photoSizeProgressive or photoCachedSize. Empty, stripped and
// path sizes are skipped: they cannot be fetched with upload.getFile.
func BestPhotoSize(sizes []tg.PhotoSizeClass) (tg.PhotoSizeClass, bool) {
	var best tg.PhotoSizeClass
	var bestArea, bestBytes int64
	for _, s := range sizes {
		_, w, h, n, ok := sizeInfo(s)
		if !ok {
			continue
		}
		area := int64(w) * int64(h)
		if best == nil || area > bestArea || (area == bestArea && n > bestBytes) {
			best, bestArea, bestBytes = s, area, n
		}
	}
	return best, best != nil
}

// pickSize returns the size named typ of sizes, or the best downloadable one for "".
func pickSize(sizes []tg.PhotoSizeClass, typ string) (tg.PhotoSizeClass, bool) {
	if typ == "" {
		return BestPhotoSize(sizes)
	}
	for _, s := range sizes {
		if t, _, _, _, ok := sizeInfo(s); ok && t == typ {
			return s, true
		}
	}
	return nil, false
}

// sizeInfo describes a photo size: its type letter, its dimensions, its file size in bytes
// (0 when unknown) and whether upload.getFile can fetch it (photoSize, photoSizeProgressive,
// photoCachedSize). A nil size, typed or not, is neither named nor downloadable.
func sizeInfo(s tg.PhotoSizeClass) (typ string, w, h int32, n int64, ok bool) {
	switch s := s.(type) {
	case *tg.PhotoSize:
		if s != nil {
			return s.Type, s.W, s.H, int64(s.Size), true
		}
	case *tg.PhotoSizeProgressive:
		if s != nil {
			if k := len(s.Sizes); k > 0 {
				n = int64(s.Sizes[k-1])
			}
			return s.Type, s.W, s.H, n, true
		}
	case *tg.PhotoCachedSize:
		if s != nil {
			return s.Type, s.W, s.H, int64(len(s.Bytes)), true
		}
	case *tg.PhotoStrippedSize:
		if s != nil {
			return s.Type, 0, 0, 0, false
		}
	case *tg.PhotoPathSize:
		if s != nil {
			return s.Type, 0, 0, 0, false
		}
	case *tg.PhotoSizeEmpty:
		if s != nil {
			return s.Type, 0, 0, 0, false
		}
	}
	return "", 0, 0, 0, false
}

func sizeTypeOf(s tg.PhotoSizeClass) string {
	typ, _, _, _, _ := sizeInfo(s)
	return typ
}

// sizeBytes returns the file size of a photo size, 0 when unknown.
func sizeBytes(s tg.PhotoSizeClass) int64 {
	_, _, _, n, _ := sizeInfo(s)
	return n
}
