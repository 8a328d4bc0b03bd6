package session_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
)

// A logged-in session is saved as one printable string and restored from it later, for example
// from an environment variable on another machine. The string holds the auth key: treat it like
// a password.
func ExampleExportString() {
	key := make([]byte, session.AuthKeySize)
	if _, err := io.ReadFull(crypto.NewDeterministicReader(7), key); err != nil {
		panic(err)
	}
	saved := session.Session{
		DC:      2,
		Addr:    "149.154.167.51:443",
		AuthKey: key,
		Salt:    12345, // not carried: learned again on the next connection
		UserID:  777000,
	}

	str, err := session.ExportString(saved)
	if err != nil {
		panic(err)
	}
	fmt.Println("prefix:", strings.HasPrefix(str, "mtgo"))

	restored, err := session.ImportString(str)
	if err != nil {
		panic(err)
	}
	fmt.Println("dc:", restored.DC, "addr:", restored.Addr, "user:", restored.UserID)
	fmt.Println("same key:", bytes.Equal(restored.AuthKey, saved.AuthKey), "has key:", restored.HasKey())
	fmt.Println("salt:", restored.Salt)

	// A damaged string is refused rather than restored with a wrong key.
	damaged := str[:len(str)-1] + string(str[len(str)-1]^1)
	_, err = session.ImportString(damaged)
	fmt.Println("damaged string refused:", err != nil)

	// Output:
	// prefix: true
	// dc: 2 addr: 149.154.167.51:443 user: 777000
	// same key: true has key: true
	// salt: 0
	// damaged string refused: true
}
