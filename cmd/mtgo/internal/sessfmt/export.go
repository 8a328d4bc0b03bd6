// Package sessfmt writes session strings in the formats of other MTProto libraries, the
// reverse of session/strings' importers: Pyrogram, Telethon, GramJS and mtcute. MTGo's own
// format is session/strings.Export. The layouts are documented in session/strings/doc.go.
package sessfmt

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	sessionstrings "github.com/mtgo-labs/mtgo/session/strings"
)

// ErrCannotHold reports data a format has no room for (an address in Pyrogram's, a host name
// in Telethon's): the message says what is missing.
var ErrCannotHold = errors.New("the format cannot hold this session")

// Formats lists every format Export writes.
var Formats = []sessionstrings.Format{
	sessionstrings.FormatMTGo, sessionstrings.FormatPyrogram, sessionstrings.FormatTelethon,
	sessionstrings.FormatGramJS, sessionstrings.FormatMTCute,
}

// Export writes d as a session string of format f.
func Export(f sessionstrings.Format, d sessionstrings.Data) (string, error) {
	if len(d.AuthKey) != sessionstrings.AuthKeySize {
		return "", fmt.Errorf("%s: auth key is %d bytes, want %d", f, len(d.AuthKey), sessionstrings.AuthKeySize)
	}
	switch f {
	case sessionstrings.FormatMTGo:
		return sessionstrings.Export(d)
	case sessionstrings.FormatPyrogram:
		return pyrogram(d)
	case sessionstrings.FormatTelethon:
		return telethon(d)
	case sessionstrings.FormatGramJS:
		return gramjs(d)
	case sessionstrings.FormatMTCute:
		return mtcute(d)
	}
	return "", fmt.Errorf("unknown session format %q (want mtgo, pyrogram, telethon, gramjs or mtcute)", f)
}

func cannot(f sessionstrings.Format, what string) error {
	return fmt.Errorf("%s: %w: %s", f, ErrCannotHold, what)
}

// pyrogram writes the current layout ">BI?256sQ?".
func pyrogram(d sessionstrings.Data) (string, error) {
	if d.DC < 1 || d.DC > 255 {
		return "", cannot(sessionstrings.FormatPyrogram, "data center id "+strconv.Itoa(d.DC)+" does not fit a byte")
	}
	b := []byte{byte(d.DC)}
	b = binary.BigEndian.AppendUint32(b, uint32(d.APIID))
	b = append(b, boolByte(d.TestMode))
	b = append(b, d.AuthKey...)
	b = binary.BigEndian.AppendUint64(b, uint64(d.UserID))
	b = append(b, boolByte(d.Bot))
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// splitAddr returns the host and port of d.Addr, failing for f when there is none.
func splitAddr(f sessionstrings.Format, d sessionstrings.Data) (string, uint16, error) {
	if d.Addr == "" {
		return "", 0, cannot(f, "the session has no server address (import it with one, or log in again)")
	}
	host, p, err := net.SplitHostPort(d.Addr)
	if err != nil {
		return "", 0, fmt.Errorf("%s: server address: %w", f, err)
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil || port == 0 {
		return "", 0, fmt.Errorf("%s: server port is not a number in 1..65535", f)
	}
	if d.DC < 1 || d.DC > 255 {
		return "", 0, cannot(f, "data center id "+strconv.Itoa(d.DC)+" does not fit a byte")
	}
	return host, uint16(port), nil
}

// telethon writes '1' + URL-safe base64 of ">B{4|16}sH256s".
func telethon(d sessionstrings.Data) (string, error) {
	host, port, err := splitAddr(sessionstrings.FormatTelethon, d)
	if err != nil {
		return "", err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "", cannot(sessionstrings.FormatTelethon, "the server address is a host name, not an IP address")
	}
	if ip.Zone() != "" {
		return "", cannot(sessionstrings.FormatTelethon, "the server address has an IPv6 zone")
	}
	b := []byte{byte(d.DC)}
	if ip.Is4() {
		a := ip.As4()
		b = append(b, a[:]...)
	} else {
		a := ip.As16()
		b = append(b, a[:]...)
	}
	b = binary.BigEndian.AppendUint16(b, port)
	b = append(b, d.AuthKey...)
	return "1" + base64.URLEncoding.EncodeToString(b), nil
}

// gramjs writes '1' + standard base64 of dc, address length and text, port, key.
func gramjs(d sessionstrings.Data) (string, error) {
	host, port, err := splitAddr(sessionstrings.FormatGramJS, d)
	if err != nil {
		return "", err
	}
	b := []byte{byte(d.DC)}
	b = binary.BigEndian.AppendUint16(b, uint16(len(host)))
	b = append(b, host...)
	b = binary.BigEndian.AppendUint16(b, port)
	b = append(b, d.AuthKey...)
	return "1" + base64.StdEncoding.EncodeToString(b), nil
}

// mtcute writes version 3: flags, the primary DC as a wrapped basic DC option, the account
// when known, and the key.
func mtcute(d sessionstrings.Data) (string, error) {
	host, port, err := splitAddr(sessionstrings.FormatMTCute, d)
	if err != nil {
		return "", err
	}
	var flags uint32
	if d.UserID != 0 {
		flags |= 1 // self present
	}
	var dcFlags byte
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() && !ip.Is4In6() {
		dcFlags |= 1
	}
	if d.TestMode {
		dcFlags |= 4
	}
	inner := []byte{2, byte(d.DC), dcFlags}
	inner = appendTLBytes(inner, []byte(host))
	inner = binary.LittleEndian.AppendUint32(inner, uint32(port))
	b := []byte{3}
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = appendTLBytes(b, inner)
	if d.UserID != 0 {
		b = binary.LittleEndian.AppendUint64(b, uint64(d.UserID))
		if d.Bot {
			b = binary.LittleEndian.AppendUint32(b, 0x997275b5)
		} else {
			b = binary.LittleEndian.AppendUint32(b, 0xbc799737)
		}
	}
	b = appendTLBytes(b, d.AuthKey)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// appendTLBytes writes a TL byte string: its length (one byte, or 0xfe and three), the data,
// zero padding to a multiple of four. Lengths here are far below 2^24.
func appendTLBytes(b, v []byte) []byte {
	hdr := 1
	if len(v) < 254 {
		b = append(b, byte(len(v)))
	} else {
		b = append(b, 254, byte(len(v)), byte(len(v)>>8), byte(len(v)>>16))
		hdr = 4
	}
	b = append(b, v...)
	for range (4 - (hdr+len(v))%4) % 4 {
		b = append(b, 0)
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
