package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Dialect is what differs between databases.
type Dialect struct {
	// Name names the database in errors ("postgres", "sqlite").
	Name string
	// Types fills the schema's {blob}, {bigint} and {bool} placeholders.
	Blob, Bigint, Bool string
	// JSONAgg is the aggregate building a JSON array of its text arguments ("json_agg",
	// SQLite's "json_group_array"): the schema's {jsonagg}.
	JSONAgg string
	// Numbered placeholders ($1, $2, ...) instead of '?'.
	Numbered bool
	// MaxParams bounds the parameters of one statement.
	MaxParams int
	// Lock takes the session lock of name for the store's lifetime (ErrSessionInUse when
	// another holds it); the returned function releases it. Nil: no lock.
	Lock func(ctx context.Context, db *sql.DB, name string) (release func() error, err error)
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
	// IsCorrupt reports driver errors that mean the database is not one (SQLite's "file is
	// not a database"); Open then reports ErrCorrupt.
	IsCorrupt func(error) bool
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
	dropPeerIndexes := ""
	if d.Arrays {
		dropPeerIndexes = "drop index mtgo_usernames_peer; drop index mtgo_phones_peer"
	}
	return strings.NewReplacer("{blob}", d.Blob, "{bigint}", d.Bigint, "{bool}", d.Bool, "{jsonagg}", d.JSONAgg,
		"{drop peer indexes}", dropPeerIndexes).Replace(q)
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
}

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)
