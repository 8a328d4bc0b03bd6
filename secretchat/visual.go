package secretchat

import (
	"crypto/sha1"
	"crypto/sha256"

	"github.com/mtgo-labs/mtgo/crypto"
)

// Key visualization (core.telegram.org/api/end-to-end, "Key Visualization"): users compare
// these bytes, drawn as an image or emoji, to detect a man in the middle.

// Visual128 returns the first 128 bits of SHA1(key) of the chat's initial key, the picture of
// chats before layer 46.
func Visual128(initial *crypto.AuthKey) [16]byte {
	sum := sha1.Sum(initial.Value[:])
	return [16]byte(sum[:16])
}

// Visual288 returns the 288-bit visualization of layer 46 and later: the first 128 bits of
// SHA1(initial key) followed by the first 160 bits of SHA256(key in use when the chat was
// upgraded to layer 46). For a chat created at layer 46 or later both keys are the initial
// key.
func Visual288(initial, layer46 *crypto.AuthKey) [36]byte {
	var out [36]byte
	v := Visual128(initial)
	copy(out[:16], v[:])
	sum := sha256.Sum256(layer46.Value[:])
	copy(out[16:], sum[:20])
	return out
}
