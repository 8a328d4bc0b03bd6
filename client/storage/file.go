package storage

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// SessionExt is the file name extension of session files.
const SessionExt = ".session"

// DefaultLockTimeout is how long Open waits for another client's lock on the file before
// failing with ErrSessionInUse.
const DefaultLockTimeout = 200 * time.Millisecond

// formatVersion is the layout of buckets and records this package writes. Format 2 lets a
// channel record carry the pts an updateChannelTooLong named with a guessed start
// (updates.ChannelPts.Named): 8 bytes instead of 4. A file of format 1 is read as it is and
// moved to 2 by the transaction that writes its first such record, so that an older version
// refuses it (ErrUnsupportedVersion) rather than take that record for damage.
const formatVersion = 2

// formatNamed is the first format whose channel records may carry the pts named.
const formatNamed = 2

// Buckets and keys of the file.
var (
	bucketMeta     = []byte("meta")     // format, home_dc, identity
	bucketSessions = []byte("sessions") // dc (uint32 BE) -> session record
	bucketPeers    = []byte("peers")    // peers.Key binary -> peers.Peer binary
	bucketNames    = []byte("peer_usernames")
	bucketPhones   = []byte("peer_phones")
	bucketUpdates  = []byte("updates")  // "state" -> pts qts seq date
	bucketChannels = []byte("channels") // channel id (int64 BE) -> pts (int32 BE) [named (int32 BE)]
	bucketRecords  = []byte("records")  // namespace, 0, key -> value (LoadRecord, SaveRecord)

	keyFormat   = []byte("format")
	keyHomeDC   = []byte("home_dc")
	keyIdentity = []byte("identity")
	keyState    = []byte("state")

	dataBuckets = [][]byte{bucketSessions, bucketPeers, bucketNames, bucketPhones, bucketUpdates, bucketChannels, bucketRecords}
)

// FileOptions configure Open. The zero value (or nil) gives the defaults.
type FileOptions struct {
	// LockTimeout is how long to wait for the file lock another client holds before
	// failing with ErrSessionInUse; 0 means DefaultLockTimeout.
	LockTimeout time.Duration
	// UpdateCommitDelay, when positive, lets CommitUpdates write the update state at most
	// once per delay: commits in between are merged in memory (LoadUpdates sees them) and
	// written with the next commit after the delay, or by Save or Close. A crash then loses up
	// to that much update state, and the update engine delivers those updates again after the
	// restart (its guarantee is at least once across crashes), in exchange for not paying a
	// durable commit per update batch. Zero writes every commit before returning.
	UpdateCommitDelay time.Duration
	// SkipCheck skips the structure check of the whole file on open (checkBolt). The
	// check reads every page in use, which for large peer caches takes a moment; without it,
	// a damaged file may only be detected when the damaged part is read, and damage bbolt
	// does not expect can then stop the program.
	SkipCheck bool
	// Logger receives a warning when Open finds a session file that other users could read
	// and tightens it to 0600. It never receives the file's contents; nil logs nothing.
	Logger *slog.Logger
}

// File is a Storage in one bbolt database file. Every write is a transaction committed to disk
// before it returns, so a crash at any moment leaves a file that opens with every completed
// write in it. The file is locked while open: a second client (in any process) opening it gets
// ErrSessionInUse. It is safe for concurrent use.
type File struct {
	path string
	db   *bolt.DB

	mu     sync.RWMutex // held shared by calls, exclusively by Close
	closed bool

	// Update commits merged but not yet written (UpdateCommitDelay).
	updDelay   time.Duration
	updMu      sync.Mutex
	updPending pendingUpdates
	updWritten time.Time
	updClosed  bool // Close wrote the pending commits: no more are taken
}

// pendingUpdates is the merge of update commits not yet written.
type pendingUpdates struct {
	state    updates.State
	hasState bool
	channels map[int64]updates.ChannelPts
}

func (p *pendingUpdates) empty() bool { return !p.hasState && len(p.channels) == 0 }

func (p *pendingUpdates) merge(c updates.Commit) {
	if c.HasState {
		p.state, p.hasState = c.State, true
	}
	for _, ch := range c.Channels {
		if p.channels == nil {
			p.channels = make(map[int64]updates.ChannelPts)
		}
		p.channels[ch.ChannelID] = ch
	}
}

