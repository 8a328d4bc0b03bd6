// Package postgres keeps MTGo sessions in PostgreSQL, through jackc/pgx v5: the store for bots
// that outgrow one process or one machine. Many sessions share a database, keyed by a session
// name; the schema is created and migrated when a store opens (package sqlstore documents the
// tables). A session is locked while a store has it open, with a PostgreSQL advisory lock held
// on a connection of its own: a second process, on any machine, gets storage.ErrSessionInUse,
// and when the holder dies its connection closes and the lock frees itself.
//
//	st, err := postgres.Open(ctx, "postgres://bot@db/bots", "main")
//	cfg := mtgo.DefaultConfig
//	cfg.Storage = st
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// Open connects to the database at url (a PostgreSQL URL or key=value DSN) and opens the
// session called name, creating or migrating the schema as needed. The store has a pool of
// its own and keeps one connection for its session lock: for many sessions in one process,
// use NewShared.
func Open(ctx context.Context, url, name string) (*sqlstore.Store, error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres storage: connect: %w", redact(err))
	}
	st, err := sqlstore.Open(ctx, db, Dialect, name, sqlstore.Options{CloseDB: true})
	if err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}

// parseConfig parses url, turning JIT compilation off unless url sets it: the store's
// statements are short, and compiling the peer upsert (whose estimated cost passes the JIT
// threshold when planned for large batches) takes longer than running it.
func parseConfig(url string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres storage: %w", redact(err))
	}
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	return cfg, nil
}

// OpenDB opens the session called name in db, a database/sql handle of the pgx driver
// (stdlib.OpenDB or sql.Open("pgx", ...)); Close leaves db open.
func OpenDB(ctx context.Context, db *sql.DB, name string) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, db, Dialect, name, sqlstore.Options{})
}

// Dialect is PostgreSQL's sqlstore.Dialect, with the advisory session lock.
var Dialect = sqlstore.Dialect{
	Name:      "postgres",
	Blob:      "bytea",
	Bigint:    "bigint",
	Bool:      "boolean",
	JSONAgg:   "json_agg",
	Numbered:  true,
	Arrays:    true,
	MaxParams: 8000,
	Lock:      lockSession,
	Pipeline:  pipeline,
	MigrationLock: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `select pg_advisory_xact_lock($1)`, migrationLockKey)
		return err
	},
}

// pipeline sends stmts in one pgx batch: one round trip, and one implicit transaction (the
// batch ends with a single Sync), so a failed statement undoes the ones before it.
func pipeline(ctx context.Context, db *sql.DB, stmts []sqlstore.Stmt) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		var b pgx.Batch
		for _, st := range stmts {
			b.Queue(st.Query, st.Args...)
		}
		return dc.(*stdlib.Conn).Conn().SendBatch(ctx, &b).Close()
	})
}

// migrationLockKey serializes schema migrations of concurrent Opens ("mtgo" in ASCII).
const migrationLockKey = 0x6d74676f

// lockSession takes the session's advisory lock on a connection kept for the store's
// lifetime.
func lockSession(ctx context.Context, db *sql.DB, name string) (func() error, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres storage: lock session: %w", err)
	}
	var ok bool
	key := LockKey(name)
	if err := conn.QueryRowContext(ctx, `select pg_try_advisory_lock(hashtextextended($1, 0))`, key).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("postgres storage: lock session: %w", err)
	}
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("%w: postgres session %q", storage.ErrSessionInUse, name)
	}
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := conn.ExecContext(ctx, `select pg_advisory_unlock(hashtextextended($1, 0))`, key)
		if err != nil {
			// A broken connection has lost its lock with its backend already.
			_ = conn.Raw(func(c any) error { return c.(*stdlib.Conn).Conn().Close(ctx) })
		}
		return errors.Join(ignoreGone(err), ignoreGone(conn.Close()))
	}, nil
}

// LockKey is the text whose hashtextextended is a session's advisory lock key; find a
// session's holder with pg_locks (see the package tests).
func LockKey(name string) string { return "mtgo-session:" + name }

func ignoreGone(err error) error {
	if err == nil || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57P01" { // admin_shutdown: terminated
		return nil
	}
	if pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") {
		return nil
	}
	return err
}

// redact drops the connection string from pgx's parse errors: it may hold a password.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("cannot parse the connection string (it is not shown: it may hold a password)")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
