package media_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
)

// atSize is a big file (over SmallFileLimit) of 21 parts of 512 KiB, the last one short.
const atSize = 10<<20 + 3000

// randomAccess is what an upload reads with ReadAt: an *os.File, *bytes.Reader,
// *strings.Reader, *io.SectionReader.
type randomAccess interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// A big file from a random-access source is uploaded whole from the source's offset (with
// ReadAt by the workers: TestParallelSource, TestUploadReadAtInParallel), and the source's
// offset ends after it. Progress comes once a part, in order, with growing totals.
func TestUploadReaderAt(t *testing.T) {
	// Each source holds atSize bytes after its offset, as a known size demands.
	data := randomData(atSize+3999, 31)
	path := writeFile(t, data[:atSize])
	path3999 := writeFile(t, data[:3999+atSize])
	sources := []struct {
		name string
		base int64 // offset of the source when Upload is called
		open func(t *testing.T) randomAccess
	}{
		{"bytes.Reader", 0, func(*testing.T) randomAccess { return bytes.NewReader(data[:atSize]) }},
		{"bytes.Reader read 1000", 1000, func(t *testing.T) randomAccess {
			r := bytes.NewReader(data[:1000+atSize])
			if _, err := r.Read(make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			return r
		}},
		{"strings.Reader", 0, func(*testing.T) randomAccess { return strings.NewReader(string(data[:atSize])) }},
		{"io.SectionReader", 0, func(*testing.T) randomAccess { return io.NewSectionReader(bytes.NewReader(data), 0, atSize) }},
		{"os.File", 0, func(t *testing.T) randomAccess { return openFile(t, path, 0) }},
		{"os.File at 3999", 3999, func(t *testing.T) randomAccess { return openFile(t, path3999, 3999) }},
	}
	for _, src := range sources {
		for _, workers := range []int{1, 4, 8} {
			t.Run(fmt.Sprintf("%s/workers=%d", src.name, workers), func(t *testing.T) {
				srv := mediatest.New(mediatest.Options{})
				c := media.New(srv.Pool(), media.Options{Workers: workers})
				r := src.open(t)
				var seen []media.Progress
				progress := media.WithProgress(func(p media.Progress) { seen = append(seen, p) })
				in, err := c.Upload(context.Background(), r, atSize, "x", progress)
				if err != nil {
					t.Fatal(err)
				}
				got, err := srv.Uploaded(in)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, data[src.base:src.base+atSize]) {
					t.Fatal("uploaded bytes differ")
				}
				if pos, err := r.Seek(0, io.SeekCurrent); err != nil || pos != src.base+atSize {
					t.Errorf("offset after the upload %d (%v), want %d", pos, err, src.base+atSize)
				}
				const parts = atSize/media.MaxPartSize + 1
				if len(seen) != parts {
					t.Fatalf("%d progress calls, want %d", len(seen), parts)
				}
				for i, p := range seen {
					if p.Total != atSize || (i > 0 && p.Done <= seen[i-1].Done) {
						t.Fatalf("progress %d = %+v after %+v", i, p, seen[max(i-1, 0)])
					}
				}
				if last := seen[len(seen)-1]; last.Done != atSize {
					t.Errorf("last progress %+v", last)
				}
			})
		}
	}
}

func writeFile(t *testing.T, data []byte) string {
	f, err := os.CreateTemp(t.TempDir(), "upload")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func openFile(t *testing.T, path string, at int64) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	if _, err := f.Seek(at, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	return f
}

// atFunc is an io.ReaderAt made of a function.
type atFunc func(p []byte, off int64) (int, error)

func (f atFunc) ReadAt(p []byte, off int64) (int, error) { return f(p, off) }

// section makes f an upload source read in parallel: an io.SectionReader that passes every
// ReadAt through.
func (f atFunc) section() *io.SectionReader { return io.NewSectionReader(f, 0, math.MaxInt64) }

// The workers read their parts at the same time: each ReadAt waits until as many reads as
// workers are under way, which never happens (synctest reports the deadlock) when the reads
// take turns.
func TestUploadReadAtInParallel(t *testing.T) {
	for _, workers := range []int{4, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				data := randomData(atSize, 33)
				var mu sync.Mutex
				in := 0
				all := make(chan struct{})
				src := atFunc(func(p []byte, off int64) (int, error) {
					mu.Lock()
					if in++; in == workers {
						close(all)
					}
					mu.Unlock()
					<-all
					return bytes.NewReader(data).ReadAt(p, off)
				})
				srv := mediatest.New(mediatest.Options{Latency: time.Millisecond})
				c := media.New(srv.Pool(), media.Options{Workers: workers})
				up, err := c.Upload(context.Background(), src.section(), atSize, "x")
				if err != nil {
					t.Fatal(err)
				}
				if got, err := srv.Uploaded(up); err != nil || !bytes.Equal(got, data) {
					t.Fatalf("uploaded bytes differ (%v)", err)
				}
			})
		})
	}
}

var errDisk = errors.New("disk on fire")