func (p *pendingUpdates) commit() updates.Commit {
	c := updates.Commit{State: p.state, HasState: p.hasState}
	for _, ch := range p.channels {
		c.Channels = append(c.Channels, ch)
	}
	slices.SortFunc(c.Channels, func(a, b updates.ChannelPts) int { return cmp.Compare(a.ChannelID, b.ChannelID) })
	return c
}

// overlay applies the pending commits to a state read from the file.
func (p *pendingUpdates) overlay(s *updates.Saved, ok *bool) {
	if p.empty() {
		return
	}
	if p.hasState {
		s.State, *ok = p.state, true
	}
	byID := make(map[int64]updates.ChannelPts, len(s.Channels))
	for _, ch := range s.Channels {
		byID[ch.ChannelID] = ch
	}
	for id, ch := range p.channels {
		if ch.Removed {
			delete(byID, id)
		} else {
			byID[id] = updates.ChannelPts{ChannelID: id, Pts: ch.Pts, Named: ch.Named}
		}
	}
	s.Channels = s.Channels[:0]
	for _, ch := range byID {
		s.Channels = append(s.Channels, ch)
	}
	slices.SortFunc(s.Channels, func(a, b updates.ChannelPts) int { return cmp.Compare(a.ChannelID, b.ChannelID) })
}

// SessionPath returns the file name of a session: name with SessionExt appended unless it
// already ends with it.
func SessionPath(name string) string {
	if strings.HasSuffix(name, SessionExt) {
		return name
	}
	return name + SessionExt
}

// OpenSession opens (creating if needed) the session file of name with the default options.
func OpenSession(name string) (*File, error) { return Open(SessionPath(name), nil) }

// Open opens the session database at path, creating it if it does not exist. It fails with
// ErrSessionInUse when another client holds the file, ErrCorrupt when it is not a valid
// session database, and ErrUnsupportedVersion when a newer version wrote it.
//
// A new file is built under a temporary name and linked into place complete, so a crash while
// creating it leaves either no file or a whole one.
func Open(path string, opts *FileOptions) (*File, error) {
	var o FileOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return nil, fmt.Errorf("storage: open %s: is a directory", path)
	case errors.Is(err, fs.ErrNotExist) || err == nil && info.Size() == 0:
		if err := create(path, o, err == nil); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	default:
		if err := tightenMode(path, info.Mode(), os.Chmod, o.Logger); err != nil {
			return nil, err
		}
	}
	db, err := openChecked(path, o)
	if err != nil {
		return nil, err
	}
	return &File{path: path, db: db, updDelay: o.UpdateCommitDelay}, nil
}

// sessionFileMode is the mode of a session file: it holds auth keys, so only its owner may
// read it.
const sessionFileMode fs.FileMode = 0o600

// tightenMode makes an existing session file of the given mode readable by its owner only,
// when group or other users have any access to it (a file copied or made by hand, or under a
// loose umask by an older version). chmod is os.Chmod but in tests. Where permission bits
// mean nothing (Windows) it does nothing.
func tightenMode(path string, mode fs.FileMode, chmod func(string, fs.FileMode) error, log *slog.Logger) error {
	if runtime.GOOS == "windows" || mode.Perm()&0o077 == 0 {
		return nil
	}
	if err := chmod(path, sessionFileMode); err != nil {
		return fmt.Errorf("storage: open %s: other users have access to the session file (mode %v) and it could not be restricted to %v: %w",
			path, mode.Perm(), sessionFileMode, err)
	}
	if log != nil {
		log.Warn("storage: other users had access to the session file; restricted it to its owner",
			"path", path, "was", mode.Perm().String(), "now", sessionFileMode.String())
	}
	return nil
}

// create builds an empty session database next to path and links (or, replacing an empty
// file, renames) it into place. Losing a race to another creator is not an error: the other
// file is as empty as ours.
func create(path string, o FileOptions, replace bool) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return fmt.Errorf("storage: create %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("storage: create %s: %w", path, err)
	}
	db, err := bolt.Open(tmpName, sessionFileMode, &bolt.Options{Timeout: o.LockTimeout})
	if err != nil {
		return fmt.Errorf("storage: create %s: %w", path, err)
	}
	err = db.Update(initBuckets)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: create %s: %w", path, err)
	}
	if replace {
		err = replaceEmpty(tmpName, path, o.LockTimeout)
	} else if err = os.Link(tmpName, path); errors.Is(err, fs.ErrExist) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("storage: create %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new directory entry durable where the platform allows
		_ = d.Close()
	}
	return nil
}

