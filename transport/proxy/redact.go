package proxy

import (
	"fmt"
	"log/slog"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/transport"
)

// redacted is the printable form of l: kind, server and port; the secret redacts itself, and
// the SOCKS credentials are only marked as present.
func (l Link) redacted() redact.Fields {
	attrs := []slog.Attr{slog.String("Kind", l.kindName()), slog.String("Server", l.Server), slog.Int("Port", int(l.Port))}
	if l.Kind == LinkMTProxy {
		attrs = append(attrs, slog.Any("Secret", l.Secret))
	}
	attrs = append(attrs, slog.String("User", redact.Text(l.User)), slog.String("Pass", redact.Text(l.Pass)))
	return redact.Of("proxy.Link", attrs...)
}

// String prints l without its secret or credentials.
func (l Link) String() string { return l.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the secret or the
// credentials.
func (l Link) Format(s fmt.State, verb rune) { l.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the secret or the credentials.
func (l Link) LogValue() slog.Value { return l.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the secret or the credentials, for a Link held in a logged struct
// (slog's JSON handler writes those with encoding/json).
func (l Link) MarshalJSON() ([]byte, error) { return l.redacted().MarshalJSON() }

// redactedDialer is the printable form of a proxy dialer with credentials.
func redactedDialer(typ, addr, user, pass string, forward transport.Dialer) redact.Fields {
	return redact.Of(typ, slog.String("Addr", addr), slog.String("Username", redact.Text(user)),
		slog.String("Password", redact.Text(pass)), slog.Any("Forward", forward))
}

func (d SOCKS5) redacted() redact.Fields {
	return redactedDialer("proxy.SOCKS5", d.Addr, d.Username, d.Password, d.Forward)
}

// String prints d without its credentials.
func (d SOCKS5) String() string { return d.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the credentials.
func (d SOCKS5) Format(s fmt.State, verb rune) { d.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the credentials.
func (d SOCKS5) LogValue() slog.Value { return d.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the credentials, for a SOCKS5 held in a logged struct
// (slog's JSON handler writes those with encoding/json).
func (d SOCKS5) MarshalJSON() ([]byte, error) { return d.redacted().MarshalJSON() }

func (d HTTPConnect) redacted() redact.Fields {
	return redactedDialer("proxy.HTTPConnect", d.Addr, d.Username, d.Password, d.Forward)
}

// String prints d without its credentials.
func (d HTTPConnect) String() string { return d.redacted().String() }

// Format implements fmt.Formatter so that no verb, %#v included, prints the credentials.
func (d HTTPConnect) Format(s fmt.State, verb rune) { d.redacted().Format(s, verb) }

// LogValue implements slog.LogValuer without the credentials.
func (d HTTPConnect) LogValue() slog.Value { return d.redacted().LogValue() }

// MarshalJSON implements json.Marshaler without the credentials, for a HTTPConnect held in a logged struct
// (slog's JSON handler writes those with encoding/json).
func (d HTTPConnect) MarshalJSON() ([]byte, error) { return d.redacted().MarshalJSON() }
