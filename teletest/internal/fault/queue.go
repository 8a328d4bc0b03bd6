// Package fault holds the one rule every fault injector of the test server follows: an
// injection applies to the next n matching events (or to every one until cleared), and
// injections for the same key queue up in the order they were made.
package fault

import "sync"

// Queue is a set of counted injections by key. The zero value is ready to use; all methods
// are safe for concurrent use.
type Queue[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K][]*entry[V]
}

type entry[V any] struct {
	v    V
	left int // remaining uses; <0: until cleared
}

// Add queues v for the next n events of key; n <= 0 means every event until Clear or Reset.
// An injection without a limit stays at the head of its queue, so later ones for the same
// key never fire.
func (q *Queue[K, V]) Add(key K, v V, n int) {
	if n <= 0 {
		n = -1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.m == nil {
		q.m = make(map[K][]*entry[V])
	}
	q.m[key] = append(q.m[key], &entry[V]{v: v, left: n})
}

// Take returns the injection for one event of key, using it up once, and whether there was
// one.
func (q *Queue[K, V]) Take(key K) (V, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	list := q.m[key]
	if len(list) == 0 {
		var zero V
		return zero, false
	}
	first := list[0]
	if first.left > 0 {
		first.left--
		if first.left == 0 {
			if len(list) == 1 {
				delete(q.m, key)
			} else {
				q.m[key] = list[1:]
			}
		}
	}
	return first.v, true
}

// Clear removes every injection for key.
func (q *Queue[K, V]) Clear(key K) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.m, key)
}

// Reset removes every injection.
func (q *Queue[K, V]) Reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	clear(q.m)
}
