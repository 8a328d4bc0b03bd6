package services

import (
	"context"
	"sync"

	"github.com/mtgo-labs/mtgo/tl"
)

// Fault injection at the method level: answer chosen methods with a chosen rpc_error
// (FLOOD_WAIT_X, USER_MIGRATE_X, ...) before the handler runs. Wrappers are transparent: a
// fault on messages.sendMessage fires also when the call arrives inside invokeWithLayer.

type methodFault struct {
	err  *RPCError
	left int // remaining answers; <0 means until cleared
}

type methodFaults struct {
	mu sync.Mutex
	m  map[uint32][]*methodFault
}

// InjectError makes the next times calls of the method with constructor id fail with err;
// times <= 0 means every call until ClearErrors. Several injections for one method queue up
// in order.
func (d *Dispatcher) InjectError(method uint32, err *RPCError, times int) {
	if times <= 0 {
		times = -1
	}
	f := &d.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = make(map[uint32][]*methodFault)
	}
	f.m[method] = append(f.m[method], &methodFault{err: err, left: times})
}

// ClearErrors removes every injected error for the method.
func (d *Dispatcher) ClearErrors(method uint32) {
	f := &d.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, method)
}

// take returns the error to answer for method, if any, consuming one use.
func (f *methodFaults) take(method uint32) *RPCError {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.m[method]
	if len(list) == 0 {
		return nil
	}
	first := list[0]
	if first.left > 0 {
		first.left--
		if first.left == 0 {
			list = list[1:]
			if len(list) == 0 {
				delete(f.m, method)
			} else {
				f.m[method] = list
			}
		}
	}
	return first.err
}

func (f *methodFaults) middleware(next Handler) Handler {
	return func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
		if err := f.take(req.TypeID()); err != nil {
			return nil, err
		}
		return next(ctx, c, req)
	}
}
