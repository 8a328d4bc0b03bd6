package media

import (
	"bufio"
	"context"
	"crypto/md5"
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// mustPanic runs fn and reports whether it panicked.
func mustPanic(fn func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	fn()
	return false
}

// User code that panics under a transfer's lock (the upload's source reader or progress
// callback under mu, the download's Refresher under refreshMu) releases that lock before the
// relay cancels the other workers. A worker that takes the lock in between must not call the
// code again: it may be left broken (a reader that panicked holding a lock of its own would
// block that worker, and the caller waiting for it, for ever). On the old code 4 uploads in
// 2000 with 8 workers called the reader again after its panic.
func TestNoUserCallAfterPanic(t *testing.T) {
	const part = MinPartSize
	tests := []struct {
		name     string
		readAt   int // the reader panics on this Read call, 0: never
		progress int // the progress callback panics on this call, 0: never
	}{
		{name: "reader, first read", readAt: 1},
		{name: "reader, later read", readAt: 4},
		{name: "progress", progress: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reads, progress, late int
			panicked := false
			r := readerFunc(func(p []byte) (int, error) {
				if panicked {
					late++
				}
				if reads++; reads == tt.readAt {
					panicked = true
					panic("reader")
				}
				return len(p), nil
			})
			onProgress := func(Progress) {
				if panicked {
					late++
				}
				if progress++; progress == tt.progress {
					panicked = true
					panic("progress")
				}
			}
			const size = 16 * part
			u := &uploader{
				c: New(nil, Options{PartSize: part}), size: size, workers: 4, partSize: part,
				total: 16, decided: true, md5: md5.New(), meter: newMeter(onProgress, size),
				src: partSource{br: bufio.NewReaderSize(r, 16)},
			}
			ctx := context.Background()
			// One worker pulls (and books what it pulled) until the user code panics.
			var sent job
			for done := false; !done; {
				done = mustPanic(func() {
					j, ok, err := u.pull(ctx, sent)
					if !ok || err != nil {
						t.Fatalf("pull before the panic: ok %v, err %v", ok, err)
					}
					sent = j
				})
			}
			// Another worker takes mu before the relay cancels ctx, with a part of its own to book.
			j, ok, err := u.pull(ctx, job{part: 9, data: make([]byte, part)})
			if ok || err != nil || late != 0 {
				t.Errorf("pull after the panic: part %d ok %v, err %v, user code called %d times more", j.part, ok, err, late)
			}
		})
	}

	t.Run("ReadAt", func(t *testing.T) {
		calls := 0
		u := &uploader{partSize: part, size: 16 * part, total: 16, at: atSource{r: readerAtFunc(func([]byte, int64) (int, error) {
			calls++
			panic("ReadAt")
		})}}
		if !mustPanic(func() { _ = u.readAt(job{part: 3, data: make([]byte, part)}) }) {
			t.Fatal("the ReadAt's panic did not come out of readAt")
		}
		// Another worker took its part before the relay cancelled ctx.
		var err error
		if mustPanic(func() { err = u.readAt(job{part: 4, data: make([]byte, part)}) }) || calls != 1 || err == nil {
			t.Errorf("readAt after the panic: ReadAt called %d times, err %v", calls, err)
		}
	})

	t.Run("refresher", func(t *testing.T) {
		calls := 0
		d := &download{c: New(nil, Options{}), refresh: func(context.Context, tg.InputFileLocationClass) (tg.InputFileLocationClass, error) {
			calls++
			panic("refresher")
		}}
		cause := errors.New("FILE_REFERENCE_EXPIRED")
		if !mustPanic(func() { _ = d.refreshLocation(context.Background(), d.snapshot(), cause) }) {
			t.Fatal("the refresher's panic did not come out of refreshLocation")
		}
		// Another worker saw the same reference expire before the relay cancelled ctx.
		var err error
		if mustPanic(func() { err = d.refreshLocation(context.Background(), d.snapshot(), cause) }) || calls != 1 || err == nil {
			t.Errorf("refreshLocation after the panic: refresher called %d times, err %v", calls, err)
		}
	})
}

// readerFunc is an io.Reader made of a function.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// readerAtFunc is an io.ReaderAt made of a function.
type readerAtFunc func([]byte, int64) (int, error)

func (f readerAtFunc) ReadAt(p []byte, off int64) (int, error) { return f(p, off) }
