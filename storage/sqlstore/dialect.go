package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Dialect is what differs between databases.
type Dialect struct {
	// Name names the database in errors ("postgres", "sqlite").
	Name string
	// Types fills the schema's {blob}, {bigint} and {bool} placeholders.
	Blob, Bigint, Bool string
	// SessionID is the type of the session number column of mtgo_session_ids, generated
	// on insert (the schema's {session id}): "integer primary key" in SQLite.
	SessionID string
	// KeyCollate follows the text key columns (session names, usernames, phones, record
	// names): a collation comparing bytes (PostgreSQL's ` collate "C"`), or empty where
	// that is the default (SQLite).
	KeyCollate string
	// RenameIndex, when set, is the statement renaming an index (a format of the old and
	// new names): PostgreSQL's primary key indexes keep their names when their table is
	// renamed, and schema version 3 renames tables.
	RenameIndex string
	// JSONAgg is the aggregate building a JSON array of its text arguments ("json_agg",
	// SQLite's "json_group_array"): the schema's {jsonagg}.
	JSONAgg string
	// Numbered placeholders ($1, $2, ...) instead of '?'.
	Numbered bool
	// MaxParams bounds the parameters of one statement.
	MaxParams int
	// Lock takes the session lock of name in db for the store's lifetime (ErrSessionInUse
	// when another holds it), as a Lease the store watches (Options.Lock takes precedence).
	// Nil: no lock.
	Lock func(ctx context.Context, db *sql.DB, name string) (Lease, error)
	// MigrationLock serializes schema migrations of concurrent Opens inside tx; nil when
	// the database serializes them itself.
	MigrationLock func(ctx context.Context, tx *sql.Tx) error
	// Arrays: the driver binds Go slices as arrays and the database has unnest (PostgreSQL),
	// so batches are written with a fixed number of parameters instead of one per value.
	Arrays bool
	// Pipeline, when set, runs stmts (placeholders already numbered) as one transaction in
	// a single round trip (PostgreSQL's pipeline mode): peer batches and update commits use
	// it instead of a database/sql transaction of a round trip per statement.
	Pipeline func(ctx context.Context, db *sql.DB, stmts []Stmt) error
	// SingleWriter serializes the store's writes in the process (SQLite has one writer;
	// queueing in Go beats SQLite's busy waiting).
	SingleWriter bool
	// TextUTF8: text columns take UTF-8 without a zero byte only (PostgreSQL). Usernames,
	// phones (from the network) and record names (from the program) that are not are
	// stored escaped (textKey), so that one such value neither fails its write (a peer
	// batch with it) nor meets another.
	TextUTF8 bool
	// Sync, when set, runs at Store.Save: what the database needs beyond its commits to hold
	// every write (storage/sqlite checkpoints its write-ahead log into the file). Commits
	// must be durable already: storage.Storage promises a write durable when it returns.
	Sync func(ctx context.Context, db *sql.DB) error
	// IsCorrupt reports driver errors that mean the database is not one (SQLite's "file is
	// not a database"); Open then reports ErrCorrupt.
	IsCorrupt func(error) bool
}

// textEscape starts a text key stored escaped (Dialect.TextUTF8): it is followed by the hex
// of the value. A value starting with it is escaped too, so two values never meet.
const textEscape = "\x01"

// textKey is the form of v stored in a text key column: v itself, unless the dialect takes
// UTF-8 without zero bytes only and v is not that (or starts with textEscape), in which
// case textEscape and v's hex.
func (d Dialect) textKey(v string) string {
	if !d.TextUTF8 || utf8.ValidString(v) && strings.IndexByte(v, 0) < 0 && !strings.HasPrefix(v, textEscape) {
		return v
	}
	return textEscape + hex.EncodeToString([]byte(v))
}

// Rebind turns the '?' placeholders of q into the dialect's.
func (d Dialect) Rebind(q string) string { return d.rebind(q) }

