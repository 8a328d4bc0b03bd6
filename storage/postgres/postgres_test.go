package postgres_test

import (
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	"github.com/mtgo-labs/mtgo/storage/sqlstore/sqlstoretest"
)

// TestMigrationV2: a database of schema version 1 gets its peers' names column.
func TestMigrationV2(t *testing.T) { onSchema(t, sqlstoretest.MigrationV2) }

// TestMigrationV3: a database of schema version 2 gets its rows keyed by session numbers.
func TestMigrationV3(t *testing.T) { onSchema(t, sqlstoretest.MigrationV3) }

// TestMigrationV4: a database of schema version 3 gets the channels' pts named.
func TestMigrationV4(t *testing.T) { onSchema(t, sqlstoretest.MigrationV4) }

// TestMisplacedRows: rows holding another row's data read as damaged
// (sqlstoretest.MisplacedRows).
func TestMisplacedRows(t *testing.T) { onSchema(t, sqlstoretest.MisplacedRows) }

// TestDamagedNames: a peer row with a damaged names column is repaired by the next save of
// the peer (sqlstoretest.DamagedNames).
func TestDamagedNames(t *testing.T) { onSchema(t, sqlstoretest.DamagedNames) }

// TestUsernames: usernames with characters JSON escapes, or encoding/json escaped, round-trip
// through the names column, which PostgreSQL finds of sqlstore.NamesShape
// (sqlstoretest.Usernames).
func TestUsernames(t *testing.T) { onSchema(t, sqlstoretest.Usernames) }

// TestWrongNames: a username or phone resolves only to a peer whose data carries it,
// whatever the names and phone columns and the index entries say (sqlstoretest.WrongNames).
func TestWrongNames(t *testing.T) { onSchema(t, sqlstoretest.WrongNames) }

// onSchema runs test, one of sqlstoretest's, in a schema of its own.
func onSchema(t *testing.T, test func(*testing.T, *sql.DB, sqlstore.Dialect, func(string) (*sqlstore.Store, error))) {
	u := pgtest.Schema(t, pgtest.URL(t))
	test(t, pgtest.DB(t, u), postgres.Dialect, func(name string) (*sqlstore.Store, error) {
		return postgres.Open(t.Context(), u, name)
	})
}

func TestConformance(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			return postgres.Open(t.Context(), u, name)
		},
		Persistent: true,
		Exclusive:  true,
		// A killed process: its backend ends, and the lock with it.
		Crash:         func(t testing.TB, s storage.Storage) { crashHolder(t, db, s) },
		CrashRecovery: time.Second,
		Corrupt:       corruptRows(db),
		LargeLinear:   true,
	})
}