// replaceEmpty renames tmp over the empty file at path, holding that file's lock, unless
// another opener replaced it first: two Opens of one empty file each renamed a file of
// their own over it, the first then held a file the second had replaced (both "holding"
// the session, the first one's writes going to a file no longer there).
func replaceEmpty(tmp, path string, timeout time.Duration) error {
	if !haveFlock {
		// No lock to hold, and Windows cannot rename over a file held open.
		return os.Rename(tmp, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
			err = nil // another opener's file is in place
		}
		return err
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := lockForCheck(f, timeout); err != nil {
		if errors.Is(err, errLocked) {
			return fmt.Errorf("%w: %s is locked", ErrSessionInUse, path)
		}
		return err
	}
	defer unlockFile(f)
	held, err := f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !os.SameFile(held, now) || held.Size() != 0 {
		return nil // another opener put its file in place: it is as empty as ours
	}
	return os.Rename(tmp, path)
}

func initBuckets(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keyFormat, []byte{formatVersion}); err != nil {
		return err
	}
	for _, name := range dataBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// openChecked opens path, checks the format and (unless skipped) every page. bbolt may panic
// (or fault) on a damaged file while loading it; that is the file's content speaking, so it is
// turned into ErrCorrupt here, at the boundary, instead of crashing the program.
func openChecked(path string, o FileOptions) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			}
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	if !o.SkipCheck {
		if err := precheck(path, o); err != nil {
			return nil, err
		}
	}
	db, err = bolt.Open(path, sessionFileMode, &bolt.Options{Timeout: o.LockTimeout})
	if err != nil {
		return nil, openError(path, err)
	}
	if err := checkFile(db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	return db, nil
}

// errLocked reports that another client holds the file's lock.
var errLocked = errors.New("locked")

// precheck validates the file's page structure (checkBolt) under the file lock, before bbolt
// reads anything from it.
func precheck(path string, o FileOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	defer f.Close()
	if err := lockForCheck(f, o.LockTimeout); err != nil {
		if errors.Is(err, errLocked) {
			return fmt.Errorf("%w: %s is locked", ErrSessionInUse, path)
		}
		return fmt.Errorf("storage: lock %s: %w", path, err)
	}
	defer unlockFile(f)
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	if err := checkBolt(f, info.Size()); err != nil {
		return fmt.Errorf("storage: open %s: %w", path, err)
	}
	return nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("%w: %s is locked", ErrSessionInUse, path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrInvalidMapping),
		strings.Contains(err.Error(), "file size too small"):
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
	}
	return fmt.Errorf("storage: open %s: %w", path, err)
}

// raiseFormat moves a file of an older format to format v, in the transaction that writes
// the first record only v reads.
func raiseFormat(tx *bolt.Tx, v byte) error {
	meta := tx.Bucket(bucketMeta)
	if f := meta.Get(keyFormat); len(f) == 1 && f[0] >= v {
		return nil
	}
	return meta.Put(keyFormat, []byte{v})
}

// checkFile verifies the format version and the buckets.
func checkFile(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%w: not a session file (no meta bucket)", ErrCorrupt)
		}
		switch v := meta.Get(keyFormat); {
		case len(v) != 1:
			return fmt.Errorf("%w: bad format record %x", ErrCorrupt, v)
		case v[0] > formatVersion:
			return fmt.Errorf("%w: format %d, this version reads up to %d", ErrUnsupportedVersion, v[0], formatVersion)
		case v[0] == 0:
			return fmt.Errorf("%w: format 0", ErrCorrupt)
		}
		// Buckets a crash cannot have lost (the file is created whole), but a file from a
		// future minor layout might lack; create them rather than fail every call.
		for _, name := range dataBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Path returns the file's path.
func (f *File) Path() string { return f.path }

