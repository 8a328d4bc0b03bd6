package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

// LoadPeer implements peers.Store.
func (s *Store) LoadPeer(ctx context.Context, k peers.Key) (peers.Peer, bool, error) {
	return s.peerBy(ctx, "load peer", nil, `select kind, id, data from mtgo_peers where sid = ? and kind = ? and id = ?`, s.sid, int(k.Kind), k.ID)
}

// PeerByUsername implements peers.Store (case-insensitive, "@" optional). The index entry
// only leads to a peer: it is the answer if its data carries the username. On PostgreSQL a
// save finds the entries to drop through the row's names column, so a column that lists
// wrong names (by hand or a bug) left the peer's old usernames indexed to it.
func (s *Store) PeerByUsername(ctx context.Context, username string) (peers.Peer, bool, error) {
	name := s.d.textKey(peers.NormalizeUsername(username))
	carries := func(p peers.Peer) bool {
		return slices.ContainsFunc(p.Usernames, func(u string) bool { return s.d.textKey(peers.NormalizeUsername(u)) == name })
	}
	return s.peerBy(ctx, "find peer by username", carries, `select p.kind, p.id, p.data from mtgo_usernames u
		join mtgo_peers p on p.sid = u.sid and p.kind = u.kind and p.id = u.id
		where u.sid = ? and u.username = ?`, s.sid, name)
}

// PeerByPhone implements peers.Store: the peer the index entry leads to, if its data
// carries the phone (PeerByUsername).
func (s *Store) PeerByPhone(ctx context.Context, phone string) (peers.Peer, bool, error) {
	phone = s.d.textKey(phone)
	carries := func(p peers.Peer) bool { return s.d.textKey(p.Phone) == phone }
	return s.peerBy(ctx, "find peer by phone", carries, `select p.kind, p.id, p.data from mtgo_phones u
		join mtgo_peers p on p.sid = u.sid and p.kind = u.kind and p.id = u.id
		where u.sid = ? and u.phone = ?`, s.sid, phone)
}

// ListPeers implements storage.PeerLister: the session's peers, by kind then id. Memory is
// linear in the peers stored.
func (s *Store) ListPeers(ctx context.Context) ([]peers.Peer, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	defer s.leave()
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`select kind, id, data from mtgo_peers where sid = ? order by kind, id`), s.sid)
	if err != nil {
		return nil, s.wrap("list peers", err)
	}
	defer rows.Close()
	var out []peers.Peer
	for rows.Next() {
		var (
			kind, id int64
			data     []byte
		)
		if err := rows.Scan(&kind, &id, &data); err != nil {
			return nil, s.wrap("list peers", err)
		}
		p, err := s.decodePeer("list peers", kind, id, data)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list peers", err)
	}
	return out, nil
}

// DeletePeer implements storage.PeerDeleter: the peer's row and the username and phone
// entries that still name it go in one transaction; a missing peer is not an error.
func (s *Store) DeletePeer(ctx context.Context, k peers.Key) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	key := []any{s.sid, int(k.Kind), k.ID}
	both := append(slices.Clone(key), key...)
	// The username entries are the ones that name the peer. SQLite finds them through its
	// per-peer index; PostgreSQL has none (schema version 2), so they are found from the
	// peer's row (its names and phone) and deleted by primary key, except for a row whose
	// names column is damaged: then the session's entries are searched.
	stmts := []Stmt{{`delete from mtgo_usernames where sid = ? and kind = ? and id = ?`, key}}
	if s.d.Arrays {
		stmts = []Stmt{
			{`delete from mtgo_usernames where sid = ? and kind = ? and id = ? and username in
				(select json_array_elements_text(case when p.names ~ ? then p.names::json else '[]' end)
				from mtgo_peers p where p.sid = ? and p.kind = ? and p.id = ?)`, append(append(slices.Clone(key), NamesShape), key...)},
			{`delete from mtgo_usernames where sid = ? and kind = ? and id = ? and exists
				(select from mtgo_peers p where p.sid = ? and p.kind = ? and p.id = ? and p.names !~ ?)`, append(slices.Clone(both), NamesShape)},
		}
	}
	stmts = append(stmts, []Stmt{
		{`delete from mtgo_phones where sid = ? and kind = ? and id = ? and phone in
			(select p.phone from mtgo_peers p where p.sid = ? and p.kind = ? and p.id = ?)`, both},
		{`delete from mtgo_peers where sid = ? and kind = ? and id = ?`, key},
	}...)
	return s.write(ctx, "delete peer "+k.String(), stmts)
}

