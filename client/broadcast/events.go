package broadcast

import "sync"

// maxQueuedProgress bounds the progress reports waiting for a slow OnEvent.
const maxQueuedProgress = 64

// eventQueue delivers a play's events to OnEvent from one goroutine, in order. push never
// blocks, so OnEvent may call the stream's methods; state and restart events are always kept,
// progress reports are dropped while maxQueuedProgress wait.
type eventQueue struct {
	mu      sync.Mutex
	q       []Event
	pending int // progress reports in q
	wake    chan struct{}
	drained chan struct{}
	closed  bool
}

// open starts the delivering goroutine for one play; nil cb delivers nothing.
func (e *eventQueue) open(cb func(Event)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cb == nil {
		e.wake = nil
		return
	}
	e.q, e.pending, e.closed = nil, 0, false
	e.wake = make(chan struct{}, 1)
	e.drained = make(chan struct{})
	go e.run(cb, e.wake, e.drained)
}

func (e *eventQueue) push(ev Event, must bool) {
	e.mu.Lock()
	if e.wake == nil || e.closed {
		e.mu.Unlock()
		return
	}
	if !must {
		if e.pending >= maxQueuedProgress {
			e.mu.Unlock()
			return
		}
		e.pending++
	}
	e.q = append(e.q, ev)
	wake := e.wake
	e.mu.Unlock()
	select {
	case wake <- struct{}{}:
	default:
	}
}

// close delivers what is queued and waits for the goroutine to end.
func (e *eventQueue) close() {
	e.mu.Lock()
	if e.wake == nil || e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	wake, drained := e.wake, e.drained
	e.mu.Unlock()
	select {
	case wake <- struct{}{}:
	default:
	}
	<-drained
}

func (e *eventQueue) run(cb func(Event), wake <-chan struct{}, drained chan<- struct{}) {
	defer close(drained)
	for range wake {
		for {
			e.mu.Lock()
			if len(e.q) == 0 {
				closed := e.closed
				e.mu.Unlock()
				if closed {
					return
				}
				break
			}
			ev := e.q[0]
			e.q = e.q[1:]
			if ev.Kind == EventProgress {
				e.pending--
			}
			e.mu.Unlock()
			cb(ev)
		}
	}
}
