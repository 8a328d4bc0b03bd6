package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// ErrLockLost reports a store whose session lock went with its connection (the server
// restarted, the connection was cut): another process may hold the session by now, so the
// store refuses every call. It matches storage.ErrSessionInUse.
var ErrLockLost = fmt.Errorf("%w: postgres session lock lost", storage.ErrSessionInUse)

// ErrSharedClosed reports a Shared.Open after Shared.Close. It matches storage.ErrClosed.
var ErrSharedClosed = fmt.Errorf("postgres storage: Open on a closed Shared: %w", storage.ErrClosed)

// SharedOptions configures NewShared.
type SharedOptions struct {
	// MaxConns bounds the pool the sessions share, the lock connection included (default
	// 16).
	MaxConns int
	// Heartbeat is how often the lock connection is checked (default 5 s): a lost one is
	// noticed within that time, and its stores fail with ErrLockLost from then on.
	Heartbeat time.Duration
}

// Shared is one connection pool for many sessions of one process: a thousand bots need
// MaxConns connections, not a thousand. The session locks of all its stores are advisory
// locks held on a single connection of the pool, the lock connection: when the process
// dies, that connection ends and every lock frees itself; when the connection is lost while
// the process lives, every store locked on it reports ErrLockLost, and the next Open takes
// a new connection. Sessions opened with Open and with Shared exclude each other (the same
// lock keys). Safe for concurrent use.
type Shared struct {
	db    *sql.DB
	ownDB bool // Close closes db (NewShared's)
	every time.Duration
	stop  chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	conn   *sql.Conn         // the lock connection; nil until the next lock after a loss
	held   map[string]*lease // this process's sessions, by name
	closed bool
}

// NewShared connects to the database at url (as Open), migrates the schema once and
// returns the pool; Shared.Open then opens sessions on it. Close the stores, then Shared.
func NewShared(ctx context.Context, url string, opt SharedOptions) (*Shared, error) {
	cfg, err := parseConfig(url)
	if err != nil {
		return nil, err
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16
	}
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 5 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(opt.MaxConns)
	db.SetMaxIdleConns(opt.MaxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres storage: connect: %w", redact(err))
	}
	if err := sqlstore.Migrate(ctx, db, Dialect); err != nil {
		db.Close()
		return nil, err
	}
	return newShared(db, opt.Heartbeat, true), nil
}

// newShared returns a Shared on db, its heartbeat running.
func newShared(db *sql.DB, every time.Duration, ownDB bool) *Shared {
	sh := &Shared{db: db, ownDB: ownDB, every: every, stop: make(chan struct{}), done: make(chan struct{}), held: map[string]*lease{}}
	go sh.heartbeat()
	return sh
}

// Open opens the session called name on the shared pool: storage.ErrSessionInUse when this
// process or another has it open, ErrSharedClosed after Close.
func (sh *Shared) Open(ctx context.Context, name string) (*sqlstore.Store, error) {
	if sh.isClosed() {
		return nil, ErrSharedClosed
	}
	st, err := sqlstore.Open(ctx, sh.db, Dialect, name, sqlstore.Options{Migrated: true, Lock: sh.lock})
	if err != nil && sh.isClosed() {
		// Closed while opening: the pool's error ("sql: database is closed") says less.
		return nil, ErrSharedClosed
	}
	return st, err
}

func (sh *Shared) isClosed() bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.closed
}

// DB returns the pool.
func (sh *Shared) DB() *sql.DB { return sh.db }

// Ping checks the lock connection now (the heartbeat does it every SharedOptions.Heartbeat):
// nil when it answers or no session is open, else the error, every store locked on it then
// failing with ErrLockLost.
func (sh *Shared) Ping(ctx context.Context) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.conn == nil {
		return nil
	}
	ctx, cancel := lockContext(ctx)
	defer cancel()
	if err := sh.conn.PingContext(ctx); err != nil {
		sh.lose()
		return fmt.Errorf("postgres storage: lock connection: %w", err)
	}
	return nil
}

// Close ends the lock connection (every session lock of the process with it) and the pool.
func (sh *Shared) Close() error {
	sh.mu.Lock()
	if sh.closed {
		sh.mu.Unlock()
		return nil
	}
	sh.closed = true
	sh.lose()
	sh.mu.Unlock()
	close(sh.stop)
	<-sh.done
	if !sh.ownDB {
		return nil
	}
	return sh.db.Close()
}

func (sh *Shared) heartbeat() {
	defer close(sh.done)
	t := time.NewTicker(sh.every)
	defer t.Stop()
	for {
		select {
		case <-sh.stop:
			return
		case <-t.C:
			_ = sh.Ping(context.Background())
		}
	}
}

// lockContext bounds a query on the lock connection. The caller's cancellation does not
// interrupt it: a query cut in the middle would leave the connection, and with it every
// lock of the process, in doubt.
func lockContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// lock takes the session lock of name on the lock connection (sqlstore.Options.Lock).
func (sh *Shared) lock(ctx context.Context, name string) (sqlstore.Lease, error) {
	l, err := sh.lockLease(ctx, name)
	if err != nil {
		return nil, err // not a nil *lease in an interface
	}
	return l, nil
}

// lockLease is lock's lease.
func (sh *Shared) lockLease(ctx context.Context, name string) (*lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.closed {
		return nil, ErrSharedClosed
	}
	if _, ok := sh.held[name]; ok {
		// Advisory locks nest within a connection: the map is what refuses a second holder.
		return nil, fmt.Errorf("%w: postgres session %q (in this process)", storage.ErrSessionInUse, name)
	}
	if sh.conn == nil {
		c, err := sh.db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("postgres storage: lock session: %w", err)
		}
		sh.conn = c
	}
	qctx, cancel := lockContext(ctx)
	defer cancel()
	var ok bool
	if err := sh.conn.QueryRowContext(qctx, tryLockQuery, LockKey(name)).Scan(&ok); err != nil {
		sh.lose()
		return nil, fmt.Errorf("postgres storage: lock session: %w", err)
	}
	if !ok {
		return nil, inUse(name)
	}
	l := &lease{sh: sh, name: name}
	sh.held[name] = l
	return l, nil
}

// lose drops the lock connection: its locks are gone, or go with it. sh.mu is held.
func (sh *Shared) lose() {
	for name, l := range sh.held {
		l.lost.Store(true)
		delete(sh.held, name)
	}
	if sh.conn == nil {
		return
	}
	// Close the server connection itself: returned to the pool it would keep the locks.
	_ = sh.conn.Raw(func(c any) error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return c.(*stdlib.Conn).Conn().Close(ctx)
	})
	_ = sh.conn.Close()
	sh.conn = nil
}

// lease is one session's lock on the lock connection.
type lease struct {
	sh   *Shared
	name string
	lost atomic.Bool
}

func (l *lease) Lost() error {
	if !l.lost.Load() {
		return nil
	}
	return fmt.Errorf("postgres storage: session %q: %w", l.name, ErrLockLost)
}

func (l *lease) Release() error {
	sh := l.sh
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.held[l.name] != l {
		return nil // lost with its connection: nothing is held
	}
	delete(sh.held, l.name)
	l.lost.Store(true)
	ctx, cancel := lockContext(context.Background())
	defer cancel()
	var ok bool
	err := sh.conn.QueryRowContext(ctx, unlockQuery, LockKey(l.name)).Scan(&ok)
	if err != nil {
		sh.lose() // the connection is broken: its locks went with it
		return ignoreGone(err)
	}
	if !ok {
		return errors.New("postgres storage: release session: the lock was not held")
	}
	return nil
}
