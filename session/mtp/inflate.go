package mtp

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/tl"
)

// inflate appends the decompression of a gzip_packed payload to dst, at most max bytes. The
// payload is a gzip stream (RFC 1952) as MTProto specifies, or a zlib stream (RFC 1950),
// which some clients send and Telegram's servers read too. A zlib stream declares no length,
// so it is read through a limit: a payload inflating past max is rejected after max+1 bytes.
func inflate(dst, src []byte, max int) ([]byte, error) {
	if !isZlib(src) {
		return tl.Gunzip(dst, src, max)
	}
	zr, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return dst, fmt.Errorf("zlib header: %w", err)
	}
	defer zr.Close()
	out := bytes.NewBuffer(dst)
	n, err := io.Copy(out, io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return dst, fmt.Errorf("zlib: %w", err)
	}
	if n > int64(max) {
		return dst, fmt.Errorf("%w: zlib stream longer than %d bytes", tl.ErrTooLarge, max)
	}
	return out.Bytes(), nil
}

// isZlib reports whether src starts with a zlib header: deflate with a window of at most
// 32 KiB, and a check value making the first two bytes a multiple of 31. A gzip stream
// starts with 0x1f 0x8b, which is not one.
func isZlib(src []byte) bool {
	return len(src) >= 2 && src[0]&0x0f == 8 && src[0]>>4 <= 7 && (uint16(src[0])<<8|uint16(src[1]))%31 == 0
}