var (
	_ storage.PeerLister  = (*Store)(nil)
	_ storage.PeerDeleter = (*Store)(nil)
)

// peerBy answers the peer of the row q selects (kind, id, data), if it is one carries accepts
// (nil accepts any).
func (s *Store) peerBy(ctx context.Context, op string, carries func(peers.Peer) bool, q string, args ...any) (peers.Peer, bool, error) {
	if err := s.enter(ctx); err != nil {
		return peers.Peer{}, false, err
	}
	defer s.leave()
	if s.noPeers.Load() && !s.peersSaved.Load() {
		return peers.Peer{}, false, nil
	}
	var (
		kind, id int64
		data     []byte
	)
	err := s.db.QueryRowContext(ctx, s.d.rebind(q), args...).Scan(&kind, &id, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return peers.Peer{}, false, nil
	}
	if err != nil {
		return peers.Peer{}, false, s.wrap(op, err)
	}
	p, err := s.decodePeer(op, kind, id, data)
	if err != nil || carries != nil && !carries(p) {
		return peers.Peer{}, false, err
	}
	return p, true, nil
}

// decodePeer decodes the data of the peer row keyed kind and id: a peer under another key
// is a damaged row (a message meant for the row's peer would go to that one), not an
// answer.
func (s *Store) decodePeer(op string, kind, id int64, data []byte) (peers.Peer, error) {
	var p peers.Peer
	if err := p.UnmarshalBinary(data); err != nil {
		return peers.Peer{}, fmt.Errorf("%w: %s storage: %s: %w", storage.ErrCorrupt, s.d.Name, op, err)
	}
	if int64(p.Kind) != kind || p.ID != id {
		return peers.Peer{}, fmt.Errorf("%w: %s storage: %s: the row of peer %d:%d holds %v", storage.ErrCorrupt, s.d.Name, op, kind, id, p.Key)
	}
	return p, nil
}

// NamesShape is a PostgreSQL regular expression (Go's regexp reads it the same) that only a
// names column json_array_elements_text reads matches: a JSON array of strings whose
// escapes are the short ones and \u of ASCII other than zero (PostgreSQL's text holds no
// zero byte, and other escapes need a UTF-8 database). Every column the store writes on
// PostgreSQL matches; a column damaged by hand or a bug, which would fail the statement
// reading it, may not, and a writer then looks for the peer's entries without it (a scan of
// the session's username index). `select ... where names !~ NamesShape` finds such rows.
const NamesShape = `^[ \t\n\r]*\[[ \t\n\r]*(?:` + jsonString + `(?:[ \t\n\r]*,[ \t\n\r]*` + jsonString + `)*[ \t\n\r]*)?\][ \t\n\r]*$`

// jsonString is NamesShape's JSON string.
const jsonString = `"(?:[^"\\\x01-\x1f]|\\["\\/bfnrt]|\\u00(?:0[1-9a-fA-F]|[1-7][0-9a-fA-F]))*"`

// peerColumns is how many parameters one peer row takes.
const peerColumns = 9

// arrayPart bounds the peers of one set of array statements.
const arrayPart = 5000

