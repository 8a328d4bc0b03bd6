package strings_test

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"

	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

// Export writes MTGo's own session string; Import reads it back, and also reads the strings of
// Pyrogram, Telethon, GramJS and mtcute, telling the format by its shape.
func ExampleImport() {
	key := make([]byte, 256)
	for i := range key {
		key[i] = byte(i) // a real key comes from the key exchange
	}

	s, err := sessionstrings.Export(sessionstrings.Data{DC: 2, Addr: "149.154.167.51:443", AuthKey: key, UserID: 42})
	if err != nil {
		panic(err)
	}
	d, err := sessionstrings.Import(s)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Format, d.DC, d.Addr, d.UserID)

	// A Telethon StringSession: '1' and the URL-safe base64 of dc_id, IPv4 address, port and key,
	// as Telethon's StringSession.save writes it.
	record := []byte{4, 149, 154, 167, 91}
	record = binary.BigEndian.AppendUint16(record, 443)
	record = append(record, key...)
	telethon := "1" + base64.URLEncoding.EncodeToString(record)

	d, err = sessionstrings.Import(telethon)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Format, d.DC, d.Addr, d.UserID)

	// Output:
	// mtgo 2 149.154.167.51:443 42
	// telethon 4 149.154.167.91:443 0
}
