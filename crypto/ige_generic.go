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