// SavePeers implements peers.Store: one transaction, a few multi-row statements per few
// hundred peers. Invalid peers are skipped; a peer given twice keeps its last version.
func (s *Store) SavePeers(ctx context.Context, ps []peers.Peer) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.leave()
	batch := lastPerKey(ps)
	if len(batch) == 0 {
		return nil
	}
	s.peersSaved.Store(true)
	rows := peerCols{data: make([][]byte, len(batch)), usernames: make([][]string, len(batch)), names: make([]string, len(batch))}
	for i, p := range batch {
		data, err := p.MarshalBinary()
		if err != nil {
			return fmt.Errorf("%s storage: save peers: %v: %w", s.d.Name, p.Key, err)
		}
		norm := normalizedNames(p)
		if s.d.TextUTF8 {
			// The text columns and index entries hold the stored forms (textKey); data
			// holds the peer as it is. batch is lastPerKey's copy: its slices are new here.
			for j := range norm {
				norm[j] = s.d.textKey(norm[j])
			}
			names := make([]string, len(p.Usernames))
			for j, n := range p.Usernames {
				names[j] = s.d.textKey(n)
			}
			batch[i].Usernames, batch[i].Phone = names, s.d.textKey(p.Phone)
		}
		rows.data[i], rows.usernames[i], rows.names[i] = data, norm, namesColumn(norm)
	}
	part, save := max(s.d.MaxParams/peerColumns, 1), s.peerRows
	if s.d.Arrays {
		part, save = arrayPart, s.peerArrays
	}
	var stmts []Stmt
	for start := 0; start < len(batch); start += part {
		end := min(start+part, len(batch))
		stmts = save(stmts, batch[start:end], rows.part(start, end))
	}
	return s.write(ctx, "save peers", stmts)
}

// peerCols is what the rows of a batch's peers store beside their keys and plain columns, a
// slice per column (peerArrays binds data and names as they are): their encodings and their
// normalized usernames, as a JSON array in the names column.
type peerCols struct {
	data      [][]byte
	usernames [][]string // normalized
	names     []string
}

// part returns the columns of the peers start to end.
func (c peerCols) part(start, end int) peerCols {
	return peerCols{data: c.data[start:end], usernames: c.usernames[start:end], names: c.names[start:end]}
}

// namesColumn returns the names column of a peer with the normalized usernames names: their
// JSON array, with only the escapes JSON requires (quote, backslash, bytes below 0x20) and
// every other character as it is, so that every column it writes for PostgreSQL matches
// NamesShape (a zero byte, written \u0000, never reaches PostgreSQL: see Dialect.textKey).
// encoding/json also escaped U+2028, U+2029, '<', '>' and '&': NamesShape refused the
// first two, and every save of such a peer scanned the session's username index. Bytes that
// are not UTF-8 become U+FFFD, as encoding/json wrote them.
func namesColumn(names []string) string {
	size := 2 + 3*len(names)
	for _, n := range names {
		size += len(n)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, n)
	}
	b.WriteByte(']')
	return b.String()
}

// writeJSONString writes s to b as a JSON string, escaping only what JSON requires.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	done := 0 // s[:done] is written
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b.WriteString(s[done:i])
			b.WriteString("\ufffd")
			i++
			done = i
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b.WriteString(s[done:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
		i++
		done = i
	}
	b.WriteString(s[done:])
	b.WriteByte('"')
}

// normalizedNames returns p's usernames as the index keys them.
func normalizedNames(p peers.Peer) []string {
	out := make([]string, len(p.Usernames))
	for i, n := range p.Usernames {
		out[i] = peers.NormalizeUsername(n)
	}
	return out
}

// peerRows appends the statements saving ps with one row of parameters per peer or index
// entry.
func (s *Store) peerRows(stmts []Stmt, ps []peers.Peer, rows peerCols) []Stmt {
	// Forget the usernames and phones these peers had (through the per-peer indexes these
	// dialects keep): the new ones follow.
	byKind := map[peers.Kind][]any{}
	var kinds []peers.Kind
	for _, p := range ps {
		if _, ok := byKind[p.Kind]; !ok {
			kinds = append(kinds, p.Kind)
		}
		byKind[p.Kind] = append(byKind[p.Kind], p.ID)
	}
	for _, kind := range kinds {
		ids := byKind[kind]
		for _, table := range []string{"mtgo_usernames", "mtgo_phones"} {
			q := `delete from ` + table + ` where sid = ? and kind = ? and id in (` + placeholders(len(ids), 1) + `)`
			stmts = append(stmts, Stmt{q, append([]any{s.sid, int(kind)}, ids...)})
		}
	}
	args := make([]any, 0, peerColumns*len(ps))
	for i, p := range ps {
		first := ""
		if len(p.Usernames) > 0 {
			first = p.Usernames[0]
		}
		args = append(args, s.sid, int(p.Kind), p.ID, p.AccessHash, first, p.Phone, unixNano(p.Seen), rows.data[i], rows.names[i])
	}
	q := `insert into mtgo_peers (sid, kind, id, access_hash, username, phone, seen, data, names) values ` + placeholders(len(ps), peerColumns) +
		` on conflict (sid, kind, id) do update set access_hash = excluded.access_hash, username = excluded.username,
		phone = excluded.phone, seen = excluded.seen, data = excluded.data, names = excluded.names`
	stmts = append(stmts, Stmt{q, args})
	names, phones := indexes(ps, rows)
	for _, ix := range []struct {
		table, col string
		entries    []indexEntry
	}{{"mtgo_usernames", "username", names}, {"mtgo_phones", "phone", phones}} {
		for _, part := range chunks(ix.entries, s.d.MaxParams/4) {
			args := make([]any, 0, 4*len(part))
			for _, e := range part {
				args = append(args, s.sid, e.value, int(e.key.Kind), e.key.ID)
			}
			q := `insert into ` + ix.table + ` (sid, ` + ix.col + `, kind, id) values ` + placeholders(len(part), 4) +
				` on conflict (sid, ` + ix.col + `) do update set kind = excluded.kind, id = excluded.id`
			stmts = append(stmts, Stmt{q, args})
		}
	}
	return stmts
}