// rebind turns '?' placeholders into $n for numbered dialects.
func (d Dialect) rebind(q string) string {
	if !d.Numbered {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// schema fills the type placeholders of a migration.
func (d Dialect) schema(q string) string {
	// The array statement finds a peer's index entries from its row; the row-by-row
	// statements delete them through the per-peer indexes, which those dialects keep.
	dropPeerIndexes, peerIndexes := "", `create index mtgo_usernames_peer on mtgo_usernames (sid, kind, id);
		create index mtgo_phones_peer on mtgo_phones (sid, kind, id)`
	if d.Arrays {
		dropPeerIndexes, peerIndexes = "drop index mtgo_usernames_peer; drop index mtgo_phones_peer", ""
	}
	// Version 3 builds each table beside the old one and renames it.
	var keyNames strings.Builder
	if d.RenameIndex != "" {
		for _, t := range sessionTables {
			fmt.Fprintf(&keyNames, "; "+d.RenameIndex, t+"_v3_pkey", t+"_pkey")
		}
	}
	return strings.NewReplacer("{blob}", d.Blob, "{bigint}", d.Bigint, "{bool}", d.Bool, "{jsonagg}", d.JSONAgg,
		"{session id}", d.SessionID, "{key}", d.KeyCollate,
		"{drop peer indexes}", dropPeerIndexes, "{peer indexes}", peerIndexes, "{key names}", keyNames.String()).Replace(q)
}

// migrations bring the schema from version i to i+1. Never edit one that shipped: add one.
var migrations = []string{
	`create table mtgo_sessions (
		session text not null, dc integer not null, data {blob} not null,
		primary key (session, dc));
	create table mtgo_meta (
		session text primary key, home_dc integer not null default 0,
		user_id {bigint} not null default 0, bot {bool} not null default false,
		pts integer, qts integer, seq integer, date integer);
	create table mtgo_peers (
		session text not null, kind smallint not null, id {bigint} not null,
		access_hash {bigint} not null, username text not null, phone text not null,
		seen {bigint} not null, data {blob} not null,
		primary key (session, kind, id));
	create table mtgo_usernames (
		session text not null, username text not null, kind smallint not null, id {bigint} not null,
		primary key (session, username));
	create index mtgo_usernames_peer on mtgo_usernames (session, kind, id);
	create table mtgo_phones (
		session text not null, phone text not null, kind smallint not null, id {bigint} not null,
		primary key (session, phone));
	create index mtgo_phones_peer on mtgo_phones (session, kind, id);
	create table mtgo_channels (
		session text not null, channel {bigint} not null, pts integer not null,
		primary key (session, channel));
	create table mtgo_records (
		session text not null, ns text not null, key text not null, value {blob} not null,
		primary key (session, ns, key))`,
	// Version 2: each peer's row lists its usernames (a JSON array of the normalized names,
	// beside the phone it has already), so a write finds the index entries to drop from the
	// row and deletes them by primary key: with Arrays (PostgreSQL) the per-peer indexes, a
	// third of a new peer's index maintenance, go. SQLite keeps them: reading the names
	// back with json_each cost it more than the indexes.
	`alter table mtgo_peers add column names text not null default '[]';
	update mtgo_peers set names = coalesce((select cast({jsonagg}(u.username) as text) from mtgo_usernames u
		where u.session = mtgo_peers.session and u.kind = mtgo_peers.kind and u.id = mtgo_peers.id), '[]');
	{drop peer indexes}`,
	// Version 3: every table is keyed by a number for the session instead of its name
	// (mtgo_session_ids maps one to the other), and text keys compare bytes. Key
	// comparisons are most of what a peer batch costs PostgreSQL (thousands of index
	// probes, each comparing keys a dozen times), and a leading integer compares in one
	// step where a name took a collation-aware string comparison; 17.5 -> 14.4 ms of
	// server CPU per 1 000-peer batch. Each table is copied once, in the one transaction.
	`create table mtgo_session_ids (sid {session id}, session text{key} not null unique);
	insert into mtgo_session_ids (session)
		select session from mtgo_sessions union select session from mtgo_meta union select session from mtgo_peers
		union select session from mtgo_usernames union select session from mtgo_phones
		union select session from mtgo_channels union select session from mtgo_records;
	create table mtgo_sessions_v3 (
		sid integer not null, dc integer not null, data {blob} not null,
		primary key (sid, dc));
	insert into mtgo_sessions_v3 select i.sid, t.dc, t.data from mtgo_sessions t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_meta_v3 (
		sid integer primary key, home_dc integer not null default 0,
		user_id {bigint} not null default 0, bot {bool} not null default false,
		pts integer, qts integer, seq integer, date integer);
	insert into mtgo_meta_v3 select i.sid, t.home_dc, t.user_id, t.bot, t.pts, t.qts, t.seq, t.date
		from mtgo_meta t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_peers_v3 (
		sid integer not null, kind smallint not null, id {bigint} not null,
		access_hash {bigint} not null, username text not null, phone text not null,
		seen {bigint} not null, data {blob} not null, names text not null default '[]',
		primary key (sid, kind, id));
	insert into mtgo_peers_v3 select i.sid, t.kind, t.id, t.access_hash, t.username, t.phone, t.seen, t.data, t.names
		from mtgo_peers t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_usernames_v3 (
		sid integer not null, username text{key} not null, kind smallint not null, id {bigint} not null,
		primary key (sid, username));
	insert into mtgo_usernames_v3 select i.sid, t.username, t.kind, t.id from mtgo_usernames t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_phones_v3 (
		sid integer not null, phone text{key} not null, kind smallint not null, id {bigint} not null,
		primary key (sid, phone));
	insert into mtgo_phones_v3 select i.sid, t.phone, t.kind, t.id from mtgo_phones t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_channels_v3 (
		sid integer not null, channel {bigint} not null, pts integer not null,
		primary key (sid, channel));
	insert into mtgo_channels_v3 select i.sid, t.channel, t.pts from mtgo_channels t join mtgo_session_ids i on i.session = t.session;
	create table mtgo_records_v3 (
		sid integer not null, ns text{key} not null, key text{key} not null, value {blob} not null,
		primary key (sid, ns, key));
	insert into mtgo_records_v3 select i.sid, t.ns, t.key, t.value from mtgo_records t join mtgo_session_ids i on i.session = t.session;
	drop table mtgo_sessions; drop table mtgo_meta; drop table mtgo_peers; drop table mtgo_usernames;
	drop table mtgo_phones; drop table mtgo_channels; drop table mtgo_records;
	alter table mtgo_sessions_v3 rename to mtgo_sessions; alter table mtgo_meta_v3 rename to mtgo_meta;
	alter table mtgo_peers_v3 rename to mtgo_peers; alter table mtgo_usernames_v3 rename to mtgo_usernames;
	alter table mtgo_phones_v3 rename to mtgo_phones; alter table mtgo_channels_v3 rename to mtgo_channels;
	alter table mtgo_records_v3 rename to mtgo_records{key names};
	{peer indexes}`,
	// Version 4: a channel's row keeps the pts an updateChannelTooLong named with a guessed
	// start (updates.ChannelPts.Named), 0 when its pts is delivered state, as every row
	// written before.
	`alter table mtgo_channels add column named integer not null default 0`,
}

// sessionTables are the tables holding a session's rows, keyed by its number first.
var sessionTables = []string{"mtgo_sessions", "mtgo_meta", "mtgo_peers", "mtgo_usernames", "mtgo_phones", "mtgo_channels", "mtgo_records"}

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)
