package tl

import (
	"encoding/binary"
	"math"
	"slices"
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

// Flag returns 1<<bit when set and 0 otherwise: one bit of a flags word. Generated encoders OR
// these together, so each bit is computed on its own rather than in one dependent chain.
func Flag(set bool, bit uint) uint32 {
	var v uint32
	if set {
		v = 1 // compiled as a zero extension of set, not a branch or a conditional move
	}
	return v << bit
}

// PutBool appends boolTrue or boolFalse.
func (b *Buffer) PutBool(v bool) { b.PutID(BoolID(v)) }

// BoolID returns the constructor id of v: boolTrue or boolFalse, chosen without a branch.
func BoolID(v bool) uint32 { return BoolFalseID ^ Flag(v, 0)*(BoolFalseID^BoolTrueID) }

// IDLen returns the size of a constructor id (4) when boxed and 0 otherwise. Generated encoders
// share one body between Encode and EncodeBare and extend Buf by IDLen(boxed) more bytes.
func IDLen(boxed bool) int { return int(Flag(boxed, 2)) }

// Extend appends n bytes to Buf, growing it at most once, and returns them (length and capacity
// n). Their contents are unspecified: the caller writes every one of them. Generated encoders
// use it to write a run of fixed-size fields with one length check instead of one per field.
func (b *Buffer) Extend(n int) []byte {
	l := len(b.Buf)
	if l+n > cap(b.Buf) {
		// append grows Buf amortized, as every other Put does; the zeroing is overwritten.
		b.Buf = append(b.Buf, make([]byte, n)...)[:l]
	}
	p := b.Buf[l : l+n : l+n]
	b.Buf = b.Buf[:l+n] // only the length changes: no pointer write
	return p
}

// PutString appends a TL string: a length prefix, the bytes and zero padding to 4 bytes.
// Strings longer than MaxStringLen cannot be represented; PutString then writes an empty string
// and records ErrTooLarge, which WriteErr reports.
func (b *Buffer) PutString(s string) {
	if len(s) > MaxStringLen {
		b.werr = ErrTooLarge
		s = ""
	}
	copy(b.putBlob(len(s)), s)
}

// PutBytes appends a TL bytes value; the encoding is the same as PutString.
func (b *Buffer) PutBytes(p []byte) {
	if len(p) > MaxStringLen {
		b.werr = ErrTooLarge
		p = nil
	}
	if n := len(p); n >= 254 && b.borrow != nil {
		b.Buf = append(b.Buf, 254, byte(n), byte(n>>8), byte(n>>16))
		if b.borrows(p) {
			b.Buf = append(b.Buf, make([]byte, -n&3)...)
			return
		}
		b.Buf = b.Buf[:len(b.Buf)-4]
	}
	copy(b.putBlob(len(p)), p)
}

// putBlob extends Buf by one whole TL string of n bytes (n <= MaxStringLen): it writes the
// length prefix and the zero padding and returns the n bytes in between for the caller to fill.
// Growing once and writing the padding as one word keeps string encoding off the per-byte path.
func (b *Buffer) putBlob(n int) []byte {
	total := blobSize(n)
	l := len(b.Buf)
	if cap(b.Buf)-l < total {
		b.grow(total)
	}
	p := b.Buf[l : l+total]
	b.Buf = b.Buf[:l+total]
	return blobAt(p, n)
}

// blobSize is the wire size of a TL string of n bytes (n <= MaxStringLen): length prefix, bytes
// and padding to 4 bytes.
func blobSize(n int) int {
	if n >= 254 {
		return (n + 7) &^ 3
	}
	return (n + 4) &^ 3
}

// blobAt writes the length prefix and the zero padding of a TL string of n bytes into p, which
// holds exactly blobSize(n) bytes, and returns the n bytes in between.
func blobAt(p []byte, n int) []byte {
	// The padding first: for short strings it shares a word with the prefix.
	binary.LittleEndian.PutUint32(p[len(p)-4:], 0)
	if n < 254 {
		p[0] = byte(n)
		return p[1 : 1+n]
	}
	binary.LittleEndian.PutUint32(p, uint32(n)<<8|254)
	return p[4 : 4+n]
}

// StringSize returns how many bytes PutString writes for a string of n bytes: the length
// prefix, the bytes and the padding (4 for a string over MaxStringLen, which is written empty).
func StringSize(n int) int {
	if n > MaxStringLen {
		n = 0
	}
	return blobSize(n)
}

// PutStringAt writes s as PutString does, but into p instead of appending: p is part of an
// extension of Buf (see Extend) and holds at least StringSize(len(s)) bytes, of which it writes
// exactly that many. Generated encoders use it for a string inside a run of fields written with
// one extension. A string over MaxStringLen is written empty and recorded, as by PutString.
//
//go:noinline
func (b *Buffer) PutStringAt(p []byte, s string) {
	if len(s) > MaxStringLen {
		b.werr = ErrTooLarge
		s = ""
	}
	copy(blobAt(p[:blobSize(len(s))], len(s)), s)
}

// grow makes room for n more bytes in Buf. It is kept out of line so that the common path of
// putBlob stays small.
//
//go:noinline
func (b *Buffer) grow(n int) { b.Buf = slices.Grow(b.Buf, n) }

// PutVectorHeader appends the header of a boxed Vector: the vector constructor id and the
// element count.
func (b *Buffer) PutVectorHeader(n int) {
	// One 8-byte append: the id in the low half, the count in the high half.
	b.Buf = binary.LittleEndian.AppendUint64(b.Buf, VectorID|uint64(uint32(n))<<32)
}

// PutBareVectorHeader appends the header of a bare vector: only the element count.
func (b *Buffer) PutBareVectorHeader(n int) { b.PutInt32(int32(n)) }

// WriteErr reports a value that could not be represented since the last Reset (for example a
// string longer than MaxStringLen). Generated encoders of values with a string or bytes field
// of their own return it; the others return nil, and an enclosing value reports the error of
// the nested one that hit it.
func (b *Buffer) WriteErr() error {
	if b.werr != nil {
		return &EncodeError{Type: "string", Field: "", Err: b.werr}
	}
	return nil
}
