package types

import "io"

// InputFile is a file to upload from a reader, for the media sending methods (SendPhoto,
// SendDocument, ...): Name is the file name the chat shows (its extension also picks the MIME
// type), Size the byte count, 0 or less when unknown (the upload then reads to EOF).
type InputFile struct {
	Reader io.Reader
	Name   string
	Size   int64
}

// MediaFile is a file with the kind to send it as, for EditMessageMedia, which has no kind of
// its own: File is any media argument the sending methods take (a path, an InputFile, an
// uploaded tg.InputFileClass).
type MediaFile struct {
	Kind MediaKind
	File any
}
