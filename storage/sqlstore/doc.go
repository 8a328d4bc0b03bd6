// Package sqlstore is a storage.Storage on database/sql, shared by the PostgreSQL
// (storage/postgres) and SQLite (storage/sqlite) modules, which supply the driver and a
// Dialect. Many sessions live in one database, keyed by a session name; the schema is
// created and migrated by Open (versioned, idempotent, safe when several processes open at
// once); peers are upserted in multi-row statements, so a batch of a thousand costs a few
// round trips; an update commit (account state and channel pts) is one transaction.
//
// Tables (every one keyed by session first):
//
//	mtgo_schema     (version)                        the schema version
//	mtgo_sessions   (session, dc, data)              session.Session per data center
//	mtgo_meta       (session, home_dc, user_id, bot, pts, qts, seq, date)
//	mtgo_peers      (session, kind, id, access_hash, username, phone, seen, data, names)
//	mtgo_usernames  (session, username, kind, id)    lower-case username -> peer
//	mtgo_phones     (session, phone, kind, id)
//	mtgo_channels   (session, channel, pts)
//	mtgo_records    (session, ns, key, value)
//
// kind is 1 for users, 2 for basic groups, 3 for channels; data holds the whole peer in
// the peers module's binary form, the other columns are there to be queried with SQL; names
// is the JSON array of the peer's lower-case usernames (schema version 2), from which a
// write finds the index entries the peer had.
package sqlstore
