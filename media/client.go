package media

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultWorkers    = 4
	DefaultRetries    = 5
	DefaultRetryDelay = 100 * time.Millisecond
	// DefaultFloodSleepThreshold is the default of Options.FloodSleepThreshold, the same as
	// the client's default Config.SleepThreshold.
	DefaultFloodSleepThreshold = 10 * time.Second
	// maxFloods bounds the flood waits one part sleeps through.
	maxFloods = 16
	// maxMoves bounds the data center migrations, CDN redirects and reference refreshes of one
	// transfer.
	maxMoves = 8
)

// Client runs uploads and downloads over a Pool. It holds no per-transfer state and is safe
// for concurrent use; each transfer's goroutines end before its method returns.
type Client struct {
	pool Pool
	opt  Options
	log  *slog.Logger

	parts sync.Pool // *[]byte of Options.PartSize bytes: upload part buffers kept between uploads
}

// partBuffer returns an upload part buffer of n bytes, from the pool when n is the default
// part size.
func (c *Client) partBuffer(n int) []byte {
	if n == c.opt.PartSize {
		if p, ok := c.parts.Get().(*[]byte); ok {
			return *p
		}
	}
	return make([]byte, n)
}

// keepPartBuffers pools the buffers of the default part size for the next upload.
func (c *Client) keepPartBuffers(bufs [][]byte) {
	for _, b := range bufs {
		if cap(b) == c.opt.PartSize {
			b = b[:cap(b)]
			c.parts.Put(&b)
		}
	}
}

// New returns a Client using pool with opt (zero fields take their defaults). An invalid part
// or chunk size is reported by the first transfer that uses it.
func New(pool Pool, opt Options) *Client {
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.MaxParts <= 0 {
		opt.MaxParts = DefaultMaxParts
	}
	if opt.PartSize == 0 {
		opt.PartSize = MaxPartSize
	}
	if opt.ChunkSize == 0 {
		opt.ChunkSize = MaxChunkSize
	}
	switch {
	case opt.Retries == 0:
		opt.Retries = DefaultRetries
	case opt.Retries < 0:
		opt.Retries = 0
	}
	if opt.RetryDelay <= 0 {
		opt.RetryDelay = DefaultRetryDelay
	}
	if opt.FloodSleepThreshold == 0 {
		opt.FloodSleepThreshold = DefaultFloodSleepThreshold
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{pool: pool, opt: opt, log: log}
}

// Options returns the options in effect, defaults filled in.
func (c *Client) Options() Options { return c.opt }

func (c *Client) callOptions(opts []Option) call {
	k := call{workers: c.opt.Workers}
	for _, o := range opts {
		o(&k)
	}
	if k.workers <= 0 {
		k.workers = c.opt.Workers
	}
	return k
}

// fileIDDraws bounds the draws for a non-zero file id: a working source gives zero once in
// 2^64 draws, so a source that gives it this often in a row is broken.
const fileIDDraws = 8

// fileID draws a non-zero random upload file id, failing with ErrFileID after fileIDDraws zeros.
func (c *Client) fileID() (int64, error) {
	var b [8]byte
	for range fileIDDraws {
		if _, err := io.ReadFull(c.opt.Rand, b[:]); err != nil {
			return 0, fmt.Errorf("media: draw file id: %w", err)
		}
		if id := int64(binary.LittleEndian.Uint64(b[:])); id != 0 {
			return id, nil
		}
	}
	return 0, fmt.Errorf("%w: %d draws in a row", ErrFileID, fileIDDraws)
}

// meter turns byte counts into Progress values.
type meter struct {
	fn    func(Progress)
	start time.Time
	total int64
	done  int64
}

func newMeter(fn func(Progress), total int64) *meter {
	return &meter{fn: fn, start: time.Now(), total: total}
}

func (m *meter) add(n int) {
	m.done += int64(n)
	if m.fn == nil {
		return
	}
	p := Progress{Done: m.done, Total: m.total}
	if el := time.Since(m.start).Seconds(); el > 0 {
		p.Rate = float64(m.done) / el
	}
	m.fn(p)
}

// errFalse is a save call answered with boolFalse: the part was not stored.
var errFalse = fmt.Errorf("media: server answered false")

// contextErr prefers the context's error: after cancellation the errors of parts are noise.
func contextErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("media: %w", cerr)
	}
	return err
}
