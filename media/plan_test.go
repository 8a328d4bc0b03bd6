package media

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckPartSize(t *testing.T) {
	for _, p := range []int{1 << 10, 2 << 10, 4 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10} {
		if err := CheckPartSize(p); err != nil {
			t.Errorf("%d: %v", p, err)
		}
	}
	for _, p := range []int{0, -1024, 512, 1000, 3 << 10, 1536, 1 << 20, 1<<20 + 1024, 768 << 10} {
		if err := CheckPartSize(p); !errors.Is(err, ErrBadPartSize) {
			t.Errorf("%d: %v", p, err)
		}
	}
}

func TestCheckChunkSize(t *testing.T) {
	for _, n := range []int{4 << 10, 8 << 10, 128 << 10, 512 << 10, 1 << 20} {
		if err := CheckChunkSize(n); err != nil {
			t.Errorf("%d: %v", n, err)
		}
	}
	for _, n := range []int{0, 1 << 10, 2 << 10, 12 << 10, 2 << 20, 1<<20 - 4096} {
		if err := CheckChunkSize(n); !errors.Is(err, ErrBadPartSize) {
			t.Errorf("%d: %v", n, err)
		}
	}
}

func TestCheckChunk(t *testing.T) {
	tests := []struct {
		name    string
		offset  int64
		limit   int32
		precise bool
		want    error
	}{
		{"1 MiB at 0", 0, 1 << 20, false, nil},
		{"512 KiB at 1 MiB", 1 << 20, 512 << 10, false, nil},
		{"4 KiB at 4 KiB", 4096, 4096, false, nil},
		{"far past any file", 1 << 40, 4096, false, nil},
		{"limit zero", 0, 0, false, ErrLimitInvalid},
		{"negative limit", 0, -4096, false, ErrLimitInvalid},
		{"limit above 1 MiB", 0, 2 << 20, false, ErrLimitInvalid},
		{"limit not a 4 KiB multiple", 0, 1000, false, ErrLimitInvalid},
		{"limit not dividing 1 MiB", 0, 12 << 10, false, ErrLimitInvalid},
		{"offset not a multiple of limit", 4096, 8192, false, ErrOffsetInvalid},
		{"offset not a 4 KiB multiple", 1024, 4096, false, ErrOffsetInvalid},
		{"negative offset", -4096, 4096, false, ErrOffsetInvalid},
		{"negative offset and bad limit", -1, 0, false, ErrLimitInvalid},
		{"precise 1 KiB", 1024, 1024, true, nil},
		{"precise 3 KiB", 1024, 3072, true, nil},
		{"precise up to 1 MiB", 1<<20 - 4096, 4096, true, nil},
		{"precise whole MiB", 1 << 20, 1 << 20, true, nil},
		{"precise crossing 1 MiB", 1<<20 - 1024, 2048, true, ErrOffsetInvalid},
		{"precise offset not 1 KiB", 512, 1024, true, ErrOffsetInvalid},
		{"precise limit not 1 KiB", 0, 1000, true, ErrLimitInvalid},
		{"precise limit above 1 MiB", 0, 1<<20 + 1024, true, ErrLimitInvalid},
		{"precise negative offset", -1024, 1024, true, ErrOffsetInvalid},
	}
	for _, tt := range tests {
		err := CheckChunk(tt.offset, tt.limit, tt.precise)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: CheckChunk(%d, %d, %v) = %v, want %v", tt.name, tt.offset, tt.limit, tt.precise, err, tt.want)
		}
	}
}

// maxParts32 is the most parts a 32-bit file_part and file_total_parts can count.
const maxParts32 = math.MaxInt32

