package redis_test

import (
	"context"
	"errors"
	"log"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mtgo-labs/mtgo/client/storage"
	mtgoredis "github.com/mtgo-labs/mtgo/storage/redis"
)

// Open takes the session's lock in the Redis that rdb talks to (here built from a URL); the
// store then goes in mtgo.Config.Storage. It needs a running server, so this example is
// compiled but not run.
func ExampleOpen() {
	ctx := context.Background()
	opt, err := goredis.ParseURL("redis://:secret@cache.example.com:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	rdb := goredis.NewClient(opt)
	defer rdb.Close()
	st, err := mtgoredis.Open(ctx, rdb, "main", mtgoredis.Options{LockTTL: 15 * time.Second})
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
