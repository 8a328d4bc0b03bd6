package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	driversqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestPathIsAFileName: the path is a file name, never read as a URI. A '#' or '?' cut the
// name short (sessions#1.db and sessions#2.db both opened the file "sessions", each
// under a lock file of its own, so two clients ran on one session) and '%' escapes were
// decoded into another name.
func TestPathIsAFileName(t *testing.T) {
	dir := t.TempDir()
	for _, base := range []string{"sessions#1.db", "sessions#2.db", "a?b.db", "100%.db", "x%41.db", "sp ace.db"} {
		path := filepath.Join(dir, base)
		st, err := sqlite.Open(t.Context(), path, "main")
		if err != nil {
			t.Fatalf("Open(%q) = %v", base, err)
		}
		if err := st.SetHomeDC(t.Context(), 4); err != nil {
			t.Fatalf("%s: SetHomeDC = %v", base, err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("Open(%q) did not write that file: %v", base, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "sessions", "a", "xA.db":
			t.Errorf("Open wrote %q, a file it was not given", e.Name())
		}
	}
	// Two paths that differ after a '#' are two databases: both sessions open at once.
	a, err := sqlite.Open(t.Context(), filepath.Join(dir, "s#1.db"), "main")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(t.Context(), filepath.Join(dir, "s#2.db"), "main")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.SetHomeDC(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if err := b.SetHomeDC(t.Context(), 5); err != nil {
		t.Fatal(err)
	}
	if dc, err := a.HomeDC(t.Context()); err != nil || dc != 1 {
		t.Errorf("s#1.db home dc = %d, %v after s#2.db's write, want 1", dc, err)
	}
	if _, err := sqlite.Open(t.Context(), filepath.Join(dir, "bad\x00.db"), "main"); err == nil || errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Open of a path with a zero byte = %v, want a plain error", err)
	}
}

// TestSymlinkedPathShareTheLock: a database reached through a symlink (a release directory
// linking a shared file, as deploy tools do) is locked as the file it names. The lock file
// was beside the link, so two processes, old and new release, both ran the session.
func TestSymlinkedPathShareTheLock(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "shared", "bot.db")
	link := filepath.Join(dir, "release2", "bot.db")
	for _, d := range []string{filepath.Dir(real), filepath.Dir(link)} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	a, err := sqlite.Open(t.Context(), real, "main")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	b, err := sqlite.Open(t.Context(), link, "main")
	if err == nil {
		b.Close()
	}
	if !errors.Is(err, storage.ErrSessionInUse) {
		t.Fatalf("Open through a symlink of a session in use = %v, want ErrSessionInUse", err)
	}
}

// TestHardLinkedFileRefused: a database file with a second name (a hard link) is refused.
// The lock file went beside the name used, so two clients ran one session through two
// names; and SQLite keeps the write-ahead log and its index beside the name too, so even
// two sessions through two names write one file through two logs, which corrupts it.
func TestHardLinkedFileRefused(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "bot.db")
	second := filepath.Join(dir, "other", "bot.db")
	if err := os.Mkdir(filepath.Dir(second), 0o700); err != nil {
		t.Fatal(err)
	}
	a, err := sqlite.Open(t.Context(), first, "main")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := os.Link(first, second); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	for _, tt := range []struct{ path, name string }{{second, "main"}, {second, "other"}, {first, "other"}} {
		st, err := sqlite.Open(t.Context(), tt.path, tt.name)
		if err == nil {
			st.Close()
			t.Errorf("Open(%s, %q) of a file with two names succeeded", tt.path, tt.name)
			continue
		}
		if errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "hard link") {
			t.Errorf("Open(%s, %q) = %v, want an error naming the hard link", tt.path, tt.name, err)
		}
	}
	if _, err := os.Stat(second + "-wal"); err == nil {
		t.Errorf("the refused Open made a write-ahead log beside the second name")
	}
	// One name again: the file opens.
	if err := os.Remove(second); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(t.Context(), first, "other")
	if err != nil {
		t.Fatalf("Open after the link was removed = %v", err)
	}
	b.Close()
}

