// Package sqlite keeps MTGo sessions in a SQLite file, through the pure-Go driver
// modernc.org/sqlite (no cgo): a single-file alternative to the bbolt session file for users
// who want SQL access to their peers. The schema is package sqlstore's; several sessions can
// share one file, each locked while open (a lock file beside it, released by the system if
// the process dies).
//
//	st, err := sqlite.Open(ctx, "bot.db", "main")
//	client, err := mtgo.NewClient(id, hash, &mtgo.Config{Storage: st, ...})
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrFileMoved is a store's error, for every call, once its path no longer names the
// database file it opened (renamed, deleted, replaced): it matches storage.ErrSessionInUse.
var ErrFileMoved = fmt.Errorf("%w: sqlite database file moved while open", storage.ErrSessionInUse)

// LockTimeout is how long Open waits for another holder of the session before it fails with
// storage.ErrSessionInUse.
const LockTimeout = 200 * time.Millisecond

// synchronous is the connections' synchronous pragma. FULL syncs the write-ahead log at every
// commit, so a write is durable when it returns, as storage.Storage says; NORMAL (the
// tests' baseline in BenchmarkSync) syncs it only at checkpoints, and a power loss could
// take the commits since.
var synchronous = "FULL"

// Open opens (creating it when missing) the SQLite database at path and the session called
// name in it.
func Open(ctx context.Context, path, name string) (*sqlstore.Store, error) {
	if path == "" || strings.IndexByte(path, 0) >= 0 {
		return nil, errors.New("sqlite storage: the path is empty or has a zero byte")
	}
	// SQLite resolves a relative name again for each connection, which the pool opens as
	// calls need them: after a chdir they went to another file (TestRelativePathAfterChdir).
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite storage: open %s: %w", path, err)
	}
	path = abs
	if err := oneName(path); err != nil {
		return nil, err
	}
	conns := &checkedConnector{pragmas: []string{"pragma journal_mode(WAL)", "pragma synchronous(" + synchronous + ")"}}
	// Write transactions take the write lock when they begin (_txlock=immediate) and wait
	// for it (busy_timeout), so concurrent writers queue instead of failing with
	// SQLITE_BUSY; WAL lets readers run beside the writer (checkedConnector sets it up).
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_txlock", "immediate")
	first, err := newConnector(fileURI(path) + "?" + q.Encode())
	if err == nil {
		// Once the file exists, a connection opens it or fails: never creates one.
		q.Add("mode", "rw")
		conns.open, err = newConnector(fileURI(path) + "?" + q.Encode())
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite storage: open %s: %w", path, err)
	}
	conns.first = first
	db := sql.OpenDB(conns)
	db.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if isCorrupt(err) {
			return nil, fmt.Errorf("%w: sqlite storage: %s: %v", storage.ErrCorrupt, path, err)
		}
		return nil, fmt.Errorf("sqlite storage: open %s: %w", path, err)
	}
	// The lock file goes beside the file the path names (the ping created it), not beside
	// a symlink to it: deploy tools link a shared database into each release directory,
	// and two releases must find one lock.
	real, err := filepath.EvalSymlinks(path)
	var file os.FileInfo
	if err == nil {
		file, err = os.Stat(path)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite storage: open %s: %w", path, err)
	}
	l := &fileLease{path: path, file: file}
	l.checked.Store(leaseClock() - int64(readRecheck)) // the first read checks
	conns.lease.Store(l)
	if err := conns.hold(ctx, l); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite storage: open %s: %w", path, err)
	}
	d := Dialect
	d.Lock = func(context.Context, *sql.DB, string) (sqlstore.Lease, error) {
		unlock, err := storage.LockFile(lockPath(real, name), LockTimeout)
		if err != nil {
			return nil, err
		}
		l.unlock = unlock
		return l, nil
	}
	st, err := sqlstore.Open(ctx, db, d, name, sqlstore.Options{CloseDB: true})
	if err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}

// oneName refuses a database file with more than one name (hard link), before SQLite opens
// it: SQLite keeps the write-ahead log and its index beside the name a file is opened by,
// so clients of one file through two names write it through two logs, which corrupts it
// (the session lock file, beside the name too, did not stop them either). A symlink is
// not a second name of the file: it leads to the one name.
func oneName(path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil // a new file, or one SQLite reports on
	}
	if n := links(fi); n > 1 {
		return fmt.Errorf("sqlite storage: open %s: the file has %d names (hard links); SQLite keeps its write-ahead log beside the name it opens, so two names of one database corrupt it: remove the other names", path, n)
	}
	return nil
}

// fileLease is a lock file's lock: held until released (the system keeps it while the
// process lives), and lost once path no longer names the database file.
type fileLease struct {
	unlock  func() error
	path    string       // the path Open was given, made absolute
	file    os.FileInfo  // the database file it named then
	moved   atomic.Bool  // path named another file, or none, at a call: for good
	checked atomic.Int64 // leaseClock's reading when a check last found the file in place
}

