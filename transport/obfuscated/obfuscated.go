// Package obfuscated implements the obfuscated2 MTProto transport header and
// its AES-256-CTR streams as a core: it draws randomness from a caller
// io.Reader and never touches a socket.
//
// A client sends a 64-byte header: random bytes whose bytes 8..56 seed the
// keys of both directions (forwards for client-to-server, reversed for
// server-to-client), with the protocol tag at 56..60 and the DC id at 60..62.
// The header itself is sent with its last 8 bytes encrypted. With an MTProxy
// secret each key is SHA-256(key || secret).
package obfuscated

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/mtgo-labs/mtgo/crypto"
)

// HeaderLen is the size of the obfuscated2 header.
const HeaderLen = 64

// ErrBadTag is returned by ParseHeader when the decrypted header carries no
// known protocol tag: the peer sent garbage, plain bytes, or used another
// secret.
var ErrBadTag = errors.New("obfuscated: header has no known protocol tag")

// Header is what a server learns from an obfuscated2 header.
type Header struct {
	// Tag is the protocol tag, 0xefefefef, 0xeeeeeeee or 0xdddddddd.
	Tag [4]byte
	// DC is the data center id the client asked for; negative for media
	// DCs, offset by 10000 for test DCs, zero when not given.
	DC int16
}

// Streams derives the two AES-256-CTR streams from a 64-byte header as seen
// in clear text. A client encrypts with the forward key; a server encrypts
// with the reversed one. secret, when not empty, is the 16-byte MTProxy key.
// The derivation itself lives in crypto.ObfuscatedStreams.
func Streams(init *[HeaderLen]byte, secret []byte, server bool) (enc, dec cipher.Stream, err error) {
	side := crypto.Client
	if server {
		side = crypto.Server
	}
	enc, dec, err = crypto.ObfuscatedStreams(init, secret, side)
	if err != nil {
		return nil, nil, fmt.Errorf("obfuscated: %w", err)
	}
	return enc, dec, nil
}

// Forbidden reports whether a random header would be mistaken for another
// protocol by the server: abridged's 0xef, the intermediate tags, HTTP verbs,
// a TLS record, or a zero second word (the full protocol's seqno 0).
func Forbidden(init *[HeaderLen]byte) bool {
	if init[0] == 0xef {
		return true
	}
	switch binary.LittleEndian.Uint32(init[0:4]) {
	case 0x44414548, // "HEAD"
		0x54534f50, // "POST"
		0x20544547, // "GET "
		0x4954504f, // "OPTI"
		0x02010316, // TLS handshake record
		0xdddddddd,
		0xeeeeeeee:
		return true
	}
	return binary.LittleEndian.Uint32(init[4:8]) == 0
}

// ClientHeader draws a random header from r that Forbidden accepts, stamps
// the tag and DC id, and returns the 64 bytes to send along with the client's
// streams (enc has already consumed the header).
func ClientHeader(r io.Reader, tag [4]byte, dc int16, secret []byte) (wire [HeaderLen]byte, enc, dec cipher.Stream, err error) {
	var init [HeaderLen]byte
	for tries := 0; ; tries++ {
		if tries == 1000 {
			return wire, nil, nil, errors.New("obfuscated: random source keeps producing forbidden headers")
		}
		if _, err := io.ReadFull(r, init[:]); err != nil {
			return wire, nil, nil, fmt.Errorf("obfuscated: read random header: %w", err)
		}
		if !Forbidden(&init) {
			break
		}
	}
	return clientHeader(&init, tag, dc, secret)
}

// clientHeader is ClientHeader with the random bytes given, for tests.
func clientHeader(init *[HeaderLen]byte, tag [4]byte, dc int16, secret []byte) (wire [HeaderLen]byte, enc, dec cipher.Stream, err error) {
	copy(init[56:60], tag[:])
	binary.LittleEndian.PutUint16(init[60:62], uint16(dc))
	enc, dec, err = Streams(init, secret, false)
	if err != nil {
		return wire, nil, nil, err
	}
	var ct [HeaderLen]byte
	enc.XORKeyStream(ct[:], init[:])
	copy(wire[:56], init[:56])
	copy(wire[56:], ct[56:])
	return wire, enc, dec, nil
}

// ParseHeader decrypts a received header and returns what it says with the
// server's streams (dec has already consumed the header). validTag decides
// which tags are acceptable; nil accepts the three MTProto tags.
func ParseHeader(wire *[HeaderLen]byte, secret []byte, validTag func([4]byte) bool) (Header, cipher.Stream, cipher.Stream, error) {
	enc, dec, err := Streams(wire, secret, true)
	if err != nil {
		return Header{}, nil, nil, err
	}
	var pt [HeaderLen]byte
	dec.XORKeyStream(pt[:], wire[:])
	var h Header
	copy(h.Tag[:], pt[56:60])
	if validTag == nil {
		validTag = KnownTag
	}
	if !validTag(h.Tag) {
		return Header{}, nil, nil, fmt.Errorf("obfuscated: tag %x: %w", h.Tag, ErrBadTag)
	}
	h.DC = int16(binary.LittleEndian.Uint16(pt[60:62]))
	return h, enc, dec, nil
}

// KnownTag reports whether tag is one of the three MTProto protocol tags.
func KnownTag(tag [4]byte) bool {
	switch tag {
	case [4]byte{0xef, 0xef, 0xef, 0xef}, [4]byte{0xee, 0xee, 0xee, 0xee}, [4]byte{0xdd, 0xdd, 0xdd, 0xdd}:
		return true
	}
	return false
}
