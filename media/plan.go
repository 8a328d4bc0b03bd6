package media

import (
	"fmt"
	"math"
	"math/bits"
)

// Telegram's file transfer limits (https://core.telegram.org/api/files).
const (
	// MinPartSize is the smallest upload part size (1 KiB).
	MinPartSize = 1 << 10
	// MaxPartSize is the largest upload part size (512 KiB).
	MaxPartSize = 512 << 10
	// SmallFileLimit is the largest file uploaded with upload.saveFilePart (10 MiB); larger
	// files use upload.saveBigFilePart.
	SmallFileLimit = 10 << 20
	// DefaultMaxParts is the part limit of ordinary accounts.
	DefaultMaxParts = 4000
	// PremiumMaxParts is the part limit of premium accounts.
	PremiumMaxParts = 8000
	// MinChunkSize is the smallest upload.getFile limit (4 KiB).
	MinChunkSize = 4 << 10
	// MaxChunkSize is the largest upload.getFile limit (1 MiB); no request crosses a 1 MiB
	// boundary.
	MaxChunkSize = 1 << 20
	// CDNHashSize is the span of one CDN file hash (128 KiB).
	CDNHashSize = 128 << 10
)

// CheckPartSize reports whether p is a valid upload part size: a multiple of 1 KiB that
// divides 512 KiB, which makes it a power of two from 1 KiB to 512 KiB.
func CheckPartSize(p int) error {
	if p < MinPartSize || p > MaxPartSize || bits.OnesCount(uint(p)) != 1 {
		return fmt.Errorf("%w: part size %d is not a power of two from 1 KiB to 512 KiB", ErrBadPartSize, p)
	}
	return nil
}

// CheckChunkSize reports whether n is a valid upload.getFile limit for aligned requests: a
// multiple of 4 KiB that divides 1 MiB, which makes it a power of two from 4 KiB to 1 MiB.
func CheckChunkSize(n int) error {
	if !alignedLimit(int64(n)) {
		return fmt.Errorf("%w: chunk size %d is not a power of two from 4 KiB to 1 MiB", ErrBadPartSize, n)
	}
	return nil
}

// alignedLimit reports whether n is a multiple of 4 KiB dividing 1 MiB.
func alignedLimit(n int64) bool {
	return n >= MinChunkSize && n <= MaxChunkSize && bits.OnesCount64(uint64(n)) == 1
}

// CheckChunk applies Telegram's rules for the window of one upload.getFile or
// upload.getCdnFile request: limit at most 1 MiB and a multiple of 4 KiB that divides 1 MiB,
// offset a multiple of limit; with precise, limit and offset need only be multiples of 1 KiB
// (limit still at most 1 MiB), and the window must not cross a 1 MiB boundary. The error
// wraps ErrLimitInvalid or ErrOffsetInvalid, which Telegram answers with LIMIT_INVALID and
// OFFSET_INVALID. It is the one copy of these rules, used by the fake servers too.
func CheckChunk(offset int64, limit int32, precise bool) error {
	n := int64(limit)
	switch {
	case n <= 0 || n > MaxChunkSize:
		return fmt.Errorf("%w: %d bytes is not from 1 byte to 1 MiB", ErrLimitInvalid, n)
	case offset < 0:
		return fmt.Errorf("%w: negative offset %d", ErrOffsetInvalid, offset)
	case precise && n%(1<<10) != 0:
		return fmt.Errorf("%w: %d bytes is not a multiple of 1 KiB", ErrLimitInvalid, n)
	case precise && offset%(1<<10) != 0:
		return fmt.Errorf("%w: offset %d is not a multiple of 1 KiB", ErrOffsetInvalid, offset)
	case precise && offset/MaxChunkSize != (offset+n-1)/MaxChunkSize:
		return fmt.Errorf("%w: %d bytes at offset %d cross a 1 MiB boundary", ErrOffsetInvalid, n, offset)
	case precise:
		return nil
	case !alignedLimit(n):
		return fmt.Errorf("%w: %d bytes is not a power of two from 4 KiB to 1 MiB", ErrLimitInvalid, n)
	case offset%n != 0:
		return fmt.Errorf("%w: offset %d is not a multiple of the limit %d", ErrOffsetInvalid, offset, n)
	}
	return nil
}

