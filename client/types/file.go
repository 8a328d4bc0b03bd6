package types

import (
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// File is the downloadable file of a media value (embedded in Photo, Document, Video, ...):
// its Bot API file id and unique file id, made on demand from the location the message
// carried (data center, id, access hash, file reference).
type File struct {
	// FileSize is the size in bytes, 0 when unknown.
	FileSize int64
	loc      fileid.Location
	ok       bool
}

// NewFile returns the File at loc, of size bytes.
func NewFile(loc fileid.Location, size int64) File { return File{FileSize: size, loc: loc, ok: true} }

// HasFile reports whether there is a file (an expired self-destructing photo has none).
func (f *File) HasFile() bool { return f != nil && f.ok }

// FileID returns the Bot API file id: it downloads the file (Client.DownloadByFileID) and
// sends it again (a file id is accepted wherever a media argument is), here and in other
// Bot API compatible libraries. "" when there is no file.
func (f *File) FileID() string {
	if !f.HasFile() {
		return ""
	}
	return fileid.MustEncode(f.loc)
}

// FileUniqueID returns the Bot API unique file id: the same for this file whatever account
// sees it, but unusable to download it. "" when there is no file.
func (f *File) FileUniqueID() string {
	if !f.HasFile() {
		return ""
	}
	s, _ := fileid.UniqueID(f.loc)
	return s
}

// FileLocation returns the decoded file id; false when there is no file.
func (f *File) FileLocation() (fileid.Location, bool) {
	if !f.HasFile() {
		return fileid.Location{}, false
	}
	return f.loc, true
}

// DC returns the data center storing the file, 0 when there is none.
func (f *File) DC() int {
	if !f.HasFile() {
		return 0
	}
	return f.loc.DC
}

// MediaLocation returns the file as the media package downloads it.
func (f *File) MediaLocation() (media.Location, error) {
	if !f.HasFile() {
		return media.Location{}, media.ErrNoDownloadableMedia
	}
	loc, err := f.loc.MediaLocation()
	loc.Size = f.FileSize
	return loc, err
}

// Thumbnail is one size of a photo, or a thumbnail of a document; each has a file of its own.
type Thumbnail struct {
	File
	// Type is the size letter ("s", "m", "x", "y", "w", ...).
	Type string
	// Width and Height are in pixels.
	Width, Height int
}

// newThumbnails returns the downloadable sizes among sizes (stripped and path sizes are
// inline data, not files); at makes the location of one size.
func newThumbnails(sizes []tg.PhotoSizeClass, at func(size string) fileid.Location) []Thumbnail {
	n := 0
	for _, s := range sizes {
		if _, _, _, _, ok := sizeInfo(s); ok {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Thumbnail, 0, n)
	for _, s := range sizes {
		if typ, w, h, size, ok := sizeInfo(s); ok {
			out = append(out, Thumbnail{File: NewFile(at(typ), size), Type: typ, Width: w, Height: h})
		}
	}
	return out
}

// sizeInfo describes a downloadable photo size; false for inline and empty ones.
func sizeInfo(s tg.PhotoSizeClass) (typ string, w, h int, size int64, ok bool) {
	switch s := s.(type) {
	case *tg.PhotoSize:
		return s.Type, int(s.W), int(s.H), int64(s.Size), s.Type != ""
	case *tg.PhotoSizeProgressive:
		var n int64
		if len(s.Sizes) > 0 {
			n = int64(s.Sizes[len(s.Sizes)-1])
		}
		return s.Type, int(s.W), int(s.H), n, s.Type != ""
	case *tg.PhotoCachedSize:
		return s.Type, int(s.W), int(s.H), int64(len(s.Bytes)), s.Type != ""
	}
	return "", 0, 0, 0, false
}