// TestMovedFile: once the path no longer names the file the store opened (renamed, deleted,
// replaced, or moved by a hard link and the removal of the first name), every call fails
// with ErrFileMoved, which matches storage.ErrSessionInUse. SQLite keeps the write-ahead
// log beside the name, so a commit after the move was in a log that the file's new name
// does not lead to (lost if the process died), and another process could open the new name
// with a log and a session lock file of its own; the store's pool also opened its next
// connection through the old name. A second name beside
// the first (a hard link) changes none of that: every Open through either is refused.
func TestMovedFile(t *testing.T) {
	for _, tt := range []struct {
		name  string
		move  func(t *testing.T, path string)
		fails bool
	}{
		{"renamed", func(t *testing.T, path string) { mustDo(t, os.Rename(path, path+".old")) }, true},
		{"deleted", func(t *testing.T, path string) { mustDo(t, os.Remove(path)) }, true},
		{"replaced", func(t *testing.T, path string) {
			mustDo(t, os.WriteFile(path+".new", nil, 0o600))
			mustDo(t, os.Rename(path+".new", path))
		}, true},
		{"linked then unlinked", func(t *testing.T, path string) {
			linkOrSkip(t, os.Link(path, path+".2"))
			mustDo(t, os.Remove(path))
		}, true},
		{"symlink pointed elsewhere", func(t *testing.T, path string) {
			// path is a symlink (below): it now leads to another file.
			mustDo(t, os.WriteFile(path+".other", nil, 0o600))
			mustDo(t, os.Remove(path))
			linkOrSkip(t, os.Symlink(path+".other", path))
		}, true},
		{"linked", func(t *testing.T, path string) { linkOrSkip(t, os.Link(path, path+".2")) }, false},
	} {
		// A write checks the path whatever a read checked just before; a read trusts the last
		// check for ReadRecheck.
		for _, order := range []string{"write first", "read first"} {
			t.Run(tt.name+"/"+order, func(t *testing.T) {
				var now atomic.Int64
				defer func(c func() int64) { *sqlite.LeaseClock = c }(*sqlite.LeaseClock)
				*sqlite.LeaseClock = now.Load
				dir := t.TempDir()
				path := filepath.Join(dir, "bot.db")
				if tt.name == "symlink pointed elsewhere" {
					linkOrSkip(t, os.Symlink(filepath.Join(dir, "real.db"), path))
				}
				st, err := sqlite.Open(t.Context(), path, "main")
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				if err := st.SetHomeDC(t.Context(), 2); err != nil {
					t.Fatal(err)
				}
				if _, err := st.HomeDC(t.Context()); err != nil { // checked now
					t.Fatal(err)
				}
				tt.move(t, path)
				var errs []error
				read := func() {
					_, _, err := st.LoadPeer(t.Context(), peers.UserKey(1))
					errs = append(errs, err)
				}
				write := func() { errs = append(errs, st.SetHomeDC(t.Context(), 4)) }
				if order == "write first" {
					write()
					read()
				} else {
					now.Add(int64(sqlite.ReadRecheck))
					read()
					write()
				}
				for _, err := range errs {
					if !tt.fails {
						if err != nil {
							t.Errorf("call after the file got a second name = %v", err)
						}
						continue
					}
					if !errors.Is(err, sqlite.ErrFileMoved) || !errors.Is(err, storage.ErrSessionInUse) || !strings.Contains(err.Error(), path) {
						t.Errorf("call after the move = %v, want ErrFileMoved naming %s", err, path)
					}
				}
				if err := st.Close(); err != nil {
					t.Errorf("Close = %v", err)
				}
			})
		}
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func linkOrSkip(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Skipf("no links here: %v", err)
	}
}

// TestRelativePathAfterChdir: a relative path names the file it named at Open whatever the
// working directory is later. SQLite resolves a file name again for each connection, and the
// pool opens connections as calls need them: after a chdir, the store's next connection
// opened (and created) bot.db in the new directory, a database without tables, and calls on
// it failed.
func TestRelativePathAfterChdir(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	t.Chdir(dir)
	st, err := sqlite.Open(t.Context(), "bot.db", "main")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := peers.Peer{Key: peers.UserKey(7), AccessHash: 1}
	if err := st.SavePeers(t.Context(), []peers.Peer{p}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(other)
	// Calls at once, so that the pool opens connections beyond the one it keeps.
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, ok, err := st.LoadPeer(t.Context(), p.Key)
			if err == nil && !ok {
				err = errors.New("the peer saved is not found")
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("LoadPeer after a chdir = %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(other, "bot.db")); err == nil {
		t.Errorf("a database was made in the new working directory")
	}
}

// TestLongSessionName: a session name whose escaped form is too long for a file name (255
// bytes) opens, locked as any other. The lock file name held the escaped name, three bytes
// for every byte not a letter or digit, and Open failed with "file name too long" for a
// name of 100 Cyrillic letters.
func TestLongSessionName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	names := []string{strings.Repeat("ж", 100), strings.Repeat("ж", 99) + "з", strings.Repeat("/", 200), strings.Repeat("a", 200)}
	for _, name := range names {
		st, err := sqlite.Open(t.Context(), path, name)
		if err != nil {
			t.Fatalf("Open(%.12q...) = %v", name, err)
		}
		defer st.Close()
		if err := st.SetHomeDC(t.Context(), 2); err != nil {
			t.Fatal(err)
		}
		if again, err := sqlite.Open(t.Context(), path, name); !errors.Is(err, storage.ErrSessionInUse) {
			if err == nil {
				again.Close()
			}
			t.Errorf("second Open(%.12q...) = %v, want ErrSessionInUse", name, err)
		}
	}
}

// BenchmarkCachedRead: reads the store answers from its cache (the home data center), whose
// cost is the call's bookkeeping and the check that the path still names the file.
func BenchmarkCachedRead(b *testing.B) {
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bot.db"), "main")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SetHomeDC(b.Context(), 2); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if dc, err := st.HomeDC(b.Context()); err != nil || dc != 2 {
			b.Fatalf("HomeDC = %d, %v", dc, err)
		}
	}
}

