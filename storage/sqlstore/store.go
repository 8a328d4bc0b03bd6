package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// Store is one session in a SQL database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	d       Dialect
	name    string
	sid     int64 // the session's number, which keys its rows (mtgo_session_ids)
	ownDB   bool
	release func() error
	lost    func() error // nil, or the lease's Lost
	lostW   func() error // nil, or the lease's LostWrite (a WriteLease's) or Lost
	fence   []Stmt       // a FencedLease's statements, run first by every write
	fenced  func(error) error
	cache   cache

	// noPeers: the first read found the session without a peer, and no peer was saved
	// since (peersSaved is set before SavePeers writes), so peer lookups need no query.
	noPeers, peersSaved atomic.Bool

	closed     atomic.Bool
	calls      calls  // in flight: Close waits for them
	closeWaits func() // a test's hook: Close waits for calls in flight
	closeOnce  sync.Once
	closeErr   error

	writeMu sync.Mutex // held around writes when the dialect is SingleWriter

	stmtMu  sync.Mutex
	stmts   map[string]*sql.Stmt // prepared multi-row statements, by query text
	pending map[string]struct{}  // statements to prepare after the current transaction
}

// maxStmts bounds the prepared statements kept (one per distinct batch shape).
const maxStmts = 64

// execTx runs a statement in tx, through a cached prepared statement once there is one:
// multi-row upserts are long, and parsing them again for every batch costs more than running
// them. A statement seen for the first time runs unprepared and is prepared after the
// transaction (preparePending): preparing needs a connection of its own, and waiting for one
// while holding the transaction's could exhaust the pool.
func (s *Store) execTx(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	q = s.d.rebind(q)
	s.stmtMu.Lock()
	st, ok := s.stmts[q]
	if !ok && len(s.stmts)+len(s.pending) < maxStmts {
		if s.pending == nil {
			s.pending = make(map[string]struct{})
		}
		s.pending[q] = struct{}{}
	}
	s.stmtMu.Unlock()
	var err error
	if ok {
		_, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		_, err = tx.ExecContext(ctx, q, args...)
	}
	return err
}

// preparePending prepares the statements execTx saw for the first time.
func (s *Store) preparePending(ctx context.Context) {
	s.stmtMu.Lock()
	qs := make([]string, 0, len(s.pending))
	for q := range s.pending {
		qs = append(qs, q)
	}
	s.pending = nil
	s.stmtMu.Unlock()
	for _, q := range qs {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			continue // it runs unprepared
		}
		s.stmtMu.Lock()
		if _, dup := s.stmts[q]; dup || s.closed.Load() {
			st.Close()
		} else {
			if s.stmts == nil {
				s.stmts = make(map[string]*sql.Stmt)
			}
			s.stmts[q] = st
		}
		s.stmtMu.Unlock()
	}
}

var _ storage.Storage = (*Store)(nil)

// Options configures Open.
type Options struct {
	// CloseDB closes db when the store closes (for stores that opened it themselves).
	CloseDB bool
	// Migrated skips the schema migration: the caller ran Migrate on db (once for many
	// stores).
	Migrated bool
	// Lock, when set, takes the session lock instead of the dialect's Lock, as a Lease the
	// store watches: once it is lost, every call fails with the Lease's error.
	Lock func(ctx context.Context, name string) (Lease, error)
}

// Lease is a session lock a store holds (Options.Lock, Dialect.Lock).
type Lease interface {
	// Lost returns nil while the lock holds, and the error to report once it is gone
	// (its connection dropped, say). It is called before every operation: it must be cheap.
	Lost() error
	// Release gives the lock up; the store calls it once, from Close.
	Release() error
}

// WriteLease is a Lease whose Lost may answer from a check made a short while before (cheap
// enough for every read, a lock file's stat say) while LostWrite checks afresh: the store
// calls it before every write, so no write goes on once the lock is gone.
type WriteLease interface {
	Lease
	LostWrite() error
}

