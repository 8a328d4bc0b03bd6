package strings

import (
	"encoding/binary"
	"net/netip"
)

// Telethon payload sizes: dc_id, packed IP, port, auth key.
const (
	telethonIPv4 = 1 + 4 + 2 + AuthKeySize
	telethonIPv6 = 1 + 16 + 2 + AuthKeySize
	// gramJSFixed is a GramJS payload without its address.
	gramJSFixed = 1 + 2 + 2 + AuthKeySize
)

// importVersionOne decodes the text after the '1' that Telethon and GramJS share.
func importVersionOne(text string) (Data, error) {
	p, err := decodeBase64("telethon/gramjs", text)
	if err != nil {
		return Data{}, err
	}
	if looksGramJS(p) {
		return parseGramJS(p)
	}
	return parseTelethon(p)
}

// looksGramJS reports whether p's address length field matches its length and the address
// is printable host text. A Telethon payload would need an IP address starting 0.2 (IPv4) or
// 000e: (IPv6) to pass, which no Telegram server has.
func looksGramJS(p []byte) bool {
	if len(p) < gramJSFixed {
		return false
	}
	n := int(binary.BigEndian.Uint16(p[1:]))
	return n > 0 && len(p) == gramJSFixed+n && hostText(p[3:3+n])
}

// parseTelethon decodes a Telethon StringSession payload.
func parseTelethon(p []byte) (Data, error) {
	var ip netip.Addr
	switch len(p) {
	case telethonIPv4:
		ip = netip.AddrFrom4([4]byte(p[1:5]))
	case telethonIPv6:
		ip = netip.AddrFrom16([16]byte(p[1:17]))
	default:
		return Data{}, formatError(FormatTelethon, ErrTruncated,
			"payload is %d bytes, want %d (IPv4) or %d (IPv6)", len(p), telethonIPv4, telethonIPv6)
	}
	rest := p[1+len(ip.AsSlice()):]
	return finishAddressed(FormatTelethon, int(p[0]), ip.String(), rest)
}

// parseGramJS decodes a GramJS StringSession payload.
func parseGramJS(p []byte) (Data, error) {
	if len(p) < gramJSFixed {
		return Data{}, formatError(FormatGramJS, ErrTruncated, "payload is %d bytes, at least %d needed", len(p), gramJSFixed)
	}
	n := int(binary.BigEndian.Uint16(p[1:]))
	if len(p) != gramJSFixed+n {
		return Data{}, formatError(FormatGramJS, ErrMalformed, "payload is %d bytes, address length %d needs %d", len(p), n, gramJSFixed+n)
	}
	host := p[3 : 3+n]
	if !hostText(host) {
		return Data{}, formatError(FormatGramJS, ErrMalformed, "address of %d bytes is not a host name", len(host))
	}
	return finishAddressed(FormatGramJS, int(p[0]), string(host), p[3+n:])
}

// finishAddressed decodes the shared tail "port u16 BE, auth key [256]" of Telethon and GramJS.
func finishAddressed(f Format, dc int, host string, rest []byte) (Data, error) {
	addr, err := joinAddr(f, host, int(binary.BigEndian.Uint16(rest)))
	if err != nil {
		return Data{}, err
	}
	d := Data{Format: f, DC: dc, Addr: addr, AuthKey: append([]byte(nil), rest[2:]...)}
	if err := d.check(ErrMalformed); err != nil {
		return Data{}, err
	}
	return d, nil
}
