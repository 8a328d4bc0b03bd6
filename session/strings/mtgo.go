package strings

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
)

// Prefix starts every MTGo session string.
const Prefix = "mtgo"

// Version is the MTGo payload version Export writes.
const Version = 1

const (
	flagTest = 1 << 0
	flagBot  = 1 << 1

	// mtgoFixed is the payload size without the address.
	mtgoFixed = 17 + AuthKeySize + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Export encodes d in MTGo's own format (see the package doc). It fails with ErrInvalidData
// when the DC id, auth key or address cannot be represented.
func Export(d Data) (string, error) {
	d.Format = FormatMTGo
	if err := d.check(ErrInvalidData); err != nil {
		return "", err
	}
	p := make([]byte, 0, mtgoFixed+len(d.Addr))
	var flags byte
	if d.TestMode {
		flags |= flagTest
	}
	if d.Bot {
		flags |= flagBot
	}
	p = append(p, Version, flags)
	p = binary.BigEndian.AppendUint16(p, uint16(d.DC))
	p = binary.BigEndian.AppendUint32(p, uint32(d.APIID))
	p = binary.BigEndian.AppendUint64(p, uint64(d.UserID))
	p = append(p, byte(len(d.Addr)))
	p = append(p, d.Addr...)
	p = append(p, d.AuthKey...)
	p = binary.BigEndian.AppendUint32(p, crc32.Checksum(p, castagnoli))
	return Prefix + base64.RawURLEncoding.EncodeToString(p), nil
}

// importMTGo decodes text after the Prefix.
func importMTGo(text string) (Data, error) {
	d := Data{Format: FormatMTGo}
	p, err := decodeBase64(FormatMTGo, text)
	if err != nil {
		return d, err
	}
	if len(p) < 5 {
		return d, formatError(FormatMTGo, ErrTruncated, "payload is %d bytes", len(p))
	}
	body, sum := p[:len(p)-4], binary.BigEndian.Uint32(p[len(p)-4:])
	if got := crc32.Checksum(body, castagnoli); got != sum {
		// Neither checksum is printed: in a cut string the "stored" one is auth key bytes.
		return d, formatError(FormatMTGo, ErrChecksum, "payload of %d bytes", len(p))
	}
	if body[0] != Version {
		return d, formatError(FormatMTGo, ErrVersion, "version %d, this build reads %d", body[0], Version)
	}
	if len(p) < mtgoFixed {
		return d, formatError(FormatMTGo, ErrTruncated, "payload is %d bytes, at least %d needed", len(p), mtgoFixed)
	}
	flags := body[1]
	if flags&^(flagTest|flagBot) != 0 {
		return d, formatError(FormatMTGo, ErrMalformed, "unknown flag bits %#02x", flags)
	}
	d.TestMode = flags&flagTest != 0
	d.Bot = flags&flagBot != 0
	d.DC = int(binary.BigEndian.Uint16(body[2:]))
	d.APIID = int32(binary.BigEndian.Uint32(body[4:]))
	d.UserID = int64(binary.BigEndian.Uint64(body[8:]))
	n := int(body[16])
	if want := mtgoFixed + n; len(p) != want {
		return d, formatError(FormatMTGo, ErrMalformed, "payload is %d bytes, address length %d needs %d", len(p), n, want)
	}
	d.Addr = string(body[17 : 17+n])
	d.AuthKey = append([]byte(nil), body[17+n:]...)
	if err := d.check(ErrMalformed); err != nil {
		return d, err
	}
	return d, nil
}
