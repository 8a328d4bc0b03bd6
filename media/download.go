package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// maxRefreshes bounds how often one download asks the refresher for a new file reference.
const maxRefreshes = 3

// Download writes the file at loc to w, in order, and returns the number of bytes written.
//
// Chunks are fetched with upload.getFile on Options.Workers calls at once (at most twice that
// many chunks are held in memory) and written as soon as all earlier ones are; a file of one
// chunk is fetched and written from the calling goroutine. FILE_MIGRATE_X moves the download to
// data center X; upload.fileCdnRedirect moves it to the CDN, whose parts are decrypted and
// checked against the master's hashes (a mismatch fails the download before the part is
// written); FILE_REFERENCE_EXPIRED asks the refresher of WithRefresher for a new location and
// repeats the chunk. Transient failures and flood waits repeat a chunk; one that still fails
// ends the download with a *PartError, after every earlier chunk was written.
func (c *Client) Download(ctx context.Context, loc Location, w io.Writer, opts ...Option) (int64, error) {
	d, err := c.newDownload(loc, 0, -1, opts)
	if err != nil {
		return 0, err
	}
	return d.run(ctx, writeSink(w, "download"))
}

// writeSink hands a download's chunks to w; op names the operation in its errors.
func writeSink(w io.Writer, op string) func([]byte) error {
	return func(p []byte) error {
		n, err := w.Write(p)
		if err == nil && n != len(p) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return fmt.Errorf("media: %s: write: %w", op, err)
		}
		return nil
	}
}

// DownloadToFile downloads the file at loc to path and returns its size. The data first goes
// to path+".part"; an existing .part file is resumed from its last whole chunk, so a download
// that failed or was cancelled continues where it stopped. The .part file is renamed to path
// once complete; it stays in place when the download fails.
func (c *Client) DownloadToFile(ctx context.Context, loc Location, path string, opts ...Option) (int64, error) {
	part := path + ".part"
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return 0, fmt.Errorf("media: download: %w", err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("media: download: %w", err)
	}
	have := st.Size()
	if loc.Size > 0 && have > loc.Size {
		have = 0 // not a prefix of this file
	}
	limit := int64(c.chunkLimit())
	start := have / limit * limit
	if err := f.Truncate(start); err != nil {
		return 0, fmt.Errorf("media: download: %w", err)
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return 0, fmt.Errorf("media: download: %w", err)
	}
	d, err := c.newDownload(loc, start, -1, opts)
	if err != nil {
		return 0, err
	}
	// Progress counts the whole file: the bytes already in the .part file are done.
	d.meter.done = start
	if d.meter.total >= 0 {
		d.meter.total += start
	}
	if start > 0 {
		c.log.Debug("resuming download", "path", part, "offset", start)
	}
	n, err := d.run(ctx, func(p []byte) error {
		if _, err := f.Write(p); err != nil {
			return fmt.Errorf("media: download: write %s: %w", part, err)
		}
		return nil
	})
	if err != nil {
		return start + n, err
	}
	err = f.Close()
	f = nil
	if err != nil {
		return start + n, fmt.Errorf("media: download: %w", err)
	}
	if err := os.Rename(part, path); err != nil {
		return start + n, fmt.Errorf("media: download: %w", err)
	}
	return start + n, nil
}

