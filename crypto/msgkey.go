package crypto

// MessageKey returns the MTProto 2.0 msg_key of data (plaintext with its padding) sent by from:
// the middle 128 bits of SHA-256(key[88+x : 120+x] || data). Secret chats use the same
// construction with their own key, x = 0 for the chat's originator and 8 for the responder.
func MessageKey(key *AuthKey, from Side, data []byte) [16]byte {
	return messageKey(key, from, data)
}

// MessageKeyIV returns the MTProto 2.0 AES-256-IGE key and iv for msg_key of a message sent by
// from (see kdf.go for the construction).
func MessageKeyIV(key *AuthKey, from Side, msgKey *[16]byte) (aesKey, iv [32]byte) {
	return messageKeyIV(key, from, msgKey)
}