// indexes lists the username and phone index entries of ps (rows hold their normalized
// usernames): a name or phone given to several peers goes to the last one, as if the peers
// were saved one by one.
func indexes(ps []peers.Peer, rows peerCols) (names, phones []indexEntry) {
	return indexOf(ps, func(i int, _ peers.Peer) []string { return rows.usernames[i] }), indexOf(ps, func(_ int, p peers.Peer) []string {
		if p.Phone == "" {
			return nil
		}
		return []string{p.Phone}
	})
}

// peerArrays is peerRows with array parameters: one statement whatever the number of peers.
// A peer saved unchanged is not rewritten, and an index entry is rewritten only when it moves
// or goes: most peers of a batch are ones seen before, and every row or index entry not
// rewritten is write-ahead log and index maintenance saved. The statement's parts all read
// the snapshot it started with and must not modify a row twice, so they touch disjoint rows:
// an entry is deleted only when no peer of the batch has its value, and upserted only when
// one has. The entries to delete are the ones the peers' old rows list (names and phone)
// that still name them, found by primary key. The dialect must number its placeholders.
func (s *Store) peerArrays(stmts []Stmt, ps []peers.Peer, rows peerCols) []Stmt {
	n := len(ps)
	kinds, ids, hashes, seen := make([]int16, n), make([]int64, n), make([]int64, n), make([]int64, n)
	first, phone := make([]string, n), make([]string, n)
	for i, p := range ps {
		kinds[i], ids[i], hashes[i], seen[i], phone[i] = int16(p.Kind), p.ID, p.AccessHash, unixNano(p.Seen), p.Phone
		if len(p.Usernames) > 0 {
			first[i] = p.Usernames[0]
		}
	}
	args := []any{s.sid, kinds, ids, hashes, first, phone, seen, rows.data, rows.names}
	un, ph := indexes(ps, rows)
	for _, entries := range [][]indexEntry{un, ph} {
		vals, ks, is := make([]string, len(entries)), make([]int16, len(entries)), make([]int64, len(entries))
		for i, e := range entries {
			vals[i], ks[i], is[i] = e.value, int16(e.key.Kind), e.key.ID
		}
		args = append(args, vals, ks, is)
	}
	args = append(args, NamesShape)
	return append(stmts, Stmt{"set local enable_seqscan = off", nil}, Stmt{peerArraysQuery, args})
}