// readRecheck is how long a read trusts the last check that found the file in place.
const readRecheck = 10 * time.Millisecond

// leaseClock reads a monotonic clock, in nanoseconds since it started (a test's hook).
var leaseClock = func() func() int64 {
	start := time.Now()
	return func() int64 { return int64(time.Since(start)) }
}()

// Lost reports ErrFileMoved once path no longer names the file the store opened (renamed,
// deleted, replaced, a symlink pointed elsewhere): SQLite keeps the write-ahead log beside
// the name, so a commit after that would be in a log the file's new name does not lead to
// (lost if the process died), and another process could open the new name with a log and
// a lock file of its own. Reads check the path (a stat, about 1 µs) when the last check is
// readRecheck old, so a read may succeed for that long after a move, through a connection
// the pool has open: it reads the store's own file, through the descriptors the connection
// holds, never the file that took its name, and no write has changed it since the move.
// LostWrite, which the store calls before every write and the pool before and after it
// opens a connection (checkedConnector), always checks. A second name beside the first (a
// hard link) is no reason to stop: every Open through either name is refused (oneName),
// and the first name still leads to the log.
func (l *fileLease) Lost() error {
	if !l.moved.Load() && leaseClock()-l.checked.Load() < int64(readRecheck) {
		return nil
	}
	return l.LostWrite()
}

// LostWrite is Lost with a fresh check, for writes (sqlstore.WriteLease).
func (l *fileLease) LostWrite() error {
	if !l.moved.Load() {
		now := leaseClock()
		fi, err := os.Stat(l.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite storage: check the database file: %w", err)
		}
		if err == nil && os.SameFile(fi, l.file) {
			l.checked.Store(now)
			return nil
		}
		l.moved.Store(true)
	}
	return fmt.Errorf("sqlite storage: %s: %w", l.path, ErrFileMoved)
}

func (l *fileLease) Release() error { return l.unlock() }

// newConnector makes the driver's connector for a data source name (a test's hook).
var newConnector = func(dsn string) (driver.Connector, error) { return sqlite.NewConnector(dsn) }

// checkedConnector opens the pool's connections, each between two fresh checks of the
// lease (once Open has one) that find the file in place, and sets one up (WAL, the
// synchronous pragma) only after both. A read trusts the last check for readRecheck, and in
// that time it may need a new connection: opened through a path that names nothing now,
// SQLite created an empty database there, and through a path that names another database,
// the journal_mode(WAL) pragma rewrote that file's header. The check after the open catches
// a move between the first check and the open: the connection would have read the other
// file's rows, where a connection opened before a move keeps reading the store's own file
// (its descriptors lead to it, whatever the path names). A connection is opened read-write
// without create (mode=rw) and set up after that check, so a move in that window touches
// nothing at the path either: before, the open created an empty database where the file
// was, or the pragma rewrote the header of the one that replaced it, and the check after
// caught only the read.
type checkedConnector struct {
	first   driver.Connector // Open's first connection: creates a missing file
	open    driver.Connector // every other: mode=rw
	pragmas []string         // set a connection up
	lease   atomic.Pointer[fileLease]
	held    driver.Conn // holds the file open while the pool lives (hold)
}

func (c *checkedConnector) Driver() driver.Driver { return c.open.Driver() }

// hold opens a connection that holds the file l names open until the pool closes, and
// reads nothing (so it takes no lock and opens no log). os.SameFile compares inode
// numbers: a file deleted while the pool had no connection open freed its inode, a new
// file at the path could get the same number (ext4 gives it at once), and the store took
// it for its own and wrote into it (TestDeletedFileInodeReused). A file held open keeps
// its inode in use. It is SQLite's connection, not a descriptor of ours: closing any
// descriptor of a file drops every POSIX lock the process holds on it, and SQLite keeps
// the descriptors of a file whose locks other connections hold (another store of the
// file too) open until those are released.
func (c *checkedConnector) hold(ctx context.Context, l *fileLease) error {
	conn, err := c.open.Connect(ctx)
	if err != nil {
		return err
	}
	c.held = conn
	return l.LostWrite() // a move before the open: the held file may be another
}

// Close closes the held connection (database/sql calls it once the pool's are closed).
func (c *checkedConnector) Close() error {
	if c.held == nil {
		return nil
	}
	return c.held.Close()
}

func (c *checkedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	l := c.lease.Load()
	if l == nil {
		conn, err := c.first.Connect(ctx)
		return c.setUp(ctx, conn, err)
	}
	if err := l.LostWrite(); err != nil {
		return nil, err
	}
	conn, err := c.open.Connect(ctx)
	if lost := l.LostWrite(); lost != nil {
		if err == nil {
			conn.Close() // opened, never read: closing writes nothing
		}
		return nil, lost
	}
	return c.setUp(ctx, conn, err)
}

