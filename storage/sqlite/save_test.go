package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
)

// TestSaveCheckpoints: after Save, the database file itself holds every write. In WAL mode
// with synchronous(NORMAL) a commit is appended to the write-ahead log without a sync, and
// Save did nothing more: a power loss after it could still lose the session it was to make
// durable. Save now checkpoints the log into the file (syncing both); the copy of the file
// alone, without its -wal, shows it.
func TestSaveCheckpoints(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.db")
	st, err := sqlite.Open(t.Context(), path, "main")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := make([]byte, session.AuthKeySize)
	key[0] = 9
	if err := st.SaveSession(t.Context(), session.Session{DC: 2, AuthKey: key}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetIdentity(t.Context(), storage.Identity{UserID: 77}); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(); err != nil {
		t.Fatalf("Save = %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(cp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := sqlite.Open(t.Context(), cp, "main")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if id, err := c.Identity(t.Context()); err != nil || id.UserID != 77 {
		t.Errorf("the file without its log after Save: identity %+v, %v; want user 77", id, err)
	}
	if s, err := c.LoadSession(t.Context(), 2); err != nil || s.AuthKey[0] != 9 {
		t.Errorf("the file without its log after Save: session %v", err)
	}
}
