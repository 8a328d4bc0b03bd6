package media

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// WorkerPanic is the value a transfer's caller panics with when user code panicked on one of
// the transfer's worker goroutines: the upload's source reader (its ReadAt too) and progress
// callback, the download's Refresher. Value is what that code panicked with and Stack the
// worker's stack at the panic, which the caller's own trace no longer shows: it ends in Upload
// or Download.
//
// Why a wrapper rather than the bare value. The recovered value has two kinds of users. Most
// log it: a crash report of an unrecovered panic, a recover that logs the value beside
// debug.Stack() (MTGo's own handler dispatch does), and for all of them the bare value came
// without the one stack that locates the bug, the worker's. WorkerPanic prints both (Go's
// crash report prints a panic value's Error). The rarer user compares the value with one it
// expects (a sentinel of its own, http.ErrAbortHandler): it finds the value in Value, and an
// error value through errors.Is and errors.As, as Unwrap returns it. x/sync's singleflight and
// errgroup wrap a goroutine's panic the same way.
//
// Code that runs on the caller's goroutine (an upload with one worker or one part, a download
// of one chunk, and a download's writer always) panics through unwrapped: its stack is the
// caller's own, and nothing is lost. A recover that looks for its own value should therefore
// accept both: if p, ok := v.(*WorkerPanic); ok { v = p.Value }. A runtime.Goexit in user code
// on a worker ends the caller's goroutine the same way, with nothing to wrap.
type WorkerPanic struct {
	Value any
	Stack []byte
}

// Error prints the value and the worker's stack.
func (p *WorkerPanic) Error() string {
	return fmt.Sprintf("media: panic on a transfer worker: %v\n\nworker %s", p.Value, p.Stack)
}

// Unwrap returns Value when it is an error, so errors.Is and errors.As see through p.
func (p *WorkerPanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// relay carries a panic out of a transfer's worker goroutines to the goroutine that waits for
// them, the caller of Upload or Download. User code runs on workers; had it run on the caller's
// goroutine, as an io.Copy would run it, its panic would reach the caller, who may recover it.
// A panic on a worker would instead end the program, so the worker keeps the value and its
// stack, stops the other workers, and the caller panics again with a *WorkerPanic once every
// worker has ended. A worker whose code called runtime.Goexit makes the caller exit the same
// way.
//
// Panicking again rather than returning an error that wraps the value: a panic in that code is
// a bug in the caller's program, and an error would let a caller that only logs errors, or
// retries them, carry on past it; a caller that wants an error can recover, as with io.Copy.
type relay struct {
	mu     sync.Mutex
	set    bool
	value  *WorkerPanic
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
		var p *WorkerPanic
		if v != nil {
			// The deferred call runs on top of the panicking frames: they are in the stack.
			p = &WorkerPanic{Value: v, Stack: debug.Stack()}
		}
		r.mu.Lock()
		if !r.set {
			r.set, r.value, r.goexit = true, p, v == nil
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