// FencedLease is a Lease that also guards every write inside the database: a lock held on
// a connection of its own can be lost (the connection cut) a while before Lost says so, and
// another process may take the session in that while. Each write transaction runs the
// fence's statements first, which fail it when the lock is no longer the lease's, so no
// write commits beside the new holder's.
type FencedLease interface {
	Lease
	// Fence returns the statements ('?' placeholders) every write transaction runs first.
	Fence() []Stmt
	// Fenced returns the lease's lost error when err, a failed write's, is the fence's
	// (the lease counts as lost from then on), else nil.
	Fenced(err error) error
}

// maxName bounds a session name.
const maxName = 200

// Open migrates the schema of db, takes the session lock of name and returns its store.
func Open(ctx context.Context, db *sql.DB, d Dialect, name string, opt Options) (*Store, error) {
	if name == "" || len(name) > maxName || strings.IndexByte(name, 0) >= 0 {
		return nil, fmt.Errorf("%s storage: session name must be 1 to %d bytes without a zero byte", d.Name, maxName)
	}
	if !opt.Migrated {
		if err := Migrate(ctx, db, d); err != nil {
			return nil, err
		}
	}
	sid, err := sessionID(ctx, db, d, name)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d, name: name, sid: sid, ownDB: opt.CloseDB}
	lock := opt.Lock
	if lock == nil && d.Lock != nil {
		lock = func(ctx context.Context, name string) (Lease, error) { return d.Lock(ctx, db, name) }
	}
	if lock != nil {
		l, err := lock(ctx, name)
		if err != nil {
			return nil, err
		}
		s.release, s.lost, s.lostW, s.cache.on = l.Release, l.Lost, l.Lost, true
		if wl, ok := l.(WriteLease); ok {
			s.lostW = wl.LostWrite
		}
		if fl, ok := l.(FencedLease); ok {
			s.fence, s.fenced = fl.Fence(), fl.Fenced
		}
	}
	return s, nil
}

// sessionID returns the number of the session called name, registering the name when it is
// new: one round trip for a known name, two for a new one (the upsert returns the number
// whether it inserted the name or met a concurrent Open's row).
func sessionID(ctx context.Context, db *sql.DB, d Dialect, name string) (int64, error) {
	var sid int64
	err := db.QueryRowContext(ctx, d.rebind(`select sid from mtgo_session_ids where session = ?`), name).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.QueryRowContext(ctx, d.rebind(`insert into mtgo_session_ids (session) values (?)
			on conflict (session) do update set session = excluded.session returning sid`), name).Scan(&sid)
	}
	if err != nil {
		return 0, d.openError("register session", err)
	}
	return sid, nil
}

// openError wraps err, from step op of opening a store (before there is a Store to wrap it):
// ErrCorrupt when the dialect says the database is damaged.
func (d Dialect) openError(op string, err error) error {
	if d.IsCorrupt != nil && d.IsCorrupt(err) {
		return fmt.Errorf("%w: %s database: %v", storage.ErrCorrupt, d.Name, err)
	}
	return fmt.Errorf("%s storage: %s: %w", d.Name, op, err)
}

// Migrate brings the schema of db to SchemaVersion in one transaction (Open does it unless
// Options.Migrated).
func Migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	return MigrateTo(ctx, db, d, SchemaVersion)
}

