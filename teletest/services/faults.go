package services

import (
	"context"
	"sync/atomic"

	"github.com/mtgo-labs/mtgo/teletest/internal/fault"
	"github.com/mtgo-labs/mtgo/tl"
)

// Fault injection at the method level: answer chosen methods with a chosen rpc_error
// (FLOOD_WAIT_X, USER_MIGRATE_X, ...) before the handler runs. Wrappers are transparent: a
// fault on messages.sendMessage fires also when the call arrives inside invokeWithLayer.

type methodFaults struct {
	q     fault.Queue[uint32, *RPCError]
	fired atomic.Int64 // calls answered with an injected error
}

// InjectError makes the next times calls of the method with constructor id fail with err;
// times <= 0 means every call until ClearErrors. Several injections for one method queue up
// in order.
func (d *Dispatcher) InjectError(method uint32, err *RPCError, times int) {
	d.faults.q.Add(method, err, times)
}

// ClearErrors removes every injected error for the method.
func (d *Dispatcher) ClearErrors(method uint32) { d.faults.q.Clear(method) }

// InjectedErrors returns how many calls have been answered with an injected error so far, so
// a test can check that the fault it set up actually fired.
func (d *Dispatcher) InjectedErrors() int { return int(d.faults.fired.Load()) }

func (f *methodFaults) middleware(next Handler) Handler {
	return func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
		if err, ok := f.q.Take(req.TypeID()); ok {
			f.fired.Add(1)
			return nil, err
		}
		return next(ctx, c, req)
	}
}
