package postgres_test

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/storage/postgres"
	"github.com/mtgo-labs/mtgo/storage/postgres/pgtest"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	"github.com/mtgo-labs/mtgo/updates"
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

// TestWriteAfterLockLostIsFenced: a write of a store whose lock connection is gone fails with
// ErrLockLost before its heartbeat has noticed, once another process has taken the session
// in the meantime, and the other process's state stays. The heartbeat (5 s) was all there
// was: in between, the old store's writes landed over the new holder's.
func TestWriteAfterLockLostIsFenced(t *testing.T) {
	defer postgres.SetOwnHeartbeat(time.Hour)() // the heartbeat never comes
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	sh, err := postgres.NewShared(t.Context(), u, postgres.SharedOptions{Heartbeat: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	opens := map[string]func(name string) (*sqlstore.Store, error){
		"Open":   func(name string) (*sqlstore.Store, error) { return postgres.Open(t.Context(), u, name) },
		"Shared": func(name string) (*sqlstore.Store, error) { return sh.Open(t.Context(), name) },
	}
	// Each write the old store may attempt, and how the new holder's state shows it did
	// not land.
	writes := []struct {
		name  string
		write func(s *sqlstore.Store) error
	}{
		{"SetHomeDC", func(s *sqlstore.Store) error { return s.SetHomeDC(t.Context(), 5) }},
		{"SaveRecord", func(s *sqlstore.Store) error { return s.SaveRecord(t.Context(), "ns", "k", []byte("old")) }},
		{"CommitUpdates", func(s *sqlstore.Store) error {
			return s.CommitUpdates(t.Context(), updates.Commit{HasState: true, State: updates.State{Pts: 99}})
		}},
		{"Reset", func(s *sqlstore.Store) error { return s.Reset(t.Context()) }},
	}
	for kind, open := range opens {
		for _, w := range writes {
			t.Run(kind+"/"+w.name, func(t *testing.T) {
				name := storagetest.Name(t)
				old, err := open(name)
				if err != nil {
					t.Fatal(err)
				}
				defer old.Close()
				if err := old.SetHomeDC(t.Context(), 2); err != nil {
					t.Fatal(err)
				}
				crashHolder(t, db, old)
				cur, err := postgres.Open(t.Context(), u, name)
				if err != nil {
					t.Fatalf("Open after the holder's lock connection ended = %v", err)
				}
				defer cur.Close()
				if err := cur.SaveRecord(t.Context(), "ns", "k", []byte("new")); err != nil {
					t.Fatal(err)
				}
				if err := w.write(old); !errorsIs(err, postgres.ErrLockLost) || !errorsIs(err, storage.ErrSessionInUse) {
					t.Errorf("write of the store whose lock went = %v, want ErrLockLost", err)
				}
				if _, err := old.HomeDC(t.Context()); !errorsIs(err, postgres.ErrLockLost) {
					t.Errorf("read after a fenced write = %v, want ErrLockLost", err)
				}
				if dc, err := cur.HomeDC(t.Context()); err != nil || dc != 2 {
					t.Errorf("new holder's home dc = %d, %v, want 2", dc, err)
				}
				if v, ok, err := cur.LoadRecord(t.Context(), "ns", "k"); err != nil || !ok || string(v) != "new" {
					t.Errorf("new holder's record = %q, %v, %v, want \"new\"", v, ok, err)
				}
				if _, ok, err := cur.LoadUpdates(t.Context()); err != nil || ok {
					t.Errorf("new holder's update state: saved %v, %v, want none", ok, err)
				}
			})
		}
	}
}

// TestOpenWaitsForPreviousWrites: a new holder of a session waits for the previous holder's
// write that passed its fence before the lock went (a transaction holding the fence key's
// shared lock, as each write does), so that write cannot land after the new holder read.
func TestOpenWaitsForPreviousWrites(t *testing.T) {
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	name := storagetest.Name(t)
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `select pg_advisory_xact_lock_shared(hashtextextended($1, 0))`, postgres.FenceKey(name)); err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 1)
	go func() {
		st, err := postgres.Open(t.Context(), u, name)
		if err == nil {
			err = st.Close()
		}
		opened <- err
	}()
	// The Open waits for the fence key's lock.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting bool
		if err := db.QueryRowContext(t.Context(), `select exists (select 1 from pg_locks l, (select hashtextextended($1, 0) as k) h
			where l.locktype = 'advisory' and l.objsubid = 1 and not l.granted
			and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295))`,
			postgres.FenceKey(name)).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		select {
		case err := <-opened:
			t.Fatalf("Open returned (%v) while the previous holder's write was running", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Open did not wait for the fence in 10 s")
		}
		timer := time.NewTimer(5 * time.Millisecond) // the wait is in the server
		<-timer.C
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err != nil {
		t.Fatalf("Open after the previous holder's write ended = %v", err)
	}
}

// TestFencedWriteBesideAnother: a write of a store whose lock connection is gone fails while
// another write's fence holds the nonce's lock (it found the nonce free, a moment before
// its statement fails the transaction). The fence took the nonce exclusively, so a write
// beside it found the nonce taken, as if the lock connection lived, and landed; with many
// sessions writing on a Shared, some always are in that moment once the connection is cut.
func TestFencedWriteBesideAnother(t *testing.T) {
	defer postgres.SetOwnHeartbeat(time.Hour)() // the heartbeat never comes
	u := pgtest.Schema(t, pgtest.URL(t))
	db := pgtest.DB(t, u)
	name := storagetest.Name(t)
	old, err := postgres.Open(t.Context(), u, name)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.SetHomeDC(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	// The nonce: the lock connection's other advisory lock.
	var nonce int64
	if err := db.QueryRowContext(t.Context(), `select (n.classid::bigint << 32) | n.objid::bigint
		from pg_locks l, pg_locks n, (select hashtextextended($1, 0) as k) h
		where l.locktype = 'advisory' and l.objsubid = 1
		and l.classid::bigint = ((h.k >> 32) & 4294967295) and l.objid::bigint = (h.k & 4294967295)
		and n.pid = l.pid and n.locktype = 'advisory' and n.objsubid = 1
		and (n.classid, n.objid) <> (l.classid, l.objid)`, postgres.LockKey(name)).Scan(&nonce); err != nil {
		t.Fatalf("find the lock connection's nonce: %v", err)
	}
	crashHolder(t, db, old)
	// Another write, its fence past the nonce's lock.
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var took bool
	if err := tx.QueryRowContext(t.Context(), `select `+postgres.NonceTry+`($1)`, nonce).Scan(&took); err != nil || !took {
		t.Fatalf("take the nonce as the fence does: %v, %v", took, err)
	}
	if err := old.SetHomeDC(t.Context(), 5); !errorsIs(err, postgres.ErrLockLost) {
		t.Errorf("write beside another's fence = %v, want ErrLockLost", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	cur, err := postgres.Open(t.Context(), u, name)
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if dc, err := cur.HomeDC(t.Context()); err != nil || dc != 2 {
		t.Errorf("home dc = %d, %v, want 2", dc, err)
	}
}
