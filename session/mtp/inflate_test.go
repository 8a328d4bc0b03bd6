package mtp

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
)

func zlibOf(t *testing.T, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	if _, err := zw.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInflate(t *testing.T) {
	body := bytes.Repeat([]byte("teletest"), 512)
	gz, err := tl.Gzip(nil, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		src     []byte
		max     int
		want    []byte
		tooBig  bool
		wantErr bool
	}{
		{name: "gzip", src: gz, max: len(body), want: body},
		{name: "zlib", src: zlibOf(t, body), max: len(body), want: body},
		{name: "zlib past the cap", src: zlibOf(t, body), max: len(body) - 1, tooBig: true},
		{name: "gzip past the cap", src: gz, max: len(body) - 1, tooBig: true},
		{name: "truncated zlib", src: zlibOf(t, body)[:20], max: len(body), wantErr: true},
		{name: "neither", src: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, max: 100, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inflate(nil, tc.src, tc.max)
			switch {
			case tc.tooBig:
				if !errors.Is(err, tl.ErrTooLarge) {
					t.Fatalf("err = %v, want ErrTooLarge", err)
				}
			case tc.wantErr:
				if err == nil {
					t.Fatal("no error")
				}
			case err != nil:
				t.Fatal(err)
			case !bytes.Equal(got, tc.want):
				t.Fatalf("got %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}

// FuzzInflate: whatever the payload, inflate never panics, never returns more than max bytes
// and, when it succeeds, returns exactly what the stream decompresses to.
func FuzzInflate(f *testing.F) {
	body := bytes.Repeat([]byte("teletest"), 64)
	gz, err := tl.Gzip(nil, body)
	if err != nil {
		f.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	_, _ = zw.Write(body)
	_ = zw.Close()
	for _, src := range [][]byte{gz, zb.Bytes(), append(append([]byte(nil), gz...), gz...), gz[:len(gz)-1]} {
		f.Add(src, uint16(len(body)))
		f.Add(src, uint16(len(body)-1))
	}
	f.Fuzz(func(t *testing.T, src []byte, max uint16) {
		got, err := inflate(nil, src, int(max))
		if err != nil {
			return
		}
		if len(got) > int(max) {
			t.Fatalf("%d bytes out, cap %d", len(got), max)
		}
		var r io.Reader
		if isZlib(src) {
			zr, err := zlib.NewReader(bytes.NewReader(src))
			if err != nil {
				t.Fatalf("inflate took a stream zlib refuses: %v", err)
			}
			r = zr
		} else {
			gr, err := gzip.NewReader(bytes.NewReader(src))
			if err != nil {
				t.Fatalf("inflate took a stream gzip refuses: %v", err)
			}
			r = gr
		}
		want, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
		if err != nil {
			t.Fatalf("inflate took a stream that fails to read: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("inflate gave %d bytes, the stream holds %d", len(got), len(want))
		}
	})
}
