package media

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Kind says which sort of connection to a data center a transfer wants.
type Kind uint8

const (
	// KindMain is the ordinary connection of a data center.
	KindMain Kind = iota
	// KindMedia is a connection reserved for file transfers (media-only address when the data
	// center has one).
	KindMedia
	// KindCDN is a connection to a CDN data center: keys from help.getCdnConfig, no
	// authorization.
	KindCDN
)

// String returns "main", "media" or "cdn".
func (k Kind) String() string {
	switch k {
	case KindMain:
		return "main"
	case KindMedia:
		return "media"
	case KindCDN:
		return "cdn"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Pool hands out RPC invokers per data center (consumer interface; the client implements it).
// dc 0 names the account's home data center. An invoker must report rpc_error answers as
// *rpcerr.Error (possibly wrapped) and must not apply its own flood-wait or migration
// policy: the transfer loops handle FLOOD_WAIT, FILE_MIGRATE and FILE_REFERENCE_EXPIRED per
// part. Invokers are used from several goroutines at once.
type Pool interface {
	DC(ctx context.Context, dc int, kind Kind) (tg.Invoker, error)
}

// PoolFunc adapts a function to Pool.
type PoolFunc func(ctx context.Context, dc int, kind Kind) (tg.Invoker, error)

// DC calls f.
func (f PoolFunc) DC(ctx context.Context, dc int, kind Kind) (tg.Invoker, error) {
	return f(ctx, dc, kind)
}

// Refresher returns a fresh location for a file whose reference expired
// (FILE_REFERENCE_EXPIRED), typically by fetching the message or document again (consumer; the
// client provides it). old is the location that failed.
type Refresher func(ctx context.Context, old tg.InputFileLocationClass) (tg.InputFileLocationClass, error)

// Location is a downloadable file: where it lives and how to name it to upload.getFile.
type Location struct {
	// DC is the data center storing the file (Document.DCID, Photo.DCID); 0 for the home data
	// center. FILE_MIGRATE_X answers move the transfer anyway.
	DC int
	// Input names the file to upload.getFile.
	Input tg.InputFileLocationClass
	// Web names a web file to upload.getWebFile instead of Input (see webfile.go): a web
	// document by URL, a map preview. DC 0 then means Options.WebFileDC.
	Web tg.InputWebFileLocationClass
	// Size is the file size in bytes when known, 0 when unknown (the download then ends at the
	// first short chunk).
	Size int64
}

// Progress is a snapshot of a transfer, passed to the progress callback.
type Progress struct {
	// Done is the number of bytes transferred so far (written to the destination, or
	// acknowledged by the server for uploads).
	Done int64
	// Total is the size of the transfer, -1 when unknown.
	Total int64
	// Rate is the average speed since the transfer started, in bytes per second.
	Rate float64
}

// Options configures a Client. The zero value is usable.
type Options struct {
	// Workers is the number of parts in flight per transfer (default 4; the client passes its
	// MaxConcurrentTransmissions).
	Workers int
	// PartSize is the preferred upload part size: a power of two from 1 KiB to 512 KiB
	// (default 512 KiB). It is raised when a file would need more than MaxParts parts.
	PartSize int
	// ChunkSize is the download request size: a power of two from 4 KiB to 1 MiB (default
	// 1 MiB). CDN downloads use at least 128 KiB, the span of one CDN hash.
	ChunkSize int
	// MaxParts is the most parts an uploaded file may have (default 4000; 8000 for premium
	// accounts). Uploads refuse one over 2^31 - 1 with ErrMaxParts: file_part and
	// file_total_parts are 32-bit.
	MaxParts int
	// Retries is how many times a part is repeated after transient failures (internal server
	// errors, lost connections) before the transfer fails naming it (default 5; negative: none).
	Retries int
	// RetryDelay is the first pause before repeating a failed part, doubled on each repeat
	// (default 100 ms).
	RetryDelay time.Duration
	// FloodSleepThreshold is the longest FLOOD_WAIT a part sleeps through before repeating; a
	// longer one fails the transfer with ErrFloodWait. Default 10 s, the default of the
	// client's Config.SleepThreshold (which the client passes here); negative never sleeps.
	FloodSleepThreshold time.Duration
	// WebFileDC is the data center serving web files (config.webfile_dc_id: Telegram answers
	// upload.getWebFile there only); 0 means the home data center.
	WebFileDC int
	// DisableCDN stops asking for CDN redirects (cdn_supported is not sent).
	DisableCDN bool
	// Rand supplies upload file ids (default crypto/rand). A source that gives only zero ids
	// fails the upload with ErrFileID.
	Rand io.Reader
	// Logger receives debug records about retries, migrations and redirects (default: discard).
	Logger *slog.Logger
}

// Option adjusts one transfer.
type Option func(*call)

// call holds the per-transfer options.
type call struct {
	progress func(Progress)
	refresh  Refresher
	workers  int
}

// WithProgress calls fn after each part with the transfer's progress. fn is called from one
// goroutine at a time, in order, and must return quickly. A panic in fn reaches the caller of
// the transfer, whichever goroutine fn ran on (from a worker as a *WorkerPanic).
func WithProgress(fn func(Progress)) Option { return func(c *call) { c.progress = fn } }

// WithRefresher sets the function asked for a fresh location when the file reference expires
// in the middle of a download; without one FILE_REFERENCE_EXPIRED fails the download. r may
// run on a download worker (a file of one chunk calls it from the caller's goroutine); a
// panic in it reaches the caller of the download either way (from a worker as a
// *WorkerPanic).
func WithRefresher(r Refresher) Option { return func(c *call) { c.refresh = r } }

// WithWorkers overrides Options.Workers for one transfer.
func WithWorkers(n int) Option { return func(c *call) { c.workers = n } }
