package media

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fileAnswer decodes an upload.File answer straight into a reusable buffer, so a download
// costs no allocation per chunk on this side of the invoker. It is the out argument of
// upload.getFile; the generated decoder would allocate a fresh byte slice per chunk.
type fileAnswer struct {
	buf      []byte // destination; its capacity caps the answer
	data     []byte // bytes of upload.file, aliasing buf
	redirect *tg.UploadFileCdnRedirect
}

// Decode implements tl.Decoder.
func (a *fileAnswer) Decode(b *tl.Buffer) error {
	a.data, a.redirect = nil, nil
	id, err := b.ID()
	if err != nil {
		return b.DecodeErr("upload.File", "", err)
	}
	switch id {
	case tg.UploadFileTypeID:
		if _, err := tg.DecodeStorageFileTypeClass(b); err != nil {
			return b.DecodeErr("upload.file", "type", err)
		}
		if _, err := b.Int32(); err != nil {
			return b.DecodeErr("upload.file", "mtime", err)
		}
		if a.data, err = readBytesInto(b, a.buf); err != nil {
			return b.DecodeErr("upload.file", "bytes", err)
		}
		return nil
	case tg.UploadFileCdnRedirectTypeID:
		r := new(tg.UploadFileCdnRedirect)
		if err := r.DecodeBare(b); err != nil {
			return err
		}
		a.redirect = r
		return nil
	}
	return b.UnexpectedID("upload.File", id)
}

// cdnAnswer decodes an upload.CdnFile answer into a reusable buffer.
type cdnAnswer struct {
	buf      []byte
	data     []byte
	reupload []byte // request_token of upload.cdnFileReuploadNeeded
}

// Decode implements tl.Decoder.
func (a *cdnAnswer) Decode(b *tl.Buffer) error {
	a.data, a.reupload = nil, nil
	id, err := b.ID()
	if err != nil {
		return b.DecodeErr("upload.CdnFile", "", err)
	}
	switch id {
	case tg.UploadCdnFileTypeID:
		if a.data, err = readBytesInto(b, a.buf); err != nil {
			return b.DecodeErr("upload.cdnFile", "bytes", err)
		}
		return nil
	case tg.UploadCdnFileReuploadNeededTypeID:
		tok, err := b.Bytes()
		if err != nil {
			return b.DecodeErr("upload.cdnFileReuploadNeeded", "request_token", err)
		}
		a.reupload = tok
		return nil
	}
	return b.UnexpectedID("upload.CdnFile", id)
}

// readBytesInto reads a TL bytes value into dst[:0] without allocating. A value longer than
// cap(dst) fails with ErrChunkTooLarge (the server sent more than the limit asked for); a
// declared length running past the input fails before anything is copied.
func readBytesInto(b *tl.Buffer, dst []byte) ([]byte, error) {
	p := b.Raw()
	if len(p) < 1 {
		return nil, tl.ErrUnexpectedEOF
	}
	n, head := int(p[0]), 1
	switch {
	case n == 254:
		if len(p) < 4 {
			return nil, tl.ErrUnexpectedEOF
		}
		n, head = int(p[1])|int(p[2])<<8|int(p[3])<<16, 4
	case n == 255:
		return nil, tl.ErrInvalid
	}
	total := (head + n + 3) &^ 3
	if total > len(p) {
		return nil, tl.ErrTooLarge
	}
	if n > cap(dst) {
		return nil, fmt.Errorf("%w: %d bytes, room for %d", ErrChunkTooLarge, n, cap(dst))
	}
	out := append(dst[:0], p[head:head+n]...)
	if err := b.Skip(total); err != nil {
		return nil, err
	}
	return out, nil
}
