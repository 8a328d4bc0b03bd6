package media_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
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

// ending is how a call ended: its error, or the value it panicked with, or a Goexit.
type ending struct {
	Err    string
	Panic  any
	Goexit bool
}

// end runs fn on a goroutine of its own, as a caller would, and reports how it ended.
func end(fn func() error) ending {
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
		{name: "reader, first part, workers", workers: 4, size: 4 * part, at: 0, want: ending{Panic: boom{"reader at 0"}}},
		{name: "reader, middle part, inline", workers: 1, size: 8 * part, at: 3*part + 7, want: ending{Panic: boom{fmt.Sprint("reader at ", 3*part+7)}}},
		{name: "reader, middle part, workers", workers: 4, size: 8 * part, at: 3*part + 7, want: ending{Panic: boom{fmt.Sprint("reader at ", 3*part+7)}}},
		{name: "reader, middle part, unknown size", workers: 4, size: 30 * part, unknown: true, at: 25 * part, want: ending{Panic: boom{fmt.Sprint("reader at ", 25*part)}}},
		{name: "reader goexit, workers", workers: 4, size: 8 * part, at: 2 * part, goexit: true, want: ending{Goexit: true}},
		{name: "progress, inline", workers: 1, size: 8 * part, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}}},
		{name: "progress, workers", workers: 4, size: 8 * part, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}}},
		{name: "download progress", down: true, workers: 4, size: 8 << 20, at: -1, progAt: 3, want: ending{Panic: boom{"progress 3"}}},
		{name: "download refresher, inline", down: true, workers: 4, size: 1000, at: -1, refresh: true, want: ending{Panic: boom{"refresher"}}},
		{name: "download refresher", down: true, workers: 4, size: 8 << 20, at: -1, refresh: true, want: ending{Panic: boom{"refresher"}}},
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
					got = end(func() error {
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
					got = end(func() error {
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
