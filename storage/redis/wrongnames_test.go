package redis

import (
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
)

// TestWrongNames: a username or phone resolves only to a peer whose data carries it,
// whatever the peer_index field and the index entries say (storagetest.WrongNames). A save
// drops a peer's old entries through its peer_index field, so a field listing wrong names
// left the peer's old usernames and phone indexed to it, and a lookup followed an entry to
// the peer without reading its data.
func TestWrongNames(t *testing.T) {
	rdb := server(t)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(t.Context(), keysOf(name)...).Err() })
	ctx := t.Context()
	st, err := Open(ctx, rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hset := func(hash, field, value string) {
		t.Helper()
		if err := rdb.HSet(ctx, st.k(hash), field, value).Err(); err != nil {
			t.Fatal(err)
		}
	}
	storagetest.WrongNames(t, st, storagetest.NameDamage{
		Names: func() { hset("peer_index", "1:5", "u:bob\np:15551\n") },
		Entry: func(value string, phone bool) {
			index := "usernames"
			if phone {
				index = "phones"
			}
			hset(index, value, "1:5")
		},
	})
}
