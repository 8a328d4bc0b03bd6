package teletest

// lruLinks are the fields an lruList keeps in each value on it.
type lruLinks[T any] struct {
	prev, next *T
	on         bool // the value is on the list
}

// lruList is a doubly linked list threaded through values of T (through the lruLinks that
// links returns for a value), least recently used first. Pushing, removing and reading the
// front are O(1) and allocate nothing, so a store that forgets from the front pays for what
// it forgets, not for what it holds.
type lruList[T any] struct {
	front, back *T
	links       func(*T) *lruLinks[T]
}

// pushBack puts v at the back (the most recently used), moving it there if it is on the list.
func (l *lruList[T]) pushBack(v *T) {
	l.remove(v)
	n := l.links(v)
	n.prev, n.next, n.on = l.back, nil, true
	if l.back != nil {
		l.links(l.back).next = v
	} else {
		l.front = v
	}
	l.back = v
}

// remove takes v off the list; it does nothing when v is not on it.
func (l *lruList[T]) remove(v *T) {
	n := l.links(v)
	if !n.on {
		return
	}
	if n.prev != nil {
		l.links(n.prev).next = n.next
	} else {
		l.front = n.next
	}
	if n.next != nil {
		l.links(n.next).prev = n.prev
	} else {
		l.back = n.prev
	}
	*n = lruLinks[T]{}
}