// view and update run fn in a read or write transaction, mapping a closed database to
// ErrClosed and wrapping failures with what was being done.
func (f *File) view(ctx context.Context, what string, fn func(tx *bolt.Tx) error) error {
	return f.run(ctx, what, func() error { return f.db.View(guard(fn)) })
}

func (f *File) update(ctx context.Context, what string, fn func(tx *bolt.Tx) error) error {
	return f.run(ctx, what, func() error { return f.db.Update(guard(fn)) })
}

// guard runs fn so that a fault while reading a damaged file becomes ErrCorrupt. bbolt trusts
// the offsets and lengths stored in its pages (the open-time check covers the page tree, not
// every element), so damaged data can make it index out of range or touch memory outside the
// mapping. Inside the transaction, the recovered fault rolls it back like any error.
func guard(fn func(tx *bolt.Tx) error) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) (err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%w: reading the file failed: %v", ErrCorrupt, r)
			}
		}()
		return fn(tx)
	}
}

func (f *File) run(ctx context.Context, what string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return fmt.Errorf("storage: %s: %w", what, ErrClosed)
	}
	return f.wrap(what, fn())
}

func (f *File) wrap(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return fmt.Errorf("storage: %s: %w", what, ErrClosed)
	}
	return fmt.Errorf("storage: %s: %w", what, err)
}

// LoadSession implements Storage.
func (f *File) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	var s session.Session
	err := f.view(ctx, fmt.Sprintf("load session of dc %d", dc), func(tx *bolt.Tx) error {
		if dc < 0 || dc > maxDC {
			return session.ErrNoSession
		}
		v := tx.Bucket(bucketSessions).Get(dcKey(dc))
		if v == nil {
			return session.ErrNoSession
		}
		var err error
		s, err = decodeSession(v)
		return err
	})
	return s, err
}

// SaveSession implements Storage.
func (f *File) SaveSession(ctx context.Context, s session.Session) error {
	rec, err := appendSession(nil, s)
	if err != nil {
		return fmt.Errorf("storage: save session of dc %d: %w", s.DC, err)
	}
	return f.update(ctx, fmt.Sprintf("save session of dc %d", s.DC), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Put(dcKey(s.DC), rec)
	})
}

// HomeDC implements Storage.
func (f *File) HomeDC(ctx context.Context) (int, error) {
	var dc int
	err := f.view(ctx, "load home dc", func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(keyHomeDC)
		if v == nil {
			return nil
		}
		var err error
		dc, err = decodeDC(v)
		return err
	})
	return dc, err
}

// SetHomeDC implements Storage.
func (f *File) SetHomeDC(ctx context.Context, dc int) error {
	if err := checkHomeDC(dc); err != nil {
		return err
	}
	return f.update(ctx, "save home dc", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyHomeDC, dcKey(dc))
	})
}

// Identity implements Storage.
func (f *File) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	err := f.view(ctx, "load identity", func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(keyIdentity)
		if v == nil {
			return nil
		}
		var err error
		id, err = decodeIdentity(v)
		return err
	})
	return id, err
}

// SetIdentity implements Storage.
func (f *File) SetIdentity(ctx context.Context, id Identity) error {
	return f.update(ctx, "save identity", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyIdentity, appendIdentity(nil, id))
	})
}

// LoadPeer implements peers.Store.
func (f *File) LoadPeer(ctx context.Context, k peers.Key) (peers.Peer, bool, error) {
	var (
		p  peers.Peer
		ok bool
	)
	err := f.view(ctx, "load peer "+k.String(), func(tx *bolt.Tx) (err error) {
		p, ok, err = getPeer(tx, k)
		return err
	})
	return p, ok, err
}

func getPeer(tx *bolt.Tx, k peers.Key) (peers.Peer, bool, error) {
	kb, _ := k.AppendBinary(nil)
	v := tx.Bucket(bucketPeers).Get(kb)
	if v == nil {
		return peers.Peer{}, false, nil
	}
	var p peers.Peer
	if err := p.UnmarshalBinary(v); err != nil {
		return peers.Peer{}, false, fmt.Errorf("%w: peer %v: %w", ErrCorrupt, k, err)
	}
	if p.Key != k {
		return peers.Peer{}, false, fmt.Errorf("%w: record of %v stored under %v", ErrCorrupt, p.Key, k)
	}
	return p, true, nil
}

