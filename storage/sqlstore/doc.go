// Package sqlstore is a storage.Storage on database/sql, shared by the PostgreSQL
// (storage/postgres) and SQLite (storage/sqlite) modules, which supply the driver and a
// Dialect. Many sessions live in one database, each with a name and a number; the schema is
// created and migrated by Open (versioned, idempotent, safe when several processes open at
// once); peers are upserted in multi-row statements, so a batch of a thousand costs a few
// round trips; an update commit (account state and channel pts) is one transaction.
//
// Tables (schema version 4; every one after mtgo_session_ids keyed by the session's number
// first):
//
//	mtgo_schema      (version)                        the schema version
//	mtgo_session_ids (sid, session)                   a number for each session name
//	mtgo_sessions    (sid, dc, data)                  session.Session per data center
//	mtgo_meta        (sid, home_dc, user_id, bot, pts, qts, seq, date)
//	mtgo_peers       (sid, kind, id, access_hash, username, phone, seen, data, names)
//	mtgo_usernames   (sid, username, kind, id)        lower-case username -> peer
//	mtgo_phones      (sid, phone, kind, id)
//	mtgo_channels    (sid, channel, pts, named)          named: updates.ChannelPts.Named (version 4)
//	mtgo_records     (sid, ns, key, value)
//
// To read a session's peers with SQL: select p.* from mtgo_peers p join mtgo_session_ids i
// on i.sid = p.sid where i.session = 'main'.
//
// kind is 1 for users, 2 for basic groups, 3 for channels; data holds the whole peer in
// the peers module's binary form, the other columns are there to be queried with SQL; names
// is the JSON array of the peer's lower-case usernames (schema version 2), from which a
// write finds the index entries the peer had.
package sqlstore