// TestMovedFileNewConnection: a read within ReadRecheck of the last check, after a move,
// that makes the pool open a new connection fails with ErrFileMoved and touches nothing at
// the path. The connection was opened through the path: SQLite created an empty database
// where the file was, or, where another database replaced it, the journal_mode(WAL) pragma
// rewrote that file's header.
func TestMovedFileNewConnection(t *testing.T) {
	for _, tt := range moves {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			st := openHeld(t, path)
			if err := st.SetHomeDC(t.Context(), 2); err != nil { // checked now
				t.Fatal(err)
			}
			st.DB().SetMaxIdleConns(0) // every call opens a connection
			tt.move(t, path)
			before, beforeErr := os.ReadFile(path)
			_, _, err := st.LoadPeer(t.Context(), peers.UserKey(1)) // within ReadRecheck
			if !errors.Is(err, sqlite.ErrFileMoved) {
				t.Errorf("read through a new connection after the move = %v, want ErrFileMoved", err)
			}
			after, afterErr := os.ReadFile(path)
			if (beforeErr == nil) != (afterErr == nil) || !bytes.Equal(before, after) {
				t.Errorf("the read changed the file at the path: before %d bytes (%v), after %d bytes (%v)", len(before), beforeErr, len(after), afterErr)
			}
		})
	}
}

// moves are the ways the moved-file tests take the database file from its path: each
// returns with the path naming nothing or a file to keep as it is.
var moves = []struct {
	name string
	move func(t *testing.T, path string)
}{
	{"renamed", func(t *testing.T, path string) { mustDo(t, os.Rename(path, path+".old")) }},
	{"deleted", func(t *testing.T, path string) { mustDo(t, os.Remove(path)) }},
	{"replaced by another database", func(t *testing.T, path string) {
		other := path + ".other"
		db, err := sql.Open("sqlite", other) // rollback journal: no WAL in its header
		mustDo(t, err)
		_, err = db.Exec("create table t (x integer); insert into t values (1)")
		mustDo(t, err)
		mustDo(t, db.Close())
		mustDo(t, os.Rename(other, path))
	}},
	{"replaced by another store's database", func(t *testing.T, path string) {
		mustDo(t, os.Rename(otherDatabase(t, false), path))
	}},
}

