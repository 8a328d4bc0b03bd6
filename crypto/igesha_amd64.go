//go:build amd64 && !purego

package crypto

import (
	"encoding/binary"
)

//go:generate go run ./internal/asmgen -out igesha_amd64.s

// With the SHA extensions, message decryption hashes the plaintext while it is being decrypted:
// igeDecryptSHAAsm (generated, igesha_amd64.s) interleaves the AES-IGE chain of four blocks with
// one SHA-256 compression of plaintext produced earlier, so the two serial dependency chains
// overlap instead of running one after the other.

// hasSHAAsm reports whether the fused decrypt-and-hash path is available.
var hasSHAAsm = hasIGEAsm && cpuHasSHA()

// cpuHasSHA reports SSSE3, SSE4.1 (CPUID.1:ECX bits 9 and 19) and SHA (CPUID.7.0:EBX bit 29).
func cpuHasSHA() bool {
	_, _, c, _ := cpuid(1, 0)
	if c&(1<<9) == 0 || c&(1<<19) == 0 {
		return false
	}
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf < 7 {
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	return b&(1<<29) != 0
}

//go:noescape
func sha256BlocksAsm(state *[8]uint32, p *byte, n int)

//go:noescape
func sha256Block2Asm(s1, s2 *[8]uint32, p1, p2 *byte)

//go:noescape
func igeDecryptSHAAsm(dec *[240]byte, dst, src *byte, iv *[32]byte, state *[8]uint32, hp *byte, n int)

// sha256Digest is a minimal SHA-256 over sha256BlocksAsm, kept on the stack by its users.
type sha256Digest struct {
	h   [8]uint32
	buf [64]byte
	nx  int
	len uint64
}

// sha256IV is SHA-256's initial state.
var sha256IV = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

func (d *sha256Digest) reset() {
	d.h = sha256IV
	d.nx = 0
	d.len = 0
}

func (d *sha256Digest) write(p []byte) {
	d.len += uint64(len(p))
	if d.nx > 0 {
		n := copy(d.buf[d.nx:], p)
		d.nx += n
		p = p[n:]
		if d.nx < 64 {
			return
		}
		sha256BlocksAsm(&d.h, &d.buf[0], 1)
		d.nx = 0
	}
	if full := len(p) &^ 63; full > 0 {
		sha256BlocksAsm(&d.h, &p[0], full/64)
		p = p[full:]
	}
	d.nx = copy(d.buf[:], p)
}

func (d *sha256Digest) sum() [32]byte {
	bitLen := d.len << 3
	d.buf[d.nx] = 0x80
	clear(d.buf[d.nx+1:])
	if d.nx >= 56 { // no room for the length: it goes in one more block
		sha256BlocksAsm(&d.h, &d.buf[0], 1)
		clear(d.buf[:56])
	}
	binary.BigEndian.PutUint64(d.buf[56:], bitLen)
	sha256BlocksAsm(&d.h, &d.buf[0], 1)
	var out [32]byte
	for i, v := range d.h {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// sum256Pair returns SHA-256 of two 52-byte inputs (the MTProto 2.0 KDF), computing both
// single-block hashes side by side.
func sum256Pair(a, b *[52]byte) (sa, sb [32]byte) {
	if !hasSHAAsm {
		return stdSum256(a[:], nil), stdSum256(b[:], nil)
	}
	var ba, bb [64]byte
	copy(ba[:], a[:])
	copy(bb[:], b[:])
	ba[52], bb[52] = 0x80, 0x80
	binary.BigEndian.PutUint64(ba[56:], 52*8)
	binary.BigEndian.PutUint64(bb[56:], 52*8)
	ha, hb := sha256IV, sha256IV
	sha256Block2Asm(&ha, &hb, &ba[0], &bb[0])
	for i := range 8 {
		binary.BigEndian.PutUint32(sa[4*i:], ha[i])
		binary.BigEndian.PutUint32(sb[4*i:], hb[i])
	}
	return sa, sb
}

// sum256 returns SHA-256(a || b).
func sum256(a, b []byte) [32]byte {
	return sum256Segments(a, nil, b)
}

// sum256Segments returns SHA-256(prefix || segs... || tail).
func sum256Segments(prefix []byte, segs [][]byte, tail []byte) [32]byte {
	if !hasSHAAsm {
		return stdSum256Segments(prefix, segs, tail)
	}
	var d sha256Digest
	d.reset()
	d.write(prefix)
	for _, s := range segs {
		d.write(s)
	}
	d.write(tail)
	return d.sum()
}

// decryptMessageKey decrypts ct into out (IGE, chain state in iv) and returns the msg_key the
// plaintext should carry: the middle of SHA-256(auth_key[88+x:120+x] || out).
//
// The hash stream starts with the 32-byte key slice, so hash block j covers out[64j-32:64j+32].
// The first 96 bytes are decrypted alone; then each fused step decrypts the next 64 bytes while
// hashing the 64 bytes ending where the previous step stopped.
func decryptMessageKey(k *igeKey, key *AuthKey, from Side, out, ct []byte, iv *[32]byte) [16]byte {
	if !hasSHAAsm {
		k.decrypt(out, ct, iv)
		return messageKey(key, from, out)
	}
	n := len(out)
	head := min(n, 96)
	k.decrypt(out[:head], ct[:head], iv)
	var d sha256Digest
	d.reset()
	d.write(msgKeyPrefix(key, from))
	d.write(out[:32])
	steps := 0
	if n >= 160 {
		steps = (n - 96) / 64
		igeDecryptSHAAsm(&k.dec, &out[96], &ct[96], iv, &d.h, &out[32], steps)
		d.len += uint64(64 * steps)
	}
	if done := 96 + 64*steps; done < n {
		k.decrypt(out[done:], ct[done:], iv)
	}
	d.write(out[32+64*steps:])
	sum := d.sum()
	return [16]byte(sum[8:24])
}
