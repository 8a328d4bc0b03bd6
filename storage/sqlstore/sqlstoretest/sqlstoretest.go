// Package sqlstoretest holds the tests of package sqlstore that need a database: the
// backends' packages (storage/postgres, storage/sqlite) run them on theirs.
package sqlstoretest

import (
	"database/sql"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

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
		if err := db.QueryRowContext(ctx, d.Rebind(`select names from mtgo_peers where session = ? and kind = ? and id = ?`),
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
