// Package faketls implements the fake-TLS layer of MTProxy "ee" secrets: a
// TLS 1.3-looking ClientHello whose random field is an HMAC-SHA256 digest
// keyed by the secret (with the client's clock mixed into its last 4 bytes),
// a ServerHello answer whose random proves the proxy knows the secret, and
// then TLS application-data records carrying the obfuscated MTProto stream.
//
// The hello builders and parsers are cores that take time and randomness as
// arguments; Client and Server run them over a net.Conn.
package faketls

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Errors reported by the handshake. Matching is by errors.Is.
var (
	// ErrMalformed means the bytes are not the expected TLS record layout.
	ErrMalformed = errors.New("faketls: malformed hello")
	// ErrBadDigest means the hello's random field was not made with this
	// secret.
	ErrBadDigest = errors.New("faketls: hello digest does not match the secret")
	// ErrClockSkew means the timestamp inside the client's digest is too far
	// from the server's clock.
	ErrClockSkew = errors.New("faketls: hello timestamp outside the allowed window")
	// ErrReplay means this client hello was already seen.
	ErrReplay = errors.New("faketls: replayed client hello")
	// ErrServerName means the hello's SNI is not the secret's domain.
	ErrServerName = errors.New("faketls: server name does not match the secret")
	// ErrDomain means the domain to send as SNI is empty or longer than MaxDomainLen.
	ErrDomain = errors.New("faketls: invalid domain")
)

// MaxDomainLen is the longest domain a client hello carries: a DNS name's limit (RFC 1035,
// without the trailing dot). It keeps the hello in one TLS record, as a real one is.
const MaxDomainLen = 253

const (
	recordHandshake  = 0x16
	recordCCS        = 0x14
	recordAppData    = 0x17
	randomOffset     = 11 // record header (5) + handshake header (4) + version (2)
	helloRecordLen   = 512
	maxRecordPayload = 16384
	// digestMAC is how much of a client digest is HMAC alone; the last 4
	// bytes are HMAC XOR the client's clock.
	digestMAC = 28
)

var greaseValues = [...]uint16{0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa}

// ClientHello is what a server learns from a valid client hello.
type ClientHello struct {
	// Digest is the hello's random field as sent; the server hello's digest
	// covers it and a replay cache keys on its first digestMAC bytes.
	Digest [32]byte
	// SessionID is echoed in the server hello.
	SessionID [32]byte
	// Time is the client's clock as carried in the digest.
	Time time.Time
	// ServerName is the SNI host name.
	ServerName string
}

type builder struct{ b []byte }

func (w *builder) u8(v byte)      { w.b = append(w.b, v) }
func (w *builder) u16(v uint16)   { w.b = binary.BigEndian.AppendUint16(w.b, v) }
func (w *builder) raw(p []byte)   { w.b = append(w.b, p...) }
func (w *builder) open16() int    { w.b = append(w.b, 0, 0); return len(w.b) }
func (w *builder) close16(at int) { binary.BigEndian.PutUint16(w.b[at-2:], uint16(len(w.b)-at)) }

