package media

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Upload sends size bytes read from r to the home data center's media connection and returns
// the InputFile (up to 10 MiB, with its md5) or InputFileBig to pass to messages.sendMedia or
// messages.uploadMedia. name is the file name Telegram shows.
//
// size < 0 means unknown: the upload holds up to 10 MiB to tell a small file from a big one,
// then streams the rest as a big file, sending file_total_parts -1 until the last part is read
// (a part sent again after that carries the real total). With a known size the reader must
// deliver exactly size bytes (ErrSizeMismatch otherwise). Memory stays within (workers+1) parts.
//
// Parts go out on Options.Workers calls at once; with one worker, or a known size that fits
// one part, they go out from the calling goroutine, one after another. Each part is repeated
// after transient failures and sleeps through FLOOD_WAIT; a part that still fails fails the
// upload with a *PartError naming it. Cancelling ctx stops the upload; every goroutine has
// ended when Upload returns.
//
// With workers, a big file (a known size over SmallFileLimit) whose r is an *os.File,
// *bytes.Reader, *strings.Reader or *io.SectionReader is read in parallel, each worker its
// part with ReadAt, from r's offset when Upload is called; r's offset is left after the
// uploaded bytes (after a failure it is unspecified). Other sources, a type that embeds one of
// those included (its Read may return other bytes than ReadAt), and small files are read in
// order with Read, one part at a time: wrap an io.ReaderAt of your own in an io.SectionReader
// to have it read in parallel. A small file's md5 must see its bytes in order, and md5 is
// about 60 times slower than the copy a read makes, so parallel reads would save it little.
//
// r and the progress callback may be called from a worker; a panic in either still reaches
// the caller once the other workers have stopped, as a *WorkerPanic (see there) when it
// happened on a worker.
func (c *Client) Upload(ctx context.Context, r io.Reader, size int64, name string, opts ...Option) (tg.InputFileClass, error) {
	k := c.callOptions(opts)
	if size == 0 {
		return nil, ErrEmptyFile
	}
	if err := CheckPartSize(c.opt.PartSize); err != nil {
		return nil, err
	}
	if err := checkMaxParts(c.opt.MaxParts); err != nil {
		return nil, err
	}
	u := &uploader{c: c, name: name, size: size, workers: k.workers, meter: newMeter(k.progress, max(size, -1))}
	if size > 0 {
		plan, err := PlanUpload(size, c.opt.PartSize, c.opt.MaxParts)
		if err != nil {
			return nil, err
		}
		u.partSize, u.big, u.total = plan.PartSize, plan.Big, int32(plan.Parts)
	} else {
		u.partSize, u.total = streamPartSize(c.opt.PartSize, c.opt.MaxParts), -1
	}
	id, err := c.fileID()
	if err != nil {
		return nil, err
	}
	u.id = id
	inv, err := c.pool.DC(ctx, 0, KindMedia)
	if err != nil {
		return nil, fmt.Errorf("media: upload: media connection: %w", err)
	}
	u.inv = inv
	return u.run(ctx, r)
}

// UploadFile uploads the file at path under its base name.
func (c *Client) UploadFile(ctx context.Context, path string, opts ...Option) (tg.InputFileClass, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("media: upload: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("media: upload: %w", err)
	}
	return c.Upload(ctx, f, st.Size(), filepath.Base(path), opts...)
}

// uploader is one upload in progress. On the worker path the workers share it under mu; c,
// inv, id and name do not change, and big does not once a part has been read.
type uploader struct {
	c       *Client
	inv     tg.Invoker
	id      int64
	name    string
	size    int64 // -1 unknown
	workers int

	partSize int
	big      bool
	decided  bool  // small or big is settled (always true for a known size)
	total    int32 // parts, -1 while unknown
	md5      hash.Hash
	meter    *meter
	// known is total once a stream's last part is read (0 before): workers read it, so a part
	// sent again after that carries the real file_total_parts rather than the -1 it was
	// dispatched with.
	known atomic.Int32

	// at is set on the parallel path, a big file read with ReadAt; it does not change then.
	at atSource
	// readBroken is set once a ReadAt has panicked or exited: see readAt.
	readBroken atomic.Bool

	// mu guards the reading side and the booking of a worker upload: src, ready, one, md5,
	// decided, big, total, meter, err, broken and the buffer accounting below.
	mu     sync.Mutex
	src    partSource
	ready  []job  // read parts waiting for a worker, in order
	one    [1]job // the backing of a one-part ready
	err    error  // a worker upload's first failure
	broken bool   // pull's user code panicked or exited: see pull

	// buffer accounting
	free      [][]byte
	allocated int
	parts     int // parts dispatched
}