// How ReadAt may misbehave, and what the upload makes of it. The first error fails the upload
// with the part named; the other workers stop (the server stores fewer parts than the file
// has), and none is left behind (synctest, goleak).
func TestUploadReadAtFaults(t *testing.T) {
	const part = media.MaxPartSize
	const parts = atSize/part + 1
	data := randomData(atSize+part, 34)
	tests := []struct {
		name    string
		size    int64 // declared
		have    int   // bytes the source holds
		readAt  func(src []byte, p []byte, off int64) (int, error)
		wantErr error  // nil: the upload succeeds
		wantMsg string // in the error
	}{
		{
			name: "short reads without error", size: atSize, have: atSize,
			readAt: func(src, p []byte, off int64) (int, error) {
				return bytes.NewReader(src).ReadAt(p[:min(len(p), 1000)], off)
			},
		},
		{
			name: "last bytes with io.EOF", size: atSize, have: atSize,
			readAt: func(src, p []byte, off int64) (int, error) {
				n, err := bytes.NewReader(src).ReadAt(p, off)
				if err == nil && off+int64(n) == int64(len(src)) {
					err = io.EOF
				}
				return n, err
			},
		},
		{name: "ends early in the last part", size: atSize, have: atSize - 100, wantErr: media.ErrSizeMismatch, wantMsg: fmt.Sprint("read part ", parts-1, ": ")},
		{name: "ends early", size: atSize, have: 5*part + 10, wantErr: media.ErrSizeMismatch, wantMsg: "ended early"},
		{name: "has more", size: atSize, have: atSize + 1, wantErr: media.ErrSizeMismatch, wantMsg: "more than"},
		{
			name: "error in a middle part", size: atSize, have: atSize, wantErr: errDisk, wantMsg: "read part 7: ",
			readAt: func(src, p []byte, off int64) (int, error) {
				if off == 7*part {
					return 100, errDisk
				}
				return bytes.NewReader(src).ReadAt(p, off)
			},
		},
		{
			name: "no bytes and no error", size: atSize, have: atSize, wantErr: io.ErrNoProgress, wantMsg: "read part 3: ",
			readAt: func(src, p []byte, off int64) (int, error) {
				if off == 3*part {
					return 0, nil
				}
				return bytes.NewReader(src).ReadAt(p, off)
			},
		},
		{
			name: "more bytes than asked", size: atSize, have: atSize, wantMsg: "read part 2: ReadAt returned",
			readAt: func(src, p []byte, off int64) (int, error) {
				if off == 2*part {
					return len(p) + 1, nil
				}
				return bytes.NewReader(src).ReadAt(p, off)
			},
		},
	}
	for _, tt := range tests {
		for _, workers := range []int{4, 8} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					src := data[:tt.have]
					read := tt.readAt
					if read == nil {
						read = func(src, p []byte, off int64) (int, error) { return bytes.NewReader(src).ReadAt(p, off) }
					}
					srv := mediatest.New(mediatest.Options{Latency: time.Millisecond})
					c := media.New(srv.Pool(), media.Options{Workers: workers})
					up, err := c.Upload(context.Background(), atFunc(func(p []byte, off int64) (int, error) { return read(src, p, off) }).section(), tt.size, "x")
					failed := tt.wantErr != nil || tt.wantMsg != ""
					if !failed {
						if err != nil {
							t.Fatal(err)
						}
						if got, err := srv.Uploaded(up); err != nil || !bytes.Equal(got, src) {
							t.Fatalf("uploaded bytes differ (%v)", err)
						}
						return
					}
					if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantMsg) {
						t.Fatalf("err = %v, want %v with %q", err, tt.wantErr, tt.wantMsg)
					}
					if saved := srv.Calls("upload.saveBigFilePart"); tt.have >= atSize && saved >= parts {
						t.Errorf("%d of %d parts saved after the read failed", saved, parts)
					}
				})
			})
		}
	}
}

// A ReadAt that panics reaches the caller with its value; the other workers stop and are
// waited for (synctest), and no ReadAt starts after it (see TestNoUserCallAfterPanic).
func TestUploadReadAtPanics(t *testing.T) {
	for _, workers := range []int{4, 8} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				data := randomData(atSize, 35)
				src := atFunc(func(p []byte, off int64) (int, error) {
					if off == 6*media.MaxPartSize {
						panic(boom{"ReadAt part 6"})
					}
					return bytes.NewReader(data).ReadAt(p, off)
				})
				srv := mediatest.New(mediatest.Options{Latency: time.Millisecond})
				c := media.New(srv.Pool(), media.Options{Workers: workers})
				got := end(t, func() error {
					_, err := c.Upload(context.Background(), src.section(), atSize, "x")
					return err
				})
				if diff := cmp.Diff(ending{Panic: boom{"ReadAt part 6"}, Worker: true}, got); diff != "" {
					t.Errorf("ending (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// invertFile is a wrapper whose Read changes the bytes (as a decrypting or encrypting one
// does) but which keeps *os.File's ReadAt and Seek by embedding it.
type invertFile struct{ *os.File }

func (f invertFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	for i := range p[:n] {
		p[i] ^= 0xff
	}
	return n, err
}

// Only the types known to read with ReadAt what Read returns are read in parallel; any other
// reader is read with Read, whatever the workers. A wrapper that embeds an *os.File and
// changes what Read returns (decrypts, encrypts, converts) would otherwise send the file's
// own bytes as soon as the client has more than one worker.
func TestUploadReadAtOnlyKnownTypes(t *testing.T) {
	data := randomData(atSize, 36)
	path := writeFile(t, data)
	want := bytes.Clone(data)
	for i := range want {
		want[i] ^= 0xff
	}
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			srv := mediatest.New(mediatest.Options{})
			c := media.New(srv.Pool(), media.Options{Workers: workers})
			in, err := c.Upload(context.Background(), invertFile{openFile(t, path, 0)}, atSize, "x")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := srv.Uploaded(in); err != nil || !bytes.Equal(got, want) {
				t.Errorf("uploaded bytes are not what Read returns (%v)", err)
			}
		})
	}
}
