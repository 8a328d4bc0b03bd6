package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestDownloadPathFromSender checks the file a download without -o writes: the sender
// names it, so the name is cut to a plain file name in the working directory, and a file
// that exists there (the session file, a dotfile) is never replaced.
func TestDownloadPathFromSender(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("mtgo.session", []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := func(name string) *types.Message { return &types.Message{Media: &types.Document{FileName: name}} }
	tests := []struct {
		name, want string
		exists     bool
	}{
		{name: "report.pdf", want: "report.pdf"},
		{name: "../../etc/passwd", want: "passwd"},
		{name: `..\..\evil.exe`, want: "evil.exe"},
		{name: "..", want: "message_7"},
		{name: "/", want: "message_7"},
		{name: ".", want: "message_7"},
		{name: ".bashrc", want: "bashrc"},
		{name: "a\nb", want: "message_7"},
		{name: "mtgo.session", exists: true},
	}
	for _, tt := range tests {
		got, err := downloadPath("", doc(tt.name), 7)
		if tt.exists {
			if err == nil || !strings.Contains(err.Error(), "-o") {
				t.Errorf("%q: got %q, %v; want an error naming -o", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	// -o is the user's choice: it may name an existing file, which is replaced.
	if got, err := downloadPath(filepath.Join(dir, "mtgo.session"), doc("x"), 7); err != nil || got != filepath.Join(dir, "mtgo.session") {
		t.Errorf("-o: got %q, %v", got, err)
	}
}