// UploadPlan is the part layout of an upload of known size.
type UploadPlan struct {
	Size     int64 // file size in bytes, > 0
	PartSize int   // bytes per part; every part but the last is full
	Parts    int   // number of parts
	Big      bool  // upload.saveBigFilePart (size > 10 MiB) instead of upload.saveFilePart
}

// PlanUpload lays out an upload of size bytes. preferred is the wished part size (0: 512 KiB);
// it is doubled until the file fits in maxParts parts (0: DefaultMaxParts). Files needing more
// than maxParts parts of 512 KiB fail with ErrFileTooLarge, empty ones with ErrEmptyFile; a
// maxParts over 2^31 - 1 (more than 32-bit part numbers count) fails with ErrMaxParts.
func PlanUpload(size int64, preferred, maxParts int) (UploadPlan, error) {
	if preferred == 0 {
		preferred = MaxPartSize
	}
	if err := CheckPartSize(preferred); err != nil {
		return UploadPlan{}, err
	}
	if maxParts <= 0 {
		maxParts = DefaultMaxParts
	}
	if err := checkMaxParts(maxParts); err != nil {
		return UploadPlan{}, err
	}
	if size <= 0 {
		return UploadPlan{}, ErrEmptyFile
	}
	p := preferred
	for partsOf(size, p) > int64(maxParts) {
		if p == MaxPartSize {
			return UploadPlan{}, fmt.Errorf("%w: %d bytes need %d parts of 512 KiB, the limit is %d", ErrFileTooLarge, size, partsOf(size, p), maxParts)
		}
		p *= 2
	}
	return UploadPlan{Size: size, PartSize: p, Parts: int(partsOf(size, p)), Big: size > SmallFileLimit}, nil
}

// checkMaxParts refuses a part limit that the 32-bit file_part and file_total_parts cannot
// count: past it part numbers and counts would wrap negative.
func checkMaxParts(n int) error {
	if int64(n) > math.MaxInt32 {
		return fmt.Errorf("%w: %d parts, at most %d", ErrMaxParts, n, math.MaxInt32)
	}
	return nil
}

// streamPartSize returns the part size of an upload of unknown size: preferred, doubled
// until maxParts parts hold SmallFileLimit bytes. The size cannot change once parts are sent,
// and a stream may turn out to be a small file, which PlanUpload fits in maxParts parts
// whatever the preferred size.
func streamPartSize(preferred, maxParts int) int {
	p := preferred
	for p < MaxPartSize && int64(p)*int64(maxParts) < SmallFileLimit {
		p *= 2
	}
	return p
}

// partsOf returns ceil(size/p) without the overflow of size+p-1 near 2^63.
func partsOf(size int64, p int) int64 { return ceilDiv(size, int64(p)) }

// ceilDiv returns ceil(n/d) for n >= 0 and d > 0, for every n up to math.MaxInt64.
func ceilDiv(n, d int64) int64 {
	q := n / d
	if n%d != 0 {
		q++
	}
	return q
}

// PartLen returns the length of part i.
func (p UploadPlan) PartLen(i int) int {
	if i == p.Parts-1 {
		return int(p.Size - int64(i)*int64(p.PartSize))
	}
	return p.PartSize
}

// Chunk is one upload.getFile request.
type Chunk struct {
	Index  int64 // position in the plan, from 0 (int64 on every platform: see ChunkPlan.Chunk)
	Offset int64 // file offset, a multiple of Limit
	Limit  int32 // bytes asked for
}

