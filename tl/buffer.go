// Package tl is the runtime of the TL (Type Language) binary codec used by MTProto.
//
// It knows nothing about Telegram: it provides the Buffer that generated code encodes into and
// decodes from, the primitive readers and writers, the Object interfaces, typed decode errors and
// gzip_packed helpers. The generated packages tl/mt (MTProto service types) and tl/tg (the
// Telegram API) are built on top of it.
package tl

// Buffer is an append-on-write, cursor-on-read byte buffer.
//
// Encoding appends to Buf; decoding reads Buf from an internal cursor that only moves forward,
// so the offset of a failure can be reported. A zero Buffer is ready for use. A Buffer is not
// safe for concurrent use.
//
// Decoded strings, byte strings and generated structs are carved out of chunks and slabs owned
// by the Buffer, so a large response costs few allocations. Decoded values never alias Buf
// (unless Alias asks it of long byte strings).
type Buffer struct {
	// Buf holds the encoded bytes. Decoding reads Buf[offset:].
	Buf []byte

	off int // read cursor into Buf

	arena arena // batched allocations for decoded values
	werr  error // sticky encode error, see WriteErr
	depth int   // nesting depth of the value being decoded, see Enter

	borrow *borrowing // set by Borrow
}

// Len returns the number of unread bytes.
func (b *Buffer) Len() int { return len(b.Buf) - b.off }

// Offset returns the read cursor: how many bytes of Buf have been consumed.
func (b *Buffer) Offset() int { return b.off }

// Raw returns the unread bytes. The slice aliases Buf.
func (b *Buffer) Raw() []byte { return b.Buf[b.off:] }

// Reset empties the buffer for encoding, keeping its capacity.
func (b *Buffer) Reset() {
	b.Buf = b.Buf[:0]
	b.off = 0
	b.werr = nil
	b.depth = 0
	b.endBorrow()
}

// ResetTo makes the buffer read p from the start. The buffer does not copy p; p must not be
// modified while it is being decoded.
func (b *Buffer) ResetTo(p []byte) {
	b.Buf = p
	b.off = 0
	b.werr = nil
	b.depth = 0
	b.endBorrow()
}

// Skip advances the read cursor by n bytes.
func (b *Buffer) Skip(n int) error {
	if n < 0 || n > b.Len() {
		return ErrUnexpectedEOF
	}
	b.off += n
	return nil
}

// MaxDepth bounds how deeply decoded values may nest (objects inside objects), so hostile input
// cannot exhaust the stack through recursive types.
const MaxDepth = 128

// Enter is called by generated decoders before decoding a nested object; it fails with
// ErrTooDeep beyond MaxDepth, leaving the depth unchanged. Each successful Enter is paired with
// one Leave, on the error path too, so a failed decode leaves the depth where it found it and a
// Buffer read on without Reset still accepts nesting up to MaxDepth.
//
// A Leave without its Enter (a hand-written decoder's slip) takes the depth below 0: Enter
// then fails, naming the slip, until Reset or ResetTo, since the Buffer no longer knows how
// deep the decoder is, and Depth shows it to the tests that check it is 0 after a decode. The
// check costs nothing: the depth compares as unsigned, so the one compare catches both.
//
// A slip that keeps the depth at or above 0 (an Enter left without its Leave on some path, or
// an extra Leave under a deeper Enter) is not caught where it happens, only by the depth left
// at the end of a decode. Catching it at once would take a token: Enter returning the depth it
// set and Leave checking it is still that one. That costs every nested decode a value kept
// across the nested call and a compare, and changes the calls of every decoder, generated or
// hand-written, for a fault generated decoders cannot have: tlgen writes each Enter with one
// unconditional Leave of the same Buffer after the nested decode, with no exit between
// (TestGeneratedEnterLeavePaired checks that shape on every path of every generated decoder,
// where the end-of-decode check covers only the paths a test runs). A hand-written decoder
// must keep the same shape; tltest's prefix and decode checks find its net slips.
func (b *Buffer) Enter() error {
	if uint(b.depth) >= MaxDepth {
		if b.depth < 0 {
			return errLeftTooOften
		}
		return ErrTooDeep
	}
	b.depth++
	return nil
}

// Leave ends a nested object started with Enter.
func (b *Buffer) Leave() { b.depth-- }

// Depth returns how many nested objects the decoder is inside: 0 between top-level decodes,
// whether they succeeded or failed; below 0 after a Leave without its Enter (see Enter).
func (b *Buffer) Depth() int { return b.depth }
