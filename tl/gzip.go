package tl

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Gunzip appends the decompressed gzip stream src to dst. It fails with ErrTooLarge as soon as
// the output would exceed max bytes, so a small hostile payload cannot inflate without bound.
func Gunzip(dst, src []byte, max int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(src))
	if err != nil {
		return dst, fmt.Errorf("tl: gunzip header: %w", err)
	}
	defer zr.Close()
	w := &limitWriter{buf: dst, left: max}
	if _, err := io.Copy(w, zr); err != nil {
		return dst, fmt.Errorf("tl: gunzip: %w", err)
	}
	return w.buf, nil
}

type limitWriter struct {
	buf  []byte
	left int
}

// Write appends p unless that would pass the cap.
func (w *limitWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		return 0, fmt.Errorf("%w: gzip output above cap", ErrTooLarge)
	}
	w.left -= len(p)
	w.buf = append(w.buf, p...)
	return len(p), nil
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
