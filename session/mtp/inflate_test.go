package mtp

import (
	"bytes"
	"compress/zlib"
	"errors"
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
