package strings

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/mtgo-labs/mtgo/transport"
)

// AuthKeySize is the length in bytes of an MTProto auth key.
const AuthKeySize = 256

// maxAddr is the longest server address accepted (a DNS name has at most 253 characters); it
// also fits the one-byte length of the MTGo format.
const maxAddr = 255

// Format names the library a session string was written by.
type Format string

// The formats Import recognises.
const (
	FormatMTGo     Format = "mtgo"
	FormatPyrogram Format = "pyrogram"
	FormatTelethon Format = "telethon"
	FormatGramJS   Format = "gramjs"
	FormatMTCute   Format = "mtcute"
)

// Data is what a session string carries. Fields a format does not store are left zero.
type Data struct {
	// DC is the data center id, 1..65535.
	DC int
	// Addr is the server address as "host:port"; empty when the format does not store it
	// (Pyrogram), in which case the caller resolves it from DC and TestMode.
	Addr string
	// TestMode reports a session on Telegram's test servers.
	TestMode bool
	// AuthKey is the 256-byte auth key; it prints redacted (see Key).
	AuthKey Key
	// UserID is the id of the logged-in account, 0 when unknown.
	UserID int64
	// Bot reports a bot account.
	Bot bool
	// APIID is the application id the key was created with, 0 when unknown (only Pyrogram's
	// current format and MTGo's own carry it).
	APIID int32
	// Format is the format the string was read from; Export ignores it.
	Format Format
}

// Sentinel errors; every error returned by this package wraps one of them.
var (
	// ErrEmpty reports an empty session string.
	ErrEmpty = errors.New("session string is empty")
	// ErrUnknownFormat reports a string that matches no known format.
	ErrUnknownFormat = errors.New("unrecognised session string format")
	// ErrEncoding reports text that is not valid base64.
	ErrEncoding = errors.New("session string is not valid base64")
	// ErrTruncated reports a payload shorter than its layout requires.
	ErrTruncated = errors.New("session string is truncated")
	// ErrChecksum reports an MTGo string whose checksum does not match (damaged in transit).
	ErrChecksum = errors.New("session string checksum mismatch")
	// ErrVersion reports a version this package does not read.
	ErrVersion = errors.New("unsupported session string version")
	// ErrMalformed reports a payload with an impossible field value or trailing bytes.
	ErrMalformed = errors.New("malformed session string")
	// ErrInvalidData reports Data that cannot be exported.
	ErrInvalidData = errors.New("invalid session data")
)

// formatError wraps a sentinel with the format and the detail that failed.
func formatError(f Format, sentinel error, detail string, args ...any) error {
	return fmt.Errorf("%s session string: %w: %s", f, sentinel, fmt.Sprintf(detail, args...))
}

// check validates the fields shared by every format; sentinel is the error to wrap.
func (d *Data) check(sentinel error) error {
	if d.DC < 1 || d.DC > 0xffff {
		return formatError(d.Format, sentinel, "dc id %d out of range 1..65535", d.DC)
	}
	if len(d.AuthKey) != AuthKeySize {
		return formatError(d.Format, sentinel, "auth key is %d bytes, want %d", len(d.AuthKey), AuthKeySize)
	}
	if len(d.Addr) > maxAddr {
		return formatError(d.Format, sentinel, "address is %d bytes, at most %d", len(d.Addr), maxAddr)
	}
	if d.Addr != "" {
		if _, err := splitAddr(d.Addr); err != nil {
			return formatError(d.Format, sentinel, "address of %d bytes: %v", len(d.Addr), err)
		}
	}
	return nil
}

// splitAddr checks that addr is "host:port" with a non-empty host and a port in 1..65535.
func splitAddr(addr string) (port int, err error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	if err := transport.CheckHost(host); err != nil {
		return 0, err
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 1 || port > 0xffff {
		return 0, fmt.Errorf("port of %d characters is no number in 1..65535", len(p))
	}
	return port, nil
}

// joinAddr formats host and port, rejecting port 0 as a missing address.
func joinAddr(f Format, host string, port int) (string, error) {
	if port < 1 || port > 0xffff {
		return "", formatError(f, ErrMalformed, "port %d out of range 1..65535", port)
	}
	if !hostText([]byte(host)) {
		return "", formatError(f, ErrMalformed, "server address of %d bytes is not a host name", len(host))
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// hostText reports whether b is an IP address or a sane host name (transport.CheckHost).
func hostText(b []byte) bool { return transport.CheckHost(string(b)) == nil }
