package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
)

// TestSaveCheckpoints: after Save, the database file itself holds every write. Each commit
// is in the write-ahead log (synced since synchronous(FULL), TestCommitsAreSynced), and Save
// checkpoints the log into the file (syncing both); the copy of the file alone, without its
// -wal, shows it.
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

// TestCommitsAreSynced: every connection runs synchronous(FULL), so a commit's write-ahead
// log frames are synced before the write returns, as storage.Storage promises. With NORMAL
// a power loss could take the commits since the last checkpoint (Save).
func TestCommitsAreSynced(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "bot.db"), "main")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Several connections at once: the pool opens more than one, each with the pragma.
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 3 {
		c, err := st.DB().Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode int
		if err := c.QueryRowContext(t.Context(), "pragma synchronous").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != 2 { // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
			t.Errorf("connection %d: synchronous = %d, want 2 (FULL)", len(conns), mode)
		}
	}
}
