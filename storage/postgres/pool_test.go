package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// TestOneConnectionPool: a store on a pool of one connection is refused at Open, with an
// error that says why. The session lock took the only connection and the next query, the
// wait for the previous holder's writes, waited for it for ever (here until the test's
// deadline). Two connections are enough.
func TestOneConnectionPool(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	opens := []struct {
		name string
		open func(ctx context.Context, db *sql.DB, name string) (*sqlstore.Store, error)
	}{
		{"OpenDB", postgres.OpenDB},
		{"sqlstore.Open", func(ctx context.Context, db *sql.DB, name string) (*sqlstore.Store, error) {
			return sqlstore.Open(ctx, db, postgres.Dialect, name, sqlstore.Options{})
		}},
	}
	for _, tt := range opens {
		t.Run(tt.name, func(t *testing.T) {
			db := pgtest.DB(t, u)
			db.SetMaxOpenConns(1)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			st, err := tt.open(ctx, db, "one-"+tt.name)
			if err == nil {
				st.Close()
				t.Fatal("Open on a pool of one connection succeeded")
			}
			if errors.Is(err, context.DeadlineExceeded) || !contains(err.Error(), "SetMaxOpenConns") {
				t.Fatalf("Open on a pool of one connection = %v, want an error naming SetMaxOpenConns", err)
			}
			// The refused Open holds nothing: with a second connection the session opens.
			db.SetMaxOpenConns(2)
			if st, err = tt.open(ctx, db, "one-"+tt.name); err != nil {
				t.Fatalf("Open on a pool of two = %v", err)
			}
			defer st.Close()
			if err := st.SaveRecord(ctx, "ns", "k", []byte("v")); err != nil {
				t.Fatal(err)
			}
			if v, ok, err := st.LoadRecord(ctx, "ns", "k"); err != nil || !ok || string(v) != "v" {
				t.Fatalf("LoadRecord = %q, %v, %v", v, ok, err)
			}
			if err := st.Reset(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("NewShared", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		sh, err := postgres.NewShared(ctx, u, postgres.SharedOptions{MaxConns: 1})
		if err == nil {
			defer sh.Close()
			st, err := sh.Open(ctx, "one-shared")
			if err == nil {
				st.Close()
			}
			t.Fatalf("NewShared with MaxConns 1 succeeded; Open on it = %v", err)
		}
		if !contains(err.Error(), "MaxConns") {
			t.Fatalf("NewShared with MaxConns 1 = %v, want an error naming MaxConns", err)
		}
	})
}
