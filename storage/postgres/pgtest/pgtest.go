// Package pgtest finds the PostgreSQL the tests and benchmarks of MTGo run against
// (scripts/services.d/postgres.sh) and gives each test a schema of its own.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// DefaultURL is where scripts/services.d/postgres.sh listens.
const DefaultURL = "postgres://mtgo@127.0.0.1:41432/mtgo?sslmode=disable"

// URL returns MTGO_POSTGRES_URL (DefaultURL when unset), skipping tb when no server answers
// there, failing it under MTGO_CI.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("MTGO_POSTGRES_URL")
	if u == "" {
		u = DefaultURL
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
			tb.Fatalf("PostgreSQL is required under MTGO_CI (scripts/services.d/postgres.sh): %v", err)
		}
		tb.Skipf("no PostgreSQL at MTGO_POSTGRES_URL (run scripts/services.d/postgres.sh): %v", err)
	}
	return u
}

// DB opens a database/sql handle on u, closed when tb ends.
func DB(tb testing.TB, u string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Schema creates a schema of its own for tb, dropped when tb ends, and returns u with it as
// the search path: tb's tables start empty and leave nothing behind.
func Schema(tb testing.TB, u string) string {
	tb.Helper()
	schema := fmt.Sprintf("mtgo_test_%d_%s", os.Getpid(), strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(tb.Name())))
	db := DB(tb, u)
	if _, err := db.ExecContext(tb.Context(), `drop schema if exists `+schema+` cascade; create schema `+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _, _ = db.ExecContext(context.Background(), `drop schema if exists `+schema+` cascade`) })
	pu, err := url.Parse(u)
	if err != nil {
		tb.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}
