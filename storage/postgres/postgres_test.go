package postgres_test

import (
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// serverURL returns the PostgreSQL of scripts/services.d/postgres.sh (MTGO_POSTGRES_URL),
// skipping the test when none answers, failing under MTGO_CI.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MTGO_POSTGRES_URL")
	if u == "" {
		u = "postgres://mtgo@127.0.0.1:41432/mtgo?sslmode=disable"
	}
	pu, err := url.Parse(u)
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", pu.Host, 2*time.Second); err == nil {
			c.Close()
		}
	}
	if err != nil {
		if os.Getenv("MTGO_CI") != "" {
			t.Fatalf("PostgreSQL is required under MTGO_CI (scripts/services.d/postgres.sh): %v", err)
		}
		t.Skipf("no PostgreSQL at MTGO_POSTGRES_URL (run scripts/services.d/postgres.sh): %v", err)
	}
	return u
}

// admin is a plain connection for the tests' own queries.
func admin(t testing.TB, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	u := privateSchema(t, serverURL(t))
	db := admin(t, u)
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			return postgres.Open(t.Context(), u, name)
		},
		Persistent: true,
		Exclusive:  true,
		// A killed process: its backend ends, and the lock with it.
		Crash: func(t testing.TB, s storage.Storage) {
			name := s.(*sqlstore.Store).Name()
			var n int
			err := db.QueryRowContext(t.Context(), `select count(pg_terminate_backend(l.pid))
				from pg_locks l, (select hashtextextended($1, 0) as k) h
				where l.locktype = 'advisory' and l.objsubid = 1
				and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295)`,
				postgres.LockKey(name)).Scan(&n)
			if err != nil || n != 1 {
				t.Fatalf("terminate the lock holder: %d, %v", n, err)
			}
		},
		CrashRecovery: time.Second,
		Corrupt: func(t testing.TB, name string) {
			for _, q := range []string{
				`update mtgo_sessions set data = '\x01ff'::bytea where session = $1`,
				`update mtgo_peers set data = '\x00'::bytea where session = $1`,
			} {
				if _, err := db.ExecContext(t.Context(), q, name); err != nil {
					t.Fatal(err)
				}
			}
		},
	})
}

// TestNewerSchema: a database migrated by a newer build is refused, not misread.
func TestNewerSchema(t *testing.T) {
	u := privateSchema(t, serverURL(t))
	ctx := t.Context()
	st, err := postgres.Open(ctx, u, "x")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := admin(t, u).ExecContext(ctx, `insert into mtgo_schema (version) values (999)`); err != nil {
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
	u := privateSchema(t, serverURL(t))
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

var _ = stdlib.OpenDB

// BenchmarkPeers: peer upserts in batches (storagetest.BenchmarkPeers), in a schema of its
// own. server-cpu-ms/op is the CPU time of the store's PostgreSQL backends per batch, read
// from /proc when the server runs on this machine: the figure that holds when other work
// makes the wall clock swing.
func BenchmarkPeers(b *testing.B) {
	u := privateSchema(b, serverURL(b))
	app := fmt.Sprintf("mtgo-bench-%d", os.Getpid())
	db := admin(b, u+"&application_name="+app)
	defer func() {
		if cpu, ok := backendCPU(b, db, app); ok {
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "server-cpu-ms/op")
		}
	}()
	storagetest.BenchmarkPeers(b, func(t testing.TB, name string) (storage.Storage, error) {
		return postgres.OpenDB(t.Context(), db, name)
	})
}
