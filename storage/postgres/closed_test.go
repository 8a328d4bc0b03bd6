package postgres_test

import (
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
)

// TestSharedOpenAfterClose: Open on a closed Shared says the pool is closed, with a sentinel
// (ErrSharedClosed, which matches storage.ErrClosed). It failed in the session-number query
// with database/sql's "sql: database is closed", naming neither the pool nor its Close.
func TestSharedOpenAfterClose(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	sh, err := postgres.NewShared(t.Context(), u, postgres.SharedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sh.Open(t.Context(), "before")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sh.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"before", "new"} {
		st, err := sh.Open(t.Context(), name)
		if err == nil {
			st.Close()
			t.Fatalf("Open(%q) after Close succeeded", name)
		}
		if !errorsIs(err, postgres.ErrSharedClosed) || !errorsIs(err, storage.ErrClosed) {
			t.Errorf("Open(%q) after Close = %v, want ErrSharedClosed (and storage.ErrClosed)", name, err)
		}
	}
	if err := sh.Ping(t.Context()); err != nil {
		t.Errorf("Ping after Close = %v", err)
	}
	if err := sh.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}