// job is one part handed to a worker.
type job struct {
	part  int
	data  []byte
	total int32 // file_total_parts for big files
}

func (u *uploader) run(parent context.Context, r io.Reader) (tg.InputFileClass, error) {
	u.decided = u.size > 0
	if u.decided && !u.big {
		u.md5 = md5.New()
	}
	inline := u.workers == 1 || u.total == 1
	var seeker io.Seeker
	if !inline && u.big {
		seeker, u.at = parallelSource(r, u.size)
	}
	if u.at.r == nil {
		u.src = partSource{br: bufio.NewReaderSize(r, 16)}
	}
	if inline {
		return u.runInline(parent)
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	// A part's buffer stays unchanged until its call returns: the session may send it without
	// copying it into the packet.
	sendCtx := tl.WithBorrowedBytes(ctx)
	var wg sync.WaitGroup
	var panics relay
	for range u.workers {
		wg.Go(func() { panics.run(cancel, func() { u.work(ctx, sendCtx, cancel) }) })
	}
	wg.Wait()
	// Every worker has ended: the free buffers are no longer lent to a call.
	u.c.keepPartBuffers(u.free)
	panics.rethrow() // a panic of the source reader or the progress callback
	if u.err != nil {
		return nil, contextErr(parent, u.err)
	}
	if u.parts == 0 {
		return nil, ErrEmptyFile
	}
	if seeker != nil {
		// Where a Read of the whole file would have left it.
		if _, err := seeker.Seek(u.at.base+u.size, io.SeekStart); err != nil {
			return nil, fmt.Errorf("media: upload: seek past the uploaded bytes: %w", err)
		}
	}
	return u.result(), nil
}

// work is one worker: it takes the next part itself (reading it from the source under mu when
// no read part is waiting) and sends it, so no part passes through a channel. A sent part is
// booked when the worker comes back for the next one, under the same lock. The first failure
// is kept in u.err and cancels ctx, which stops the other workers.
func (u *uploader) work(ctx, sendCtx context.Context, cancel context.CancelFunc) {
	s := new(partSender)
	var sent job // the part sent last, to book; none while its data is nil
	for {
		j, ok, err := u.pull(ctx, sent)
		if err != nil {
			u.fail(err, cancel)
			return
		}
		if !ok {
			return
		}
		if u.at.r != nil {
			if err := u.readAt(j); err != nil {
				u.fail(err, cancel)
				return
			}
			if err := ctx.Err(); err != nil {
				u.fail(err, cancel) // no send for a part another worker's failure made useless
				return
			}
		}
		attempts, err := u.send(sendCtx, s, j)
		if err != nil {
			if ctx.Err() != nil {
				// Stopped, not failed: another worker failed or the caller gave up.
				err = ctx.Err()
			} else {
				err = u.partError(j, attempts, err)
			}
			u.fail(err, cancel)
			return
		}
		sent = j
	}
}

// fail keeps the first error of a worker upload and stops the other workers.
func (u *uploader) fail(err error, cancel context.CancelFunc) {
	u.mu.Lock()
	if u.err == nil {
		u.err = err
	}
	u.mu.Unlock()
	cancel()
}

// pull books sent, the part the worker sent last (if its data is not nil), then returns the
// next part to send, reading the source when no read part waits (the parallel path only
// numbers the part and lends it a buffer: the worker reads it with readAt, without mu); ok is
// false once the source is used up or the upload has failed. One lock serves both, as every
// worker wants both. mu is released by a defer: the source reader and the progress callback
// may panic, and the relay then stops the other workers, who need mu.
//
// mu is free again before the relay cancels ctx, so a worker may take it in between: broken,
// set while take runs and left set when the user's code in it panics or exits, keeps that
// worker from calling the reader or the progress callback again (a reader that panicked
// holding a lock of its own would block it, and the caller waiting for it, for ever).
func (u *uploader) pull(ctx context.Context, sent job) (j job, ok bool, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.broken {
		return job{}, false, nil
	}
	u.broken = true
	j, ok, err = u.take(ctx, sent)
	u.broken = false
	return j, ok, err
}

// take is pull's body, under mu.
func (u *uploader) take(ctx context.Context, sent job) (j job, ok bool, err error) {
	if sent.data != nil {
		u.book(sent)
	}
	for {
		if u.err != nil {
			return job{}, false, nil
		}
		if err := ctx.Err(); err != nil {
			return job{}, false, err
		}
		if len(u.ready) > 0 {
			j = u.ready[0]
			u.ready = u.ready[1:]
			u.parts++
			return j, true, nil
		}
		if u.src.done {
			return job{}, false, nil
		}
		if u.at.r != nil {
			u.parts++
			return u.nextAt(), true, nil
		}
		if u.ready, err = u.next(); err != nil {
			return job{}, false, err
		}
	}
}

// runInline uploads with no worker goroutine: one part in flight gains nothing from a worker,
// and each hand-off to one and back would wake a thread. Every part is sent before the next is
// read, so one part buffer serves a known size (an unknown one still holds its first parts
// until the size class is known).
func (u *uploader) runInline(ctx context.Context) (tg.InputFileClass, error) {
	s := new(partSender)
	sendCtx := tl.WithBorrowedBytes(ctx)
	// No call holds a buffer once the loop ends.
	defer func() { u.c.keepPartBuffers(u.free) }()
	for !u.src.done {
		ready, err := u.next()
		if err != nil {
			return nil, contextErr(ctx, err)
		}
		for _, j := range ready {
			if err := ctx.Err(); err != nil {
				return nil, contextErr(ctx, err)
			}
			u.parts++
			attempts, err := u.send(sendCtx, s, j)
			if err != nil {
				return nil, contextErr(ctx, u.partError(j, attempts, err))
			}
			u.book(j)
		}
	}
	if u.parts == 0 {
		return nil, ErrEmptyFile
	}
	return u.result(), nil
}

// result is the InputFile of a finished upload.
func (u *uploader) result() tg.InputFileClass {
	if u.big {
		return &tg.InputFileBig{ID: u.id, Parts: u.total, Name: u.name}
	}
	return &tg.InputFile{ID: u.id, Parts: u.total, Name: u.name, MD5Checksum: hex.EncodeToString(u.md5.Sum(nil))}
}

// partSource is the reading side of an upload: where the source stands and the first parts
// of an unknown size held until its size class is known.
type partSource struct {
	br        *bufio.Reader
	part      int // the next part to read
	read      int64
	held      []job
	heldBytes int
	done      bool // the last part has been read
}

// next reads one part and returns the parts now ready to send, in order, their bytes already
// in the md5 of a small file: none while an unknown size holds its first parts, all of them
// once its size class is known.
func (u *uploader) next() ([]job, error) {
	src := &u.src
	part := src.part
	if part >= u.c.opt.MaxParts {
		return nil, fmt.Errorf("%w: more than %d parts of %d bytes", ErrFileTooLarge, u.c.opt.MaxParts, u.partSize)
	}
	buf := u.buffer()
	want := u.partSize
	if u.size > 0 {
		want = int(min(int64(u.partSize), u.size-src.read))
	}
	n, last, err := readPart(src.br, buf[:want], u.size > 0)
	if err != nil {
		return nil, fmt.Errorf("media: upload: read part %d: %w", part, err)
	}
	if n == 0 { // unknown size, nothing left: the previous part was the last one
		src.done = true
		u.free = append(u.free, buf)
		return nil, nil
	}
	src.part++
	src.read += int64(n)
	src.done = last
	if u.size > 0 && last != (src.read == u.size) {
		return nil, fmt.Errorf("%w: the reader delivered %d+ bytes of %d", ErrSizeMismatch, src.read, u.size)
	}
	j := job{part: part, data: buf[:n], total: u.total}
	var ready []job
	if !u.decided {
		src.held = append(src.held, j)
		src.heldBytes += n
		switch {
		case src.heldBytes > SmallFileLimit:
			u.decided, u.big = true, true
			if last {
				u.total = int32(len(src.held))
				u.known.Store(u.total)
			}
		case last:
			u.decided, u.big, u.total = true, false, int32(len(src.held))
			u.md5 = md5.New()
		default:
			return nil, nil
		}
		ready, src.held = src.held, nil
		for i := range ready {
			ready[i].total = u.total
		}
	} else {
		if last && u.size < 0 {
			u.total = int32(part + 1)
			u.known.Store(u.total)
			j.total = u.total
		}
		u.one[0] = j
		ready = u.one[:]
	}
	if u.md5 != nil {
		for _, h := range ready {
			u.md5.Write(h.data)
		}
	}
	return ready, nil
}

// readPart fills p from br and reports whether the source ends with it. With exact set the
// part must be filled completely (a known size); otherwise a short part is the last one.
func readPart(br *bufio.Reader, p []byte, exact bool) (n int, last bool, err error) {
	n, err = io.ReadFull(br, p)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) && !exact:
		return 0, true, nil
	case errors.Is(err, io.ErrUnexpectedEOF) && !exact:
		return n, true, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return n, false, fmt.Errorf("%w: the reader ended early", ErrSizeMismatch)
	default:
		return n, false, err
	}
	if _, err := br.Peek(1); errors.Is(err, io.EOF) {
		return n, true, nil
	} else if err != nil {
		return n, false, err
	}
	return n, false, nil
}