// AppendClientHello appends a complete ClientHello record for the 16-byte
// key and domain to dst, stamping now into the digest. r supplies GREASE
// values, the session id and the key share. A domain that is empty or longer than
// MaxDomainLen returns ErrDomain.
func AppendClientHello(dst, key []byte, domain string, now time.Time, r io.Reader) ([]byte, error) {
	if domain == "" || len(domain) > MaxDomainLen {
		return dst, fmt.Errorf("faketls: domain of %d bytes, want 1..%d: %w", len(domain), MaxDomainLen, ErrDomain)
	}
	var rnd [32 + 32 + 4]byte
	if _, err := io.ReadFull(r, rnd[:]); err != nil {
		return dst, fmt.Errorf("faketls: read random: %w", err)
	}
	sessionID, share, g := rnd[:32], rnd[32:64], rnd[64:]
	share[31] &= 0x7f
	grease := func(i int) uint16 { return greaseValues[g[i]&15] }

	start := len(dst)
	w := &builder{b: dst}
	w.raw([]byte{recordHandshake, 0x03, 0x01, 0, 0})
	w.raw([]byte{0x01, 0, 0, 0}) // handshake type and 3-byte length, filled below
	w.raw([]byte{0x03, 0x03})
	w.raw(make([]byte, 32)) // random, filled with the digest
	w.u8(32)
	w.raw(sessionID)
	cs := w.open16()
	w.u16(grease(0))
	for _, s := range []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035} {
		w.u16(s)
	}
	w.close16(cs)
	w.raw([]byte{0x01, 0x00}) // compression: null
	exts := w.open16()
	w.u16(grease(1))
	w.u16(0)
	// server_name
	w.u16(0x0000)
	sn := w.open16()
	list := w.open16()
	w.u8(0)
	w.u16(uint16(len(domain)))
	w.raw([]byte(domain))
	w.close16(list)
	w.close16(sn)
	w.raw([]byte{0x00, 0x17, 0x00, 0x00})       // extended_master_secret
	w.raw([]byte{0xff, 0x01, 0x00, 0x01, 0x00}) // renegotiation_info
	w.u16(0x000a)                               // supported_groups
	grp := w.open16()
	gl := w.open16()
	w.u16(grease(2))
	w.raw([]byte{0x00, 0x1d, 0x00, 0x17, 0x00, 0x18})
	w.close16(gl)
	w.close16(grp)
	w.raw([]byte{0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}) // ec_point_formats
	w.raw([]byte{0x00, 0x23, 0x00, 0x00})             // session_ticket
	w.raw([]byte{0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1'})
	w.raw([]byte{0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00}) // status_request
	w.u16(0x000d)                                                       // signature_algorithms
	sa := w.open16()
	sal := w.open16()
	for _, s := range []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601} {
		w.u16(s)
	}
	w.close16(sal)
	w.close16(sa)
	w.raw([]byte{0x00, 0x12, 0x00, 0x00}) // signed_certificate_timestamp
	w.u16(0x0033)                         // key_share
	ks := w.open16()
	ksl := w.open16()
	w.u16(grease(3))
	w.raw([]byte{0x00, 0x01, 0x00})
	w.raw([]byte{0x00, 0x1d, 0x00, 0x20})
	w.raw(share)
	w.close16(ksl)
	w.close16(ks)
	w.raw([]byte{0x00, 0x2d, 0x00, 0x02, 0x01, 0x01}) // psk_key_exchange_modes
	w.u16(0x002b)                                     // supported_versions
	w.u16(7)
	w.u8(6)
	w.u16(grease(2) ^ 0x1010) // another GREASE value
	w.raw([]byte{0x03, 0x04, 0x03, 0x03})
	w.raw([]byte{0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02}) // compress_certificate
	w.u16(grease(1) ^ 0x2020)
	w.raw([]byte{0x00, 0x01, 0x00})
	// padding up to the usual browser hello size
	body := len(w.b) - start - 5
	if pad := helloRecordLen - body - 4; pad >= 0 {
		w.u16(0x0015)
		w.u16(uint16(pad))
		w.raw(make([]byte, pad))
	}
	w.close16(exts)
	rec := w.b[start:]
	binary.BigEndian.PutUint16(rec[3:5], uint16(len(rec)-5))
	hl := len(rec) - 9
	rec[6], rec[7], rec[8] = byte(hl>>16), byte(hl>>8), byte(hl)

	mac := hmac.New(sha256.New, key)
	mac.Write(rec)
	digest := mac.Sum(rec[randomOffset:randomOffset])
	ts := binary.LittleEndian.Uint32(digest[28:32]) ^ uint32(now.Unix())
	binary.LittleEndian.PutUint32(digest[28:32], ts)
	return w.b, nil
}

// ParseClientHello checks a complete ClientHello record (header included)
// against the 16-byte key and returns what it carries. It checks the record
// layout, the digest and the session id; the caller checks Time, ServerName
// and replays.
func ParseClientHello(rec, key []byte) (ClientHello, error) {
	var h ClientHello
	if len(rec) < randomOffset+32+1+32 || rec[0] != recordHandshake || rec[1] != 0x03 || rec[5] != 0x01 {
		return h, fmt.Errorf("faketls: client hello header: %w", ErrMalformed)
	}
	if int(binary.BigEndian.Uint16(rec[3:5])) != len(rec)-5 {
		return h, fmt.Errorf("faketls: client hello record length: %w", ErrMalformed)
	}
	if hl := int(rec[6])<<16 | int(rec[7])<<8 | int(rec[8]); hl != len(rec)-9 {
		return h, fmt.Errorf("faketls: client hello handshake length: %w", ErrMalformed)
	}
	copy(h.Digest[:], rec[randomOffset:])
	zeroed := make([]byte, len(rec))
	copy(zeroed, rec)
	clear(zeroed[randomOffset : randomOffset+32])
	mac := hmac.New(sha256.New, key)
	mac.Write(zeroed)
	want := mac.Sum(nil)
	var x [32]byte
	subtle.XORBytes(x[:], want, h.Digest[:])
	if subtle.ConstantTimeCompare(x[:digestMAC], make([]byte, digestMAC)) != 1 {
		return h, ErrBadDigest
	}
	h.Time = time.Unix(int64(binary.LittleEndian.Uint32(x[digestMAC:])), 0)
	p := rec[randomOffset+32:]
	if p[0] != 32 {
		return h, fmt.Errorf("faketls: session id of %d bytes: %w", p[0], ErrMalformed)
	}
	copy(h.SessionID[:], p[1:33])
	p = p[33:]
	skip := func(lenBytes int) bool {
		if len(p) < lenBytes {
			return false
		}
		n := int(p[0])
		if lenBytes == 2 {
			n = int(binary.BigEndian.Uint16(p))
		}
		if len(p) < lenBytes+n {
			return false
		}
		p = p[lenBytes+n:]
		return true
	}
	if !skip(2) || !skip(1) || len(p) < 2 {
		return h, fmt.Errorf("faketls: cipher suites or compression: %w", ErrMalformed)
	}
	exts := p[2:]
	if int(binary.BigEndian.Uint16(p)) != len(exts) {
		return h, fmt.Errorf("faketls: extensions length: %w", ErrMalformed)
	}
	for len(exts) >= 4 {
		typ, n := binary.BigEndian.Uint16(exts), int(binary.BigEndian.Uint16(exts[2:]))
		if len(exts) < 4+n {
			return h, fmt.Errorf("faketls: extension %#04x: %w", typ, ErrMalformed)
		}
		body := exts[4 : 4+n]
		exts = exts[4+n:]
		if typ != 0 {
			continue
		}
		// server_name: list length, type 0, name length, name.
		if len(body) < 5 || body[2] != 0 || int(binary.BigEndian.Uint16(body[3:])) > len(body)-5 {
			return h, fmt.Errorf("faketls: server_name: %w", ErrMalformed)
		}
		h.ServerName = string(body[5 : 5+int(binary.BigEndian.Uint16(body[3:]))])
	}
	if len(exts) != 0 {
		return h, fmt.Errorf("faketls: trailing extension bytes: %w", ErrMalformed)
	}
	return h, nil
}