// corruptRows damages a session's stored session and peer.
func corruptRows(db *sql.DB) func(t testing.TB, name string) {
	return func(t testing.TB, name string) {
		for _, q := range []string{
			`update mtgo_sessions set data = '\x01ff'::bytea where sid = (select sid from mtgo_session_ids where session = $1)`,
			`update mtgo_peers set data = '\x00'::bytea where sid = (select sid from mtgo_session_ids where session = $1)`,
		} {
			if _, err := db.ExecContext(t.Context(), q, name); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestPipelineRollsBack: a write whose statement fails leaves nothing of the statements
// before it, and its connection goes back to the pool idle, not in a failed transaction.
func TestPipelineRollsBack(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	db.SetMaxOpenConns(1)
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, `create table pipeline_test (v integer)`); err != nil {
		t.Fatal(err)
	}
	backend := func() (pid int) {
		t.Helper()
		if err := db.QueryRowContext(ctx, `select pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		return pid
	}
	before := backend()
	tests := []struct {
		name  string
		stmts []sqlstore.Stmt
		rows  int
		fails bool
	}{
		{"fails", []sqlstore.Stmt{{Query: `insert into pipeline_test values (1)`}, {Query: `select 1 / (v - v) from pipeline_test`}}, 0, true},
		{"succeeds", []sqlstore.Stmt{{Query: `set local enable_seqscan = off`}, {Query: `insert into pipeline_test values ($1)`, Args: []any{2}}}, 1, false},
	}
	for _, tt := range tests {
		err := postgres.Dialect.Pipeline(ctx, db, tt.stmts)
		if (err != nil) != tt.fails {
			t.Fatalf("%s: Pipeline = %v, want failure %v", tt.name, err, tt.fails)
		}
		var rows int
		if err := db.QueryRowContext(ctx, `select count(*) from pipeline_test`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != tt.rows {
			t.Errorf("%s: %d rows after the write, want %d", tt.name, rows, tt.rows)
		}
		if after := backend(); after != before {
			t.Errorf("%s: the connection was replaced (backend %d, then %d): it was left in a transaction", tt.name, before, after)
		}
		var seqscan string
		if err := db.QueryRowContext(ctx, `show enable_seqscan`).Scan(&seqscan); err != nil || seqscan != "on" {
			t.Errorf("%s: enable_seqscan after the write = %q, %v; SET LOCAL must end with the write", tt.name, seqscan, err)
		}
	}
}

// TestNewerSchema: a database migrated by a newer build is refused, not misread.
func TestNewerSchema(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	ctx := t.Context()
	st, err := postgres.Open(ctx, u, "x")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := pgtest.DB(t, u).ExecContext(ctx, `insert into mtgo_schema (version) values (999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(ctx, u, "x"); err == nil || !errorsIs(err, storage.ErrUnsupportedVersion) {
		t.Fatalf("Open of a newer schema = %v, want ErrUnsupportedVersion", err)
	}
}

func TestBadURLHidesPassword(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://bot:hunter2@[::1/db", "x")
	if err == nil {
		t.Fatal("bad URL accepted")
	}
	if got := err.Error(); contains(got, "hunter2") {
		t.Fatalf("error shows the password: %s", got)
	}
}

// TestConcurrentOpen: many processes starting at once on an empty database migrate the schema
// once.
func TestConcurrentOpen(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			st, err := postgres.Open(t.Context(), u, storagetest.Name(t))
			if err == nil {
				err = st.Close()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkPeers: peer upserts in batches (storagetest.BenchmarkPeers), in a schema of its
// own. server-cpu-ms/op is the CPU time of the store's PostgreSQL backends per batch, read
// from /proc when the server runs on this machine: the figure that holds when other work
// makes the wall clock swing.
func BenchmarkPeers(b *testing.B) {
	u := pgtest.Schema(b, pgtest.URL(b))
	app := fmt.Sprintf("mtgo-bench-%d", os.Getpid())
	db := pgtest.DB(b, u+"&application_name="+app)
	defer func() {
		if cpu, ok := backendCPU(b, db, app); ok {
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "server-cpu-ms/op")
		}
	}()
	storagetest.BenchmarkPeers(b, func(t testing.TB, name string) (storage.Storage, error) {
		return postgres.OpenDB(t.Context(), db, name)
	})
}

// crashHolder terminates the backend holding the session lock of s: what a killed process
// does to its connections. It returns once the backend has exited (pg_terminate_backend with
// a timeout, PostgreSQL 14 and later, waits for it), so its advisory locks are free:
// without the wait a test that locks the session next raced the backend's exit.
func crashHolder(t testing.TB, db *sql.DB, s storage.Storage) {
	name := s.(*sqlstore.Store).Name()
	var n int
	err := db.QueryRowContext(t.Context(), `select count(*) filter (where pg_terminate_backend(l.pid, 10000))
		from pg_locks l, (select hashtextextended($1, 0) as k) h
		where l.locktype = 'advisory' and l.objsubid = 1
		and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295)`,
		postgres.LockKey(name)).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the lock holder: %d, %v", n, err)
	}
}

// TestConformanceShared runs the suite on stores of one Shared pool.
func TestConformanceShared(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	sh, err := postgres.NewShared(t.Context(), u, postgres.SharedOptions{Heartbeat: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close() })
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			return sh.Open(t.Context(), name)
		},
		Persistent: true,
		Exclusive:  true,
		// The process's lock connection ends: the heartbeat notices, the next Open
		// takes a new one.
		Crash:         func(t testing.TB, s storage.Storage) { crashHolder(t, db, s) },
		CrashRecovery: time.Second,
		Corrupt:       corruptRows(db),
		// The peer statements are TestConformance's, which stores the suite's 1 000 000 under
		// MTGO_CI; 100 batches are enough for the linear-cost check, and 1M more took 43 s
		// under -race. Without MTGO_CI, the suite's small set, as every backend stores.
		LargePeers:  min(100_000, storagetest.LargeCount(storagetest.Backend{})),
		LargeLinear: true,
	})
}

// TestSharedLocks: many sessions of one Shared hold their locks on one connection; when it
// is lost every one of them reports ErrLockLost, and the sessions can be opened again.
func TestSharedLocks(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	sh, err := postgres.NewShared(t.Context(), u, postgres.SharedOptions{MaxConns: 4, Heartbeat: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	const n = 50
	names := make([]string, n)
	stores := make([]*sqlstore.Store, n)
	for i := range stores {
		names[i] = storagetest.Name(t)
		if stores[i], err = sh.Open(t.Context(), names[i]); err != nil {
			t.Fatal(err)
		}
		if err := stores[i].SetHomeDC(t.Context(), 2); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sh.Open(t.Context(), names[0]); !errorsIs(err, storage.ErrSessionInUse) {
		t.Fatalf("second Open in the same process = %v, want ErrSessionInUse", err)
	}
	if _, err := postgres.Open(t.Context(), u, names[1]); !errorsIs(err, storage.ErrSessionInUse) {
		t.Fatalf("Open of a shared session elsewhere = %v, want ErrSessionInUse", err)
	}
	keys := make([]string, n)
	for i, name := range names {
		keys[i] = postgres.LockKey(name)
	}
	var holders, locks int
	if err := db.QueryRowContext(t.Context(), `select count(distinct l.pid), count(*)
		from pg_locks l, (select hashtextextended(k, 0) as k from unnest($1::text[]) k) h
		where l.locktype = 'advisory' and l.objsubid = 1
		and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295)`,
		keys).Scan(&holders, &locks); err != nil || holders != 1 || locks != n {
		t.Fatalf("%d sessions' locks: %d on %d connections (%v), want %d on 1", n, locks, holders, err, n)
	}
	if err := stores[n-1].Close(); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(t.Context(), u, names[n-1]); err != nil {
		t.Fatalf("Open elsewhere after Close = %v", err)
	} else {
		s.Close()
	}

	crashHolder(t, db, stores[0])
	if err := sh.Ping(t.Context()); err == nil {
		t.Fatal("Ping of a terminated lock connection succeeded")
	}
	for i, s := range stores[:n-1] {
		err := s.SetHomeDC(t.Context(), 4)
		if !errorsIs(err, postgres.ErrLockLost) || !errorsIs(err, storage.ErrSessionInUse) {
			t.Fatalf("store %d after its lock connection was lost: %v, want ErrLockLost", i, err)
		}
		if _, err := s.HomeDC(t.Context()); !errorsIs(err, postgres.ErrLockLost) {
			t.Fatalf("read after the lock was lost: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close after the lock was lost: %v", err)
		}
	}
	s, err := sh.Open(t.Context(), names[0])
	if err != nil {
		t.Fatalf("Open after the lock connection was lost = %v", err)
	}
	defer s.Close()
	if dc, err := s.HomeDC(t.Context()); err != nil || dc != 2 {
		t.Fatalf("HomeDC = %d, %v", dc, err)
	}
}
