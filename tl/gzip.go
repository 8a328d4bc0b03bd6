package tl

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// maxDeflateRatio bounds how many bytes one compressed byte can inflate to: deflate spends at
// least two bits on a 258-byte match, so no stream expands more than 1032 times.
const maxDeflateRatio = 1032

// gzipOverhead is the size of the smallest gzip member: a 10-byte header and an 8-byte trailer.
const gzipOverhead = 18

// Gunzip appends the decompressed gzip stream src to dst. The output is sized once from the
// length the stream declares in its trailer (ISIZE), which must not exceed max bytes nor what
// the compressed bytes can expand to; a stream longer or shorter than it declares is rejected
// (ErrTooLarge when longer), so a small hostile payload cannot inflate, or make the caller
// allocate, more than max.
func Gunzip(dst, src []byte, max int) ([]byte, error) {
	if len(src) < gzipOverhead {
		return dst, fmt.Errorf("tl: gunzip: %d bytes, shorter than a gzip header and trailer", len(src))
	}
	size := int64(binary.LittleEndian.Uint32(src[len(src)-4:]))
	if size > int64(max) {
		return dst, fmt.Errorf("%w: gzip declares %d bytes, cap %d", ErrTooLarge, size, max)
	}
	if size > int64(len(src))*maxDeflateRatio {
		return dst, fmt.Errorf("%w: gzip declares %d bytes, more than %d compressed bytes can hold", ErrTooLarge, size, len(src))
	}
	zr, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return dst, fmt.Errorf("tl: gunzip header: %w", err)
	}
	defer zr.Close()
	n := len(dst)
	out := dst
	if cap(dst)-n < int(size) {
		// Not slices.Grow: with -race it allocates a zeroed temporary of the same size too.
		out = make([]byte, n, n+int(size))
		copy(out, dst)
	}
	out = out[:n+int(size)]
	if _, err := io.ReadFull(zr, out[n:]); err != nil {
		return dst, fmt.Errorf("tl: gunzip: shorter than the declared %d bytes: %w", size, err)
	}
	// The stream must end here; reading on also checks the CRC and length.
	var extra [1]byte
	switch _, err := io.ReadFull(zr, extra[:]); {
	case err == nil:
		return dst, fmt.Errorf("%w: gzip longer than the declared %d bytes", ErrTooLarge, size)
	case err != io.EOF:
		return dst, fmt.Errorf("tl: gunzip: %w", err)
	}
	return out, nil
}

// Gzip appends the gzip compression of src to dst.
func Gzip(dst, src []byte) ([]byte, error) {
	out := bytes.NewBuffer(dst)
	zw := gzip.NewWriter(out)
	if _, err := zw.Write(src); err != nil {
		return dst, fmt.Errorf("tl: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return dst, fmt.Errorf("tl: gzip: %w", err)
	}
	return out.Bytes(), nil
}
