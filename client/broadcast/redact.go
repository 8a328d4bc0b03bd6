package broadcast

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// The stream key lets anyone publish into the chat: a Config and a Stream print without it.

func (c Config) printable() redact.Fields {
	return redact.Of("broadcast.Config", slog.String("FFmpegPath", c.FFmpegPath), slog.String("URL", c.URL),
		slog.String("Key", redact.Text(c.Key)), slog.Bool("Copy", c.Copy), slog.Bool("Loop", c.Loop),
		slog.String("VideoCodec", c.VideoCodec), slog.String("AudioCodec", c.AudioCodec),
		slog.Int("MaxRestarts", c.MaxRestarts))
}

// String prints c without its stream key.
func (c Config) String() string { return c.printable().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the stream key.
func (c Config) Format(s fmt.State, verb rune) { c.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the stream key.
func (c Config) LogValue() slog.Value { return c.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the stream key.
func (c Config) MarshalJSON() ([]byte, error) { return c.printable().MarshalJSON() }

// printable is the type name only: the stream's fields change under its lock, and fmt would
// print its key raw through them.
func (s *Stream) printable() redact.Fields { return redact.Of("broadcast.Stream") }

// String prints the type name, nothing of the key.
func (s *Stream) String() string { return s.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (s *Stream) Format(st fmt.State, verb rune) { s.printable().Format(st, verb) }

// LogValue implements slog.LogValuer without the key.
func (s *Stream) LogValue() slog.Value { return s.printable().LogValue() }
