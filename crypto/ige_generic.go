//go:build !amd64 || purego

package crypto

// igeKey is the portable implementation on platforms without the assembly.
type igeKey = genericKey

// hasIGEAsm reports whether IGE runs on the assembly path.
const hasIGEAsm = false

// decryptMessageKey decrypts ct into out and returns the msg_key the plaintext should carry.
func decryptMessageKey(k *igeKey, key *AuthKey, from Side, out, ct []byte, iv *[32]byte) [16]byte {
	k.decrypt(out, ct, iv)
	return messageKey(key, from, out)
}

// sum256 returns SHA-256(a || b).
func sum256(a, b []byte) [32]byte {
	return stdSum256(a, b)
}

// sum256Segments returns SHA-256(prefix || segs... || tail).
func sum256Segments(prefix []byte, segs [][]byte, tail []byte) [32]byte {
	return stdSum256Segments(prefix, segs, tail)
}

// sum256Pair returns SHA-256 of two 52-byte inputs (the MTProto 2.0 KDF).
func sum256Pair(a, b *[52]byte) (sa, sb [32]byte) {
	return stdSum256(a[:], nil), stdSum256(b[:], nil)
}