// peerArrays' statement runs with sequential scans off (for its transaction only): its
// deletes take the rows whose ctids the lookups found, a Tid Scan, but a plan made while the
// tables were small (and PostgreSQL keeps the plan of a prepared statement) scans the whole
// table for them instead, for every batch after, however large the table grows.
//
// peerArraysQuery is peerArrays' statement: $1 is the session, $2 to $9 the peers' columns,
// $10 to $12 and $13 to $15 the username and phone index entries (value, kind, id), $16
// NamesShape. The lateral subqueries (fenced by offset 0) read each peer's old row, and then
// the entries it lists, by primary key whatever the table statistics say, so a batch costs
// the same in a session of any size; only peers whose names or phone changed have entries
// looked up. An old row whose names column is damaged (not NamesShape) lists none: the
// entries naming its peer are searched among the session's, and the row is rewritten even
// when its data is unchanged.
var peerArraysQuery = `with n (kind, id, access_hash, username, phone, seen, data, names) as (
		select * from unnest($2::smallint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::bytea[], $9::text[])),
	un (v, kind, id) as (select * from unnest($10::text[], $11::smallint[], $12::bigint[])),
	ph (v, kind, id) as (select * from unnest($13::text[], $14::smallint[], $15::bigint[])),
	o as materialized (select n.kind, n.id, t.phone, t.names, t.names ~ $16::text as ok from n, lateral (select x.phone, x.names from mtgo_peers x
			where x.sid = $1::integer and x.kind = n.kind and x.id = n.id and (x.names <> n.names or x.phone <> n.phone) offset 0) t),
	p as (insert into mtgo_peers (sid, kind, id, access_hash, username, phone, seen, data, names)
		select $1::integer, * from n
		on conflict (sid, kind, id) do update set access_hash = excluded.access_hash, username = excluded.username,
		phone = excluded.phone, seen = excluded.seen, data = excluded.data, names = excluded.names
		where mtgo_peers.data <> excluded.data or mtgo_peers.names <> excluded.names),
	du as (delete from mtgo_usernames where ctid = any(array(
		select t.ctid from o, json_array_elements_text(case when o.ok then o.names::json else '[]' end) j (v),
			lateral (select ctid from mtgo_usernames x
			where x.sid = $1::integer and x.username = j.v and x.kind = o.kind and x.id = o.id offset 0) t
		where j.v not in (select v from un)
		union all
		select t.ctid from o, lateral (select ctid, username from mtgo_usernames x
			where x.sid = $1::integer and x.kind = o.kind and x.id = o.id offset 0) t
		where not o.ok and t.username not in (select v from un)))),
	dp as (delete from mtgo_phones where ctid = any(array(
		select t.ctid from o, lateral (select ctid from mtgo_phones x
			where x.sid = $1::integer and x.phone = o.phone and x.kind = o.kind and x.id = o.id offset 0) t
		where o.phone <> '' and o.phone not in (select v from ph)))),
	iu as (insert into mtgo_usernames (sid, username, kind, id) select $1::integer, * from un
		on conflict (sid, username) do update set kind = excluded.kind, id = excluded.id
		where (mtgo_usernames.kind, mtgo_usernames.id) <> (excluded.kind, excluded.id))
	insert into mtgo_phones (sid, phone, kind, id) select $1::integer, * from ph
	on conflict (sid, phone) do update set kind = excluded.kind, id = excluded.id
	where (mtgo_phones.kind, mtgo_phones.id) <> (excluded.kind, excluded.id)`

type indexEntry struct {
	value string
	key   peers.Key
}

// indexOf lists value -> peer, the last peer winning a value several give.
func indexOf(ps []peers.Peer, values func(int, peers.Peer) []string) []indexEntry {
	var all []indexEntry
	for i, p := range ps {
		for _, v := range values(i, p) {
			all = append(all, indexEntry{value: v, key: p.Key})
		}
	}
	return lastOf(all, func(e indexEntry) (string, bool) { return e.value, e.value != "" })
}

// lastPerKey drops invalid peers and keeps each key's last version.
func lastPerKey(ps []peers.Peer) []peers.Peer {
	return lastOf(ps, func(p peers.Peer) (peers.Key, bool) { return p.Key, p.Valid() })
}

// lastOf keeps, for each key, the last element given with it, at the place of the key's
// first appearance; elements whose key is not ok are dropped. A multi-row upsert may not
// touch a row twice, and saving one by one would leave the last version.
func lastOf[T any, K comparable](xs []T, key func(T) (K, bool)) []T {
	at := make(map[K]int, len(xs))
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		k, ok := key(x)
		if !ok {
			continue
		}
		if i, seen := at[k]; seen {
			out[i] = x
			continue
		}
		at[k] = len(out)
		out = append(out, x)
	}
	return out
}