// setUp runs c's pragmas on conn, the result of a Connect that failed with err if not nil.
func (c *checkedConnector) setUp(ctx context.Context, conn driver.Conn, err error) (driver.Conn, error) {
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("sqlite storage: the driver's connection %T lacks a method of sqliteConn", conn)
	}
	for _, p := range c.pragmas {
		if _, err := sc.ExecContext(ctx, p, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return checkedConn{sc, c}, nil
}

// sqliteConn is what database/sql uses of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// checkedConn is a pool connection that empties its write-ahead log before it closes once
// the path no longer names the store's file. SQLite's last connection to a file checkpoints
// the log into it and deletes the log by name, unless it finds the file moved (another
// inode at the path, or none): then it leaves the log as it is. Where the file alone was
// replaced, that log, the store's, holding the commits since the last checkpoint, stayed
// beside the replacement, and SQLite read its pages as the replacement's
// (TestCloseAfterMove: the other database answered the store's own peer). A checkpoint
// with truncate runs through the descriptors the connection holds: it copies the log
// into the store's file, wherever it is now, and empties it, and touches nothing by name.
type checkedConn struct {
	sqliteConn
	c *checkedConnector
}

// Unwrap returns the driver's connection: the driver's functions that take a *sql.Conn
// (Limit) find it through this method, and failed on the wrapper without it
// (TestDriverConnection).
func (c checkedConn) Unwrap() driver.Conn { return c.sqliteConn }

func (c checkedConn) Close() error {
	var err error
	if l := c.c.lease.Load(); l != nil && l.LostWrite() != nil {
		err = c.emptyLog()
	}
	return errors.Join(err, c.sqliteConn.Close())
}

// emptyLog checkpoints the connection's log into its file and truncates it, waiting
// (busy_timeout) for the readers it needs gone.
func (c checkedConn) emptyLog() error {
	rows, err := c.QueryContext(context.Background(), "pragma wal_checkpoint(truncate)", nil)
	if err == nil {
		row := make([]driver.Value, 3) // busy, log frames, frames copied
		err = rows.Next(row)
		rows.Close()
		if err == nil && row[0] != int64(0) {
			err = fmt.Errorf("%v of %v log frames copied, another connection kept it from ending", row[2], row[1])
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite storage: empty the log of a moved file: %w", err)
	}
	return nil
}

// fileURI is the SQLite URI of the file at path. SQLite reads a "file:" name as a URI: a
// '?' or '#' ends the file name there and %XX escapes are decoded, so "s#1.db" and "s#2.db"
// were one database "s" (under two lock files, both sessions open at once). Every byte
// but unreserved ones is escaped, '/' too, so that a path starting with "//" is not read
// as an authority.
func fileURI(path string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len("file:") + 3*len(path))
	b.WriteString("file:")
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// maxFileName bounds a file name on most file systems (NAME_MAX).
const maxFileName = 255

// lockPath is the lock file of one session of the database at path: the escaped name, or,
// when that makes a file name too long (a name of 100 Cyrillic letters escapes to 600 bytes),
// a '#' and the hash of the name. url.PathEscape always escapes '#', so the two forms never
// meet, and the names that fit keep the lock file they had.
func lockPath(path, name string) string {
	lock := path + ".lock-" + url.PathEscape(name)
	if len(filepath.Base(lock)) <= maxFileName {
		return lock
	}
	sum := sha256.Sum256([]byte(name))
	return path + ".lock-#" + hex.EncodeToString(sum[:])
}

// Dialect is SQLite's sqlstore.Dialect, without a session lock (Open adds the file lock).
var Dialect = sqlstore.Dialect{
	Name:         "sqlite",
	Blob:         "blob",
	Bigint:       "integer",
	Bool:         "integer",
	SessionID:    "integer primary key",
	JSONAgg:      "json_group_array",
	MaxParams:    4000,
	SingleWriter: true,
	Sync:         checkpoint,
	IsCorrupt:    isCorrupt,
}

// checkpoint copies the write-ahead log into the database file, syncing both (Store.Save):
// every commit is durable already (synchronous(FULL) synced the log), and after Save the
// file holds them without its log. FULL waits (busy_timeout) for the readers and writers
// it needs gone.
func checkpoint(ctx context.Context, db *sql.DB) error {
	var busy, log, done int
	if err := db.QueryRowContext(ctx, "pragma wal_checkpoint(full)").Scan(&busy, &log, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: %d of %d log frames copied, another connection kept it from ending", done, log)
	}
	return nil
}

// isCorrupt reports SQLite's answers for a file that is not a database or is damaged.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return true
		}
	}
	return err != nil && strings.Contains(err.Error(), "file is not a database")
}
