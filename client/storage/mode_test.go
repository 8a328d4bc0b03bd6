package storage_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
)

// TestOpenTightensMode opens session files that other users can read: Open restricts them
// to their owner and logs a warning that names the file but holds none of its contents. A
// file already restricted is left as it is, silently.
func TestOpenTightensMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits mean nothing on Windows")
	}
	key := bytes.Repeat([]byte{0xa7}, session.AuthKeySize)
	for _, tt := range []struct {
		mode, want os.FileMode
	}{
		{0o644, 0o600},
		{0o640, 0o600},
		{0o606, 0o600},
		{0o660, 0o600},
		{0o600, 0o600},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.session")
			f, err := storage.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SaveSession(context.Background(), session.Session{DC: 2, AuthKey: key}); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			var logged bytes.Buffer
			f, err = storage.Open(path, &storage.FileOptions{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode().Perm(); got != tt.want {
				t.Errorf("mode after Open = %v, want %v", got, tt.want)
			}
			out := logged.String()
			if tightened := tt.mode != tt.want; tightened != strings.Contains(out, path) {
				t.Errorf("tightened %v, log %q", tightened, out)
			}
			if strings.Contains(out, hex.EncodeToString(key[:4])) || bytes.Contains(logged.Bytes(), key[:4]) {
				t.Errorf("log shows key bytes: %q", out)
			}
			if s, err := f.LoadSession(context.Background(), 2); err != nil || !bytes.Equal(s.AuthKey, key) {
				t.Errorf("session after Open: %v", err)
			}
		})
	}
}
