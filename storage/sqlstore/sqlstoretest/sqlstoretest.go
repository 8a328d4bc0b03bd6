// Package sqlstoretest holds the tests of package sqlstore that need a database: the
// backends' packages (storage/postgres, storage/sqlite) run them on theirs.
package sqlstoretest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
	"github.com/mtgo-labs/mtgo/updates"
)

// MigrationV3 checks schema migration 3 on db, a database without MTGo tables: two sessions
// written by version 2 in every table read back whole through stores once their rows are
// keyed by session numbers, a session opened after the migration starts empty, and
// resetting one session leaves the other. open opens a session on db, migrating it.
func MigrationV3(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	if err := sqlstore.MigrateTo(ctx, db, d, 2); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, d.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	type written struct {
		sess  session.Session
		home  int
		id    storage.Identity
		state updates.State
		chans []updates.ChannelPts
		peer  peers.Peer
		rec   []byte
	}
	seen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	want := map[string]written{}
	for i, name := range []string{"alpha", "beta"} {
		n := int64(i + 1)
		w := written{
			sess:  session.Session{DC: 2, Addr: "127.0.0.1:443", AuthKey: bytes.Repeat([]byte{byte(n)}, 256), Salt: n, UserID: 100 + n},
			home:  int(n),
			id:    storage.Identity{UserID: 100 + n, Bot: i == 0},
			state: updates.State{Pts: int32(10 * n), Qts: int32(n), Seq: int32(n), Date: int32(1000 * n)},
			chans: []updates.ChannelPts{{ChannelID: 500 + n, Pts: int32(50 * n)}},
			peer:  peers.Peer{Key: peers.UserKey(7), AccessHash: 70 + n, Usernames: []string{"Peer_" + name}, Phone: "1555" + name, Seen: seen},
			rec:   []byte("record of " + name),
		}
		want[name] = w
		sess, err := storage.MarshalSession(w.sess)
		if err != nil {
			t.Fatal(err)
		}
		data, err := w.peer.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		norm := peers.NormalizeUsername(w.peer.Usernames[0])
		exec(`insert into mtgo_sessions (session, dc, data) values (?, ?, ?)`, name, w.sess.DC, sess)
		exec(`insert into mtgo_meta (session, home_dc, user_id, bot, pts, qts, seq, date) values (?, ?, ?, ?, ?, ?, ?, ?)`,
			name, w.home, w.id.UserID, w.id.Bot, w.state.Pts, w.state.Qts, w.state.Seq, w.state.Date)
		exec(`insert into mtgo_peers (session, kind, id, access_hash, username, phone, seen, data, names) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			name, int(w.peer.Kind), w.peer.ID, w.peer.AccessHash, w.peer.Usernames[0], w.peer.Phone, seen.UnixNano(), data, `["`+norm+`"]`)
		exec(`insert into mtgo_usernames (session, username, kind, id) values (?, ?, ?, ?)`, name, norm, int(w.peer.Kind), w.peer.ID)
		exec(`insert into mtgo_phones (session, phone, kind, id) values (?, ?, ?, ?)`, name, w.peer.Phone, int(w.peer.Kind), w.peer.ID)
		exec(`insert into mtgo_channels (session, channel, pts) values (?, ?, ?)`, name, w.chans[0].ChannelID, w.chans[0].Pts)
		exec(`insert into mtgo_records (session, ns, key, value) values (?, ?, ?, ?)`, name, "ns", "key", w.rec)
	}

	stores := map[string]*sqlstore.Store{}
	for _, name := range []string{"alpha", "beta", "gamma"} {
		st, err := open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores[name] = st
	}
	for name, w := range want {
		st := stores[name]
		var got written
		var err error
		errs := []error{}
		got.sess, err = st.LoadSession(ctx, 2)
		errs = append(errs, err)
		got.home, err = st.HomeDC(ctx)
		errs = append(errs, err)
		got.id, err = st.Identity(ctx)
		errs = append(errs, err)
		saved, ok, err := st.LoadUpdates(ctx)
		errs = append(errs, err)
		got.state, got.chans = saved.State, saved.Channels
		got.peer, _, err = st.LoadPeer(ctx, w.peer.Key)
		errs = append(errs, err)
		got.rec, _, err = st.LoadRecord(ctx, "ns", "key")
		errs = append(errs, err)
		if err := errors.Join(errs...); err != nil || !ok {
			t.Fatalf("%s: reading the migrated session: %v (update state found: %v)", name, err, ok)
		}
		if diff := cmp.Diff(w, got, cmp.AllowUnexported(written{})); diff != "" {
			t.Errorf("%s after the migration (-written +read):\n%s", name, diff)
		}
		for what, find := range map[string]func() (peers.Peer, bool, error){
			"username": func() (peers.Peer, bool, error) { return st.PeerByUsername(ctx, w.peer.Usernames[0]) },
			"phone":    func() (peers.Peer, bool, error) { return st.PeerByPhone(ctx, w.peer.Phone) },
		} {
			if p, ok, err := find(); err != nil || !ok || p.AccessHash != w.peer.AccessHash {
				t.Errorf("%s: peer by %s = %v, %v, %v; want its own peer", name, what, p.AccessHash, ok, err)
			}
		}
	}

	gamma := stores["gamma"]
	if _, err := gamma.LoadSession(ctx, 2); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("a session opened after the migration: LoadSession = %v, want ErrNoSession", err)
	}
	if _, ok, err := gamma.PeerByUsername(ctx, "peer_alpha"); err != nil || ok {
		t.Errorf("a session opened after the migration finds another's peer: %v, %v", ok, err)
	}
	if err := stores["alpha"].Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := stores["beta"].LoadRecord(ctx, "ns", "key"); err != nil || !ok {
		t.Errorf("resetting one session lost another's record: %v, %v", ok, err)
	}
	if _, ok, err := stores["alpha"].LoadPeer(ctx, want["alpha"].peer.Key); err != nil || ok {
		t.Errorf("a reset session still has its peer: %v, %v", ok, err)
	}
}

// MigrationV2 checks schema migration 2 on db, a database without MTGo tables: peers written
// by version 1 (their usernames and phones only in the index tables) get their names column,
// and once migrated a peer that drops a name or phone stops resolving by it. open opens a
// session on db, migrating it.
func MigrationV2(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	if err := sqlstore.MigrateTo(ctx, db, d, 1); err != nil {
		t.Fatal(err)
	}
	const session = "v1"
	seen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	alice := peers.Peer{Key: peers.UserKey(1), AccessHash: 11, Usernames: []string{"Alice", "alice_two"}, Phone: "15551", Seen: seen}
	news := peers.Peer{Key: peers.ChannelKey(2), AccessHash: 22, Usernames: []string{"News"}, Seen: seen}
	group := peers.Peer{Key: peers.ChatKey(3), Seen: seen}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, d.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, p := range []peers.Peer{alice, news, group} {
		data, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		first := ""
		if len(p.Usernames) > 0 {
			first = p.Usernames[0]
		}
		exec(`insert into mtgo_peers (session, kind, id, access_hash, username, phone, seen, data) values (?, ?, ?, ?, ?, ?, ?, ?)`,
			session, int(p.Kind), p.ID, p.AccessHash, first, p.Phone, p.Seen.UnixNano(), data)
		for _, n := range p.Usernames {
			exec(`insert into mtgo_usernames (session, username, kind, id) values (?, ?, ?, ?)`, session, peers.NormalizeUsername(n), int(p.Kind), p.ID)
		}
		if p.Phone != "" {
			exec(`insert into mtgo_phones (session, phone, kind, id) values (?, ?, ?, ?)`, session, p.Phone, int(p.Kind), p.ID)
		}
	}

	st, err := open(session)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for key, want := range map[peers.Key][]string{alice.Key: {"alice", "alice_two"}, news.Key: {"news"}, group.Key: {}} {
		var names string
		if err := db.QueryRowContext(ctx, d.Rebind(`select names from mtgo_peers p join mtgo_session_ids i on i.sid = p.sid
			where i.session = ? and p.kind = ? and p.id = ?`),
			session, int(key.Kind), key.ID).Scan(&names); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := json.Unmarshal([]byte(names), &got); err != nil {
			t.Fatalf("%v: names %q: %v", key, names, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%v: migrated names %q, want %q", key, got, want)
		}
	}

	renamed := alice
	renamed.Usernames, renamed.Phone = []string{"alice"}, ""
	if err := st.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"alice": true, "alice_two": false, "news": true} {
		if _, ok, err := st.PeerByUsername(ctx, name); err != nil || ok != want {
			t.Errorf("PeerByUsername(%q) after the rename = %v, %v; want %v", name, ok, err, want)
		}
	}
	if _, ok, err := st.PeerByPhone(ctx, "15551"); err != nil || ok {
		t.Errorf("PeerByPhone of the dropped phone = %v, %v; want not found", ok, err)
	}
}

// MisplacedRows checks rows whose data is another row's: a peer row (kind, id) holding
// another peer's encoding, and a session row of one data center holding another's. Each read
// of one fails with storage.ErrCorrupt; it returned the other peer (a message for user 5
// would have gone to user 6, with 6's access hash) or the other data center's session. db is
// the store's database, with no MTGo tables yet; open opens a session on it.
func MisplacedRows(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	st, err := open("misplaced")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	alice, bob := storagetest.SaveMisplaceable(t, st)
	for _, q := range []string{
		`update mtgo_peers set data = (select o.data from mtgo_peers o where o.sid = mtgo_peers.sid and o.kind = 1 and o.id = 6)
			where kind = 1 and id = 5`,
		`update mtgo_sessions set data = (select o.data from mtgo_sessions o where o.sid = mtgo_sessions.sid and o.dc = 4)
			where dc = 2`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	reads := map[string]func(*sqlstore.Store) error{
		"LoadPeer": func(s *sqlstore.Store) error {
			p, _, err := s.LoadPeer(ctx, alice.Key)
			return misplaced(p.Key, err)
		},
		"PeerByUsername": func(s *sqlstore.Store) error {
			p, _, err := s.PeerByUsername(ctx, "alice")
			return misplaced(p.Key, err)
		},
		"PeerByPhone": func(s *sqlstore.Store) error {
			p, _, err := s.PeerByPhone(ctx, "15550")
			return misplaced(p.Key, err)
		},
		"ListPeers": func(s *sqlstore.Store) error {
			_, err := s.ListPeers(ctx)
			return err
		},
		"LoadSession": func(s *sqlstore.Store) error {
			ss, err := s.LoadSession(ctx, 2)
			if err == nil && ss.DC != 2 {
				return errors.New("the session of another dc")
			}
			return err
		},
	}
	// Each read in a store of its own, opened after the damage.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for name, read := range reads {
		s, err := open("misplaced")
		if err != nil {
			t.Fatal(err)
		}
		if err := read(s); !errors.Is(err, storage.ErrCorrupt) {
			t.Errorf("%s of a misplaced row = %v, want ErrCorrupt", name, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s, err := open("misplaced")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, ok, err := s.LoadPeer(ctx, bob.Key); err != nil || !ok || p.AccessHash != bob.AccessHash {
		t.Errorf("LoadPeer of the row left alone = %+v, %v, %v", p, ok, err)
	}
}

// misplaced is err, or an error when a peer read for user 5 is another.
func misplaced(got peers.Key, err error) error {
	if err == nil && got != peers.UserKey(5) {
		return errors.New("another peer")
	}
	return err
}

// DamagedNames checks a peer row whose names column (the JSON array of its usernames) was
// left damaged, by hand or by a bug: invalid JSON, JSON of another shape, or an array the
// database cannot read back as text. Saving the peer again replaces the row (names included)
// and drops the index entries it had, and deleting it works too; a read of a row whose data
// is damaged as well reports storage.ErrCorrupt. Before, every later write of that peer
// failed parsing the old names. db is the store's database, with no MTGo tables yet; open
// opens a session on it.
func DamagedNames(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	for i, names := range []string{`["alice", `, `not json`, `{"alice": 1}`, `"alice"`, `["alice", 5]`, `["alice", "\u0000"]`, `["\ud800"]`} {
		st, err := open(fmt.Sprintf("damaged%d", i))
		if err != nil {
			t.Fatal(err)
		}
		alice := peers.Peer{Key: peers.UserKey(5), AccessHash: 55, Usernames: []string{"alice", "alice_two"}, Phone: "15550"}
		bob := peers.Peer{Key: peers.UserKey(6), AccessHash: 66, Usernames: []string{"bob"}}
		if err := st.SavePeers(ctx, []peers.Peer{alice, bob}); err != nil {
			t.Fatal(err)
		}
		damage := func(set string, args ...any) {
			t.Helper()
			q := `update mtgo_peers set ` + set + ` where kind = 1 and id = 5 and sid = (select sid from mtgo_session_ids where session = ?)`
			if _, err := db.ExecContext(ctx, d.Rebind(q), append(args, fmt.Sprintf("damaged%d", i))...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		damage(`names = ?`, names)
		if i == 0 {
			// The data too: reads of the row report it.
			damage(`data = ?`, []byte{0xff})
			if _, _, err := st.LoadPeer(ctx, alice.Key); !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("LoadPeer of a damaged row = %v, want ErrCorrupt", err)
			}
		}
		// Every other case saves the peer unchanged: only the names column differs.
		renamed, wantNames, found := alice, `["alice","alice_two"]`, map[string]bool{"alice": true, "alice_two": true, "alice_three": false}
		if i%2 == 0 {
			renamed.Usernames, renamed.AccessHash = []string{"alice_three"}, 56
			wantNames, found = `["alice_three"]`, map[string]bool{"alice": false, "alice_two": false, "alice_three": true}
		}
		if err := st.SavePeers(ctx, []peers.Peer{renamed, bob}); err != nil {
			t.Fatalf("names %q: SavePeers over the damaged row: %v", names, err)
		}
		if p, ok, err := st.LoadPeer(ctx, alice.Key); err != nil || !ok || p.AccessHash != renamed.AccessHash {
			t.Errorf("names %q: LoadPeer after the save = %+v, %v, %v", names, p, ok, err)
		}
		found["bob"] = true
		for name, want := range found {
			if _, ok, err := st.PeerByUsername(ctx, name); err != nil || ok != want {
				t.Errorf("names %q: PeerByUsername(%q) after the save = %v, %v; want %v", names, name, ok, err, want)
			}
		}
		var got string
		if err := db.QueryRowContext(ctx, d.Rebind(`select names from mtgo_peers p join mtgo_session_ids i on i.sid = p.sid
			where i.session = ? and p.kind = 1 and p.id = 5`), fmt.Sprintf("damaged%d", i)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != wantNames {
			t.Errorf("names %q: the column after the save = %q, want it repaired", names, got)
		}

		damage(`names = ?`, names)
		if err := st.DeletePeer(ctx, alice.Key); err != nil {
			t.Errorf("names %q: DeletePeer of the damaged row: %v", names, err)
		}
		for _, name := range renamed.Usernames {
			if _, ok, err := st.PeerByUsername(ctx, name); err != nil || ok {
				t.Errorf("names %q: PeerByUsername(%q) of the deleted peer = %v, %v; want not found", names, name, ok, err)
			}
		}
		if _, ok, err := st.PeerByUsername(ctx, "bob"); err != nil || !ok {
			t.Errorf("names %q: PeerByUsername of the other peer = %v, %v; want found", names, ok, err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// Usernames checks peers whose usernames hold what JSON escapes, or what encoding/json
// escaped (quotes, backslashes, <, >, &, U+2028, U+2029, control bytes, other non-ASCII):
// each is found by its usernames, its names column reads back as its normalized usernames,
// and on PostgreSQL (Dialect.Arrays) the column matches sqlstore.NamesShape there, so a
// later save reads the old names from the row instead of scanning the session's username
// index. A save over a row whose names an older version wrote with encoding/json's escapes
// drops the usernames the row lists. db is the store's database; open opens a session on
// it.
func Usernames(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	st, err := open("usernames")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	names := func(k peers.Key) string {
		t.Helper()
		var col string
		if err := db.QueryRowContext(ctx, d.Rebind(`select names from mtgo_peers p join mtgo_session_ids i on i.sid = p.sid
			where i.session = 'usernames' and p.kind = ? and p.id = ?`), int(k.Kind), k.ID).Scan(&col); err != nil {
			t.Fatalf("%v: names column: %v", k, err)
		}
		return col
	}
	for i, name := range []string{`quo"te`, `back\slash`, "<a&b>", "line\u2028sep\u2029end", "ünï日本😀", "ctl\x01\x1f\x7f\b\f\n\r\tend", "/"} {
		p := peers.Peer{Key: peers.UserKey(int64(100 + i)), AccessHash: 1, Usernames: []string{name, fmt.Sprintf("@Second_%d", i)}}
		if err := st.SavePeers(ctx, []peers.Peer{p}); err != nil {
			t.Fatalf("%q: SavePeers: %v", name, err)
		}
		var want []string
		for _, n := range p.Usernames {
			want = append(want, peers.NormalizeUsername(n))
			if got, ok, err := st.PeerByUsername(ctx, n); err != nil || !ok || got.Key != p.Key {
				t.Errorf("PeerByUsername(%q) = %v, %v, %v; want %v", n, got.Key, ok, err, p.Key)
			}
		}
		col := names(p.Key)
		var back []string
		if err := json.Unmarshal([]byte(col), &back); err != nil {
			t.Errorf("%q: the names column %q is not JSON: %v", name, col, err)
		} else if diff := cmp.Diff(want, back); diff != "" {
			t.Errorf("%q: the names column %q (-want +got):\n%s", name, col, diff)
		}
		if d.Arrays {
			var match bool
			if err := db.QueryRowContext(ctx, d.Rebind(`select cast(? as text) ~ cast(? as text)`), col, sqlstore.NamesShape).Scan(&match); err != nil {
				t.Fatal(err)
			} else if !match {
				t.Errorf("%q: the names column %q does not match NamesShape", name, col)
			}
		}

		// A row an older version wrote: encoding/json escaped U+2028, U+2029, <, > and &.
		old, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, d.Rebind(`update mtgo_peers set names = ? where kind = ? and id = ?
			and sid = (select sid from mtgo_session_ids where session = 'usernames')`), string(old), int(p.Key.Kind), p.Key.ID); err != nil {
			t.Fatal(err)
		}
		renamed := p
		renamed.Usernames = []string{fmt.Sprintf("renamed_%d", i)}
		if err := st.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
			t.Fatalf("%q: SavePeers over the older row: %v", name, err)
		}
		for n, found := range map[string]bool{name: false, p.Usernames[1]: false, renamed.Usernames[0]: true} {
			if _, ok, err := st.PeerByUsername(ctx, n); err != nil || ok != found {
				t.Errorf("%q: PeerByUsername(%q) after the rename = %v, %v; want %v", name, n, ok, err, found)
			}
		}
	}
}

