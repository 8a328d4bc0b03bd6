package tl

import (
	"encoding/binary"
	"math"
)

// ID reads a constructor id.
func (b *Buffer) ID() (uint32, error) { return b.Uint32() }

// PeekID returns the next constructor id without consuming it.
func (b *Buffer) PeekID() (uint32, error) {
	if b.Len() < 4 {
		return 0, ErrUnexpectedEOF
	}
	return binary.LittleEndian.Uint32(b.Buf[b.off:]), nil
}

// ConsumeID reads a constructor id and checks that it equals id.
func (b *Buffer) ConsumeID(id uint32) error {
	got, err := b.Uint32()
	if err != nil {
		return err
	}
	if got != id {
		b.off -= 4
		return ErrUnexpectedID
	}
	return nil
}

// Uint32 reads a 32-bit value.
func (b *Buffer) Uint32() (uint32, error) {
	if b.Len() < 4 {
		return 0, ErrUnexpectedEOF
	}
	v := binary.LittleEndian.Uint32(b.Buf[b.off:])
	b.off += 4
	return v, nil
}

// Int32 reads a TL int.
func (b *Buffer) Int32() (int32, error) {
	v, err := b.Uint32()
	return int32(v), err
}

// Int64 reads a TL long.
func (b *Buffer) Int64() (int64, error) {
	if b.Len() < 8 {
		return 0, ErrUnexpectedEOF
	}
	v := binary.LittleEndian.Uint64(b.Buf[b.off:])
	b.off += 8
	return int64(v), nil
}

// Double reads a TL double.
func (b *Buffer) Double() (float64, error) {
	v, err := b.Int64()
	return math.Float64frombits(uint64(v)), err
}

// Int128 reads a TL int128.
func (b *Buffer) Int128() (Int128, error) {
	var v Int128
	if b.Len() < len(v) {
		return v, ErrUnexpectedEOF
	}
	b.off += copy(v[:], b.Buf[b.off:])
	return v, nil
}

// Int256 reads a TL int256.
func (b *Buffer) Int256() (Int256, error) {
	var v Int256
	if b.Len() < len(v) {
		return v, ErrUnexpectedEOF
	}
	b.off += copy(v[:], b.Buf[b.off:])
	return v, nil
}

// Bool reads a boxed Bool (boolTrue or boolFalse).
func (b *Buffer) Bool() (bool, error) {
	id, err := b.Uint32()
	if err != nil {
		return false, err
	}
	switch id {
	case BoolTrueID:
		return true, nil
	case BoolFalseID:
		return false, nil
	}
	b.off -= 4
	return false, ErrUnexpectedID
}

// stringSpan validates the next TL string or bytes value and returns the offsets of its content.
// The cursor is moved past the value (including padding) only on success. The declared length
// is checked against the bytes left before anything is allocated.
func (b *Buffer) stringSpan() (start, end int, err error) {
	left := b.Len()
	if left < 1 {
		return 0, 0, ErrUnexpectedEOF
	}
	p := b.Buf[b.off:]
	n, head := int(p[0]), 1
	if n == 254 {
		if left < 4 {
			return 0, 0, ErrUnexpectedEOF
		}
		n, head = int(p[1])|int(p[2])<<8|int(p[3])<<16, 4
	} else if n == 255 {
		return 0, 0, ErrInvalid
	}
	total := (head + n + 3) &^ 3
	if total > left {
		return 0, 0, ErrTooLarge
	}
	start = b.off + head
	end = start + n
	b.off += total
	return start, end, nil
}

// String reads a TL string. Decoded strings are copied out of the input into chunks shared
// by the strings of one Buffer, so decoding many short strings costs few allocations and never
// aliases Buf.
func (b *Buffer) String() (string, error) {
	start, end, err := b.stringSpan()
	if err != nil || start == end {
		return "", err
	}
	return b.arena.string(b.Buf[start:end]), nil
}

// Bytes reads a TL bytes value into a newly allocated slice (nil for an empty value is never
// returned: an empty value decodes to a non-nil empty slice), or, for a long value after
// Alias, into a slice of Buf.
func (b *Buffer) Bytes() ([]byte, error) {
	start, end, err := b.stringSpan()
	if err != nil {
		return nil, err
	}
	if start == end {
		return []byte{}, nil
	}
	if b.aliases(end - start) {
		return b.Buf[start:end:end], nil
	}
	return b.arena.bytes(b.Buf[start:end]), nil
}

// VectorHeader reads the header of a boxed Vector (constructor id and count). The count is
// checked against the bytes left, assuming each element takes at least four bytes, so a hostile
// count is rejected before the caller allocates.
func (b *Buffer) VectorHeader() (int, error) { return b.VectorHeaderOf(4) }

// VectorHeaderOf is VectorHeader for elements that take at least elemMin bytes each on the
// wire (generated decoders pass their element type's minimal size), so a count the bytes left
// cannot hold fails before anything is allocated for it.
func (b *Buffer) VectorHeaderOf(elemMin int) (int, error) {
	start := b.off
	if err := b.ConsumeID(VectorID); err != nil {
		return 0, err
	}
	n, err := b.BareVectorHeaderOf(elemMin)
	if err != nil {
		b.off = start
	}
	return n, err
}

// BareVectorHeader reads the header of a bare vector (only the count), with the same bound
// check as VectorHeader.
func (b *Buffer) BareVectorHeader() (int, error) { return b.BareVectorHeaderOf(4) }

// BareVectorHeaderOf is BareVectorHeader for elements of at least elemMin bytes each.
func (b *Buffer) BareVectorHeaderOf(elemMin int) (int, error) {
	n, err := b.Int32()
	if err != nil {
		return 0, err
	}
	if n < 0 || int64(n)*int64(max(elemMin, 1)) > int64(b.Len()) {
		b.off -= 4
		return 0, ErrTooLarge
	}
	return int(n), nil
}
