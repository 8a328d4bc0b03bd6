package media

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Which sources an upload reads in parallel: the types whose ReadAt reads what Read returns,
// with a Seek that tells the offset (the *os.File of a path, as the client opens one), and no
// other type, not even one that has their methods.
func TestParallelSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := file.Seek(3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	read2 := bytes.NewReader([]byte("0123456789"))
	_, _ = read2.Read(make([]byte, 2))
	tests := []struct {
		name     string
		r        io.Reader
		parallel bool
		base     int64
	}{
		{"*os.File", file, true, 3},
		{"*bytes.Reader", read2, true, 2},
		{"*strings.Reader", strings.NewReader("0123456789"), true, 0},
		{"*io.SectionReader", io.NewSectionReader(read2, 1, 5), true, 0},
		{"pipe", pr, false, 0},
		{"embedded *os.File", struct{ *os.File }{file}, false, 0},
		{"embedded *bytes.Reader", struct{ *bytes.Reader }{read2}, false, 0},
		{"plain reader", io.LimitReader(read2, 3), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sk, at := parallelSource(tt.r, 5)
			if got := sk != nil && at.r != nil; got != tt.parallel || at.base != tt.base {
				t.Errorf("parallel %v from %d, want %v from %d", got, at.base, tt.parallel, tt.base)
			}
		})
	}
}
