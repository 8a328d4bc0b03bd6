package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Photo is a photo: its File is the largest size, Sizes lists every downloadable size.
type Photo struct {
	File
	// ID is the photo's id.
	ID int64
	// Width and Height are the largest size's, in pixels.
	Width, Height int
	// Date is when the photo was uploaded.
	Date time.Time
	// HasSpoiler is true for a photo hidden under a spoiler.
	HasSpoiler bool
	// TTLSeconds is the self-destruct timer of a photo in a private chat, 0 if none.
	TTLSeconds int
	// HasStickers is true when stickers were added to the photo.
	HasStickers bool
	// Sizes are the downloadable sizes, in the server's order (smallest first).
	Sizes []Thumbnail
	// Raw is the photo object; nil for an expired self-destructing photo.
	Raw *tg.Photo
}

// Kind returns KindPhoto.
func (*Photo) Kind() MediaKind { return KindPhoto }

// NewPhoto builds a Photo from p; nil for nil input and photoEmpty.
func NewPhoto(p tg.PhotoClass) *Photo {
	ph, ok := p.(*tg.Photo)
	if !ok || ph == nil {
		return nil
	}
	out := &Photo{ID: ph.ID, Date: unix(ph.Date), HasStickers: ph.HasStickers, Raw: ph}
	at := func(size string) fileid.Location { return fileid.FromPhoto(ph, size) }
	out.Sizes = newThumbnails(ph.Sizes, at)
	if best, ok := media.BestPhotoSize(ph.Sizes); ok {
		if typ, w, h, size, ok := sizeInfo(best); ok {
			out.File = NewFile(at(typ), size)
			out.Width, out.Height = w, h
		}
	}
	return out
}

// newPhotoMedia builds the Photo of messageMediaPhoto, with its spoiler and timer.
func newPhotoMedia(md *tg.MessageMediaPhoto) *Photo {
	p := NewPhoto(md.Photo)
	if p == nil {
		p = &Photo{}
	}
	p.HasSpoiler = md.Spoiler
	p.TTLSeconds = int(md.TTLSeconds.Value)
	return p
}