// AppendServerHello appends the proxy's answer to a valid client hello: a
// ServerHello record echoing the session id, a ChangeCipherSpec record and an
// application-data record of random bytes standing in for the encrypted
// certificate. Its random field is HMAC-SHA256(key, client digest || answer).
func AppendServerHello(dst, key []byte, ch *ClientHello, r io.Reader) ([]byte, error) {
	var rnd [32 + 2]byte
	if _, err := io.ReadFull(r, rnd[:]); err != nil {
		return dst, fmt.Errorf("faketls: read random: %w", err)
	}
	share := rnd[:32]
	share[31] &= 0x7f
	certLen := 1024 + int(binary.BigEndian.Uint16(rnd[32:]))%3072

	start := len(dst)
	w := &builder{b: dst}
	w.raw([]byte{recordHandshake, 0x03, 0x03})
	rl := w.open16()
	w.raw([]byte{0x02, 0, 0, 0})
	w.raw([]byte{0x03, 0x03})
	w.raw(make([]byte, 32))
	w.u8(32)
	w.raw(ch.SessionID[:])
	w.raw([]byte{0x13, 0x01, 0x00})
	ext := w.open16()
	w.raw([]byte{0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20})
	w.raw(share)
	w.raw([]byte{0x00, 0x2b, 0x00, 0x02, 0x03, 0x04})
	w.close16(ext)
	w.close16(rl)
	hl := len(w.b) - start - 9
	w.b[start+6], w.b[start+7], w.b[start+8] = byte(hl>>16), byte(hl>>8), byte(hl)
	w.raw([]byte{recordCCS, 0x03, 0x03, 0x00, 0x01, 0x01})
	w.raw([]byte{recordAppData, 0x03, 0x03})
	w.u16(uint16(certLen))
	l := len(w.b)
	w.b = append(w.b, make([]byte, certLen)...)
	if _, err := io.ReadFull(r, w.b[l:]); err != nil {
		return dst, fmt.Errorf("faketls: read random: %w", err)
	}
	resp := w.b[start:]
	mac := hmac.New(sha256.New, key)
	mac.Write(ch.Digest[:])
	mac.Write(resp)
	mac.Sum(resp[randomOffset:randomOffset])
	return w.b, nil
}

// VerifyServerHello checks the proxy's answer (the three records, headers
// included) against the client's digest.
func VerifyServerHello(resp, key []byte, clientDigest [32]byte) error {
	if len(resp) < randomOffset+32 || resp[0] != recordHandshake || resp[5] != 0x02 {
		return fmt.Errorf("faketls: server hello header: %w", ErrMalformed)
	}
	var got [32]byte
	copy(got[:], resp[randomOffset:])
	zeroed := make([]byte, len(resp))
	copy(zeroed, resp)
	clear(zeroed[randomOffset : randomOffset+32])
	mac := hmac.New(sha256.New, key)
	mac.Write(clientDigest[:])
	mac.Write(zeroed)
	if !hmac.Equal(mac.Sum(nil), got[:]) {
		return fmt.Errorf("faketls: server hello: %w", ErrBadDigest)
	}
	return nil
}
