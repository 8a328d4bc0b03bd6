package media_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// boom is the value user code panics with in these tests.
type boom struct{ Where string }

// panicReader reads r and panics with boom (or exits its goroutine) once at bytes are read.
type panicReader struct {
	r      io.Reader
	read   int
	at     int
	goexit bool
}

func (p *panicReader) Read(b []byte) (int, error) {
	if p.read >= p.at {
		if p.goexit {
			runtime.Goexit()
		}
		panic(boom{fmt.Sprint("reader at ", p.read)})
	}
	n, err := p.r.Read(b[:min(len(b), p.at-p.read)])
	p.read += n
	return n, err
}

// ending is how a call ended: its error, or the value it panicked with, or a Goexit. Worker
// tells a value that came wrapped in a *media.WorkerPanic, unwrapped into Panic.
type ending struct {
	Err    string
	Panic  any
	Worker bool
	Goexit bool
}

// end runs fn on a goroutine of its own, as a caller would, and reports how it ended. The
// stack of a *media.WorkerPanic must be the worker's, with the test's code that panicked.
func end(t *testing.T, fn func() error) ending {
	t.Helper()
	var e ending
	done := make(chan struct{})
	go func() {
		defer close(done)
		returned := false
		defer func() {
			if !returned {
				e.Panic = recover()
				e.Goexit = e.Panic == nil
			}
			if p, ok := e.Panic.(*media.WorkerPanic); ok {
				e.Panic, e.Worker = p.Value, true
				if stack := string(p.Stack); !strings.Contains(stack, "media.(*relay).run") || !strings.Contains(stack, "media_test.") {
					t.Errorf("not the worker's stack at the panic:\n%s", stack)
				}
			}
		}()
		if err := fn(); err != nil {
			e.Err = err.Error()
		}
		returned = true
	}()
	<-done
	return e
}

// A panic in user code that runs on a transfer's workers (the upload's source reader and
// progress callback, the download's Refresher) reaches the caller of Upload or Download with its
// own value, as it would through io.Copy, after every worker has ended; synctest.Test fails
// on a goroutine left behind or a transfer that hangs.
func TestUserPanicReachesCaller(t *testing.T) {
	const part = 512 << 10
	tests := []struct {
		name    string
		workers int
		size    int  // bytes uploaded, or downloaded
		unknown bool // upload of unknown size
		at      int  // the reader panics once this many bytes are read; -1: never
		goexit  bool // the reader calls runtime.Goexit instead
		progAt  int  // the progress callback panics on this call; 0: never
		down    bool // a download, not an upload
		refresh bool // the download's Refresher panics
		want    ending
	}{
		{name: "reader, first part, inline", workers: 1, size: 4 * part, at: 0, want: ending{Panic: boom{"reader at 0"}}},
		{name: "reader, first part, workers", workers: 4, size: 4 * part, at: 0, want: ending{Panic: boom{"reader at 0"}, Worker: true}},
		{name: "reader, middle part, inline", workers: 1, size: 8 * part, at: 3*part + 7, want: ending{Panic: boom{fmt.Sprint("reader at ", 3*part+7)}}},
		{name: "reader, middle part, workers", workers: 4, size: 8 * part, at: 3*part + 7, want: ending{Panic: boom{fmt.Sprint("reader at ", 3*part+7)}, Worker: true}},
		{name: "reader, middle part, unknown size", workers: 4, size: 30 * part, unknown: true, at: 25 * part, want: ending{Panic: boom{fmt.Sprint("reader at ", 25*part)}, Worker: true}},
		{name: "reader goexit, workers", workers: 4, size: 8 * part, at: 2 * part, goexit: true, want: ending{Goexit: true}},
		{name: "progress, inline", workers: 1, size: 8 * part, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}}},
		{name: "progress, workers", workers: 4, size: 8 * part, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}, Worker: true}},
		{name: "download progress", down: true, workers: 4, size: 8 << 20, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}}},
		{name: "download refresher, inline", down: true, workers: 4, size: 1000, at: -1, refresh: true, want: ending{Panic: boom{"refresher"}}},
		{name: "download refresher", down: true, workers: 4, size: 8 << 20, at: -1, refresh: true, want: ending{Panic: boom{"refresher"}, Worker: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := mediatest.New(mediatest.Options{Latency: time.Millisecond})
				c := media.New(srv.Pool(), media.Options{Workers: tt.workers})
				data := randomData(tt.size, 21)
				calls := 0
				opts := []media.Option{media.WithProgress(func(media.Progress) {
					if calls++; calls == tt.progAt {
						panic(boom{fmt.Sprint("progress ", calls)})
					}
				})}
				var got ending
				if !tt.down {
					at := tt.at
					if at < 0 {
						at = tt.size + 1
					}
					size := int64(tt.size)
					if tt.unknown {
						size = -1
					}
					r := &panicReader{r: bytes.NewReader(data), at: at, goexit: tt.goexit}
					got = end(t, func() error {
						_, err := c.Upload(context.Background(), r, size, "x", opts...)
						return err
					})
				} else {
					f := srv.AddFile(data)
					loc := srv.Location(f)
					if tt.refresh {
						srv.ExpireReference(f.ID)
						opts = append(opts, media.WithRefresher(func(context.Context, tg.InputFileLocationClass) (tg.InputFileLocationClass, error) {
							panic(boom{"refresher"})
						}))
					}
					got = end(t, func() error {
						_, err := c.Download(context.Background(), loc, io.Discard, opts...)
						return err
					})
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ending (-want +got):\n%s", diff)
				}
			})
		})
	}
}

var errSentinel = errors.New("sentinel")

// A *media.WorkerPanic prints its value and the worker's stack (Go's crash report prints a
// panic value's Error), and errors.Is and errors.As see through it to an error value.
func TestWorkerPanic(t *testing.T) {
	tests := []struct {
		name   string
		value  any
		unwrap error
	}{
		{"error", fmt.Errorf("reading: %w", errSentinel), errSentinel},
		{"other value", boom{"x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: 4})
			r := readerFunc(func([]byte) (int, error) { panic(tt.value) })
			var p *media.WorkerPanic
			func() {
				defer func() { p, _ = recover().(*media.WorkerPanic) }()
				_, _ = c.Upload(context.Background(), r, 4<<20, "x")
			}()
			if p == nil {
				t.Fatal("no *media.WorkerPanic came out of Upload")
			}
			msg := p.Error()
			if !strings.Contains(msg, fmt.Sprint(tt.value)) || !strings.Contains(msg, "TestWorkerPanic") || !strings.Contains(msg, "goroutine ") {
				t.Errorf("Error() lacks the value or the worker's stack:\n%s", msg)
			}
			if want, _ := tt.value.(error); errors.Unwrap(p) != want {
				t.Errorf("Unwrap() = %v, want %v", errors.Unwrap(p), want)
			}
			if tt.unwrap != nil && !errors.Is(p, tt.unwrap) {
				t.Errorf("errors.Is(p, %v) is false", tt.unwrap)
			}
		})
	}
}

// readerFunc is an io.Reader made of a function.
type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
