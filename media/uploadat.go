package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// atSource is the source of a parallel upload: r is read with ReadAt from base on, each
// worker its own part, as io.ReaderAt lets callers do in parallel.
type atSource struct {
	r    io.ReaderAt
	base int64
}

// maxEmptyReads is how many ReadAt calls in a row may return no bytes and no error before a
// part's read gives up (io.ReaderAt forbids such calls; a wrapper may still make them).
const maxEmptyReads = 100

// parallelSource returns r as the source of a parallel upload of size bytes when r is one of
// the types whose ReadAt reads what Read would (*os.File, *bytes.Reader, *strings.Reader,
// *io.SectionReader) and whose Seek tells its offset (a pipe's *os.File cannot), with the
// seeker to move past the uploaded bytes at the end. Otherwise it returns nothing, and r is
// read in order.
//
// The type, not the methods: a wrapper that embeds an *os.File and changes or counts what its
// Read returns (decrypts, converts, meters) has the file's ReadAt and Seek too, and reading
// those would send other bytes than Read gives, and only when there are workers. Wrapping a
// ReaderAt of one's own in an io.SectionReader opts it in.
func parallelSource(r io.Reader, size int64) (io.Seeker, atSource) {
	switch r.(type) {
	case *os.File, *bytes.Reader, *strings.Reader, *io.SectionReader:
	default:
		return nil, atSource{}
	}
	ra, sk := r.(io.ReaderAt), r.(io.Seeker)
	base, err := sk.Seek(0, io.SeekCurrent)
	if err != nil || base < 0 || base > math.MaxInt64-size {
		return nil, atSource{}
	}
	return sk, atSource{r: ra, base: base}
}

// nextAt numbers the next part of the parallel path and lends it a buffer of its length;
// readAt fills it. Under mu.
func (u *uploader) nextAt() job {
	src := &u.src
	part := src.part
	n := int(min(int64(u.partSize), u.size-src.read))
	src.part++
	src.read += int64(n)
	src.done = src.read == u.size
	return job{part: part, data: u.buffer()[:n], total: u.total}
}

// readAt fills j's buffer from the source with ReadAt, and after the last part makes sure
// the source ends there. It runs without mu, beside other workers' reads.
//
// A ReadAt that panics or exits sets readBroken on its way out, before the relay stops the
// workers: a worker that took a part meanwhile does not call ReadAt again (a reader that
// panicked holding a lock of its own would block it). Calls already under way when it
// panicked are parallel ones, which io.ReaderAt allows.
func (u *uploader) readAt(j job) error {
	if u.readBroken.Load() {
		return errReaderBroken
	}
	returned := false
	defer func() {
		if !returned {
			u.readBroken.Store(true)
		}
	}()
	off := u.at.base + int64(j.part)*int64(u.partSize)
	err := readFullAt(u.at.r, j.data, off)
	if err == nil && int32(j.part) == u.total-1 {
		err = u.checkEnd(off + int64(len(j.data)))
	}
	returned = true
	if err != nil {
		return fmt.Errorf("media: upload: read part %d: %w", j.part, err)
	}
	return nil
}

// errReaderBroken stops a worker after another one's ReadAt panicked; the caller sees that
// panic, not this error.
var errReaderBroken = errors.New("media: upload: the source panicked")

// checkEnd makes sure the source has no byte at end, the declared size.
func (u *uploader) checkEnd(end int64) error {
	var b [1]byte
	n, err := u.at.r.ReadAt(b[:], end)
	switch {
	case n > 0:
		return fmt.Errorf("%w: the reader has more than %d bytes", ErrSizeMismatch, u.size)
	case err == nil, errors.Is(err, io.EOF):
		return nil
	default:
		return err
	}
}

// readFullAt fills p from r at off. A short read without an error, which io.ReaderAt forbids
// but a wrapper may return, is continued; an io.EOF before p is full means the source is
// shorter than declared.
func readFullAt(r io.ReaderAt, p []byte, off int64) error {
	empty := 0
	for n := 0; n < len(p); {
		m, err := r.ReadAt(p[n:], off+int64(n))
		if m < 0 || m > len(p)-n {
			return fmt.Errorf("ReadAt returned %d bytes for %d", m, len(p)-n)
		}
		n += m
		switch {
		case n == len(p):
			return nil // with the last bytes a ReaderAt may return io.EOF
		case errors.Is(err, io.EOF):
			return fmt.Errorf("%w: the reader ended early", ErrSizeMismatch)
		case err != nil:
			return err
		case m > 0:
			empty = 0
		default:
			if empty++; empty == maxEmptyReads {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}
