package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	"github.com/mtgo-labs/mtgo/storage/sqlstore/sqlstoretest"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestMigrationV2: a file of schema version 1 gets its peers' names column.
func TestMigrationV2(t *testing.T) { onFile(t, sqlstoretest.MigrationV2) }

// TestMigrationV3: a file of schema version 2 gets its rows keyed by session numbers.
func TestMigrationV3(t *testing.T) { onFile(t, sqlstoretest.MigrationV3) }

// TestMigrationV4: a file of schema version 3 gets the channels' pts named.
func TestMigrationV4(t *testing.T) { onFile(t, sqlstoretest.MigrationV4) }

// TestMisplacedRows: rows holding another row's data read as damaged
// (sqlstoretest.MisplacedRows).
func TestMisplacedRows(t *testing.T) { onFile(t, sqlstoretest.MisplacedRows) }

// TestDamagedNames: a peer row with a damaged names column is repaired by the next save of
// the peer (sqlstoretest.DamagedNames).
func TestDamagedNames(t *testing.T) { onFile(t, sqlstoretest.DamagedNames) }

// TestUsernames: usernames with characters JSON escapes, or encoding/json escaped, round-trip
// through the names column, which PostgreSQL finds of sqlstore.NamesShape
// (sqlstoretest.Usernames).
func TestUsernames(t *testing.T) { onFile(t, sqlstoretest.Usernames) }

// TestWrongNames: a username or phone resolves only to a peer whose data carries it,
// whatever the names and phone columns and the index entries say (sqlstoretest.WrongNames).
func TestWrongNames(t *testing.T) { onFile(t, sqlstoretest.WrongNames) }

// onFile runs test, one of sqlstoretest's, on a database file of its own.
func onFile(t *testing.T, test func(*testing.T, *sql.DB, sqlstore.Dialect, func(string) (*sqlstore.Store, error))) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	test(t, db, sqlite.Dialect, func(name string) (*sqlstore.Store, error) {
		return sqlite.Open(t.Context(), path, name)
	})
}

func TestConformance(t *testing.T) {
	dir := t.TempDir()
	// Every session in its own file, so Corrupt damages one; TestSharedFile covers several
	// sessions in one file.
	path := func(name string) string { return filepath.Join(dir, name+".db") }
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			return sqlite.Open(t.Context(), path(name), name)
		},
		Persistent:  true,
		Exclusive:   true,
		LargePeers:  largePeers(),
		LargeLinear: true,
		Corrupt: func(t testing.TB, name string) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				_ = os.Remove(path(name) + suffix)
			}
			if err := os.WriteFile(path(name), []byte("this is a bbolt file, or a JPEG, or anything else but SQLite"), 0o600); err != nil {
				t.Fatal(err)
			}
		},
	})
}

// TestOneConnection: the dialect works on a pool of one connection, as an in-memory
// database needs (each connection to ":memory:" is a database of its own): no call waits for
// a second connection while holding the first (the file lock is not a connection).
func TestOneConnection(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			return sqlstore.Open(t.Context(), db, sqlite.Dialect, name, sqlstore.Options{})
		},
		Persistent: true,
		LargePeers: 2000,
	})
}

func TestSharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.db")
	a, err := sqlite.Open(t.Context(), path, "a")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(t.Context(), path, "b")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.SetHomeDC(t.Context(), 4); err != nil {
		t.Fatal(err)
	}
	if dc, err := b.HomeDC(t.Context()); err != nil || dc != 0 {
		t.Fatalf("session b sees a's home dc: %d, %v", dc, err)
	}
}

// BenchmarkPeers: peer upserts in batches (storagetest.BenchmarkPeers), one file per run.
func BenchmarkPeers(b *testing.B) {
	dir := b.TempDir()
	storagetest.BenchmarkPeers(b, func(t testing.TB, name string) (storage.Storage, error) {
		return sqlite.Open(t.Context(), filepath.Join(dir, name+".db"), name)
	})
}

// BenchmarkSync compares synchronous(FULL), what Open uses, with NORMAL in one run, and both
// with the bbolt session file (storage.Open, which syncs every commit): peer batches
// (storagetest.BenchmarkPeers) and single update commits, the write a client makes most
// often (one per batch of updates handled; no UpdateCommitDelay merges them here).
func BenchmarkSync(b *testing.B) {
	defer func(mode string) { *sqlite.Synchronous = mode }(*sqlite.Synchronous)
	commits := func(b *testing.B, s storage.Storage) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := updates.Commit{HasState: true, State: updates.State{Pts: int32(i), Qts: 1, Seq: int32(i), Date: 1},
				Channels: []updates.ChannelPts{{ChannelID: 100, Pts: int32(i)}}}
			if err := s.CommitUpdates(b.Context(), c); err != nil {
				b.Fatal(err)
			}
		}
	}
	run := func(name string, open func(t testing.TB, name string) (storage.Storage, error)) {
		b.Run(name+"/peers", func(b *testing.B) { storagetest.BenchmarkPeers(b, open) })
		b.Run(name+"/commit", func(b *testing.B) {
			s, err := open(b, "main")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			commits(b, s)
		})
	}
	run("file", func(t testing.TB, _ string) (storage.Storage, error) {
		return storage.Open(filepath.Join(t.TempDir(), "s.session"), nil)
	})
	for _, mode := range []string{"NORMAL", "FULL"} {
		run(mode, func(t testing.TB, name string) (storage.Storage, error) {
			*sqlite.Synchronous = mode
			return sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"), name)
		})
	}
}
