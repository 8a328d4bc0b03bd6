package media

import (
	"runtime"
	"sync"
)

// relay carries a panic out of a transfer's worker goroutines to the goroutine that waits for
// them, the caller of Upload or Download. User code runs on workers (the upload's source reader
// and progress callback, the download's Refresher); had it run on the caller's goroutine, as an
// io.Copy would run it, its panic would reach the caller, who may recover it. A panic on a worker
// would instead end the program, so the worker keeps the value, stops the other workers, and the
// caller panics again with that same value once every worker has ended. The worker's stack is
// not kept: the value is what a recover sees, and it stays the value the user's code panicked
// with. A worker whose code called runtime.Goexit makes the caller exit the same way.
//
// Panicking again rather than returning an error that wraps the value: a panic in that code is
// a bug in the caller's program, and an error would let a caller that only logs errors, or
// retries them, carry on past it; a caller that wants an error can recover, as with io.Copy.
type relay struct {
	mu     sync.Mutex
	set    bool
	value  any
	goexit bool
}

// run runs a worker's body fn. When fn panics (or exits its goroutine) the first such value is
// kept and stop is called to end the other workers.
func (r *relay) run(stop func(), fn func()) {
	returned := false
	defer func() {
		if returned {
			return
		}
		// Since Go 1.21 panic(nil) recovers as *runtime.PanicNilError: nil here is a Goexit.
		v := recover()
		r.mu.Lock()
		if !r.set {
			r.set, r.value, r.goexit = true, v, v == nil
		}
		r.mu.Unlock()
		stop()
	}()
	fn()
	returned = true
}

// rethrow repeats a kept panic (or Goexit) on the calling goroutine. Call it once every worker
// run by r has ended.
func (r *relay) rethrow() {
	r.mu.Lock()
	set, v, goexit := r.set, r.value, r.goexit
	r.mu.Unlock()
	if !set {
		return
	}
	if goexit {
		runtime.Goexit()
	}
	panic(v)
}
