package mtp

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestLooksCompressible(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	text := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog; "), 2000)
	tests := []struct {
		name string
		body []byte
		want bool
	}{
		{"empty", nil, false},
		{"zeros", make([]byte, 64<<10), true},
		{"text", text, true},
		{"random 512 KiB file part", random(512 << 10), false},
		{"random 20 KiB", random(20 << 10), false},
		{"text header then random", append(text[:8<<10:8<<10], random(512<<10)...), false},
		{"random header then text", append(random(1<<10), text...), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := looksCompressible(tt.body); got != tt.want {
				t.Errorf("looksCompressible = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRandomBodyNotGzipped(t *testing.T) {
	p := newPair(t, func(c, s *Config) { c.GzipThreshold = 256; s.GzipThreshold = 256 })
	big := body(0x33333333, 0)
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 8000 {
		big = append(big, byte(rnd.Uint32()))
	}
	p.call(big, CallOptions{})
	p.flushC()
	ev := p.deliverS()
	res := only(ev, EventRequest)
	if len(res) != 1 || !bytes.Equal(res[0].Body, big) {
		t.Fatalf("server did not get the request unchanged")
	}
}

// BenchmarkIncompressiblePart compares what pack now spends on a 512 KiB random file part
// (the probe) with the gzip attempt it replaces, in the same run.
func BenchmarkIncompressiblePart(b *testing.B) {
	part := make([]byte, 512<<10)
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := range part {
		part[i] = byte(rnd.Uint32())
	}
	b.Run("probe", func(b *testing.B) {
		b.SetBytes(int64(len(part)))
		b.ReportAllocs()
		for b.Loop() {
			if looksCompressible(part) {
				b.Fatal("random part judged compressible")
			}
		}
	})
	b.Run("gzip-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(part)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := gzipPacked(part); !ok {
				b.Fatal("gzip failed")
			}
		}
	})
}
