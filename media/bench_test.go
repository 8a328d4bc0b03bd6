package media_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/mediatest"
)

const benchSize = 64 << 20

// pattern is the content patternReader repeats.
var pattern = randomData(64<<10, 42)

// patternReader yields left deterministic bytes without holding them.
type patternReader struct{ left int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		k := copy(p[n:min(len(p), n+int(min(r.left, int64(len(pattern)))))], pattern)
		n += k
		r.left -= int64(k)
	}
	return n, nil
}

// benchLatency is the simulated round trip of the fake server: the transfer loops exist to
// hide it, so the benchmarks measure with and without it.
var benchLatencies = []time.Duration{0, 2 * time.Millisecond}

func BenchmarkDownload(b *testing.B) {
	data := randomData(benchSize, 99)
	for _, lat := range benchLatencies {
		for _, workers := range []int{1, 4, 8} {
			b.Run(fmt.Sprintf("rtt=%s/workers=%d", lat, workers), func(b *testing.B) {
				srv := mediatest.New(mediatest.Options{Latency: lat})
				f := srv.AddFile(data)
				c := media.New(srv.Pool(), media.Options{Workers: workers})
				loc := srv.Location(f)
				b.SetBytes(benchSize)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Download(context.Background(), loc, io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkUpload(b *testing.B) {
	for _, lat := range benchLatencies {
		for _, workers := range []int{1, 4, 8} {
			b.Run(fmt.Sprintf("rtt=%s/workers=%d", lat, workers), func(b *testing.B) {
				srv := mediatest.New(mediatest.Options{Latency: lat, DiscardUploads: true})
				c := media.New(srv.Pool(), media.Options{Workers: workers})
				b.SetBytes(benchSize)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Upload(context.Background(), &patternReader{left: benchSize}, benchSize, "bench"); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// Memory stays bounded by the workers and the part size, whatever the file size: a 64 MiB
// transfer allocates about (workers+1) parts for uploads and 2 x workers chunks for downloads.
func TestMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation")
	}
	const workers = 4
	measure := func(fn func()) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		fn()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	srv := mediatest.New(mediatest.Options{DiscardUploads: true})
	c := media.New(srv.Pool(), media.Options{Workers: workers})
	up := measure(func() {
		if _, err := c.Upload(context.Background(), &patternReader{left: benchSize}, benchSize, "x"); err != nil {
			t.Fatal(err)
		}
	})
	if limit := uint64(workers+1)*media.MaxPartSize + 2<<20; up > limit {
		t.Errorf("64 MiB upload allocated %d bytes, bound %d", up, limit)
	}
	f := srv.AddFile(randomData(benchSize, 1))
	// Warm the server's answer buffers: their allocation is not the client's.
	if _, err := c.Download(context.Background(), srv.Location(f), io.Discard); err != nil {
		t.Fatal(err)
	}
	down := measure(func() {
		if _, err := c.Download(context.Background(), srv.Location(f), io.Discard); err != nil {
			t.Fatal(err)
		}
	})
	if limit := uint64(2*workers)*media.MaxChunkSize + 2<<20; down > limit {
		t.Errorf("64 MiB download allocated %d bytes, bound %d", down, limit)
	}
	t.Logf("upload allocated %d KiB, download %d KiB", up>>10, down>>10)
}

// BenchmarkDownloadPhoto downloads a file of one chunk, as most photos are.
func BenchmarkDownloadPhoto(b *testing.B) {
	const size = 200 << 10
	srv := mediatest.New(mediatest.Options{})
	loc := srv.Location(srv.AddFile(randomData(size, 98)))
	c := media.New(srv.Pool(), media.Options{})
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Download(context.Background(), loc, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUploadReaderAt uploads the same 64 MiB from a *bytes.Reader, from an *os.File (in
// the page cache) and from a source whose every read waits 1 ms (a disk or network file
// system that has not cached the file), which the workers read in parallel with ReadAt, and
// from each behind a plain io.Reader, read in order under the upload's lock.
func BenchmarkUploadReaderAt(b *testing.B) {
	data := randomData(benchSize, 43)
	path := filepath.Join(b.TempDir(), "upload")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sources := []struct {
		name string
		open func() io.Reader
	}{
		{"bytes", func() io.Reader { return bytes.NewReader(data) }},
		{"file", func() io.Reader { return io.NewSectionReader(f, 0, benchSize) }},
		{"slow", func() io.Reader { return io.NewSectionReader(slowSource{bytes.NewReader(data)}, 0, benchSize) }},
	}
	for _, lat := range benchLatencies {
		for _, src := range sources {
			for _, workers := range []int{4, 8} {
				for _, mode := range []string{"ReaderAt", "Reader"} {
					b.Run(fmt.Sprintf("rtt=%s/%s/workers=%d/%s", lat, src.name, workers, mode), func(b *testing.B) {
						srv := mediatest.New(mediatest.Options{Latency: lat, DiscardUploads: true})
						c := media.New(srv.Pool(), media.Options{Workers: workers})
						b.SetBytes(benchSize)
						b.ReportAllocs()
						for b.Loop() {
							r := src.open()
							if mode == "Reader" {
								r = onlyReader{r}
							}
							if _, err := c.Upload(context.Background(), r, benchSize, "bench"); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
		}
	}
}

// slowSource waits a millisecond in every read, as a cold disk would. The upload reads it
// through an io.SectionReader: only such known types are read with ReadAt.
type slowSource struct{ *bytes.Reader }

func (s slowSource) ReadAt(p []byte, off int64) (int, error) {
	time.Sleep(time.Millisecond)
	return s.Reader.ReadAt(p, off)
}
