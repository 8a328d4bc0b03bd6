package types

import (
	"io"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// InputFile is a file to upload from a reader, for the media sending methods (SendPhoto,
// SendDocument, ..., SendMediaGroup): Name is the file name the chat shows (its extension also
// picks the MIME type), Size the byte count, 0 or less when unknown (the upload then reads to
// EOF). Progress, when set, is called after each uploaded part with the bytes done and the
// total (-1 when unknown); it takes precedence over the call's WithProgress.
type InputFile struct {
	Reader   io.Reader
	Name     string
	Size     int64
	Progress func(done, total int64)
}

// MediaFile is a file with the kind to send it as, for EditMessageMedia, which has no kind of
// its own: File is any media argument the sending methods take (a path, an InputFile, an
// uploaded tg.InputFileClass).
type MediaFile struct {
	Kind MediaKind
	File any
}

// FileID is a Bot API file id (as Message media carry and other libraries' bots produce), a
// media argument that sends the file it names again without uploading it.
type FileID string

// AlbumItem is one item of an album (SendMediaGroup): Media is any media argument the
// sending methods take, sent as Kind (photo and video mix; documents and audio only group
// with their own kind); Caption is read with the call's parse mode unless Entities are set.
type AlbumItem struct {
	Kind     MediaKind
	Media    any
	Caption  string
	Entities []tg.MessageEntityClass
	// Spoiler hides the photo or video behind a spoiler animation.
	Spoiler bool
}
