package tg

import (
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tltest"
)

// hostileSponsored is a messages.sponsoredMessages of size bytes whose messages vector
// declares count elements; the bytes after the count are zeros, which no element starts with.
func hostileSponsored(count, size int) []byte {
	var b tl.Buffer
	b.PutID(MessagesSponsoredMessagesTypeID)
	b.PutUint32(0) // flags
	b.PutVectorHeader(count)
	b.Buf = append(b.Buf, make([]byte, size-len(b.Buf))...)
	return b.Buf
}

// TestHostileVectorCountMemory (issue 23): a vector count is bounded by the bytes left over its
// element's smallest wire size, and structs held by value are allocated only as far as the bytes
// left could fill, so a huge count in a small body costs memory in proportion to the body, not
// to the count times the struct's Go size (sponsoredMessage is 232 bytes in memory and at least 28
// on the wire; with four bytes per element assumed, a 64 KiB body made the decoder allocate
// 3.8 MB before the first element failed).
func TestHostileVectorCountMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are inflated under -race")
	}
	const size = 64 << 10
	tests := []struct {
		name  string
		count int
	}{
		{"count fits at 4 bytes per element", size/4 - 4},
		{"count fits at the smallest element", size / 40},
		{"count fits the Go size", 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := hostileSponsored(tt.count, size)
			var err error
			n := tltest.AllocBytes(func() {
				var b tl.Buffer
				b.ResetTo(wire)
				_, err = DecodeObject(&b)
			})
			var de *tl.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode error = %v, want a *tl.DecodeError", err)
			}
			if limit := uint64(4*size + 16<<10); n > limit {
				t.Fatalf("decoding %d bytes allocated %d (limit %d)", size, n, limit)
			}
			t.Logf("count %d in %d bytes: %d bytes allocated", tt.count, size, n)
		})
	}
}

// TestDenseVectorMemory: the worst honest case, a long vector of the smallest users (20 bytes
// on the wire, 400 in memory plus an interface slot), stays within the fuzz targets' bound.
func TestDenseVectorMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are inflated under -race")
	}
	v := &UserClassVector{}
	for i := range 10000 {
		v.Elems = append(v.Elems, &User{ID: int64(i)})
	}
	var b tl.Buffer
	if err := v.Encode(&b); err != nil {
		t.Fatal(err)
	}
	wire := b.Buf
	n := tltest.AllocBytes(func() {
		var b tl.Buffer
		b.ResetTo(wire)
		if err := (&UserClassVector{}).Decode(&b); err != nil {
			t.Error(err)
		}
	})
	if n > tltest.AllocBound(len(wire)) {
		t.Fatalf("decoding %d bytes allocated %d, more than %d per byte", len(wire), n, tltest.AllocPerByte)
	}
	t.Logf("%d bytes decoded, %d allocated (%.1f per byte)", len(wire), n, float64(n)/float64(len(wire)))
}