// PeerByUsername implements peers.Store.
func (f *File) PeerByUsername(ctx context.Context, username string) (peers.Peer, bool, error) {
	name := peers.NormalizeUsername(username)
	return f.peerByIndex(ctx, bucketNames, name, func(p peers.Peer) bool { return p.HasUsername(name) })
}

// PeerByPhone implements peers.Store.
func (f *File) PeerByPhone(ctx context.Context, phone string) (peers.Peer, bool, error) {
	return f.peerByIndex(ctx, bucketPhones, phone, func(p peers.Peer) bool { return p.Phone == phone })
}

// peerByIndex follows an index entry to its peer, which must still carry the indexed value.
func (f *File) peerByIndex(ctx context.Context, bucket []byte, value string, still func(peers.Peer) bool) (peers.Peer, bool, error) {
	var (
		p  peers.Peer
		ok bool
	)
	if value == "" {
		return p, false, nil
	}
	err := f.view(ctx, "find peer", func(tx *bolt.Tx) error {
		kb := tx.Bucket(bucket).Get([]byte(value))
		if kb == nil {
			return nil
		}
		k, err := peers.ParseKey(kb)
		if err != nil {
			return fmt.Errorf("%w: index entry %q: %w", ErrCorrupt, value, err)
		}
		p, ok, err = getPeer(tx, k)
		if err != nil || !ok || !still(p) {
			p, ok = peers.Peer{}, false
		}
		return err
	})
	return p, ok, err
}

// SavePeers implements peers.Store: one transaction for the whole batch.
func (f *File) SavePeers(ctx context.Context, ps []peers.Peer) error {
	if len(ps) == 0 {
		return ctx.Err()
	}
	return f.update(ctx, fmt.Sprintf("save %d peers", len(ps)), func(tx *bolt.Tx) error {
		recs, names, phones := tx.Bucket(bucketPeers), tx.Bucket(bucketNames), tx.Bucket(bucketPhones)
		var buf []byte
		for _, p := range ps {
			if !p.Valid() {
				continue
			}
			kb, _ := p.Key.AppendBinary(nil)
			if old, ok, err := getPeer(tx, p.Key); err == nil && ok {
				if err := unindexPeer(tx, kb, old, p); err != nil {
					return err
				}
			}
			var err error
			if buf, err = p.AppendBinary(buf[:0]); err != nil {
				return err
			}
			if err := recs.Put(kb, bytes.Clone(buf)); err != nil {
				return err
			}
			for _, n := range p.Usernames {
				if n = peers.NormalizeUsername(n); n != "" {
					if err := names.Put([]byte(n), kb); err != nil {
						return err
					}
				}
			}
			if p.Phone != "" {
				if err := phones.Put([]byte(p.Phone), kb); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// LoadUpdates implements Storage. Channels come sorted by id.
func (f *File) LoadUpdates(ctx context.Context) (updates.Saved, bool, error) {
	var (
		s  updates.Saved
		ok bool
	)
	// The pending commits are laid over the file as read in one step: a flush between the
	// read and the overlay would write them and empty the pending set, and the state
	// returned would lack commits that had returned before this call.
	f.updMu.Lock()
	defer f.updMu.Unlock()
	err := f.view(ctx, "load update state", func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketUpdates).Get(keyState); v != nil {
			st, err := decodeState(v)
			if err != nil {
				return err
			}
			s.State, ok = st, true
		}
		return tx.Bucket(bucketChannels).ForEach(func(k, v []byte) error {
			ch, err := decodeChannel(k, v)
			if err != nil {
				return err
			}
			s.Channels = append(s.Channels, ch)
			return nil
		})
	})
	if err != nil {
		return updates.Saved{}, false, err
	}
	f.updPending.overlay(&s, &ok)
	return s, ok, nil
}

// CommitUpdates implements Storage: the account state and every channel of the commit in one
// transaction, written before it returns unless FileOptions.UpdateCommitDelay merges it with
// the next ones.
func (f *File) CommitUpdates(ctx context.Context, c updates.Commit) error {
	if c.Empty() {
		return ctx.Err()
	}
	if f.updDelay <= 0 {
		return f.writeUpdates(ctx, c)
	}
	if err := f.run(ctx, "save update state", func() error { return nil }); err != nil {
		return err // closed or canceled
	}
	f.updMu.Lock()
	defer f.updMu.Unlock()
	if f.updClosed {
		// Close has written the pending commits: one merged now would never be.
		return fmt.Errorf("storage: save update state: %w", ErrClosed)
	}
	f.updPending.merge(c)
	if time.Since(f.updWritten) < f.updDelay {
		return nil
	}
	return f.flushUpdatesLocked(ctx)
}

// flushUpdatesLocked writes the merged commits; the caller holds updMu. On failure they stay
// pending for the next attempt.
func (f *File) flushUpdatesLocked(ctx context.Context) error {
	if f.updPending.empty() {
		return nil
	}
	if err := f.writeUpdates(ctx, f.updPending.commit()); err != nil {
		return err
	}
	f.updPending = pendingUpdates{}
	f.updWritten = time.Now()
	return nil
}

func (f *File) writeUpdates(ctx context.Context, c updates.Commit) error {
	return f.update(ctx, "save update state", func(tx *bolt.Tx) error {
		if c.HasState {
			if err := tx.Bucket(bucketUpdates).Put(keyState, appendState(nil, c.State)); err != nil {
				return err
			}
		}
		chans := tx.Bucket(bucketChannels)
		named := false
		for _, ch := range c.Channels {
			var err error
			if ch.Removed {
				err = chans.Delete(channelKey(ch.ChannelID))
			} else {
				named = named || ch.Named != 0
				err = chans.Put(channelKey(ch.ChannelID), appendChannel(ch))
			}
			if err != nil {
				return err
			}
		}
		if named {
			return raiseFormat(tx, formatNamed)
		}
		return nil
	})
}

// LoadRecord implements Storage.
func (f *File) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	k, err := recordKey(ns, key)
	if err != nil {
		return nil, false, err
	}
	var v []byte
	err = f.view(ctx, "load record in "+strconv.Quote(ns), func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRecords).Get([]byte(k)); b != nil {
			v = bytes.Clone(b) // b lives only as long as the transaction
			if len(v) > MaxRecordSize {
				return fmt.Errorf("%w: record of %d bytes", ErrCorrupt, len(v))
			}
		}
		return nil
	})
	return v, v != nil, err
}

