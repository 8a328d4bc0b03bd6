package mtgo

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// printable is the form of a Config that may be printed and logged: the session string, bot
// token, phone number, proxy URL (which may carry a password) and MTProxy link (a secret) are
// reduced to whether they are set, and callbacks to whether they exist.
func (c Config) printable() redact.Fields {
	set := func(ok bool) string {
		if ok {
			return "set"
		}
		return ""
	}
	return redact.Of("mtgo.Config",
		slog.Int("Workers", c.Workers),
		slog.String("SessionName", c.SessionName),
		slog.String("SessionString", redact.Text(c.SessionString)),
		slog.Bool("InMemory", c.InMemory),
		slog.String("Storage", set(c.Storage != nil)),
		slog.String("BotToken", redact.Text(c.BotToken)),
		slog.String("PhoneNumber", redact.Text(c.PhoneNumber)),
		slog.String("Code", set(c.Code != nil)),
		slog.String("Password", set(c.Password != nil)),
		slog.String("SignUp", set(c.SignUp != nil)),
		slog.Bool("TestMode", c.TestMode),
		slog.Bool("IPv6", c.IPv6),
		slog.Bool("NoUpdates", c.NoUpdates),
		slog.Bool("NoCatchUp", c.NoCatchUp),
		slog.Bool("NoObfuscation", c.NoObfuscation),
		slog.Int("ParseMode", c.ParseMode),
		slog.Duration("SleepThreshold", c.SleepThreshold),
		slog.Duration("RequestTimeout", c.RequestTimeout),
		slog.Duration("DialTimeout", c.DialTimeout),
		slog.Bool("AutoConnect", c.AutoConnect),
		slog.Bool("Takeout", c.Takeout),
		slog.String("TakeoutScope", fmt.Sprintf("%+v", c.TakeoutScope)),
		slog.String("LinkPreview", linkPreviewString(c.LinkPreview)),
		slog.Int("MaxTopicCacheSize", c.MaxTopicCacheSize),
		slog.Int("MaxConcurrentTransmissions", c.MaxConcurrentTransmissions),
		slog.Int("MaxMessageCacheSize", c.MaxMessageCacheSize),
		slog.Int("PeerCacheSize", c.PeerCacheSize),
		slog.Duration("SessionIdleTimeout", c.SessionIdleTimeout),
		slog.Int("ReconnectAttempts", c.ReconnectAttempts),
		slog.String("Proxy", redact.Text(c.Proxy)),
		slog.String("MTProxy", redact.Text(c.MTProxy)),
		slog.String("Transport", transportString(c.Transport)),
		slog.String("LocalAddr", c.LocalAddr),
		slog.String("ServerAddr", c.ServerAddr),
		slog.Int("DC", c.DC),
		slog.Any("DCAddrs", c.DCAddrs),
		slog.Int("PublicKeys", len(c.PublicKeys)),
		slog.String("Device", fmt.Sprintf("%+v", c.Device)),
		slog.Int("FxOptions", len(c.FxOptions)),
	)
}

// String prints the configuration without its secrets.
func (c Config) String() string { return c.printable().String() }

// Format implements fmt.Formatter: every verb, %#v included, prints String.
func (c Config) Format(s fmt.State, verb rune) { c.printable().Format(s, verb) }

// LogValue implements slog.LogValuer: the configuration without its secrets.
func (c Config) LogValue() slog.Value { return c.printable().LogValue() }

// MarshalJSON implements json.Marshaler as LogValue does, for a Config held in a logged struct
// (slog's JSON handler marshals those with encoding/json).
func (c Config) MarshalJSON() ([]byte, error) { return c.printable().MarshalJSON() }

func linkPreviewString(lp *LinkPreviewOptions) string {
	if lp == nil {
		return ""
	}
	return fmt.Sprintf("%+v", *lp)
}

// transportString prints the transport without its TLS configuration (which may hold keys).
func transportString(t TransportConfig) string {
	return fmt.Sprintf("{Codec:%s NoObfuscation:%t WebSocket:%t WebSocketTLS:%t WebSocketPath:%s TLSConfig:%t}",
		t.codec(), t.NoObfuscation, t.WebSocket, t.WebSocketTLS, t.WebSocketPath, t.TLSConfig != nil)
}
