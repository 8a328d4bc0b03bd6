package mtgobench

import (
	"context"
	"fmt"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// BenchmarkClientFootprintPostgres is BenchmarkClientFootprint with every client on one
// shared PostgreSQL database (postgres.Shared: one pool, one lock connection, a session name
// per client; opening the store is part of each client's start-up), beside the same run on
// the memory store. b.N is the number of clients of each. Skipped when no PostgreSQL answers
// at MTGO_POSTGRES_URL (scripts/services.d/postgres.sh), required under MTGO_CI; the
// sessions go to a schema of their own, dropped at the end.
//
//	go test -run XX -bench ClientFootprintPostgres -benchtime 1000x ./integration/bench/
func BenchmarkClientFootprintPostgres(b *testing.B) {
	u := pgtest.URL(b)
	b.Run("store=memory", func(b *testing.B) { clientFootprint(b, nil) })
	b.Run("store=postgres", func(b *testing.B) {
		sh, err := postgres.NewShared(b.Context(), pgtest.Schema(b, u), postgres.SharedOptions{})
		if err != nil {
			b.Fatal(err)
		}
		stores := make([]*sqlstore.Store, 0, b.N)
		b.Cleanup(func() { // after the clients stop
			for _, st := range stores {
				st.Close()
			}
			sh.Close()
		})
		clientFootprint(b, func(ctx context.Context, i int) (mtgo.Storage, error) {
			st, err := sh.Open(ctx, fmt.Sprintf("bot%d", i))
			if err != nil {
				return nil, err
			}
			stores = append(stores, st)
			return st, nil
		})
	})
}