func TestPlanUpload(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	type planCase struct {
		size      int64
		preferred int
		maxParts  int
		want      UploadPlan
		err       error
	}
	tests := []planCase{
		{size: 1, want: UploadPlan{Size: 1, PartSize: 512 * KiB, Parts: 1}},
		{size: 10 * MiB, want: UploadPlan{Size: 10 * MiB, PartSize: 512 * KiB, Parts: 20}},
		{size: 10*MiB + 1, want: UploadPlan{Size: 10*MiB + 1, PartSize: 512 * KiB, Parts: 21, Big: true}},
		// The part limit at 512 KiB parts: 4000 parts (2000 MiB) for everyone, 8000 for premium.
		{size: 4000 * 512 * KiB, want: UploadPlan{Size: 4000 * 512 * KiB, PartSize: 512 * KiB, Parts: 4000, Big: true}},
		{size: 4000*512*KiB + 1, err: ErrFileTooLarge},
		{size: 4000*512*KiB + 1, maxParts: PremiumMaxParts, want: UploadPlan{Size: 4000*512*KiB + 1, PartSize: 512 * KiB, Parts: 4001, Big: true}},
		{size: 8000 * 512 * KiB, maxParts: PremiumMaxParts, want: UploadPlan{Size: 8000 * 512 * KiB, PartSize: 512 * KiB, Parts: 8000, Big: true}},
		{size: 8000*512*KiB + 1, maxParts: PremiumMaxParts, err: ErrFileTooLarge},
		// A small preferred size is kept while it fits and doubled when it does not.
		{size: 4000 * KiB, preferred: KiB, want: UploadPlan{Size: 4000 * KiB, PartSize: KiB, Parts: 4000}},
		{size: 4000*KiB + 1, preferred: KiB, want: UploadPlan{Size: 4000*KiB + 1, PartSize: 2 * KiB, Parts: 2001}},
		{size: 3 * MiB, preferred: KiB, want: UploadPlan{Size: 3 * MiB, PartSize: KiB, Parts: 3072}},
		{size: 5 * MiB, preferred: KiB, maxParts: 10, want: UploadPlan{Size: 5 * MiB, PartSize: 512 * KiB, Parts: 10}},
		{size: 0, err: ErrEmptyFile},
		{size: -5, err: ErrEmptyFile},
		// size + part size - 1 would wrap around near 2^63.
		{size: math.MaxInt64, err: ErrFileTooLarge},
		{size: math.MaxInt64 - 512*KiB + 2, err: ErrFileTooLarge},
		{size: math.MaxInt64, preferred: KiB, maxParts: math.MaxInt32, err: ErrFileTooLarge},
		{size: 10, preferred: 3 * KiB, err: ErrBadPartSize},
		// Part numbers and counts are 32-bit: the largest limit they count is accepted.
		{size: 1, maxParts: maxParts32, want: UploadPlan{Size: 1, PartSize: 512 * KiB, Parts: 1}},
	}
	if strconv.IntSize == 64 {
		// A larger limit is refused, whatever the size (a 32-bit int holds none).
		past32 := int64(maxParts32) + 1
		tests = append(tests, []planCase{
			{size: 1, maxParts: int(past32), err: ErrMaxParts},
			{size: past32 * 512 * KiB, maxParts: int(past32), err: ErrMaxParts},
			{size: math.MaxInt64, maxParts: math.MaxInt, err: ErrMaxParts},
		}...)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size, "/", tt.preferred, "/", tt.maxParts), func(t *testing.T) {
			got, err := PlanUpload(tt.size, tt.preferred, tt.maxParts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Fatal(d)
			}
			var total int64
			for i := range got.Parts {
				n := got.PartLen(i)
				if n <= 0 || n > got.PartSize || (i < got.Parts-1 && n != got.PartSize) {
					t.Fatalf("part %d has %d bytes", i, n)
				}
				total += int64(n)
			}
			if total != tt.size {
				t.Fatalf("parts sum to %d", total)
			}
		})
	}
}