// SaveRecord implements Storage.
func (f *File) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	k, err := recordKey(ns, key)
	if err != nil {
		return err
	}
	if err := checkRecordValue(ns, value); err != nil {
		return err
	}
	return f.update(ctx, "save record in "+strconv.Quote(ns), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).Put([]byte(k), append([]byte{}, value...))
	})
}

// DeleteRecord implements Storage.
func (f *File) DeleteRecord(ctx context.Context, ns, key string) error {
	k, err := recordKey(ns, key)
	if err != nil {
		return err
	}
	return f.update(ctx, "delete record in "+strconv.Quote(ns), func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRecords).Delete([]byte(k))
	})
}

// Reset implements Storage: one transaction empties every bucket and the identity.
func (f *File) Reset(ctx context.Context) error {
	f.updMu.Lock()
	defer f.updMu.Unlock()
	// The pending commits go with the reset, not before it: a reset that fails keeps them.
	err := f.update(ctx, "reset", func(tx *bolt.Tx) error {
		for _, name := range dataBuckets {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(keyHomeDC); err != nil {
			return err
		}
		return meta.Delete(keyIdentity)
	})
	if err == nil {
		f.updPending = pendingUpdates{}
	}
	return err
}

// Save implements Storage: every write is already committed; Save syncs the file once more.
func (f *File) Save() error {
	f.updMu.Lock()
	defer f.updMu.Unlock()
	if err := f.flushUpdatesLocked(context.Background()); err != nil {
		return err
	}
	return f.run(context.Background(), "sync", f.db.Sync)
}

// Close implements Storage: it releases the file and its lock. Closing twice is not an error.
func (f *File) Close() error {
	f.updMu.Lock()
	flushErr := f.flushUpdatesLocked(context.Background())
	f.updClosed = true
	f.updMu.Unlock()
	if errors.Is(flushErr, ErrClosed) {
		flushErr = nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	return errors.Join(flushErr, f.wrap("close", f.db.Close()))
}
