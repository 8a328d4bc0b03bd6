package postgres_test

import (
	"context"
	"errors"
	"log"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/storage/postgres"
)

// Open connects with a PostgreSQL URL (or a key=value DSN) and takes the session's lock; the
// store then goes in mtgo.Config.Storage. It needs a running server, so this example is
// compiled but not run.
func ExampleOpen() {
	ctx := context.Background()
	st, err := postgres.Open(ctx, "postgres://bot:secret@db.example.com:5432/bots?sslmode=require", "main")
	if errors.Is(err, storage.ErrSessionInUse) {
		log.Fatal("another process runs this session")
	}
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	// cfg := mtgo.DefaultConfig
	// cfg.Storage = st
}

// Many sessions of one process (a bot per customer, say) share one pool and one lock
// connection instead of a pool each.
func ExampleNewShared() {
	ctx := context.Background()
	sh, err := postgres.NewShared(ctx, "postgres://bot:secret@db.example.com:5432/bots", postgres.SharedOptions{MaxConns: 16})
	if err != nil {
		log.Fatal(err)
	}
	defer sh.Close()
	for _, name := range []string{"shop-1", "shop-2"} {
		st, err := sh.Open(ctx, name)
		if err != nil {
			log.Fatal(err)
		}
		defer st.Close()
		// one client per session, each with Config.Storage = st
	}
}
