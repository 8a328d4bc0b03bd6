package media

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fileAnswer decodes an upload.File answer without an allocation per chunk on this side of
// the invoker: when the decoding Buffer aliases long byte strings (tl.Buffer.Aliases, a
// session decoding from a packet read into memory of its own) the chunk stays where it is,
// otherwise it is copied into a reusable buffer. It is the out argument of upload.getFile;
// the generated decoder would allocate a fresh byte slice per chunk.
type fileAnswer struct {
	buf      []byte // destination of a copied chunk, allocated on first use
	limit    int    // the most bytes the answer may carry (0: cap(buf))
	data     []byte // bytes of upload.file, aliasing buf or the answer
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
		if a.data, err = readChunk(b, &a.buf, a.limit, true); err != nil {
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

// cdnAnswer decodes an upload.CdnFile answer into a reusable buffer (always a copy: the
// chunk is decrypted in place).
type cdnAnswer struct {
	buf      []byte // allocated on first use
	limit    int    // 0: cap(buf)
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
		if a.data, err = readChunk(b, &a.buf, a.limit, false); err != nil {
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

// readChunk reads a TL bytes value of at most limit bytes (0: cap(*dst)) without allocating
// more than *dst once. With alias set and a Buffer that aliases a value this long, the result
// is a slice of the Buffer's input; otherwise the value is copied into *dst, which gets limit
// bytes of capacity first if it has less room. A value over the limit fails with
// ErrChunkTooLarge (the server sent more than the limit asked for); a declared length running
// past the input fails before anything is copied.
func readChunk(b *tl.Buffer, dst *[]byte, limit int, alias bool) ([]byte, error) {
	if limit == 0 {
		limit = cap(*dst)
	}
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
	if n > limit {
		return nil, fmt.Errorf("%w: %d bytes, room for %d", ErrChunkTooLarge, n, limit)
	}
	if alias && b.Aliases(n) {
		return b.Bytes()
	}
	if cap(*dst) < n {
		*dst = make([]byte, 0, limit)
	}
	out := append((*dst)[:0], p[head:head+n]...)
	if err := b.Skip(total); err != nil {
		return nil, err
	}
	return out, nil
}
