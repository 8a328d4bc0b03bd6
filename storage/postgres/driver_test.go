package postgres_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// otherConnector connects with pgx but hands database/sql connections of another type, as a
// driver other than pgx's (lib/pq) or a wrapping one (instrumentation) does.
type otherConnector struct{ driver.Connector }

func (c otherConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	return otherConn{conn}, err
}

type otherConn struct{ driver.Conn }

// TestOtherDriverRefused: a database of another driver than pgx's is refused at Open with an
// error saying so. The lock and the writes reach pgx's connection through database/sql's
// Raw, and asserted its type: Open panicked, in the wait for the previous holder's writes.
func TestOtherDriverRefused(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(otherConnector{stdlib.GetConnector(*cfg)})
	defer db.Close()
	for name, open := range map[string]func() (*sqlstore.Store, error){
		"OpenDB": func() (*sqlstore.Store, error) { return postgres.OpenDB(t.Context(), db, "other") },
		"sqlstore.Open": func() (*sqlstore.Store, error) {
			return sqlstore.Open(t.Context(), db, postgres.Dialect, "other", sqlstore.Options{})
		},
	} {
		st, err := open()
		if err == nil {
			st.Close()
			t.Fatalf("%s on another driver's database succeeded", name)
		}
		if !contains(err.Error(), "pgx") {
			t.Errorf("%s on another driver's database = %v, want an error naming pgx", name, err)
		}
	}
}
