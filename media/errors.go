package media

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrMediaNil reports a nil media object passed to a media function.
	ErrMediaNil = errors.New("media: nil media")
	// ErrPhotoNoData reports a photo without its data (photoEmpty or a nil photo).
	ErrPhotoNoData = errors.New("media: photo has no data")
	// ErrPhotoNoSizes reports a photo without any downloadable size.
	ErrPhotoNoSizes = errors.New("media: photo has no downloadable sizes")
	// ErrNoDownloadableMedia reports media with nothing to download (contacts, polls, venues,
	// empty documents, ...).
	ErrNoDownloadableMedia = errors.New("media: no downloadable media")
	// ErrNoThumb reports a document or photo without the requested thumbnail.
	ErrNoThumb = errors.New("media: no such thumbnail")

	// ErrEmptyFile reports an upload of zero bytes: Telegram stores no empty files.
	ErrEmptyFile = errors.New("media: empty file")
	// ErrFileTooLarge reports an upload needing more parts than Options.MaxParts even with
	// 512 KiB parts.
	ErrFileTooLarge = errors.New("media: file too large")
	// ErrSizeMismatch reports a source or a server answer whose size differs from the declared
	// one: a reader that ends early or goes on, a file shorter or longer than Location.Size.
	ErrSizeMismatch = errors.New("media: size mismatch")
	// ErrBadPartSize reports a part or chunk size outside Telegram's rules.
	ErrBadPartSize = errors.New("media: invalid part size")
	// ErrBadRange reports a download range that is empty or negative.
	ErrBadRange = errors.New("media: invalid range")
	// ErrLimitInvalid reports an upload.getFile limit Telegram refuses (LIMIT_INVALID); see
	// CheckChunk.
	ErrLimitInvalid = errors.New("media: getFile limit invalid")
	// ErrOffsetInvalid reports an upload.getFile offset Telegram refuses for its limit
	// (OFFSET_INVALID); see CheckChunk.
	ErrOffsetInvalid = errors.New("media: getFile offset invalid")
	// ErrChunkTooLarge reports a server answer with more bytes than requested.
	ErrChunkTooLarge = errors.New("media: chunk larger than requested")
	// ErrCDNHashMismatch reports a CDN part whose SHA-256 differs from the master data
	// center's hash: the part is never written.
	ErrCDNHashMismatch = errors.New("media: cdn part hash mismatch")
	// ErrCDNHashMissing reports a CDN part the master data center gave no hash for.
	ErrCDNHashMissing = errors.New("media: cdn part hash missing")
	// ErrCDNKey reports a CDN redirect with a key or IV of the wrong length.
	ErrCDNKey = errors.New("media: invalid cdn key or iv")
	// ErrReferenceExpired reports a FILE_REFERENCE_EXPIRED that could not be repaired: no
	// refresher, or the refreshed location expired again too often.
	ErrReferenceExpired = errors.New("media: file reference expired")
	// ErrTooManyMigrations reports a transfer bounced between data centers or CDN tokens more
	// often than allowed.
	ErrTooManyMigrations = errors.New("media: too many migrations")
	// ErrFileID reports a random source (Options.Rand) that gave only zero upload file ids.
	ErrFileID = errors.New("media: random source gives only zero file ids")
	// ErrMaxParts reports a part limit (Options.MaxParts) over 2^31 - 1, more than the 32-bit
	// file_part and file_total_parts can count.
	ErrMaxParts = errors.New("media: MaxParts out of range")
	// ErrFloodWait reports a FLOOD_WAIT longer than Options.FloodSleepThreshold.
	ErrFloodWait = errors.New("media: flood wait too long")
)

// PartError names the part of a transfer that finally failed. For uploads Part is the
// file_part number, for downloads the chunk index; Offset is the byte offset of its start.
type PartError struct {
	Op       string // "upload" or "download"
	Part     int64
	Offset   int64
	Attempts int // calls made for this part
	Err      error
}

// Error implements error.
func (e *PartError) Error() string {
	return fmt.Sprintf("media: %s part %d (offset %d) failed after %d attempts: %v", e.Op, e.Part, e.Offset, e.Attempts, e.Err)
}

// Unwrap returns the cause.
func (e *PartError) Unwrap() error { return e.Err }

// HashMismatchError reports which CDN block failed verification. It matches
// ErrCDNHashMismatch with errors.Is.
type HashMismatchError struct {
	Offset int64 // start of the block covered by the hash
	Limit  int32 // length of the block
}

// Error implements error.
func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("media: cdn block at offset %d (%d bytes): sha256 mismatch", e.Offset, e.Limit)
}

// Is reports whether target is ErrCDNHashMismatch.
func (e *HashMismatchError) Is(target error) bool { return target == ErrCDNHashMismatch }
