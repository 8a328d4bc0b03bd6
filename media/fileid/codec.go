package fileid

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// putInt32, putInt64 and putBytes append the little-endian fields of an id to b. They are
// functions rather than methods of a writer so that b can live on the caller's stack.
func putInt32(b []byte, v int32) []byte { return binary.LittleEndian.AppendUint32(b, uint32(v)) }
func putInt64(b []byte, v int64) []byte { return binary.LittleEndian.AppendUint64(b, uint64(v)) }

// putBytes appends p as a TL byte string: a one-byte length (or 254 and three bytes of
// length), the bytes, zero padding to a multiple of four.
func putBytes(b, p []byte) []byte {
	start := len(b)
	if n := len(p); n < 254 {
		b = append(b, byte(n))
	} else {
		b = append(b, 254, byte(n), byte(n>>8), byte(n>>16))
	}
	b = append(b, p...)
	for (len(b)-start)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// reader reads the fields of an id; the first failure sticks in err and later reads return
// zero values.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = fmt.Errorf("%w: truncated at byte %d", ErrInvalid, r.off)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) int32() int32 {
	if p := r.take(4); p != nil {
		return int32(binary.LittleEndian.Uint32(p))
	}
	return 0
}

func (r *reader) int64() int64 {
	if p := r.take(8); p != nil {
		return int64(binary.LittleEndian.Uint64(p))
	}
	return 0
}

func (r *reader) byte() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

// bytes reads a TL byte string (see writer.bytes); the result aliases the reader's buffer.
func (r *reader) bytes() []byte {
	start := r.off
	n := int(r.byte())
	if n == 254 {
		p := r.take(3)
		if p == nil {
			return nil
		}
		n = int(p[0]) | int(p[1])<<8 | int(p[2])<<16
	} else if n == 255 {
		if r.err == nil {
			r.err = fmt.Errorf("%w: byte string length marker 255 at byte %d", ErrInvalid, start)
		}
		return nil
	}
	b := r.take(n)
	r.take((4 - (r.off-start)%4) % 4)
	return b
}

// done fails when bytes are left after the last field.
func (r *reader) done() error {
	if r.err == nil && r.off != len(r.b) {
		r.err = fmt.Errorf("%w: %d bytes after the last field", ErrInvalid, len(r.b)-r.off)
	}
	return r.err
}

// rleEncode appends b to dst with every run of zero bytes written as a zero and the run's
// length (runs longer than 255 split).
func rleEncode(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		if b[i] != 0 {
			dst = append(dst, b[i])
			i++
			continue
		}
		n := 0
		for i < len(b) && b[i] == 0 && n < 255 {
			n++
			i++
		}
		dst = append(dst, 0, byte(n))
	}
	return dst
}

// rleDecode expands the zero runs of b, failing once the result would pass maxRaw bytes.
func rleDecode(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
		} else {
			if i+1 == len(b) {
				return nil, fmt.Errorf("%w: zero run without a length", ErrInvalid)
			}
			i++
			for n := int(b[i]); n > 0; n-- {
				out = append(out, 0)
			}
		}
		if len(out) > maxRaw {
			return nil, fmt.Errorf("%w: longer than %d bytes", ErrInvalid, maxRaw)
		}
	}
	return out, nil
}

// encodeString is the base64 form of an id: URL-safe alphabet, no padding. An id longer than
// MaxLen fails with ErrInvalid, since decodeString would refuse it.
func encodeString(b []byte) (string, error) {
	var buf [192]byte
	n := base64.RawURLEncoding.EncodedLen(len(b))
	if n > MaxLen {
		return "", fmt.Errorf("%w: the id would have %d characters, more than %d", ErrInvalid, n, MaxLen)
	}
	if n > len(buf) {
		return base64.RawURLEncoding.EncodeToString(b), nil
	}
	base64.RawURLEncoding.Encode(buf[:n], b)
	return string(buf[:n]), nil
}

// decodeString reads the base64 form of an id, with or without padding.
func decodeString(s string) ([]byte, error) {
	if len(s) > MaxLen {
		return nil, fmt.Errorf("%w: %d characters, more than %d", ErrInvalid, len(s), MaxLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInvalid)
	}
	return b, nil
}
