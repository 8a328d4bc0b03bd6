package tl

import "unsafe"

// arena batches the allocations of one decoding Buffer: strings and short byte strings are
// carved out of shared chunks, and generated structs come from per-type slabs (see New).
// Handed-out memory is never written again or reused, so decoded values stay valid after the
// Buffer moves on; the price is that one live value keeps its chunk or slab alive.
type arena struct {
	chunk []byte     // the current byte chunk; chunk[used:] is free
	used  int        // bytes of chunk handed out
	slabs *slabTable // per-type slabs, allocated once the Buffer has decoded a few objects
	n     int        // objects allocated one by one so far
}

const (
	chunkSize    = 16 << 10 // bytes per shared chunk, once a Buffer has filled smaller ones
	chunkMaxItem = 1 << 10  // larger strings get their own allocation
	slabAfter    = 16       // allocate the first objects of a Buffer one by one
	slabMin      = 4        // first slab size of a type
	slabMax      = 64       // slab size cap
	slabSlots    = 256      // entries of the direct-mapped slab table
	slabBytes    = 16 << 10 // a slab stops growing here; a size class of the runtime allocator
)

// slabTable maps a type id to its slab. It is direct-mapped: a colliding type replaces the
// entry (the old slab's free elements are dropped, which is only a missed batching chance).
type slabTable [slabSlots]struct {
	id uint32
	s  any // *slab[T]
}

// carve copies p into the shared chunk and returns the copy, capacity-limited so appending to it
// never overwrites a neighbour. Long values get their own allocation.
func (a *arena) carve(p []byte) []byte {
	n := len(p)
	if n > chunkMaxItem {
		return append(make([]byte, 0, n), p...)
	}
	// Only the offset moves between carves: storing a re-sliced chunk would be a pointer
	// write, which costs a write barrier per string while the collector is marking.
	if n > len(a.chunk)-a.used {
		// Chunks start at chunkMaxItem and double up to chunkSize, so a Buffer that only
		// ever decodes a few short strings (an idle connection's reader) keeps a small one.
		a.chunk, a.used = make([]byte, min(chunkSize, max(chunkMaxItem, 2*len(a.chunk)))), 0
	}
	out := a.chunk[a.used : a.used+n : a.used+n]
	a.used += n
	copy(out, p)
	return out
}

// bytes returns a private copy of p.
func (a *arena) bytes(p []byte) []byte { return a.carve(p) }

// string returns p as a string backed by a chunk. The chunk region is written once, here, and
// never again (later carves only use the free tail), which is what makes the unsafe view sound.
func (a *arena) string(p []byte) string {
	c := a.carve(p)
	return unsafe.String(unsafe.SliceData(c), len(c))
}

// slab hands out buf[next:] one element or vector at a time. Only next moves, so handing out
// an element writes no pointer (no write barrier while the collector is marking).
type slab[T any] struct {
	buf  []T
	next int
	size int
}

// New returns a pointer to a zero T for a decoder to fill. Once a Buffer has decoded a few
// objects, New hands out elements of per-type slabs instead of allocating each object, which
// divides the allocation count of large responses. id keys the slab and should be unique per T
// (generated code passes the constructor id); a clash is detected and only costs batching.
func New[T any](b *Buffer, id uint32) *T {
	a := &b.arena
	if a.slabs == nil {
		if a.n < slabAfter {
			a.n++
			return new(T)
		}
		a.slabs = new(slabTable)
	}
	e := &a.slabs[(id*0x9e3779b1)>>24]
	s, ok := e.s.(*slab[T])
	if !ok || e.id != id {
		s = &slab[T]{size: slabMin / 2}
		e.id, e.s = id, s
	}
	if s.next == len(s.buf) {
		s.size = nextSlabLen(s.size, int(unsafe.Sizeof(*new(T))))
		s.buf, s.next = make([]T, s.size), 0
	}
	p := &s.buf[s.next]
	s.next++
	return p
}

// nextSlabLen returns the element count of a type's next slab: it doubles n while the slab
// stays within slabBytes, and then fills slabBytes (a size class of the runtime's allocator)
// as exactly as the element size allows, so no slab wastes the tail of its size class.
func nextSlabLen(n, size int) int {
	if size == 0 {
		return slabMax
	}
	if 2*n*size <= slabBytes && 2*n <= slabMax {
		return 2 * n
	}
	return max(1, min(slabMax, slabBytes/size))
}

// sliceSlabMax is the largest vector carved out of a shared slab; longer ones are allocated
// on their own.
const sliceSlabMax = 64

// MakeSlice returns a zeroed []T of length n for a decoder to fill (never nil, even for n == 0).
// Short vectors are carved out of a per-type backing array, capacity-limited so appending to
// one never overwrites another. key identifies the element type (generated code passes a hash
// of the Go type); a clash is detected and only costs batching.
func MakeSlice[T any](b *Buffer, key uint32, n int) []T {
	a := &b.arena
	if n == 0 || n > sliceSlabMax || a.slabs == nil {
		return make([]T, n)
	}
	key ^= 0x5bd1e995 // keep vector slabs apart from struct slabs
	e := &a.slabs[(key*0x9e3779b1)>>24]
	s, ok := e.s.(*slab[T])
	if !ok || e.id != key {
		s = &slab[T]{size: slabMin}
		e.id, e.s = key, s
	}
	if len(s.buf)-s.next < n {
		if s.size < slabMax*4 {
			s.size *= 2
		}
		s.buf, s.next = make([]T, max(s.size, n)), 0
	}
	out := s.buf[s.next : s.next+n : s.next+n]
	s.next += n
	return out
}

// sliceUpToFree is the memory a MakeSliceUpTo vector may take at once whatever the bytes left:
// honest vectors of fat structs up to this size never grow.
const sliceUpToFree = 64 << 10

// MakeSliceUpTo is MakeSlice for elements that may be far larger in memory than on the wire
// (structs held by value): it returns at most the elements that fit in twice the bytes left (or
// in sliceUpToFree, if larger), and the decoder extends the slice with GrowSlice as it fills
// it. A hostile count the bytes could only just hold then costs memory in proportion to the
// input, not to the count times the element size.
func MakeSliceUpTo[T any](b *Buffer, key uint32, n int) []T {
	if size := int(unsafe.Sizeof(*new(T))); size > 0 {
		if limit := max(sliceUpToFree, 2*b.Len()) / size; n > limit {
			return make([]T, max(limit, 1))
		}
	}
	return MakeSlice[T](b, key, n)
}

// GrowSlice extends a full slice from MakeSliceUpTo towards n elements, at most doubling it,
// and keeps the elements decoded so far.
func GrowSlice[T any](s []T, n int) []T {
	return append(s, make([]T, min(n-len(s), max(len(s), sliceSlabMax)))...)
}