func TestChunkPlanTable(t *testing.T) {
	const KiB, MiB = 1 << 10, 1 << 20
	tests := []struct {
		size, from, to int64
		limit          int
		count          int64
		first          Chunk
		length         int64
	}{
		{size: 0, from: 0, to: -1, count: -1, first: Chunk{Offset: 0, Limit: MiB}, length: -1},
		{size: 1, from: 0, to: -1, count: 1, first: Chunk{Offset: 0, Limit: MiB}, length: 1},
		{size: 3*MiB + 1, from: 0, to: -1, count: 4, first: Chunk{Offset: 0, Limit: MiB}, length: 3*MiB + 1},
		{size: 3 * MiB, from: MiB + 5, to: 2*MiB + 1, count: 2, first: Chunk{Offset: MiB, Limit: MiB}, length: MiB - 4},
		{size: 3 * MiB, from: 100 * KiB, to: 300 * KiB, limit: 64 * KiB, count: 4, first: Chunk{Offset: 64 * KiB, Limit: 64 * KiB}, length: 200 * KiB},
		{size: 3 * MiB, from: 3 * MiB, to: -1, count: 0, length: 0},
		{size: 5, from: 2, to: 99, count: 1, first: Chunk{Offset: 0, Limit: MiB}, length: 3},
	}
	for _, tt := range tests {
		p, err := NewChunkPlan(tt.size, tt.from, tt.to, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count() != tt.count || p.Len() != tt.length {
			t.Errorf("%+v: count %d len %d", tt, p.Count(), p.Len())
		}
		if c, ok := p.Chunk(0); ok != (tt.count != 0) || c != tt.first {
			t.Errorf("%+v: first chunk %+v %v", tt, c, ok)
		}
	}
	for _, bad := range [][3]int64{{10, 5, 2}, {10, -1, 5}, {10, 11, -1}} {
		if _, err := NewChunkPlan(bad[0], bad[1], bad[2], 0); !errors.Is(err, ErrBadRange) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if _, err := NewChunkPlan(10, 0, -1, 6<<10); !errors.Is(err, ErrBadPartSize) {
		t.Errorf("bad limit: %v", err)
	}
}

// Every planned request obeys upload.getFile's rules, and trimming the answers of a file
// reproduces exactly the asked range, for random sizes, ranges and limits.
func TestChunkPlanProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	file := make([]byte, 5<<20)
	for i := range file {
		file[i] = byte(i * 7)
	}
	for range 2000 {
		size := r.Int64N(int64(len(file)) + 1)
		from := r.Int64N(size + 1)
		to := int64(-1)
		if r.IntN(2) == 0 {
			to = from + r.Int64N(size-from+1)
		}
		limit := 4096 << r.IntN(9)
		declared := size
		if r.IntN(3) == 0 {
			declared = 0 // unknown
		}
		p, err := NewChunkPlan(declared, from, to, limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		done := false
		for i := int64(0); !done; i++ {
			c, ok := p.Chunk(i)
			if !ok {
				break
			}
			if err := CheckChunk(c.Offset, c.Limit, false); err != nil {
				t.Fatalf("chunk %+v breaks the getFile rules: %v", c, err)
			}
			if err := CheckChunk(c.Offset, c.Limit, true); err != nil {
				t.Fatalf("chunk %+v breaks the precise getFile rules: %v", c, err)
			}
			answer := file[min(c.Offset, size):min(c.Offset+int64(c.Limit), size)]
			out, last, err := p.Trim(c, answer)
			if err != nil {
				t.Fatalf("size %d [%d,%d) limit %d chunk %+v: %v", size, from, to, limit, c, err)
			}
			got = append(got, out...)
			done = last
			if i > 10000 {
				t.Fatal("no end")
			}
		}
		end := size
		if to >= 0 {
			end = to
		}
		if string(got) != string(file[from:end]) {
			t.Fatalf("size %d [%d,%d) limit %d: got %d bytes, want %d", size, from, to, limit, len(got), end-from)
		}
	}
}

func TestChunkPlanTrimErrors(t *testing.T) {
	p, _ := NewChunkPlan(10000, 0, -1, 4096)
	c, _ := p.Chunk(0)
	if _, _, err := p.Trim(c, make([]byte, 4097)); !errors.Is(err, ErrChunkTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, _, err := p.Trim(c, make([]byte, 100)); !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("short before the end: %v", err)
	}
	c, _ = p.Chunk(2)
	if _, _, err := p.Trim(c, make([]byte, 4096)); !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("past the declared end: %v", err)
	}
}

// Sizes and offsets near 2^63 (a document's size comes from the server; a caller may pass
// math.MaxInt64 as "to the end") plan the same requests as small ones: no count, offset or
// end wraps around.
func TestChunkPlanNearInt64Max(t *testing.T) {
	const MiB = 1 << 20
	const top = math.MaxInt64
	tests := []struct {
		name           string
		size, from, to int64
		count          int64
		lastOffset     int64
		answer         int   // bytes the server sends for the last chunk
		want           int64 // bytes Trim keeps of it
	}{
		{"known size", top, 0, -1, 1 << 43, top - (MiB - 1), MiB - 1, MiB - 1},
		{"unknown size to MaxInt64", 0, 0, top, 1 << 43, top - (MiB - 1), MiB, MiB - 1},
		{"unknown size from the last MiB", 0, top - 10, top, 1, top - (MiB - 1), MiB, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewChunkPlan(tt.size, tt.from, tt.to, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Count(); got != tt.count {
				t.Fatalf("Count = %d, want %d", got, tt.count)
			}
			n := tt.count
			c, ok := p.Chunk(n - 1)
			if !ok || c.Offset != tt.lastOffset {
				t.Fatalf("last chunk %+v %v, want offset %d", c, ok, tt.lastOffset)
			}
			if _, ok := p.Chunk(n); ok {
				t.Fatalf("chunk %d after the last one", n)
			}
			out, last, err := p.Trim(c, make([]byte, tt.answer))
			if err != nil || !last || int64(len(out)) != tt.want {
				t.Fatalf("Trim = %d bytes, last %v, %v; want %d bytes, last", len(out), last, err, tt.want)
			}
		})
	}
	// With an unknown size and no end the requests stop before their offsets would wrap.
	p, err := NewChunkPlan(0, top-10, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := p.Chunk(0); !ok || c.Offset != top-(MiB-1) {
		t.Fatalf("chunk 0: %+v %v", c, ok)
	}
	if c, ok := p.Chunk(1); ok {
		t.Fatalf("chunk 1 past 2^63: %+v", c)
	}
	if _, last, err := p.Trim(Chunk{Offset: top - (MiB - 1), Limit: MiB}, make([]byte, MiB)); err != nil || !last {
		t.Fatalf("full last chunk: last %v, %v", last, err)
	}
}

// TestChunkPlanIndexPast32Bits: a download of unknown size numbers its requests from 0 on
// until a short answer, so past 2^31 requests (8 TiB at 4 KiB) an index in a 32-bit int
// wrapped negative: the workers found no chunk and stopped while the download waited for one.
// Indices are int64 on every platform: requests past 2^31 and 2^32 still have their offsets,
// up to the last whose offset fits in an int64.
func TestChunkPlanIndexPast32Bits(t *testing.T) {
	const limit = MinChunkSize
	for _, from := range []int64{0, 5*limit + 3} {
		p, err := NewChunkPlan(0, from, -1, limit)
		if err != nil {
			t.Fatal(err)
		}
		first := from / limit * limit
		top := (math.MaxInt64 - first) / limit // the last request: its offset fits
		for _, i := range []int64{1<<31 - 1, 1 << 31, 1<<32 + 3, top - 1, top} {
			c, ok := p.Chunk(i)
			if want := (Chunk{Index: i, Offset: first + i*limit, Limit: limit}); !ok || c != want {
				t.Errorf("from %d: Chunk(%d) = %+v, %v; want %+v", from, i, c, ok, want)
			}
		}
		if c, ok := p.Chunk(top + 1); ok {
			t.Errorf("from %d: Chunk(%d) past 2^63: %+v", from, top+1, c)
		}
	}
}