// buffer returns a part buffer: a free one, or a new one. Once the size class is known a new
// one is needed only while fewer than workers+1 exist: each worker lends at most one to its
// call and the one reading holds none, so book keeps the count within workers+1.
func (u *uploader) buffer() []byte {
	if n := len(u.free); n > 0 {
		b := u.free[n-1]
		u.free = u.free[:n-1]
		return b
	}
	u.allocated++
	return u.c.partBuffer(u.partSize)
}

// partError is the error of a part that send failed to store.
func (u *uploader) partError(j job, attempts int, err error) error {
	return &PartError{Op: "upload", Part: int64(j.part), Offset: int64(j.part) * int64(u.partSize), Attempts: attempts, Err: err}
}

// book books a stored part: its buffer goes back to the free list (or is dropped when more
// exist than the steady state needs), its bytes to the progress meter.
func (u *uploader) book(j job) {
	if u.allocated > u.workers+1 {
		u.allocated--
	} else {
		u.free = append(u.free, j.data[:cap(j.data)])
	}
	u.meter.add(len(j.data))
}

// partSender is one worker's reusable request and answer.
type partSender struct {
	big   tg.UploadSaveBigFilePartRequest
	small tg.UploadSaveFilePartRequest
	ok    tg.BoolBox
}

// send stores one part, repeating it after transient failures and flood waits. ctx is marked
// by tl.WithBorrowedBytes.
func (u *uploader) send(ctx context.Context, s *partSender, j job) (attempts int, err error) {
	var req tl.Encoder
	if u.big {
		s.big = tg.UploadSaveBigFilePartRequest{FileID: u.id, FilePart: int32(j.part), FileTotalParts: j.total, Bytes: j.data}
		req = &s.big
	} else {
		s.small = tg.UploadSaveFilePartRequest{FileID: u.id, FilePart: int32(j.part), Bytes: j.data}
		req = &s.small
	}
	defer func() { s.big.Bytes, s.small.Bytes = nil, nil }() // the buffer goes back to the pool
	p := newPacer(u.c, "upload part", int64(j.part))
	for {
		attempts++
		if s.big.FileTotalParts < 0 {
			if n := u.known.Load(); n > 0 {
				s.big.FileTotalParts = n // the stream ended while this part waited or failed
			}
		}
		s.ok = tg.BoolBox{}
		err := u.inv.Invoke(ctx, req, &s.ok)
		if err == nil && s.ok.Bool {
			return attempts, nil
		}
		if err == nil {
			err = errFalse
		}
		v, why := judge(ctx, err)
		if err := p.again(ctx, v, why, err); err != nil {
			return attempts, err
		}
	}
}
