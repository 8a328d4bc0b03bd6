package postgres_test

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// TestOpenLockLost: a store of Open (or OpenDB, or sqlstore.Open with Dialect) whose lock
// connection is lost while its process lives (the server restarted, a proxy cut it) stops
// with ErrLockLost, as the stores of Shared do. It went on writing: the lock was free, so a
// second process took the session and the two ran on one auth key, each overwriting the
// other's state. sqlstore.Open with Dialect held its lock on a connection nobody watched.
func TestOpenLockLost(t *testing.T) {
	defer postgres.SetOwnHeartbeat(20 * time.Millisecond)()
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	opens := map[string]func(name string) (*sqlstore.Store, error){
		"Open":   func(name string) (*sqlstore.Store, error) { return postgres.Open(t.Context(), u, name) },
		"OpenDB": func(name string) (*sqlstore.Store, error) { return postgres.OpenDB(t.Context(), db, name) },
		"sqlstore.Open": func(name string) (*sqlstore.Store, error) {
			return sqlstore.Open(t.Context(), db, postgres.Dialect, name, sqlstore.Options{})
		},
	}
	for kind, open := range opens {
		t.Run(kind, func(t *testing.T) {
			name := storagetest.Name(t)
			st, err := open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.SetHomeDC(t.Context(), 2); err != nil {
				t.Fatal(err)
			}
			crashHolder(t, db, st)
			for deadline := time.Now().Add(5 * time.Second); ; {
				err := st.SetHomeDC(t.Context(), 5)
				if errorsIs(err, postgres.ErrLockLost) && errorsIs(err, storage.ErrSessionInUse) {
					break
				}
				if err != nil {
					t.Fatalf("write after the lock connection was lost = %v, want ErrLockLost", err)
				}
				if time.Now().After(deadline) {
					t.Fatal("the store still writes 5 s after its lock connection was lost")
				}
				timer := time.NewTimer(10 * time.Millisecond) // the heartbeat runs on real time
				<-timer.C
			}
			if _, err := st.HomeDC(t.Context()); !errorsIs(err, postgres.ErrLockLost) {
				t.Errorf("read after the lock was lost = %v, want ErrLockLost", err)
			}
			if err := st.Close(); err != nil {
				t.Errorf("Close after the lock was lost = %v", err)
			}
			again, err := open(name)
			if err != nil {
				t.Fatalf("Open after the lock was lost = %v", err)
			}
			again.Close()
		})
	}
}
