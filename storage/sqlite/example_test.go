package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
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