// Range streams the bytes [from, to) of the file at loc (to < 0: to the end) as a sequence of
// chunks, in order, for media players and partial reads. A chunk is valid until the loop asks
// for the next one. An error ends the sequence as its last element; breaking out of the loop
// stops the download, and its goroutines have ended when the loop statement completes.
func (c *Client) Range(ctx context.Context, loc Location, from, to int64, opts ...Option) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		d, err := c.newDownload(loc, from, to, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		stopped := false
		_, err = d.run(ctx, func(p []byte) error {
			if !yield(p, nil) {
				stopped = true
				return errStopped
			}
			return nil
		})
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

// errStopped ends a download whose consumer went away.
var errStopped = errors.New("media: stopped by the consumer")

// chunkLimit returns the getFile limit: Options.ChunkSize, at least one CDN hash span when CDN
// redirects may happen.
func (c *Client) chunkLimit() int {
	if c.opt.DisableCDN {
		return c.opt.ChunkSize
	}
	return max(c.opt.ChunkSize, CDNHashSize)
}

// download is one download in progress. The writer side (run) is owned by the calling
// goroutine; src is shared by the workers under mu.
type download struct {
	c       *Client
	plan    ChunkPlan
	refresh Refresher
	workers int
	meter   *meter
	bufSize int

	mu        sync.Mutex
	src       source
	moves     int
	refreshMu sync.Mutex // one refresher call at a time
	refreshes int
	// refreshBroken is set while the refresher runs and stays set if it panicked: no other
	// worker calls it again before the relay stops them (refreshMu guards both).
	refreshBroken bool

	web *webSource // a web file (upload.getWebFile), nil for files
}

// source is where chunks come from; gen changes with every move so that workers hitting the
// same error apply one move, not one each.
type source struct {
	gen   int
	dc    int
	input tg.InputFileLocationClass
	cdn   *cdnSource
}

// cdnSource is an active CDN redirect.
type cdnSource struct {
	dc     int
	token  []byte
	cipher *CDNCipher
	mu     sync.RWMutex // guards hashes
	hashes CDNHashes
}

func (c *Client) newDownload(loc Location, from, to int64, opts []Option) (*download, error) {
	if loc.Input == nil && loc.Web == nil {
		return nil, fmt.Errorf("media: download: %w: no input location", ErrMediaNil)
	}
	if err := CheckChunkSize(c.opt.ChunkSize); err != nil {
		return nil, err
	}
	plan, err := NewChunkPlan(loc.Size, from, to, c.chunkLimit())
	if err != nil {
		return nil, err
	}
	k := c.callOptions(opts)
	workers := k.workers
	if n := plan.Count(); n >= 0 {
		workers = int(max(min(int64(workers), n), 1))
	}
	bufSize := plan.Limit()
	if loc.Size > 0 {
		bufSize = int(min(int64(bufSize), loc.Size))
	}
	return &download{
		c: c, plan: plan, refresh: k.refresh, workers: workers, bufSize: bufSize,
		meter: newMeter(k.progress, max(plan.Len(), -1)),
		src:   source{dc: loc.DC, input: loc.Input},
		web:   c.webSource(loc), // webfile.go
	}, nil
}

// fetched is a chunk answered (or finally failed) by a worker.
type fetched struct {
	chunk    Chunk
	buf      []byte // the slot's buffer, to recycle
	data     []byte
	attempts int
	err      error
}

// run fetches the plan's chunks on the workers and hands them to sink in order from the
// calling goroutine. It returns the bytes given to sink.
func (d *download) run(parent context.Context, sink func([]byte) error) (int64, error) {
	count := d.plan.Count()
	if count == 0 {
		return 0, nil
	}
	if count == 1 {
		return d.runInline(parent, sink)
	}
	ctx, cancel := context.WithCancel(parent)
	w := newWindow(2*d.workers, count)
	var wg sync.WaitGroup
	var panics relay // a panic of the Refresher
	for range d.workers {
		wg.Go(func() { panics.run(cancel, func() { d.work(ctx, w) }) })
	}
	// If sink panics, the workers are stopped and its panic goes on.
	defer func() {
		cancel()
		wg.Wait()
	}()
	n, err := d.deliver(ctx, parent, w, sink)
	cancel()
	wg.Wait()
	panics.rethrow()
	return n, err
}

// window is what a download's workers share with the goroutine that writes its chunks.
type window struct {
	size    int
	slots   chan []byte  // buffers a worker may fetch a chunk into, size of them
	results chan fetched // answered (or failed) chunks, in any order
	next    atomic.Int64 // the index of the next chunk to claim
	end     atomic.Int64 // the index of the last chunk, once known
}

func newWindow(size int, count int64) *window {
	w := &window{size: size, slots: make(chan []byte, size), results: make(chan fetched, size)}
	for range size {
		w.slots <- nil // buffers are allocated on first use, if the chunks are copied at all
	}
	w.end.Store(count - 1)
	if count < 0 {
		w.end.Store(1<<62 - 1)
	}
	return w
}

// work is one download worker: it takes a slot, claims the next chunk and fetches it, until
// the plan or the known end is reached or ctx is done.
func (d *download) work(ctx context.Context, w *window) {
	f := &fetcher{d: d}
	for {
		select {
		case f.buf = <-w.slots:
		case <-ctx.Done():
			return
		}
		i := w.next.Add(1) - 1
		ch, ok := d.plan.Chunk(i)
		if !ok || i > w.end.Load() {
			w.slots <- f.buf
			return
		}
		data, attempts, err := f.fetch(ctx, ch)
		w.results <- fetched{chunk: ch, buf: f.buf, data: data, attempts: attempts, err: err}
	}
}

// deliver hands the fetched chunks to sink in order and gives their slots back, until the
// last chunk is written, sink or a chunk fails, or ctx is done.
func (d *download) deliver(ctx, parent context.Context, w *window, sink func([]byte) error) (int64, error) {
	pending := make(map[int64]fetched, w.size)
	var written int64
	for want := int64(0); ; {
		var f fetched
		select {
		case f = <-w.results:
		case <-ctx.Done():
			return written, contextErr(parent, ctx.Err())
		}
		pending[f.chunk.Index] = f
		for {
			f, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			n, last, err := d.write(parent, f, sink)
			written += n
			if err != nil {
				return written, err
			}
			w.slots <- f.buf
			if last {
				w.end.Store(want)
				return written, nil
			}
			want++
		}
	}
}

// runInline downloads a file of one chunk (most photos) with no worker goroutine: the caller's
// goroutine fetches the chunk and writes it, with no hand-off to a worker and back. A longer
// download keeps the worker path even with one worker: its window of two lets the worker fetch
// the next chunk while the caller writes one, which measured faster by wall clock on the
// benchmark's wire than the same loop run inline, though inline spent less CPU.
func (d *download) runInline(ctx context.Context, sink func([]byte) error) (int64, error) {
	f := &fetcher{d: d}
	ch, _ := d.plan.Chunk(0)
	data, attempts, err := f.fetch(ctx, ch)
	n, _, err := d.write(ctx, fetched{chunk: ch, data: data, attempts: attempts, err: err}, sink)
	return n, err
}

// write hands chunk f, the next in order, to sink and reports its bytes to the progress meter;
// last is set when the plan ends with it. ctx is the download's own (not a worker's).
func (d *download) write(ctx context.Context, f fetched, sink func([]byte) error) (n int64, last bool, err error) {
	if f.err != nil {
		return 0, false, contextErr(ctx, &PartError{Op: "download", Part: f.chunk.Index, Offset: f.chunk.Offset, Attempts: f.attempts, Err: f.err})
	}
	out, last, err := d.plan.Trim(f.chunk, f.data)
	if err != nil {
		return 0, false, &PartError{Op: "download", Part: f.chunk.Index, Offset: f.chunk.Offset, Attempts: f.attempts, Err: err}
	}
	if len(out) > 0 {
		if err := sink(out); err != nil {
			return 0, false, err
		}
		d.meter.add(len(out))
	}
	return int64(len(out)), last, nil
}

func (d *download) snapshot() source {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.src
}

// fetcher is one worker's reusable state: its requests and answers, and the window slot's
// buffer of the chunk it fetches (nil until a chunk is copied into it).
type fetcher struct {
	d   *download
	buf []byte
	req tg.UploadGetFileRequest
	ans fileAnswer
	cdn cdnAnswer
	web webAnswer
}

// fetch gets one chunk, following the source through migrations, CDN redirects and
// reference refreshes, and repeating it after transient failures and flood waits.
func (f *fetcher) fetch(ctx context.Context, ch Chunk) (data []byte, attempts int, err error) {
	d := f.d
	p := newPacer(d.c, "download chunk", ch.Index)
	for {
		attempts++
		src := d.snapshot()
		if d.web != nil {
			data, err = f.fetchWeb(ctx, src, ch)
		} else if src.cdn != nil {
			data, err = f.fetchCDN(ctx, src, ch)
		} else {
			var redirect *tg.UploadFileCdnRedirect
			data, redirect, err = f.fetchMaster(ctx, src, ch)
			if err == nil && redirect != nil {
				if err := d.toCDN(src.gen, redirect); err != nil {
					return nil, attempts, err
				}
				continue
			}
		}
		if err == nil {
			return data, attempts, nil
		}
		v, why := judge(ctx, err)
		switch {
		case v == migrate && src.cdn == nil:
			if err := d.move(src.gen, func(s *source) { s.dc = why.DC }); err != nil {
				return nil, attempts, err
			}
			d.c.log.Debug("download migrated", "dc", why.DC)
		case v == refresh && src.cdn == nil:
			if rerr := d.refreshLocation(ctx, src, err); rerr != nil {
				return nil, attempts, rerr
			}
		case v == cdnToken && src.cdn != nil:
			if err := d.move(src.gen, func(s *source) { s.cdn = nil }); err != nil {
				return nil, attempts, err
			}
			d.c.log.Debug("cdn token expired, asking the master again")
		default:
			if err := p.again(ctx, v, why, err); err != nil {
				return nil, attempts, err
			}
		}
	}
}

// move applies change to the source unless another worker already moved it since gen.
func (d *download) move(gen int, change func(*source)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.src.gen != gen {
		return nil
	}
	if d.moves++; d.moves > maxMoves {
		return fmt.Errorf("%w: %d moves", ErrTooManyMigrations, d.moves-1)
	}
	change(&d.src)
	d.src.gen++
	return nil
}

func (d *download) toCDN(gen int, r *tg.UploadFileCdnRedirect) error {
	ciph, err := NewCDNCipher(r.EncryptionKey, r.EncryptionIv)
	if err != nil {
		return err
	}
	cdn := &cdnSource{dc: int(r.DCID), token: r.FileToken, cipher: ciph}
	cdn.hashes.Add(r.FileHashes)
	d.c.log.Debug("download redirected to cdn", "dc", r.DCID)
	return d.move(gen, func(s *source) { s.cdn = cdn })
}

// refreshLocation asks the refresher for a new location, once for all workers that saw the
// reference of src expire.
func (d *download) refreshLocation(ctx context.Context, src source, cause error) error {
	d.refreshMu.Lock()
	defer d.refreshMu.Unlock()
	if d.refreshBroken {
		return fmt.Errorf("%w: the refresher panicked", ErrReferenceExpired)
	}
	if d.snapshot().gen != src.gen {
		return nil // refreshed meanwhile
	}
	if d.refresh == nil {
		return fmt.Errorf("%w: no refresher: %w", ErrReferenceExpired, cause)
	}
	if d.refreshes++; d.refreshes > maxRefreshes {
		return fmt.Errorf("%w: still expired after %d refreshes: %w", ErrReferenceExpired, maxRefreshes, cause)
	}
	d.refreshBroken = true
	loc, err := d.refresh(ctx, src.input)
	d.refreshBroken = false
	if err != nil {
		return fmt.Errorf("%w: refresher: %w", ErrReferenceExpired, err)
	}
	if loc == nil {
		return fmt.Errorf("%w: refresher returned no location", ErrReferenceExpired)
	}
	d.c.log.Debug("file reference refreshed")
	return d.move(src.gen, func(s *source) { s.input = loc })
}

// fetchMaster asks the file's data center for a chunk.
func (f *fetcher) fetchMaster(ctx context.Context, src source, ch Chunk) ([]byte, *tg.UploadFileCdnRedirect, error) {
	d := f.d
	inv, err := d.c.pool.DC(ctx, src.dc, KindMedia)
	if err != nil {
		return nil, nil, fmt.Errorf("media: connection to dc %d: %w", src.dc, err)
	}
	f.ans = fileAnswer{buf: f.buf, limit: d.bufSize}
	f.req = tg.UploadGetFileRequest{CdnSupported: !d.c.opt.DisableCDN, Location: src.input, Offset: ch.Offset, Limit: ch.Limit}
	err = inv.Invoke(ctx, &f.req, &f.ans)
	f.buf = f.ans.buf
	if err != nil {
		return nil, nil, err
	}
	return f.ans.data, f.ans.redirect, nil
}

// fetchCDN gets a chunk from the CDN, decrypts it and verifies it against the master's hashes.
func (f *fetcher) fetchCDN(ctx context.Context, src source, ch Chunk) ([]byte, error) {
	d := f.d
	cdn := src.cdn
	inv, err := d.c.pool.DC(ctx, cdn.dc, KindCDN)
	if err != nil {
		return nil, fmt.Errorf("media: connection to cdn dc %d: %w", cdn.dc, err)
	}
	ans := &f.cdn
	for reuploads := 0; ; reuploads++ {
		*ans = cdnAnswer{buf: f.buf, limit: d.bufSize}
		req := &tg.UploadGetCdnFileRequest{FileToken: cdn.token, Offset: ch.Offset, Limit: ch.Limit}
		err := inv.Invoke(ctx, req, ans)
		f.buf = ans.buf
		if err != nil {
			return nil, err
		}
		if ans.reupload == nil {
			break
		}
		if reuploads == maxMoves {
			return nil, fatal(fmt.Errorf("%w: cdn still asks for a reupload after %d", ErrTooManyMigrations, reuploads))
		}
		var hashes tg.FileHashVector
		if err := d.master(ctx, src, &tg.UploadReuploadCdnFileRequest{FileToken: cdn.token, RequestToken: ans.reupload}, &hashes); err != nil {
			return nil, err
		}
		cdn.mu.Lock()
		cdn.hashes.Add(hashes.Elems)
		cdn.mu.Unlock()
		d.c.log.Debug("cdn file reuploaded", "offset", ch.Offset)
	}
	data := ans.data
	if len(data) > int(ch.Limit) {
		return nil, fatal(fmt.Errorf("%w: %d bytes for %d", ErrChunkTooLarge, len(data), ch.Limit))
	}
	if err := cdn.cipher.XOR(data, data, ch.Offset); err != nil {
		return nil, fatal(err)
	}
	final := len(data) < int(ch.Limit)
	for asked := 0; ; asked++ {
		cdn.mu.RLock()
		at, missing := cdn.hashes.Missing(ch.Offset, len(data))
		cdn.mu.RUnlock()
		if !missing {
			break
		}
		if asked == 4 {
			return nil, fatal(fmt.Errorf("%w: block at offset %d", ErrCDNHashMissing, at))
		}
		var hashes tg.FileHashVector
		if err := d.master(ctx, src, &tg.UploadGetCdnFileHashesRequest{FileToken: cdn.token, Offset: at}, &hashes); err != nil {
			return nil, err
		}
		cdn.mu.Lock()
		cdn.hashes.Add(hashes.Elems)
		cdn.mu.Unlock()
	}
	cdn.mu.RLock()
	err = cdn.hashes.Verify(ch.Offset, data, final)
	cdn.mu.RUnlock()
	if err != nil {
		return nil, fatal(err)
	}
	if final && d.plan.size < 0 {
		if err := d.checkCDNEnd(ctx, src, ch.Offset, len(data)); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// checkCDNEnd confirms that a short CDN answer of n bytes at offset ends the file, which the
// download takes it to do when the size is unknown. An answer ending inside a block was just
// verified against the master's hash of that whole last block, so the end is proven. One
// ending where a block ends proves nothing (every block sent verifies), so the master is asked
// for the hash of the block after it: if there is one, the CDN cut the file short.
func (d *download) checkCDNEnd(ctx context.Context, src source, offset int64, n int) error {
	cdn := src.cdn
	end := offset + int64(n)
	cdn.mu.RLock()
	boundary, known := cdn.hashes.blockEnd(offset, n), cdn.hashes.has(end)
	cdn.mu.RUnlock()
	if !boundary {
		return nil
	}
	if !known {
		var hashes tg.FileHashVector
		if err := d.master(ctx, src, &tg.UploadGetCdnFileHashesRequest{FileToken: cdn.token, Offset: end}, &hashes); err != nil {
			return err
		}
		cdn.mu.Lock()
		cdn.hashes.Add(hashes.Elems)
		known = cdn.hashes.has(end)
		cdn.mu.Unlock()
	}
	if known {
		return fatal(fmt.Errorf("%w: the cdn ended the file at offset %d, the master data center has blocks after it", ErrSizeMismatch, end))
	}
	return nil
}

// master calls the file's own data center (CDN hashes and reuploads).
func (d *download) master(ctx context.Context, src source, in tl.Encoder, out *tg.FileHashVector) error {
	inv, err := d.c.pool.DC(ctx, src.dc, KindMedia)
	if err != nil {
		return fmt.Errorf("media: connection to dc %d: %w", src.dc, err)
	}
	return inv.Invoke(ctx, in, out)
}
