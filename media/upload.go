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
// upload with a *PartError naming it. Cancelling ctx stops the upload; every goroutine has ended when Upload
// returns.
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

// uploader is one upload in progress. Its fields are owned by the calling goroutine except the
// read-only ones the workers use (c, inv, id, big).
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

	// inline is the sender of an upload that has at most one part in flight: dispatch sends
	// the part itself on sendCtx, sparing two goroutine hand-offs per part. nil on the worker
	// path.
	inline  *partSender
	sendCtx context.Context

	// buffer accounting
	free      [][]byte
	allocated int
	inflight  int
	parts     int // parts dispatched
}

// job is one part handed to a worker.
type job struct {
	part  int
	data  []byte
	total int32 // file_total_parts for big files
}

type jobResult struct {
	job
	attempts int
	err      error
}

func (u *uploader) run(parent context.Context, r io.Reader) (tg.InputFileClass, error) {
	if u.workers == 1 || u.total == 1 {
		return u.runInline(parent, r)
	}
	ctx, cancel := context.WithCancel(parent)
	// A part's buffer stays unchanged until its call returns: the session may send it without
	// copying it into the packet.
	sendCtx := tl.WithBorrowedBytes(ctx)
	jobs := make(chan job)
	results := make(chan jobResult, u.workers)
	var wg sync.WaitGroup
	for range u.workers {
		wg.Go(func() {
			s := new(partSender)
			for j := range jobs {
				attempts, err := u.send(sendCtx, s, j)
				// Once run has given up it reads no more results: up to 2*workers parts can
				// be outstanding, more than results holds, so a blind send could block
				// wg.Wait forever.
				select {
				case results <- jobResult{job: j, attempts: attempts, err: err}:
				case <-ctx.Done():
				}
			}
		})
	}
	defer func() {
		cancel()
		close(jobs)
		wg.Wait()
		// Every worker has ended: the free buffers are no longer lent to a call.
		u.c.keepPartBuffers(u.free)
	}()
	if err := u.feed(ctx, r, jobs, results); err != nil {
		return nil, contextErr(parent, err)
	}
	for u.inflight > 0 {
		if err := u.await(ctx, results); err != nil {
			return nil, contextErr(parent, err)
		}
	}
	return u.result(), nil
}

// runInline uploads with no worker goroutine: one part in flight gains nothing from a worker,
// and each hand-off to one and back would wake a thread. dispatch sends every part before it
// returns, so one part buffer serves a known size (an unknown one still holds its first parts
// until the size class is known).
func (u *uploader) runInline(ctx context.Context, r io.Reader) (tg.InputFileClass, error) {
	u.inline = new(partSender)
	u.sendCtx = tl.WithBorrowedBytes(ctx)
	// No call holds a buffer once feed returns.
	defer func() { u.c.keepPartBuffers(u.free) }()
	if err := u.feed(ctx, r, nil, nil); err != nil {
		return nil, contextErr(ctx, err)
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

// feed reads the source part by part and dispatches the parts. For an unknown size it holds
// the first parts until the size class is known.
func (u *uploader) feed(ctx context.Context, r io.Reader, jobs chan<- job, results <-chan jobResult) error {
	br := bufio.NewReaderSize(r, 16)
	u.decided = u.size > 0
	if u.decided && !u.big {
		u.md5 = md5.New()
	}
	var held []job
	var heldBytes int
	var read int64
	for part := 0; ; part++ {
		if part >= u.c.opt.MaxParts {
			return fmt.Errorf("%w: more than %d parts of %d bytes", ErrFileTooLarge, u.c.opt.MaxParts, u.partSize)
		}
		buf, err := u.buffer(ctx, results, !u.decided)
		if err != nil {
			return err
		}
		want := u.partSize
		if u.size > 0 {
			want = int(min(int64(u.partSize), u.size-read))
		}
		n, last, err := readPart(br, buf[:want], u.size > 0)
		if err != nil {
			return fmt.Errorf("media: upload: read part %d: %w", part, err)
		}
		if n == 0 { // unknown size, nothing left: the previous part was the last one
			break
		}
		read += int64(n)
		if u.size > 0 && last != (read == u.size) {
			return fmt.Errorf("%w: the reader delivered %d+ bytes of %d", ErrSizeMismatch, read, u.size)
		}
		j := job{part: part, data: buf[:n], total: u.total}
		if !u.decided {
			held = append(held, j)
			heldBytes += n
			switch {
			case heldBytes > SmallFileLimit:
				u.decided, u.big = true, true
				if last {
					u.total = int32(len(held))
					u.known.Store(u.total)
				}
			case last:
				u.decided, u.big, u.total = true, false, int32(len(held))
				u.md5 = md5.New()
			default:
				continue
			}
			for _, h := range held {
				h.total = u.total
				if err := u.dispatch(ctx, jobs, results, h); err != nil {
					return err
				}
			}
			held = nil
		} else {
			if last && u.size < 0 {
				u.total = int32(part + 1)
				u.known.Store(u.total)
				j.total = u.total
			}
			if err := u.dispatch(ctx, jobs, results, j); err != nil {
				return err
			}
		}
		if last {
			break
		}
	}
	if u.parts == 0 {
		return ErrEmptyFile
	}
	return nil
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

// buffer returns a part buffer: a free one, a new one while fewer than workers+1 exist (or
// while holding parts of an unknown-size file, grow), or the buffer of the next finished part.
func (u *uploader) buffer(ctx context.Context, results <-chan jobResult, grow bool) ([]byte, error) {
	for {
		if n := len(u.free); n > 0 {
			b := u.free[n-1]
			u.free = u.free[:n-1]
			return b, nil
		}
		if grow || u.allocated < u.workers+1 {
			u.allocated++
			return u.c.partBuffer(u.partSize), nil
		}
		if err := u.await(ctx, results); err != nil {
			return nil, err
		}
	}
}

// dispatch hands j to a worker, collecting finished parts while they are all busy. On the
// inline path it sends j itself and books it as a worker's result.
func (u *uploader) dispatch(ctx context.Context, jobs chan<- job, results <-chan jobResult, j job) error {
	if u.md5 != nil {
		u.md5.Write(j.data)
	}
	if u.inline != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		u.inflight++
		u.parts++
		attempts, err := u.send(u.sendCtx, u.inline, j)
		return u.finish(jobResult{job: j, attempts: attempts, err: err})
	}
	for {
		select {
		case jobs <- j:
			u.inflight++
			u.parts++
			return nil
		case res := <-results:
			if err := u.finish(res); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// await waits for one finished part.
func (u *uploader) await(ctx context.Context, results <-chan jobResult) error {
	select {
	case res := <-results:
		return u.finish(res)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// finish books a finished part: its buffer goes back to the free list (or is dropped when more
// exist than the steady state needs), its bytes to the progress meter.
func (u *uploader) finish(res jobResult) error {
	u.inflight--
	if res.err != nil {
		return &PartError{Op: "upload", Part: int64(res.part), Offset: int64(res.part) * int64(u.partSize), Attempts: res.attempts, Err: res.err}
	}
	if u.allocated > u.workers+1 {
		u.allocated--
	} else {
		u.free = append(u.free, res.data[:cap(res.data)])
	}
	u.meter.add(len(res.data))
	return nil
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
