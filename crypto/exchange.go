package crypto

import (
	"crypto/sha1"
	"encoding/binary"
)

// TmpAESKeyIV derives the key and iv that encrypt server_DH_inner_data and client_DH_inner_data
// during the key exchange:
//
//	tmp_aes_key = SHA1(new_nonce + server_nonce) + SHA1(server_nonce + new_nonce)[0:12]
//	tmp_aes_iv  = SHA1(server_nonce + new_nonce)[12:20] + SHA1(new_nonce + new_nonce) + new_nonce[0:4]
func TmpAESKeyIV(newNonce [32]byte, serverNonce [16]byte) (key, iv [32]byte) {
	var buf [64]byte
	copy(buf[:32], newNonce[:])
	copy(buf[32:], serverNonce[:])
	ns := sha1.Sum(buf[:48])
	copy(buf[:16], serverNonce[:])
	copy(buf[16:], newNonce[:])
	sn := sha1.Sum(buf[:48])
	copy(buf[:32], newNonce[:])
	copy(buf[32:], newNonce[:])
	nn := sha1.Sum(buf[:64])

	copy(key[:20], ns[:])
	copy(key[20:], sn[:12])
	copy(iv[:8], sn[12:])
	copy(iv[8:28], nn[:])
	copy(iv[28:], newNonce[:4])
	return key, iv
}

// NewNonceHash returns new_nonce_hash1, 2 or 3 (n = 1, 2, 3 for dh_gen_ok, dh_gen_retry and
// dh_gen_fail): the low 128 bits of SHA1(new_nonce + n + auth_key_aux_hash).
func NewNonceHash(newNonce [32]byte, n byte, authKey *AuthKey) [16]byte {
	var buf [41]byte
	copy(buf[:32], newNonce[:])
	buf[32] = n
	aux := AuxHash(authKey)
	copy(buf[33:], aux[:])
	sum := sha1.Sum(buf[:])
	var out [16]byte
	copy(out[:], sum[4:20])
	return out
}

// InitialSalt returns the first server salt after a key exchange: new_nonce[0:8] XOR
// server_nonce[0:8], read as the little-endian int64 it is on the wire.
func InitialSalt(newNonce [32]byte, serverNonce [16]byte) int64 {
	return int64(binary.LittleEndian.Uint64(newNonce[:8]) ^ binary.LittleEndian.Uint64(serverNonce[:8]))
}
