package tl

// arena batches the allocations of one decoding Buffer: short byte strings are carved out of
// shared chunks and generated structs come from per-type slabs (see New). Handed-out memory is
// never reused, so decoded values stay valid after the Buffer moves on; the price is that one
// live value keeps its chunk or slab alive.
type arena struct {
	chunk []byte         // free tail of the current byte chunk
	slabs map[uint32]any // type id -> *slab[T]
	n     int            // objects allocated so far
}

const (
	chunkSize    = 4 << 10 // bytes per shared chunk
	chunkMaxItem = 512     // larger byte strings get their own allocation
	slabAfter    = 16      // allocate the first objects of a Buffer one by one
	slabMin      = 4       // first slab size of a type
	slabMax      = 64      // slab size cap
)

// bytes returns a copy of p, carved out of a shared chunk when p is short.
func (a *arena) bytes(p []byte) []byte {
	n := len(p)
	if n > chunkMaxItem {
		return append(make([]byte, 0, n), p...)
	}
	if n > len(a.chunk) {
		a.chunk = make([]byte, chunkSize)
	}
	out := a.chunk[:n:n]
	a.chunk = a.chunk[n:]
	copy(out, p)
	return out
}

type slab[T any] struct {
	free []T
	size int
}

// New returns a pointer to a zero T for a decoder to fill. Once a Buffer has decoded a few
// objects, New hands out elements of per-type slabs instead of allocating each object, which
// divides the allocation count of large responses. id keys the slab and must be unique per T
// (generated code passes the constructor id).
func New[T any](b *Buffer, id uint32) *T {
	a := &b.arena
	if a.n < slabAfter {
		a.n++
		return new(T)
	}
	if a.slabs == nil {
		a.slabs = make(map[uint32]any)
	}
	s, _ := a.slabs[id].(*slab[T])
	if s == nil {
		s = &slab[T]{size: slabMin / 2}
		a.slabs[id] = s
	}
	if len(s.free) == 0 {
		if s.size < slabMax {
			s.size *= 2
		}
		s.free = make([]T, s.size)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}