// WrongNames checks lookups by username and phone when what the database keeps beside a
// peer's data is readable but wrong (storagetest.WrongNames): the row's names column lists
// another peer's username instead of the peer's own, its phone column another number, and
// index entries name a peer that does not carry their username or phone. A save finds the
// index entries to drop through those columns on PostgreSQL, so it left the peer's old
// usernames and phone indexed, and a lookup followed an entry to a peer without checking
// the peer's data. db is the store's database, with no MTGo tables yet; open opens a
// session on it.
func WrongNames(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	st, err := open("wrongnames")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		q = strings.ReplaceAll(q, "{sid}", `(select sid from mtgo_session_ids where session = 'wrongnames')`)
		if _, err := db.ExecContext(t.Context(), d.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	storagetest.WrongNames(t, st, storagetest.NameDamage{
		Names: func() {
			exec(`update mtgo_peers set names = '["bob"]', phone = '15551' where sid = {sid} and kind = 1 and id = 5`)
		},
		Entry: func(value string, phone bool) {
			table, col := "mtgo_usernames", "username"
			if phone {
				table, col = "mtgo_phones", "phone"
			}
			exec(`insert into `+table+` (sid, `+col+`, kind, id) values ({sid}, ?, 1, 5)
				on conflict (sid, `+col+`) do update set kind = 1, id = 5`, value)
		},
	})
}

// MigrationV4 checks schema migration 4 on db, a database without MTGo tables: channel rows
// written by version 3 load with no pts named (Named 0, their pts delivered state, as that
// version meant), take one after it, and lose it again with a commit without one; on SQLite,
// which keeps 64 bits in any integer column, a pts named outside int32 is ErrCorrupt. open
// opens a session on db, migrating it.
func MigrationV4(t *testing.T, db *sql.DB, d sqlstore.Dialect, open func(name string) (*sqlstore.Store, error)) {
	ctx := t.Context()
	if err := sqlstore.MigrateTo(ctx, db, d, 3); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) error {
		_, err := db.ExecContext(ctx, d.Rebind(q), args...)
		return err
	}
	if err := exec(`insert into mtgo_session_ids (session) values (?)`, "v3"); err != nil {
		t.Fatal(err)
	}
	var sid int64
	if err := db.QueryRowContext(ctx, d.Rebind(`select sid from mtgo_session_ids where session = ?`), "v3").Scan(&sid); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		exec(`insert into mtgo_meta (sid, pts, qts, seq, date) values (?, ?, ?, ?, ?)`, sid, 10, 1, 1, 1000),
		exec(`insert into mtgo_channels (sid, channel, pts) values (?, ?, ?), (?, ?, ?)`, sid, 7, 70, sid, 8, 80),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := open("v3")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	load := func(what string, want []updates.ChannelPts) {
		t.Helper()
		saved, ok, err := st.LoadUpdates(ctx)
		if err != nil || !ok {
			t.Fatalf("%s: LoadUpdates = %v, %v", what, ok, err)
		}
		if diff := cmp.Diff(want, saved.Channels); diff != "" {
			t.Errorf("%s: channels (-want +got):\n%s", what, diff)
		}
	}
	load("migrated", []updates.ChannelPts{{ChannelID: 7, Pts: 70}, {ChannelID: 8, Pts: 80}})
	if err := st.CommitUpdates(ctx, updates.Commit{Channels: []updates.ChannelPts{{ChannelID: 8, Pts: 79, Named: 81}}}); err != nil {
		t.Fatal(err)
	}
	load("a pts named", []updates.ChannelPts{{ChannelID: 7, Pts: 70}, {ChannelID: 8, Pts: 79, Named: 81}})
	if err := st.CommitUpdates(ctx, updates.Commit{Channels: []updates.ChannelPts{{ChannelID: 8, Pts: 81}}}); err != nil {
		t.Fatal(err)
	}
	load("the guess ended", []updates.ChannelPts{{ChannelID: 7, Pts: 70}, {ChannelID: 8, Pts: 81}})

	// PostgreSQL's integer column refuses the number; SQLite keeps it, and the store must
	// not cut it to 32 bits.
	if err := exec(`update mtgo_channels set named = ? where sid = ? and channel = ?`, int64(1)<<40, sid, 7); err != nil {
		return
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = open("v3"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.LoadUpdates(ctx); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("a pts named outside int32: LoadUpdates = %v, want ErrCorrupt", err)
	}
}
