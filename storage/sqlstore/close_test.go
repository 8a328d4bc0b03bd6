package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// blockingDB is a database whose statements (Exec) wait in the driver until the test lets
// them go (or their context ends): a call in flight, held where a real driver waits for the
// server or the disk.
type blockingDB struct {
	entered  chan struct{} // a statement reached the driver
	proceed  chan struct{} // closed by the test: statements return
	returned atomic.Bool   // a statement came back out of the driver
}

func newBlockingDB() *blockingDB {
	return &blockingDB{entered: make(chan struct{}, 1), proceed: make(chan struct{})}
}

func (b *blockingDB) Connect(context.Context) (driver.Conn, error) { return blockingConn{b}, nil }
func (b *blockingDB) Driver() driver.Driver                        { return nil }

type blockingConn struct{ b *blockingDB }

func (c blockingConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("blockingDB: no prepared statements")
}
func (c blockingConn) Close() error              { return nil }
func (c blockingConn) Begin() (driver.Tx, error) { return nopTx{}, nil }

func (c blockingConn) ExecContext(ctx context.Context, _ string, _ []driver.NamedValue) (driver.Result, error) {
	c.b.entered <- struct{}{}
	select {
	case <-c.b.proceed:
	case <-ctx.Done():
		c.b.returned.Store(true)
		return nil, ctx.Err()
	}
	c.b.returned.Store(true)
	return driver.RowsAffected(1), nil
}

// QueryContext answers the session number query with 1 and everything else with no row.
func (c blockingConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	return &oneRow{left: q == `select sid from mtgo_session_ids where session = ?`}, nil
}

type nopTx struct{}

func (nopTx) Commit() error   { return nil }
func (nopTx) Rollback() error { return nil }

type oneRow struct{ left bool }

func (r *oneRow) Columns() []string { return []string{"sid"} }
func (r *oneRow) Close() error      { return nil }
func (r *oneRow) Next(dest []driver.Value) error {
	if !r.left {
		return io.EOF
	}
	r.left = false
	dest[0] = int64(1)
	return nil
}

// watchLease records whether it was released while a statement was still in the driver.
type watchLease struct {
	b     *blockingDB
	early atomic.Bool
	done  atomic.Bool
}

func (l *watchLease) Lost() error { return nil }
func (l *watchLease) Release() error {
	l.early.Store(!l.b.returned.Load())
	l.done.Store(true)
	return nil
}

// openBlocking opens a store on a blockingDB; the test's hook tells when Close waits.
func openBlocking(t *testing.T) (*Store, *blockingDB, *watchLease, chan struct{}) {
	t.Helper()
	b := newBlockingDB()
	db := sql.OpenDB(b)
	t.Cleanup(func() { db.Close() })
	l := &watchLease{b: b}
	s, err := Open(t.Context(), db, Dialect{Name: "blocking", MaxParams: 100}, "main", Options{
		Migrated: true,
		Lock:     func(context.Context, string) (Lease, error) { return l, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	s.closeWaits = func() { close(waiting) }
	return s, b, l, waiting
}

// TestCloseWaitsForCalls: Close releases the session lock only after a write already in the
// driver came back, and refuses calls from the moment it begins.
func TestCloseWaitsForCalls(t *testing.T) {
	s, b, l, waiting := openBlocking(t)
	called := make(chan error, 1)
	go func() { called <- s.SetHomeDC(t.Context(), 2) }()
	<-b.entered
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-waiting:
	case err := <-closed:
		t.Fatalf("Close = %v while a write was in the driver (lock released early: %v)", err, l.early.Load())
	}
	if err := s.SetIdentity(t.Context(), storage.Identity{UserID: 5}); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("a call while Close waits = %v, want ErrClosed", err)
	}
	close(b.proceed)
	if err := <-called; err != nil {
		t.Errorf("the write in flight = %v", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
	if !l.done.Load() || l.early.Load() {
		t.Errorf("lock released %v, before the write came back %v; want after", l.done.Load(), l.early.Load())
	}
	if _, err := s.HomeDC(t.Context()); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("a call after Close = %v, want ErrClosed", err)
	}
}

// TestCloseBoundedByContext: a call in flight holds Close only until its context ends.
func TestCloseBoundedByContext(t *testing.T) {
	s, b, l, waiting := openBlocking(t)
	ctx, cancel := context.WithCancel(t.Context())
	called := make(chan error, 1)
	go func() { called <- s.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 7}}) }()
	<-b.entered
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-waiting:
	case err := <-closed:
		t.Fatalf("Close = %v while a write was in the driver", err)
	}
	cancel()
	if err := <-called; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled write = %v, want context.Canceled", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
	if !l.done.Load() || l.early.Load() {
		t.Errorf("lock released %v, before the write came back %v; want after", l.done.Load(), l.early.Load())
	}
}