// TestMovedFileOpenConnection: a read within ReadRecheck of the last check, after a move,
// through a connection the pool opened before it reads the store's own rows, never those
// of a database that replaced the file: the connection reads through the descriptors it
// opened (database, write-ahead log and its index), whatever the path names now. Its page
// cache is emptied first, so the rows come from the files. What it reads is what the store
// last wrote: every write after the move fails (TestMovedFile).
func TestMovedFileOpenConnection(t *testing.T) {
	for _, tt := range []struct {
		name string
		move func(t *testing.T, path string)
	}{
		{"renamed", func(t *testing.T, path string) { mustDo(t, os.Rename(path, path+".old")) }},
		{"deleted", func(t *testing.T, path string) { mustDo(t, os.Remove(path)) }},
		{"replaced by another database", func(t *testing.T, path string) {
			other := otherDatabase(t, false)
			mustDo(t, os.Rename(other, path))
		}},
		{"replaced with its log", func(t *testing.T, path string) {
			other := otherDatabase(t, true)
			for _, suffix := range []string{"", "-wal", "-shm"} {
				mustDo(t, os.Rename(other+suffix, path+suffix))
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			st := openHeld(t, path)
			st.DB().SetMaxOpenConns(1) // the connection of the writes reads too
			if err := st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1}}); err != nil {
				t.Fatal(err) // checked now
			}
			if _, err := st.DB().ExecContext(t.Context(), "pragma shrink_memory"); err != nil {
				t.Fatal(err)
			}
			tt.move(t, path)
			p, ok, err := st.LoadPeer(t.Context(), peers.UserKey(1)) // within ReadRecheck
			if err != nil || !ok || p.AccessHash != 1 {
				t.Errorf("read through the open connection after the move = %+v, %v, %v; want the store's own peer", p, ok, err)
			}
		})
	}
}

// TestMovedFileWhileConnecting: a read within ReadRecheck of the last check that makes the
// pool open a connection, while the file is moved between the pool's check of the path and
// the open, fails with ErrFileMoved and touches nothing at the path. The connection opened
// the other database, and the read returned its peer (access hash 999), another file's
// rows; once the pool checked again after the open, the read failed, but the open had
// created an empty database where the file was, or the journal_mode(WAL) pragma had
// rewritten the header of the database that replaced it.
func TestMovedFileWhileConnecting(t *testing.T) {
	var move atomic.Pointer[func()]
	defer func(n func(string) (driver.Connector, error)) { *sqlite.NewConnector = n }(*sqlite.NewConnector)
	inner := *sqlite.NewConnector
	*sqlite.NewConnector = func(dsn string) (driver.Connector, error) {
		c, err := inner(dsn)
		return movingConnector{c, &move}, err
	}
	for _, tt := range moves {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			st := openHeld(t, path)
			if err := st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1}}); err != nil {
				t.Fatal(err) // checked now
			}
			st.DB().SetMaxIdleConns(0) // every call opens a connection
			var before []byte
			var beforeErr error
			f := func() {
				tt.move(t, path)
				before, beforeErr = os.ReadFile(path)
			}
			move.Store(&f)
			p, ok, err := st.LoadPeer(t.Context(), peers.UserKey(1)) // within ReadRecheck
			if move.Load() != nil {
				t.Fatal("the read opened no connection")
			}
			if !errors.Is(err, sqlite.ErrFileMoved) {
				t.Errorf("read through a connection opened as the file was moved = %v (access hash %d), %v, %v; want ErrFileMoved", p.Key, p.AccessHash, ok, err)
			}
			after, afterErr := os.ReadFile(path)
			if (beforeErr == nil) != (afterErr == nil) || !bytes.Equal(before, after) {
				t.Errorf("the read changed the file at the path: before %d bytes (%v), after %d bytes (%v)", len(before), beforeErr, len(after), afterErr)
			}
		})
	}
}