// MigrateTo brings the schema of db to version (at most SchemaVersion) in one transaction:
// tests of a migration start from the version before it.
func MigrateTo(ctx context.Context, db *sql.DB, d Dialect, version int) (err error) {
	if version < 0 || version > SchemaVersion {
		return fmt.Errorf("%s storage: migrate schema: no version %d (this build knows %d)", d.Name, version, SchemaVersion)
	}
	fail := func(err error) error { return d.openError("migrate schema", err) }
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if d.MigrationLock != nil {
		if err := d.MigrationLock(ctx, tx); err != nil {
			return fail(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `create table if not exists mtgo_schema (version integer not null)`); err != nil {
		return fail(err)
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `select max(version) from mtgo_schema`).Scan(&have); err != nil {
		return fail(err)
	}
	v := int(have.Int64)
	if v > SchemaVersion {
		return fmt.Errorf("%w: %s schema version %d, this build knows %d", storage.ErrUnsupportedVersion, d.Name, v, SchemaVersion)
	}
	for ; v < version; v++ {
		for _, stmt := range strings.Split(d.schema(migrations[v]), ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fail(fmt.Errorf("version %d: %w", v+1, err))
			}
		}
		if _, err := tx.ExecContext(ctx, d.rebind(`insert into mtgo_schema (version) values (?)`), v+1); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return nil
}

// Name returns the session name.
func (s *Store) Name() string { return s.name }

// DB returns the database the store uses.
func (s *Store) DB() *sql.DB { return s.db }

// wrap names the failed operation; driver errors meaning a damaged database match ErrCorrupt.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, storage.ErrCorrupt) ||
		errors.Is(err, storage.ErrRecordTooLarge) || errors.Is(err, session.ErrInvalidSession) {
		return fmt.Errorf("%s storage: %s: %w", s.d.Name, op, err)
	}
	if s.d.IsCorrupt != nil && s.d.IsCorrupt(err) {
		return fmt.Errorf("%w: %s storage: %s: %v", storage.ErrCorrupt, s.d.Name, op, err)
	}
	return fmt.Errorf("%s storage: %s: %w", s.d.Name, op, err)
}

// writing takes the write lock of single-writer dialects; the result releases it.
func (s *Store) writing() func() {
	if !s.d.SingleWriter {
		return func() {}
	}
	s.writeMu.Lock()
	return s.writeMu.Unlock
}

// exec runs one write statement: a transaction of its own, behind the fence when the lease
// has one.
func (s *Store) exec(ctx context.Context, op, q string, args ...any) error {
	if s.fence != nil {
		return s.write(ctx, op, []Stmt{{q, args}})
	}
	if err := s.liveWrite(ctx); err != nil {
		return err
	}
	defer s.writing()()
	_, err := s.db.ExecContext(ctx, s.d.rebind(q), args...)
	return s.wrap(op, err)
}

// writeErr wraps a failed write's err: the lease's lost error when the fence failed it.
func (s *Store) writeErr(op string, err error) error {
	if err != nil && s.fenced != nil {
		if lost := s.fenced(err); lost != nil {
			return lost
		}
	}
	return s.wrap(op, err)
}

// tx runs f in a write transaction, behind the fence when the lease has one.
func (s *Store) tx(ctx context.Context, op string, f func(tx *sql.Tx) error) (err error) {
	if err := s.liveWrite(ctx); err != nil {
		return err
	}
	defer s.writing()()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(op, err)
	}
	err = s.runFence(ctx, tx)
	if err == nil {
		err = f(tx)
	}
	if err != nil {
		_ = tx.Rollback()
		return s.writeErr(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(op, err)
	}
	s.preparePending(ctx)
	return nil
}

// runFence runs the lease's fence statements in tx.
func (s *Store) runFence(ctx context.Context, tx *sql.Tx) error {
	for _, st := range s.fence {
		if _, err := tx.ExecContext(ctx, s.d.rebind(st.Query), st.Args...); err != nil {
			return err
		}
	}
	return nil
}

// Stmt is one statement of a write: a query with '?' placeholders and its arguments.
type Stmt struct {
	Query string
	Args  []any
}

// write runs stmts as one transaction: through the dialect's Pipeline when it has one (a
// single round trip), else one by one in a database/sql transaction.
func (s *Store) write(ctx context.Context, op string, stmts []Stmt) error {
	if len(stmts) == 0 {
		return s.live(ctx)
	}
	if s.d.Pipeline == nil {
		return s.tx(ctx, op, func(tx *sql.Tx) error {
			for _, st := range stmts {
				if err := s.execTx(ctx, tx, st.Query, st.Args...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := s.liveWrite(ctx); err != nil {
		return err
	}
	defer s.writing()()
	if s.fence != nil {
		stmts = append(slices.Clip(s.fence), stmts...)
	}
	for i := range stmts {
		stmts[i].Query = s.d.rebind(stmts[i].Query)
	}
	return s.writeErr(op, s.d.Pipeline(ctx, s.db, stmts))
}

// LoadSession implements storage.Storage.
func (s *Store) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	if err := s.enter(ctx); err != nil {
		return session.Session{}, err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	data, ok := s.cache.session(dc)
	if !ok && s.cache.on && !s.cache.loaded {
		if err := s.load(ctx, "load session"); err != nil {
			return session.Session{}, err
		}
		data, ok = s.cache.session(dc)
	}
	if !ok {
		err := s.db.QueryRowContext(ctx, s.d.rebind(`select data from mtgo_sessions where sid = ? and dc = ?`), s.sid, dc).Scan(&data)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			data = nil
		case err != nil:
			return session.Session{}, s.wrap("load session", err)
		case data == nil:
			data = []byte{} // a row, damaged: UnmarshalSession says so
		}
		s.cache.setSession(dc, data)
	}
	if data == nil {
		return session.Session{}, fmt.Errorf("%s storage: dc %d: %w", s.d.Name, dc, session.ErrNoSession)
	}
	ss, err := storage.UnmarshalSession(data)
	if err == nil && ss.DC != dc {
		// Another data center's session: its key would be used with this one.
		return session.Session{}, fmt.Errorf("%w: %s storage: load session: the row of dc %d holds dc %d's", storage.ErrCorrupt, s.d.Name, dc, ss.DC)
	}
	return ss, s.wrap("load session", err)
}

// SaveSession implements storage.Storage.
func (s *Store) SaveSession(ctx context.Context, ss session.Session) error {
	data, err := storage.MarshalSession(ss)
	if err != nil {
		return s.wrap("save session", err)
	}
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.holdsSession(ss.DC, data) {
		return nil
	}
	err = s.exec(ctx, "save session", `insert into mtgo_sessions (sid, dc, data) values (?, ?, ?)
		on conflict (sid, dc) do update set data = excluded.data`, s.sid, ss.DC, data)
	if err != nil {
		s.cache.forgetSession(ss.DC) // unknown: the write may have happened
		return err
	}
	s.cache.setSession(ss.DC, data)
	return nil
}

// HomeDC implements storage.Storage.
func (s *Store) HomeDC(ctx context.Context) (int, error) {
	dc, _, err := s.metaRow(ctx, "load home dc", func(c *cache) bool { return c.homeOK })
	return dc, err
}

// SetHomeDC implements storage.Storage.
func (s *Store) SetHomeDC(ctx context.Context, dc int) error {
	if err := storage.CheckHomeDC(dc); err != nil {
		return fmt.Errorf("%s %w", s.d.Name, err)
	}
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.on && s.cache.homeOK && s.cache.homeDC == dc {
		return nil
	}
	err := s.exec(ctx, "save home dc", `insert into mtgo_meta (sid, home_dc) values (?, ?)
		on conflict (sid) do update set home_dc = excluded.home_dc`, s.sid, dc)
	s.cache.homeDC, s.cache.homeOK = dc, err == nil
	return err
}

// Identity implements storage.Storage.
func (s *Store) Identity(ctx context.Context) (storage.Identity, error) {
	_, id, err := s.metaRow(ctx, "load identity", func(c *cache) bool { return c.idOK })
	return id, err
}

// SetIdentity implements storage.Storage.
func (s *Store) SetIdentity(ctx context.Context, id storage.Identity) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.on && s.cache.idOK && s.cache.id == id {
		return nil
	}
	err := s.exec(ctx, "save identity", `insert into mtgo_meta (sid, user_id, bot) values (?, ?, ?)
		on conflict (sid) do update set user_id = excluded.user_id, bot = excluded.bot`, s.sid, id.UserID, id.Bot)
	s.cache.id, s.cache.idOK = id, err == nil
	return err
}

// metaRow returns the home data center and identity of the session's meta row (zero
// without a row), from the cache when known says it holds the one asked for.
func (s *Store) metaRow(ctx context.Context, op string, known func(*cache) bool) (int, storage.Identity, error) {
	if err := s.enter(ctx); err != nil {
		return 0, storage.Identity{}, err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.on && !s.cache.loaded {
		if err := s.load(ctx, op); err != nil {
			return 0, storage.Identity{}, err
		}
	}
	if !s.cache.on || !known(&s.cache) {
		if err := s.meta(ctx, op); err != nil {
			return 0, storage.Identity{}, err
		}
	}
	return s.cache.homeDC, s.cache.id, nil
}

// meta reads the meta row into the cache. s.cache.mu is held.
func (s *Store) meta(ctx context.Context, op string) error {
	var (
		raw int64
		id  storage.Identity
	)
	err := s.db.QueryRowContext(ctx, s.d.rebind(`select home_dc, user_id, bot from mtgo_meta where sid = ?`), s.sid).Scan(&raw, &id.UserID, &id.Bot)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s.wrap(op, err)
	}
	dc, err := s.dcColumn(op, "home dc", raw)
	if err != nil {
		return err
	}
	s.cache.homeDC, s.cache.id = dc, id
	s.cache.homeOK, s.cache.idOK = true, true
	return nil
}

// LoadUpdates implements storage.Storage: one statement, so the state and the channels come
// from one snapshot in one round trip.
func (s *Store) LoadUpdates(ctx context.Context) (updates.Saved, bool, error) {
	if err := s.enter(ctx); err != nil {
		return updates.Saved{}, false, err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.on && !s.cache.loaded {
		if err := s.load(ctx, "load update state"); err != nil {
			return updates.Saved{}, false, err
		}
	}
	if st := s.cache.state; st != nil {
		s.cache.state = nil // channels may be many: kept for the start-up read only
		return st.saved, st.ok, nil
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`select 0, pts, qts, seq, date from mtgo_meta where sid = ?
		union all select 1, channel, pts, named, null from mtgo_channels where sid = ?
		order by 1, 2`), s.sid, s.sid)
	if err != nil {
		return updates.Saved{}, false, s.wrap("load update state", err)
	}
	defer rows.Close()
	var (
		out updates.Saved
		ok  bool
	)
	for rows.Next() {
		var (
			kind int
			v    [4]sql.NullInt64
		)
		if err := rows.Scan(&kind, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return updates.Saved{}, false, s.wrap("load update state", err)
		}
		switch {
		case kind == 1:
			ch, err := s.channelOf("load update state", v[0].Int64, v[1].Int64, v[2].Int64)
			if err != nil {
				return updates.Saved{}, false, err
			}
			out.Channels = append(out.Channels, ch)
		case v[0].Valid:
			if out.State, ok, err = s.stateOf("load update state", v); err != nil {
				return updates.Saved{}, false, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return updates.Saved{}, false, s.wrap("load update state", err)
	}
	return out, ok, nil
}

// CommitUpdates implements storage.Storage: the account state and the channels' pts in one
// transaction.
func (s *Store) CommitUpdates(ctx context.Context, c updates.Commit) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	if c.Empty() {
		return nil
	}
	var stmts []Stmt
	if c.HasState {
		st := c.State
		stmts = append(stmts, Stmt{`insert into mtgo_meta (sid, pts, qts, seq, date) values (?, ?, ?, ?, ?)
			on conflict (sid) do update set pts = excluded.pts, qts = excluded.qts, seq = excluded.seq, date = excluded.date`,
			[]any{s.sid, st.Pts, st.Qts, st.Seq, st.Date}})
	}
	var removed []any
	set := make([]updates.ChannelPts, 0, len(c.Channels))
	for _, ch := range c.Channels {
		if ch.Removed {
			removed = append(removed, ch.ChannelID)
		} else {
			set = append(set, ch)
		}
	}
	for _, part := range chunks(removed, s.d.MaxParams-1) {
		q := `delete from mtgo_channels where sid = ? and channel in (` + placeholders(len(part), 1) + `)`
		stmts = append(stmts, Stmt{q, append([]any{s.sid}, part...)})
	}
	set = lastOf(set, func(c updates.ChannelPts) (int64, bool) { return c.ChannelID, true })
	for _, part := range chunks(set, s.d.MaxParams/4) {
		args := make([]any, 0, 4*len(part))
		for _, ch := range part {
			args = append(args, s.sid, ch.ChannelID, ch.Pts, ch.Named)
		}
		q := `insert into mtgo_channels (sid, channel, pts, named) values ` + placeholders(len(part), 4) +
			` on conflict (sid, channel) do update set pts = excluded.pts, named = excluded.named`
		stmts = append(stmts, Stmt{q, args})
	}
	// The cache's update state goes; the write is under the cache lock so that a first
	// read running beside it cannot keep the state it replaces.
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	s.cache.state = nil
	return s.write(ctx, "save update state", stmts)
}

// stateOf is the account state of a meta row's pts, qts, seq and date, ok when it has one.
func (s *Store) stateOf(op string, v [4]sql.NullInt64) (updates.State, bool, error) {
	var out [4]int32
	for i, column := range [...]string{"pts", "qts", "seq", "date"} {
		n, err := s.int32Column(op, column, v[i].Int64)
		if err != nil {
			return updates.State{}, false, err
		}
		out[i] = n
	}
	return updates.State{Pts: out[0], Qts: out[1], Seq: out[2], Date: out[3]}, v[0].Valid, nil
}

// channelOf is a channel's row: its id, pts and the pts named (0 without one). The pts
// named is checked no further than its range: the update engine ignores one it cannot use
// (updates.ChannelPts).
func (s *Store) channelOf(op string, id, pts, named int64) (updates.ChannelPts, error) {
	p, err := s.int32Column(op, "channel pts", pts)
	if err != nil {
		return updates.ChannelPts{}, err
	}
	n, err := s.int32Column(op, "channel pts named", named)
	if err != nil {
		return updates.ChannelPts{}, err
	}
	return updates.ChannelPts{ChannelID: id, Pts: p, Named: n}, nil
}

// int32Column is the number v read from column: one outside int32, which the store never
// writes (SQLite keeps 64 bits in any integer column), is a damaged row, not a number to
// cut to 32 bits. The error names the column, never the number.
func (s *Store) int32Column(op, column string, v int64) (int32, error) {
	if v != int64(int32(v)) {
		return 0, s.outOfRange(op, column)
	}
	return int32(v), nil
}

// dcColumn is the data center number v read from column, checked like storage.CheckHomeDC
// checks the numbers stored.
func (s *Store) dcColumn(op, column string, v int64) (int, error) {
	if v != int64(int(v)) || storage.CheckHomeDC(int(v)) != nil {
		return 0, s.outOfRange(op, column)
	}
	return int(v), nil
}

func (s *Store) outOfRange(op, column string) error {
	return fmt.Errorf("%w: %s storage: %s: %s out of range", storage.ErrCorrupt, s.d.Name, op, column)
}

// loadQuery is load's statement: the session's rows of mtgo_sessions (0, dc, data), its meta
// row (1, home_dc, -, user_id, bot, pts, qts, seq, date), its channels (2, channel, -, pts,
// -, named)
// and a row 3 when it has a peer.
const loadQuery = `select 0, dc, data, null, null, null, null, null, null from mtgo_sessions where sid = ?
	union all select 1, home_dc, null, user_id, bot, pts, qts, seq, date from mtgo_meta where sid = ?
	union all select 2, channel, null, pts, null, named, null, null, null from mtgo_channels where sid = ?
	union all select 3, 0, null, null, null, null, null, null, null where exists (select 1 from mtgo_peers where sid = ?)
	order by 1, 2`

// load reads, at a locked store's first read, the session's rows, home data center, identity
// and update state in one query, into the cache. s.cache.mu is held.
func (s *Store) load(ctx context.Context, op string) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(loadQuery), s.sid, s.sid, s.sid, s.sid)
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	var (
		sessions = make(map[int][]byte, 2)
		anyPeer  bool
		homeDC   int
		id       storage.Identity
		st       updateState
	)
	for rows.Next() {
		var (
			kind int
			a    int64
			data []byte
			b    sql.NullInt64
			bot  sql.NullBool
			v    [4]sql.NullInt64
		)
		if err := rows.Scan(&kind, &a, &data, &b, &bot, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return s.wrap(op, err)
		}
		switch kind {
		case 0:
			dc, err := s.dcColumn(op, "session dc", a)
			if err != nil {
				return err
			}
			if data == nil {
				data = []byte{} // a row, damaged: UnmarshalSession says so
			}
			sessions[dc] = data
		case 1:
			if homeDC, err = s.dcColumn(op, "home dc", a); err != nil {
				return err
			}
			id = storage.Identity{UserID: b.Int64, Bot: bot.Bool}
			if st.saved.State, st.ok, err = s.stateOf(op, v); err != nil {
				return err
			}
		case 2:
			ch, err := s.channelOf(op, a, b.Int64, v[0].Int64)
			if err != nil {
				return err
			}
			st.saved.Channels = append(st.saved.Channels, ch)
		case 3:
			anyPeer = true
		}
	}
	if err := rows.Err(); err != nil {
		return s.wrap(op, err)
	}
	c := &s.cache
	c.sessions, c.all, c.homeDC, c.id, c.homeOK, c.idOK = sessions, true, homeDC, id, true, true
	c.state, c.loaded = &st, true
	// A SavePeers begun before this point may have written after the query's snapshot.
	s.noPeers.Store(!anyPeer && !s.peersSaved.Load())
	return nil
}

// LoadRecord implements storage.Storage.
func (s *Store) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	if _, err := storage.RecordKey(ns, key); err != nil {
		return nil, false, err
	}
	if err := s.enter(ctx); err != nil {
		return nil, false, err
	}
	defer s.leave()
	var v []byte
	err := s.db.QueryRowContext(ctx, s.d.rebind(`select value from mtgo_records where sid = ? and ns = ? and key = ?`), s.sid, s.d.textKey(ns), s.d.textKey(key)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap("load record", err)
	}
	if len(v) > storage.MaxRecordSize {
		return nil, false, fmt.Errorf("%w: %s storage: record of %d bytes", storage.ErrCorrupt, s.d.Name, len(v))
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

// SaveRecord implements storage.Storage.
func (s *Store) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	if err := storage.CheckRecord(ns, key, value); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return s.exec(ctx, "save record", `insert into mtgo_records (sid, ns, key, value) values (?, ?, ?, ?)
		on conflict (sid, ns, key) do update set value = excluded.value`, s.sid, s.d.textKey(ns), s.d.textKey(key), value)
}

// DeleteRecord implements storage.Storage.
func (s *Store) DeleteRecord(ctx context.Context, ns, key string) error {
	if _, err := storage.RecordKey(ns, key); err != nil {
		return err
	}
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	return s.exec(ctx, "delete record", `delete from mtgo_records where sid = ? and ns = ? and key = ?`, s.sid, s.d.textKey(ns), s.d.textKey(key))
}

// Reset implements storage.Storage: every row of the session goes, in one transaction.
func (s *Store) Reset(ctx context.Context) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	s.cache.clear()
	return s.tx(ctx, "reset", func(tx *sql.Tx) error {
		for _, t := range sessionTables {
			if _, err := tx.ExecContext(ctx, s.d.rebind(`delete from `+t+` where sid = ?`), s.sid); err != nil {
				return err
			}
		}
		return nil
	})
}

// Save implements storage.Storage: every write is committed when it returns, and durable
// then unless the dialect has a Sync, which Save runs.
func (s *Store) Save() error {
	if err := s.enter(context.Background()); err != nil {
		return err
	}
	defer s.leave()
	if s.d.Sync == nil {
		return nil
	}
	if err := s.liveWrite(context.Background()); err != nil {
		return err
	}
	defer s.writing()()
	return s.wrap("save", s.d.Sync(context.Background(), s.db))
}

// Close waits for the calls in flight (each bounded by its context), then releases the
// session lock (and the database when the store opened it): no write of this store lands
// after another process may have taken the session. Calls after Close, and those it finds
// not yet begun, fail with storage.ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.drain()
		var errs []error
		s.stmtMu.Lock()
		for _, st := range s.stmts {
			errs = append(errs, st.Close())
		}
		s.stmts = nil
		s.stmtMu.Unlock()
		if s.release != nil {
			errs = append(errs, s.release())
		}
		if s.ownDB {
			errs = append(errs, s.db.Close())
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// placeholders returns n groups of width '?' marks: "(?, ?), (?, ?)" (or "?, ?" for width 1).
func placeholders(n, width int) string {
	var b strings.Builder
	group := "(" + strings.Repeat("?, ", width-1) + "?)"
	if width == 1 {
		group = "?"
	}
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(group)
	}
	return b.String()
}

// chunks splits xs into pieces of at most n.
func chunks[T any](xs []T, n int) [][]T {
	n = max(n, 1)
	var out [][]T
	for len(xs) > 0 {
		k := min(n, len(xs))
		out = append(out, xs[:k])
		xs = xs[k:]
	}
	return out
}

// unixNano stores a time as nanoseconds (0 for the zero time).
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
