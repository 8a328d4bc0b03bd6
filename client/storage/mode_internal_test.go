package storage

import (
	"errors"
	"io/fs"
	"runtime"
	"strings"
	"testing"
)

// TestTightenModeFails gives tightenMode a file it cannot change (as one owned by another
// user would be): the error names the file and its mode, says what failed, and wraps the
// cause. A file already restricted is never changed.
func TestTightenModeFails(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits mean nothing on Windows")
	}
	calls := 0
	denied := func(string, fs.FileMode) error {
		calls++
		return &fs.PathError{Op: "chmod", Path: "x", Err: fs.ErrPermission}
	}
	err := tightenMode("dir/a.session", 0o644, denied, nil)
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("err = %v, want one wrapping fs.ErrPermission", err)
	}
	for _, want := range []string{"dir/a.session", "-rw-r--r--", "could not be restricted to -rw-------"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if err := tightenMode("dir/a.session", 0o600, denied, nil); err != nil || calls != 1 {
		t.Fatalf("an 0600 file: err = %v, chmod called %d times in all, want once", err, calls)
	}
}
