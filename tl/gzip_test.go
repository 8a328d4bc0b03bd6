package tl

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
)

// withISIZE returns a copy of the gzip stream z whose trailer declares size bytes.
func withISIZE(z []byte, size uint32) []byte {
	out := bytes.Clone(z)
	binary.LittleEndian.PutUint32(out[len(out)-4:], size)
	return out
}

// TestGunzipDeclaredSize: the output is sized from the trailer, and a stream that is not the
// length it declares is rejected without inflating past that length.
func TestGunzipDeclaredSize(t *testing.T) {
	payload := bytes.Repeat([]byte{0}, 1<<20)
	z, err := Gzip(nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		src     []byte
		max     int
		tooBig  bool // want ErrTooLarge
		wantErr bool
	}{
		{name: "honest", src: z, max: 1 << 20},
		{name: "above the cap", src: z, max: 1<<20 - 1, tooBig: true},
		{name: "longer than declared", src: withISIZE(z, 1<<10), max: 1 << 20, tooBig: true},
		{name: "shorter than declared", src: withISIZE(z, 1<<20+4), max: 2 << 20, wantErr: true},
		{name: "more than deflate can hold", src: withISIZE(z[:gzipOverhead], 1<<20), max: 2 << 20, tooBig: true},
		{name: "shorter than a header", src: z[:gzipOverhead-1], max: 1 << 20, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Gunzip([]byte("x"), tt.src, tt.max)
			switch {
			case tt.tooBig && !errors.Is(err, ErrTooLarge):
				t.Fatalf("err = %v, want ErrTooLarge", err)
			case tt.wantErr && err == nil:
				t.Fatal("accepted")
			case !tt.tooBig && !tt.wantErr && (err != nil || !bytes.Equal(out[1:], payload) || out[0] != 'x'):
				t.Fatalf("round trip: %v", err)
			}
		})
	}
}

// TestGunzipAllocatesOnce: an honest stream costs one output allocation of its declared size
// plus the reader's fixed state, not the doublings of append growth.
func TestGunzipAllocatesOnce(t *testing.T) {
	const size = 4 << 20
	z, err := Gzip(nil, make([]byte, size))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Gunzip(nil, z, size); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > size+128<<10 {
		t.Errorf("Gunzip of %d bytes allocated %d bytes", size, got)
	}
}
