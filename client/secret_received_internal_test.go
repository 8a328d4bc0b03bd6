package mtgo

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
)

// fakeReceipts is a secretReceipts whose server and storage are the test's.
type fakeReceipts struct {
	*secretReceipts
	mu      sync.Mutex
	calls   []int32         // max_qts of each messages.receivedQueue
	fail    error           // the next calls fail with it
	hold    chan struct{}   // when set, a call waits for it to close
	stateQ  int32           // the saved account qts
	stopped bool            // spawn refuses (the client stopped)
	ctx     context.Context // the jobs' context
}

func newFakeReceipts(ctx context.Context) *fakeReceipts {
	f := &fakeReceipts{ctx: ctx}
	f.secretReceipts = &secretReceipts{
		confirm: func(_ context.Context, maxQts int32) error {
			f.mu.Lock()
			f.calls = append(f.calls, maxQts)
			hold, fail := f.hold, f.fail
			f.mu.Unlock()
			if hold != nil {
				<-hold
			}
			return fail
		},
		stored: func(context.Context) (int32, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.stateQ, nil
		},
		spawn: func(job func(context.Context)) bool {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.stopped {
				return false
			}
			go job(f.ctx)
			return true
		},
		after: time.AfterFunc,
	}
	return f
}

func (f *fakeReceipts) set(edit func(f *fakeReceipts)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	edit(f)
}

func (f *fakeReceipts) took() []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int32(nil), f.calls...)
}

var errInternal = errors.New("rpc error 500: INTERNAL")

// settle lets every timer of the receipts fire and every job end.
func settle() {
	time.Sleep(10 * secretReceiptDelay) // fake time inside the bubble
	synctest.Wait()
}

// TestSecretReceipts: the messages handled are confirmed with one messages.receivedQueue per
// burst up to the highest qts, at most one in flight; a difference's messages (no qts) with
// the saved account qts; a failed call is retried with the next message; nothing runs while
// idle or after Stop.
func TestSecretReceipts(t *testing.T) {
	tests := []struct {
		name string
		run  func(f *fakeReceipts)
		want []int32
	}{
		{"burst coalesced", func(f *fakeReceipts) {
			f.note(1)
			f.note(3)
			f.note(2)
			settle()
		}, []int32{3}},
		{"one in flight, the next covers the rest", func(f *fakeReceipts) {
			hold := make(chan struct{})
			f.set(func(f *fakeReceipts) { f.hold = hold })
			f.note(1)
			time.Sleep(2 * secretReceiptDelay)
			synctest.Wait() // the first call waits
			f.note(2)
			f.note(4)
			f.set(func(f *fakeReceipts) { f.hold = nil })
			close(hold)
			settle()
		}, []int32{1, 4}},
		{"nothing new, no call", func(f *fakeReceipts) {
			f.note(5)
			settle()
			f.note(5)
			f.note(4)
			settle()
		}, []int32{5}},
		{"difference: the saved qts", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.stateQ = 7 })
			f.note(0)
			f.note(0)
			settle()
		}, []int32{7}},
		{"difference not saved yet: the next message", func(f *fakeReceipts) {
			f.note(0) // the state says 0: nothing to confirm yet
			settle()
			f.set(func(f *fakeReceipts) { f.stateQ = 9 })
			settle() // nothing runs while idle
			f.note(10)
			settle()
		}, []int32{10}},
		{"difference not saved yet: the saved qts later", func(f *fakeReceipts) {
			f.note(0)
			settle()
			f.set(func(f *fakeReceipts) { f.stateQ = 9 })
			f.note(0)
			settle()
		}, []int32{9}},
		{"live and difference: the higher", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.stateQ = 6 })
			f.note(8)
			f.note(0)
			settle()
		}, []int32{8}},
		{"failure retried with the next message", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.fail = errInternal })
			f.note(3)
			settle()
			settle() // no retry while idle
			f.set(func(f *fakeReceipts) { f.fail = nil })
			f.note(4)
			settle()
		}, []int32{3, 4}},
		{"failed difference retried with the next message", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.fail, f.stateQ = errInternal, 5 })
			f.note(0)
			settle()
			f.set(func(f *fakeReceipts) { f.fail = nil })
			f.note(2)
			settle()
		}, []int32{5, 5}},
		{"marks of another account forgotten", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.fail = rpcerr.New(400, "MAX_QTS_INVALID", 0) })
			f.note(50)
			settle()
			f.set(func(f *fakeReceipts) { f.fail = nil })
			f.note(2)
			settle()
		}, []int32{50, 2}},
		{"stopped: nothing runs", func(f *fakeReceipts) {
			f.set(func(f *fakeReceipts) { f.stopped = true })
			f.note(3)
			settle()
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeReceipts(t.Context())
				tt.run(f)
				if diff := cmp.Diff(tt.want, f.took()); diff != "" {
					t.Errorf("receivedQueue calls (-want +got):\n%s", diff)
				}
				f.secretReceipts.mu.Lock()
				defer f.secretReceipts.mu.Unlock()
				if f.busy {
					t.Error("a confirmation still pending after the test")
				}
			})
		})
	}
}

// TestSecretReceiptsReported: the test hook hears each max_qts the server took, not failures.
func TestSecretReceiptsReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeReceipts(t.Context())
		var got []int32
		f.secretReceipts.sent = func(q int32) { got = append(got, q) }
		f.set(func(f *fakeReceipts) { f.fail = errInternal })
		f.note(2)
		settle()
		f.set(func(f *fakeReceipts) { f.fail = nil })
		f.note(3)
		settle()
		if diff := cmp.Diff([]int32{3}, got); diff != "" {
			t.Errorf("reported (-want +got):\n%s", diff)
		}
	})
}

// TestSecretReceiptTimerStopped: Stop disarms the timer of a pending receipt; none is left
// to fire after the client stopped.
func TestSecretReceiptTimerStopped(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(map[bool]string{false: "armed before Stop", true: "noted after Stop"}[late], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := newOfflineClient(t)
				r := c.secretReceipts()
				var timers []*time.Timer
				r.after = func(d time.Duration, f func()) *time.Timer {
					tm := time.AfterFunc(d, f)
					timers = append(timers, tm)
					return tm
				}
				if !late {
					r.note(5)
				}
				c.Stop()
				if late {
					r.note(5)
				}
				for _, tm := range timers {
					if tm.Stop() {
						t.Error("a receipt timer still armed after Stop")
					}
				}
			})
		})
	}
}
