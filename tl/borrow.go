package tl

import "context"

// Borrowed is a byte string an encode referenced instead of copying: it belongs in the
// encoded bytes at offset At of Buffer.Buf, before the byte at At (offsets count Buf only, not
// earlier borrowed strings).
type Borrowed struct {
	At    int
	Bytes []byte
}

// borrowing is a Buffer's borrow modes: PutBytes references byte strings of at least min
// bytes, listed in segs; Bytes returns byte strings of at least alias bytes as slices of Buf.
type borrowing struct {
	min   int
	segs  []Borrowed
	alias int
}

// Borrow makes the following PutBytes calls reference byte strings of at least min bytes
// (min > 0) instead of copying them into Buf: Buf gets their length prefix and padding, and
// Borrowed lists them with their place. The caller must not change those bytes while the
// encoded value is in use, and must put the pieces back together (see Borrowed) wherever it
// reads Buf. Reset and ResetTo end borrowing.
func (b *Buffer) Borrow(min int) {
	if b.borrow == nil {
		b.borrow = new(borrowing)
	}
	b.borrow.min = max(min, 1)
	b.borrow.segs = b.borrow.segs[:0]
}

// Borrowed returns the byte strings referenced since Borrow, in order. The slice is reused by
// the next Borrow.
func (b *Buffer) Borrowed() []Borrowed {
	if b.borrow == nil || b.borrow.min == 0 {
		return nil
	}
	return b.borrow.segs
}

// Alias makes Bytes return byte strings of at least min bytes (min > 0) as slices of Buf,
// capacity-limited to the value, instead of copies, until the next Reset or ResetTo. Use it
// only for a Buf that nobody changes or reuses while the decoded values live (a packet read
// into its own memory, for one); the decoded values keep Buf reachable.
func (b *Buffer) Alias(min int) {
	if b.borrow == nil {
		b.borrow = new(borrowing)
	}
	b.borrow.alias = max(min, 1)
}

// Aliases reports whether Bytes returns a byte string of n bytes as a slice of Buf (see
// Alias): a decoder that would copy it into memory of its own anyway can keep the slice.
func (b *Buffer) Aliases(n int) bool { return b.aliases(n) }

// aliases reports whether Bytes returns a value of n bytes as a slice of Buf.
func (b *Buffer) aliases(n int) bool {
	return b.borrow != nil && b.borrow.alias > 0 && n >= b.borrow.alias
}

// endBorrow leaves both borrow modes, keeping the list's capacity.
func (b *Buffer) endBorrow() {
	if b.borrow != nil {
		clear(b.borrow.segs) // drop the references
		b.borrow.min, b.borrow.segs, b.borrow.alias = 0, b.borrow.segs[:0], 0
	}
}

// borrows reports whether PutBytes references p instead of copying it, and if so records it.
func (b *Buffer) borrows(p []byte) bool {
	if b.borrow == nil || b.borrow.min == 0 || len(p) < b.borrow.min {
		return false
	}
	b.borrow.segs = append(b.borrow.segs, Borrowed{At: len(b.Buf), Bytes: p})
	return true
}

// BorrowedLen is the length of the encoded bytes: Buf and every borrowed string.
func BorrowedLen(buf []byte, segs []Borrowed) int {
	n := len(buf)
	for _, s := range segs {
		n += len(s.Bytes)
	}
	return n
}

// AppendBorrowed appends the encoded bytes, Buf with the borrowed strings in their places,
// to dst.
func AppendBorrowed(dst, buf []byte, segs []Borrowed) []byte {
	at := 0
	for _, s := range segs {
		dst = append(dst, buf[at:s.At]...)
		dst = append(dst, s.Bytes...)
		at = s.At
	}
	return append(dst, buf[at:]...)
}

type borrowKey struct{}

// WithBorrowedBytes returns ctx marking the calls made with it: the byte strings of their
// requests stay unchanged until the call returns, so a sender may send them from the caller's
// memory instead of copying them (a file part's bytes, for one).
func WithBorrowedBytes(ctx context.Context) context.Context {
	return context.WithValue(ctx, borrowKey{}, true)
}

// BytesBorrowed reports whether ctx was marked by WithBorrowedBytes.
func BytesBorrowed(ctx context.Context) bool {
	v, _ := ctx.Value(borrowKey{}).(bool)
	return v
}
