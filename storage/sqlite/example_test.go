package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
	"github.com/mtgo-labs/mtgo/storage/sqlstore"
)

// A session is saved in a SQLite file and read back after the store was closed, as a client
// does across restarts (a program sets the store as mtgo.Config.Storage and the client
// saves and loads it itself). While a store holds a session, a second Open of it is refused.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "mtgo-sqlite-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bot.db")
	ctx := context.Background()

	st, err := sqlite.Open(ctx, path, "main") // creates the file and its tables
	if err != nil {
		log.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, 256) // the auth key the client exchanged with the DC
	if err := st.SaveSession(ctx, session.Session{DC: 2, Addr: "149.154.167.50:443", AuthKey: key}); err != nil {
		log.Fatal(err)
	}
	if err := st.SetHomeDC(ctx, 2); err != nil {
		log.Fatal(err)
	}
	if err := st.SetIdentity(ctx, storage.Identity{UserID: 777000, Bot: true}); err != nil {
		log.Fatal(err)
	}
	_, err = sqlite.Open(ctx, path, "main")
	fmt.Println("second open while held:", errors.Is(err, storage.ErrSessionInUse))
	if err := st.Close(); err != nil {
		log.Fatal(err)
	}

	st, err = sqlite.Open(ctx, path, "main")
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	home, err := st.HomeDC(ctx)
	if err != nil {
		log.Fatal(err)
	}
	s, err := st.LoadSession(ctx, home)
	if err != nil {
		log.Fatal(err)
	}
	id, err := st.Identity(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("home DC:", home, "address:", s.Addr, "same key:", bytes.Equal(s.AuthKey, key))
	fmt.Println("logged in as", id.UserID, "bot:", id.Bot)
	_, err = st.LoadSession(ctx, 4)
	fmt.Println("DC 4 has no session:", errors.Is(err, session.ErrNoSession))
	// Output:
	// second open while held: true
	// home DC: 2 address: 149.154.167.50:443 same key: true
	// logged in as 777000 bot: true
	// DC 4 has no session: true
}

// A program that has its own database handle opens sessions in it with sqlstore.Open and
// this dialect (without Open's lock file: the program must make sure one process at a time
// runs a session), and reads the stored data with SQL.
func ExampleDialect() {
	dir, err := os.MkdirTemp("", "mtgo-sqlite-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db")) // the driver storage/sqlite registers
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	for i, name := range []string{"shop-1", "shop-2"} {
		st, err := sqlstore.Open(ctx, db, sqlite.Dialect, name, sqlstore.Options{})
		if err != nil {
			log.Fatal(err)
		}
		if err := st.SetHomeDC(ctx, 2+i); err != nil {
			log.Fatal(err)
		}
		if err := st.Close(); err != nil { // leaves db open (no Options.CloseDB)
			log.Fatal(err)
		}
	}

	rows, err := db.QueryContext(ctx, `select i.session, m.home_dc from mtgo_meta m
		join mtgo_session_ids i on i.sid = m.sid order by i.session`)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var dc int
		if err := rows.Scan(&name, &dc); err != nil {
			log.Fatal(err)
		}
		fmt.Println(name, "lives on DC", dc)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// shop-1 lives on DC 2
	// shop-2 lives on DC 3
}
