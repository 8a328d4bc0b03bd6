package crypto

import (
	"crypto/sha1"
	"crypto/sha256"
)

// msgKeyPrefix is the auth key slice that starts msg_key_large = SHA-256(auth_key[88+x : 120+x] || plaintext || padding).
func msgKeyPrefix(key *AuthKey, from Side) []byte {
	x := from.x()
	return key.Value[88+x : 120+x]
}

// messageKey returns msg_key: the middle 128 bits of msg_key_large over data (plaintext plus
// padding) for messages sent by from.
func messageKey(key *AuthKey, from Side, data []byte) [16]byte {
	sum := sum256(msgKeyPrefix(key, from), data)
	return [16]byte(sum[8:24])
}

// stdSum256 returns SHA-256(a || b) with crypto/sha256.
func stdSum256(a, b []byte) [32]byte {
	return stdSum256Segments(a, nil, b)
}

// stdSum256Segments returns SHA-256(prefix || segs... || tail) with crypto/sha256.
func stdSum256Segments(prefix []byte, segs [][]byte, tail []byte) [32]byte {
	h := sha256.New()
	h.Write(prefix)
	for _, s := range segs {
		h.Write(s)
	}
	h.Write(tail)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// messageKeyIV derives the MTProto 2.0 AES-256-IGE key and iv from msg_key for messages sent by
// from:
//
//	sha256_a = SHA256(msg_key + auth_key[x : x+36])
//	sha256_b = SHA256(auth_key[40+x : 76+x] + msg_key)
//	key = a[0:8] + b[8:24] + a[24:32]
//	iv  = b[0:8] + a[8:24] + b[24:32]
func messageKeyIV(key *AuthKey, from Side, msgKey *[16]byte) (aesKey, iv [32]byte) {
	x := from.x()
	var bufA, bufB [52]byte
	copy(bufA[:16], msgKey[:])
	copy(bufA[16:], key.Value[x:x+36])
	copy(bufB[:36], key.Value[40+x:76+x])
	copy(bufB[36:], msgKey[:])
	a, b := sum256Pair(&bufA, &bufB)

	copy(aesKey[0:8], a[0:8])
	copy(aesKey[8:24], b[8:24])
	copy(aesKey[24:32], a[24:32])
	copy(iv[0:8], b[0:8])
	copy(iv[8:24], a[8:24])
	copy(iv[24:32], b[24:32])
	return aesKey, iv
}

// oldKeyIV derives the MTProto 1.0 AES key and iv from a SHA-1 based msg_key, still used for the
// bind_auth_key_inner message of auth.bindTempAuthKey (x = 0: the client sends it):
//
//	sha1_a = SHA1(msg_key + auth_key[x : x+32])
//	sha1_b = SHA1(auth_key[32+x : 48+x] + msg_key + auth_key[48+x : 64+x])
//	sha1_c = SHA1(auth_key[64+x : 96+x] + msg_key)
//	sha1_d = SHA1(msg_key + auth_key[96+x : 128+x])
//	key = a[0:8] + b[8:20] + c[4:16]
//	iv  = a[8:20] + b[0:8] + c[16:20] + d[0:8]
func oldKeyIV(key *AuthKey, from Side, msgKey *[16]byte) (aesKey, iv [32]byte) {
	x := from.x()
	v := key.Value[:]
	var buf [48]byte

	copy(buf[:16], msgKey[:])
	copy(buf[16:], v[x:x+32])
	a := sha1.Sum(buf[:48])

	copy(buf[:16], v[32+x:48+x])
	copy(buf[16:32], msgKey[:])
	copy(buf[32:48], v[48+x:64+x])
	b := sha1.Sum(buf[:48])

	copy(buf[:32], v[64+x:96+x])
	copy(buf[32:48], msgKey[:])
	c := sha1.Sum(buf[:48])

	copy(buf[:16], msgKey[:])
	copy(buf[16:48], v[96+x:128+x])
	d := sha1.Sum(buf[:48])

	copy(aesKey[0:8], a[0:8])
	copy(aesKey[8:20], b[8:20])
	copy(aesKey[20:32], c[4:16])
	copy(iv[0:12], a[8:20])
	copy(iv[12:20], b[0:8])
	copy(iv[20:24], c[16:20])
	copy(iv[24:32], d[0:8])
	return aesKey, iv
}
