package tl

import (
	"encoding/binary"
	"math"
)

// Wire constants shared by every schema.
const (
	// VectorID is the constructor id of a boxed Vector.
	VectorID = 0x1cb5c415
	// BoolTrueID is the constructor id of boolTrue.
	BoolTrueID = 0x997275b5
	// BoolFalseID is the constructor id of boolFalse.
	BoolFalseID = 0xbc799737
	// GzipPackedID is the constructor id of gzip_packed.
	GzipPackedID = 0x3072cfa1
	// MaxStringLen is the longest string or byte string TL can represent (2^24-1 bytes).
	MaxStringLen = 1<<24 - 1
)

// PutID appends a constructor id.
func (b *Buffer) PutID(id uint32) { b.Buf = binary.LittleEndian.AppendUint32(b.Buf, id) }

// PutInt32 appends a TL int.
func (b *Buffer) PutInt32(v int32) { b.Buf = binary.LittleEndian.AppendUint32(b.Buf, uint32(v)) }

// PutUint32 appends a 32-bit value such as a flags word.
func (b *Buffer) PutUint32(v uint32) { b.Buf = binary.LittleEndian.AppendUint32(b.Buf, v) }

// PutInt64 appends a TL long.
func (b *Buffer) PutInt64(v int64) { b.Buf = binary.LittleEndian.AppendUint64(b.Buf, uint64(v)) }

// PutDouble appends a TL double (IEEE 754, little-endian).
func (b *Buffer) PutDouble(v float64) {
	b.Buf = binary.LittleEndian.AppendUint64(b.Buf, math.Float64bits(v))
}

// PutInt128 appends a TL int128 in wire order.
func (b *Buffer) PutInt128(v Int128) { b.Buf = append(b.Buf, v[:]...) }

// PutInt256 appends a TL int256 in wire order.
func (b *Buffer) PutInt256(v Int256) { b.Buf = append(b.Buf, v[:]...) }

// PutBool appends boolTrue or boolFalse.
func (b *Buffer) PutBool(v bool) {
	if v {
		b.PutID(BoolTrueID)
	} else {
		b.PutID(BoolFalseID)
	}
}

// PutString appends a TL string: a length prefix, the bytes and zero padding to 4 bytes.
// Strings longer than MaxStringLen cannot be represented; PutString then writes an empty string
// and records ErrTooLarge, which WriteErr reports.
func (b *Buffer) PutString(s string) {
	n := len(s)
	if n > MaxStringLen {
		b.werr = ErrTooLarge
		n, s = 0, ""
	}
	if n < 254 {
		b.Buf = append(b.Buf, byte(n))
		b.Buf = append(b.Buf, s...)
		n++
	} else {
		b.Buf = append(b.Buf, 254, byte(n), byte(n>>8), byte(n>>16))
		b.Buf = append(b.Buf, s...)
		n += 4
	}
	for ; n&3 != 0; n++ {
		b.Buf = append(b.Buf, 0)
	}
}

// PutBytes appends a TL bytes value; the encoding is the same as PutString.
func (b *Buffer) PutBytes(p []byte) {
	n := len(p)
	if n > MaxStringLen {
		b.werr = ErrTooLarge
		n, p = 0, nil
	}
	if n < 254 {
		b.Buf = append(b.Buf, byte(n))
		b.Buf = append(b.Buf, p...)
		n++
	} else {
		b.Buf = append(b.Buf, 254, byte(n), byte(n>>8), byte(n>>16))
		if !b.borrows(p) {
			b.Buf = append(b.Buf, p...)
		}
		n += 4
	}
	for ; n&3 != 0; n++ {
		b.Buf = append(b.Buf, 0)
	}
}

// PutVectorHeader appends the header of a boxed Vector: the vector constructor id and the
// element count.
func (b *Buffer) PutVectorHeader(n int) {
	b.PutID(VectorID)
	b.PutInt32(int32(n))
}

// PutBareVectorHeader appends the header of a bare vector: only the element count.
func (b *Buffer) PutBareVectorHeader(n int) { b.PutInt32(int32(n)) }

// WriteErr reports a value that could not be represented since the last Reset (for example a
// string longer than MaxStringLen). Generated encoders return it.
func (b *Buffer) WriteErr() error {
	if b.werr != nil {
		return &EncodeError{Type: "string", Field: "", Err: b.werr}
	}
	return nil
}