// ChunkPlan lays out the upload.getFile requests covering the byte range [from, to) of a file.
// Every request asks for the same limit at an offset that is a multiple of it; since the limit
// divides 1 MiB, no request crosses a 1 MiB boundary. The first request starts at from rounded
// down, and Trim cuts the answers back to the range.
type ChunkPlan struct {
	limit int32
	size  int64 // file size, -1 when unknown
	from  int64
	to    int64 // end of the range, -1: the end of the file, wherever it is
	first int64 // offset of chunk 0
}

// NewChunkPlan plans the range [from, to) of a file of size bytes (0: unknown) with requests
// of limit bytes (0: 1 MiB). to < 0 means the end of the file.
func NewChunkPlan(size, from, to int64, limit int) (ChunkPlan, error) {
	if limit == 0 {
		limit = MaxChunkSize
	}
	if err := CheckChunkSize(limit); err != nil {
		return ChunkPlan{}, err
	}
	if size <= 0 {
		size = -1
	}
	if size >= 0 && (to < 0 || to > size) {
		to = size
	}
	if from < 0 || (to >= 0 && from > to) {
		return ChunkPlan{}, fmt.Errorf("%w: [%d, %d) of a %d-byte file", ErrBadRange, from, to, size)
	}
	l := int64(limit)
	return ChunkPlan{limit: int32(limit), size: size, from: from, to: to, first: from / l * l}, nil
}

// Limit returns the request size.
func (p ChunkPlan) Limit() int { return int(p.limit) }

// Len returns the number of bytes the range holds, -1 when it runs to an unknown end.
func (p ChunkPlan) Len() int64 {
	if p.to < 0 {
		return -1
	}
	return p.to - p.from
}

// Count returns the number of requests, -1 when the end is unknown.
func (p ChunkPlan) Count() int64 {
	if p.to < 0 {
		return -1
	}
	if p.to == p.from {
		return 0
	}
	return ceilDiv(p.to-p.first, int64(p.limit))
}

// Chunk returns request i and whether it belongs to the plan. Indices are int64, not int: a
// range of unknown end runs until a short answer, up to the last offset an int64 holds (2^51
// requests at 4 KiB), and a 32-bit int would wrap after 2^31 of them (8 TiB).
func (p ChunkPlan) Chunk(i int64) (Chunk, bool) {
	if i < 0 || (p.to >= 0 && i >= p.Count()) || i > (math.MaxInt64-p.first)/int64(p.limit) {
		return Chunk{}, false // past the range, or an offset past 2^63 (unknown end)
	}
	return Chunk{Index: i, Offset: p.first + i*int64(p.limit), Limit: p.limit}, true
}

// Trim checks the answer data to request c and returns the part of it inside the range, and
// whether the file (or the range) ends with this chunk. The server must answer a full limit
// except at the end of the file; with a known size the exact length is checked
// (ErrSizeMismatch), and an answer longer than the limit fails with ErrChunkTooLarge.
func (p ChunkPlan) Trim(c Chunk, data []byte) (out []byte, last bool, err error) {
	n := int64(len(data))
	if n > int64(c.Limit) {
		return nil, false, fmt.Errorf("%w: %d bytes for a %d-byte request at offset %d", ErrChunkTooLarge, n, c.Limit, c.Offset)
	}
	if p.size >= 0 {
		want := min(int64(c.Limit), max(p.size-c.Offset, 0))
		if n != want {
			return nil, false, fmt.Errorf("%w: %d bytes at offset %d of a %d-byte file, expected %d", ErrSizeMismatch, n, c.Offset, p.size, want)
		}
	}
	// Distances from c.Offset rather than ends: c.Offset+Limit may pass 2^63.
	lo := max(p.from-c.Offset, 0)
	hi := n
	if p.to >= 0 && p.to-c.Offset < n {
		hi = p.to - c.Offset
	}
	last = n < int64(c.Limit) || (p.to >= 0 && p.to-c.Offset <= int64(c.Limit)) ||
		c.Offset > math.MaxInt64-int64(c.Limit) // no offset follows this chunk
	if lo >= hi {
		return data[:0], last, nil
	}
	return data[lo:hi], last, nil
}
