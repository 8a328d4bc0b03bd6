package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
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
	// 16; at least 2, since the lock connection takes one).
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
	nonce  int64             // the advisory lock key conn holds for the fence (fenceQuery)
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
	if opt.MaxConns == 1 {
		return nil, errors.New("postgres storage: SharedOptions.MaxConns is 1, the lock connection: the sessions' queries need another, allow at least 2")
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

// lockLease is lock's lease: the session lock, then a wait for the writes of the session's
// previous holder still running (waitFence).
func (sh *Shared) lockLease(ctx context.Context, name string) (*lease, error) {
	l, err := sh.take(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := waitFence(ctx, sh.db, name); err != nil {
		return nil, errors.Join(err, l.Release())
	}
	return l, nil
}

// take takes the session lock of name on the lock connection.
func (sh *Shared) take(ctx context.Context, name string) (*lease, error) {
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
	qctx, cancel := lockContext(ctx)
	defer cancel()
	if sh.conn == nil {
		if err := sh.connect(ctx, qctx); err != nil {
			return nil, err
		}
	}
	var ok bool
	if err := sh.conn.QueryRowContext(qctx, tryLockQuery, LockKey(name)).Scan(&ok); err != nil {
		sh.lose()
		return nil, fmt.Errorf("postgres storage: lock session: %w", err)
	}
	if !ok {
		return nil, inUse(name)
	}
	l := &lease{sh: sh, name: name, fence: []sqlstore.Stmt{{Query: fenceQuery, Args: []any{sh.nonce, fenceKey(name)}}}}
	sh.held[name] = l
	return l, nil
}

// connect takes a lock connection and its fence nonce, a random advisory lock key it holds
// for its lifetime: a write transaction that can take that key's lock finds the connection
// gone (fenceQuery). sh.mu is held; ctx bounds the wait for a connection, qctx the query.
func (sh *Shared) connect(ctx, qctx context.Context) error {
	c, err := sh.db.Conn(ctx)
	if err == nil {
		// The writes and the loss of this connection need pgx's connection under it.
		err = c.Raw(func(dc any) error { _, err := pgxConn(dc); return err })
		if err != nil {
			c.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("postgres storage: lock session: %w", err)
	}
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		c.Close()
		return fmt.Errorf("postgres storage: lock session: %w", err)
	}
	sh.conn, sh.nonce = c, int64(binary.LittleEndian.Uint64(raw[:]))
	if _, err := c.ExecContext(qctx, `select pg_advisory_lock($1)`, sh.nonce); err != nil {
		sh.lose()
		return fmt.Errorf("postgres storage: lock session: %w", err)
	}
	return nil
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
	_ = sh.conn.Raw(func(dc any) error {
		c, err := pgxConn(dc)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return c.Close(ctx)
	})
	_ = sh.conn.Close()
	sh.conn = nil
}

// lease is one session's lock on the lock connection.
type lease struct {
	sh    *Shared
	name  string
	fence []sqlstore.Stmt
	lost  atomic.Bool
}

// The write fence (sqlstore.FencedLease). A write transaction first takes the shared lock
// of the session's fence key (fenceKey) and then checks that its lock connection lives: it
// holds the connection's nonce exclusively, whose shared lock a transaction can take only
// once the connection has gone (nonceTry), and then fenceQuery fails it with fenceLost. A
// new holder of the session, once it has the session lock, takes the fence key's lock
// exclusively (waitFence): it waits for the previous holder's writes that passed the check,
// and those that begin after find the nonce free. The heartbeat only makes the store fail
// sooner for reads.
//
// fenceQuery takes the fence key's lock (its text is the second parameter) in the
// subquery, which the planner keeps (its function is volatile) and so runs first, then tries
// the nonce's (the first parameter).
const (
	fenceLost  = "mtgo: session lock lost"
	fenceQuery = `select cast(case when ` + nonceTry + `(?::bigint) then '` + fenceLost + `' else '0' end as integer)
		from (select pg_advisory_xact_lock_shared(hashtextextended(?, 0))) fence`
)

// nonceTry is the function with which the fence tries the nonce's lock: in shared mode,
// which the lock connection's exclusive lock refuses while it lives, and which the writes
// that find the connection gone all get at once. An exclusive try went to one of them,
// held until its statement failed, and a write trying beside it found the nonce taken, as
// if the connection lived, and committed.
const nonceTry = "pg_try_advisory_xact_lock_shared"

// fenceKey is the text whose hashtextextended is a session's fence key.
func fenceKey(name string) string { return "mtgo-session-fence:" + name }

// fenceWaitTimeout bounds waitFence: a write of the previous holder still running after it
// (its connection hung mid-transaction) leaves the session in use.
const fenceWaitTimeout = "10s"

// waitFence waits for the writes of the session's previous holder that passed its fence.
func waitFence(ctx context.Context, db *sql.DB, name string) error {
	err := pipeline(ctx, db, []sqlstore.Stmt{
		{Query: `set local lock_timeout = '` + fenceWaitTimeout + `'`},
		{Query: `select pg_advisory_xact_lock(hashtextextended($1, 0))`, Args: []any{fenceKey(name)}},
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return fmt.Errorf("%w: postgres session %q: a write of its previous holder is still running", storage.ErrSessionInUse, name)
	}
	if err != nil {
		return fmt.Errorf("postgres storage: lock session: wait for the previous holder's writes: %w", err)
	}
	return nil
}

func (l *lease) Fence() []sqlstore.Stmt { return l.fence }

func (l *lease) Fenced(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "22P02" || !strings.Contains(pe.Message, fenceLost) {
		return nil
	}
	l.lost.Store(true)
	return l.Lost()
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
