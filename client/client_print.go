package mtgo

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// printable is what a Client shows: its api id. fmt would print every unexported field raw
// (the api hash, the bot token, the configuration's session string) without asking them.
func (c *Client) printable() redact.Fields {
	var id int
	if c != nil {
		id = c.apiID
	}
	return redact.Of("mtgo.Client", slog.Int("APIID", id))
}

// String prints the client's api id, none of its secrets.
func (c *Client) String() string { return c.printable().String() }

// Format implements fmt.Formatter: every verb, %#v included, prints String.
func (c *Client) Format(s fmt.State, verb rune) { c.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without secrets.
func (c *Client) LogValue() slog.Value { return c.printable().LogValue() }