// openHeld holds the lease clock still, so that a read trusts the last check for as long as
// the test runs, and opens session "main" at path, until the test ends.
func openHeld(t *testing.T, path string) *sqlstore.Store {
	var now atomic.Int64
	clock := *sqlite.LeaseClock
	t.Cleanup(func() { *sqlite.LeaseClock = clock })
	*sqlite.LeaseClock = now.Load
	st, err := sqlite.Open(t.Context(), path, "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// movingConnector runs the function in move, once, before it opens a connection.
type movingConnector struct {
	driver.Connector
	move *atomic.Pointer[func()]
}

func (c movingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if f := c.move.Swap(nil); f != nil {
		(*f)()
	}
	return c.Connector.Connect(ctx)
}

// otherDatabase makes a store's database in a directory of its own, whose session "main"
// holds user 1 with access hash 999, and returns its path: closed (the log checkpointed and
// gone), or left open until the test ends, its log and index beside it.
func otherDatabase(t *testing.T, open bool) string {
	path := filepath.Join(t.TempDir(), "other.db")
	st, err := sqlite.Open(t.Context(), path, "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(1), AccessHash: 999}}); err != nil {
		t.Fatal(err)
	}
	if open {
		t.Cleanup(func() { st.Close() })
		return path
	}
	mustDo(t, st.Close())
	return path
}

// TestCloseAfterMove: a store closed after its file was moved leaves what the path names as
// it was, and its own rows in its own file. SQLite's last connection checkpoints the log into
// the file it opened, then deletes the log by name: where the file was replaced together with
// its log (a copy restored from a backup, or left by a process that died), that name was
// the replacement's log, and its rows were lost. Where the file alone was replaced, the
// store's own log stays beside it and must be left empty: SQLite would read its pages as
// the replacement's.
func TestCloseAfterMove(t *testing.T) {
	for _, tt := range []struct {
		name string
		move func(t *testing.T, path string) (read string, hash int64)
	}{
		{"in place", func(t *testing.T, path string) (string, int64) { return path, 1 }},
		{"renamed with its log", func(t *testing.T, path string) (string, int64) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				mustDo(t, os.Rename(path+suffix, path+".old"+suffix))
			}
			return path + ".old", 1
		}},
		{"replaced by another store's database", func(t *testing.T, path string) (string, int64) {
			mustDo(t, os.Rename(otherDatabase(t, false), path))
			return path, 999
		}},
		{"replaced with its log", func(t *testing.T, path string) (string, int64) {
			// Copies of an open store's files, its rows only in the log, put in place
			// each by a rename, as a restore would.
			other := otherDatabase(t, true)
			for _, suffix := range []string{"", "-wal"} {
				b, err := os.ReadFile(other + suffix)
				mustDo(t, err)
				mustDo(t, os.WriteFile(path+".new", b, 0o600))
				mustDo(t, os.Rename(path+".new", path+suffix))
			}
			return path, 999
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bot.db")
			st := openHeld(t, path)
			if err := st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1}}); err != nil {
				t.Fatal(err)
			}
			read, want := tt.move(t, path)
			if err := st.Close(); err != nil {
				t.Errorf("Close = %v", err)
			}
			if tt.name == "in place" {
				if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the log after Close: %v, want it checkpointed and gone", err)
				}
			}
			again, err := sqlite.Open(t.Context(), read, "main")
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			p, ok, err := again.LoadPeer(t.Context(), peers.UserKey(1))
			if err != nil || !ok || p.AccessHash != want {
				t.Errorf("%s after Close: user 1 = %+v, %v, %v; want access hash %d", filepath.Base(read), p, ok, err, want)
			}
		})
	}
}

// TestDeletedFileInodeReused: a file deleted while the pool has no connection open, and a
// new database written at the path, is a moved file, even where the file system gives the
// new file the freed inode number (ext4 does at once): os.SameFile compares inode numbers,
// and it took the new file for the store's, which wrote into it. The store holds the file
// open (a connection that reads nothing) for its life, so the inode stays in use.
func TestDeletedFileInodeReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	st := openHeld(t, path)
	st.DB().SetMaxIdleConns(0) // no connection stays open between calls
	if err := st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1}}); err != nil {
		t.Fatal(err)
	}
	old, err := os.Stat(path)
	mustDo(t, err)
	other, err := os.ReadFile(otherDatabase(t, false))
	mustDo(t, err)
	mustDo(t, os.Remove(path))
	mustDo(t, os.WriteFile(path, other, 0o600))
	if fi, err := os.Stat(path); err == nil && os.SameFile(fi, old) {
		t.Logf("the new file took the deleted file's inode")
	}
	err = st.SavePeers(t.Context(), []peers.Peer{{Key: peers.UserKey(2), AccessHash: 2}})
	if !errors.Is(err, sqlite.ErrFileMoved) {
		t.Errorf("write after the file was deleted and another written at the path = %v, want ErrFileMoved", err)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, other) {
		t.Errorf("the write changed the file at the path (%v)", err)
	}
}

// TestDriverConnection: the pool's connections, wrapped to empty the log of a moved file
// (checkedConn), still lead to the driver's: the driver's Limit, through DB().Conn, sees through a
// wrapper with an Unwrap method and failed on one without, and database/sql uses the
// driver's context methods (BeginTx with options fails without them).
func TestDriverConnection(t *testing.T) {
	st := openHeld(t, filepath.Join(t.TempDir(), "bot.db"))
	conn, err := st.DB().Conn(t.Context())
	mustDo(t, err)
	defer conn.Close()
	if n, err := driversqlite.Limit(conn, sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, -1); err != nil || n <= 0 {
		t.Errorf("Limit on a store's connection = %d, %v; want the limit", n, err)
	}
	tx, err := conn.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("BeginTx(read only) = %v", err)
	}
	mustDo(t, tx.Rollback())
}
