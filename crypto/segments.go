package crypto

import (
	"fmt"
	"io"
)

// EncryptMessageSegments is EncryptMessage for a plaintext given in pieces: the plaintext is
// the concatenation of segs (inner header, body, in any split). Every piece is read twice, by
// SHA-256 for msg_key and by AES-256-IGE, and never copied whole: a file part can go from the
// caller's memory straight into the packet.
//
// A piece may already sit at its place in the output, dst[len(dst)+EnvelopeSize+off:] with off
// the length of the pieces before it; it is then encrypted in place. Any other piece must not
// overlap the output (ErrIGEOverlap). The packet is the same as EncryptMessage's on the joined
// plaintext with the same random padding. With enough capacity in dst nothing is allocated.
func EncryptMessageSegments(dst []byte, key *AuthKey, from Side, segs [][]byte, rnd io.Reader) ([]byte, error) {
	n := 0
	for _, s := range segs {
		n += len(s)
	}
	if n < InnerHeaderSize || n%4 != 0 {
		return dst, fmt.Errorf("encrypt message: %w (got %d)", ErrPlaintext, n)
	}
	padLen := paddingFor(n)
	ret, out := sliceForAppend(dst, EnvelopeSize+n+padLen)
	body := out[EnvelopeSize:]
	off := 0
	for i, s := range segs {
		if len(s) > 0 && &s[0] != &body[off] && anyOverlap(s, body) {
			return dst, fmt.Errorf("encrypt message: segment %d: %w", i, ErrIGEOverlap)
		}
		off += len(s)
	}
	pad := body[n:] // after the pieces' places, so nothing read is overwritten
	if _, err := io.ReadFull(rnd, pad); err != nil {
		return dst, fmt.Errorf("encrypt message: read padding: %w", err)
	}
	sum := sum256Segments(msgKeyPrefix(key, from), segs, pad)
	msgKey := [16]byte(sum[8:24])
	aesKey, iv := messageKeyIV(key, from, &msgKey)
	w := igeWriter{out: body, iv: iv}
	w.k.init(&aesKey)
	for _, s := range segs {
		w.write(s)
	}
	w.write(pad)
	putEnvelope(out, key, &msgKey)
	return ret, nil
}

// putEnvelope writes auth_key_id and msg_key at the start of an encrypted packet.
func putEnvelope(out []byte, key *AuthKey, msgKey *[16]byte) {
	copy(out[:AuthKeyIDSize], key.ID[:])
	copy(out[AuthKeyIDSize:EnvelopeSize], msgKey[:])
}

// igeWriter encrypts a stream handed over in pieces of any length into out: whole blocks go
// through the IGE loop straight from the piece, and a block split between two pieces is
// gathered in carry first. A block is written only after all its plaintext has been read, so a
// piece sitting at its own output position is encrypted in place.
type igeWriter struct {
	k     igeKey
	iv    [32]byte // chain state
	out   []byte   // the output not written yet
	carry [16]byte
	nc    int // bytes in carry
}

func (w *igeWriter) write(s []byte) {
	if w.nc > 0 {
		t := copy(w.carry[w.nc:], s)
		w.nc += t
		s = s[t:]
		if w.nc < len(w.carry) {
			return
		}
		w.k.encrypt(w.out[:16], w.carry[:], &w.iv)
		w.out, w.nc = w.out[16:], 0
	}
	if full := len(s) &^ 15; full > 0 {
		w.k.encrypt(w.out[:full], s[:full], &w.iv)
		w.out, s = w.out[full:], s[full:]
	}
	w.nc = copy(w.carry[:], s)
}
