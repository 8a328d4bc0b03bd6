package crypto

import (
	"bytes"
	"testing"
)

// TestMessageKeyExported checks the exported KDF against a packet EncryptMessage produced: the
// derived key and iv decrypt it and msg_key matches the decrypted body.
func TestMessageKeyExported(t *testing.T) {
	var v [256]byte
	for i := range v {
		v[i] = byte(i * 7)
	}
	key := NewAuthKey(v)
	plain := bytes.Repeat([]byte{0xab}, 64)
	for _, from := range []Side{Client, Server} {
		packet, err := EncryptMessage(nil, &key, from, plain, NewDeterministicReader(1))
		if err != nil {
			t.Fatal(err)
		}
		msgKey := [16]byte(packet[AuthKeyIDSize:EnvelopeSize])
		aesKey, iv := MessageKeyIV(&key, from, &msgKey)
		body := make([]byte, len(packet)-EnvelopeSize)
		if err := IGEDecrypt(body, packet[EnvelopeSize:], aesKey[:], iv[:]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body[:len(plain)], plain) {
			t.Errorf("%v: decrypted body differs from the plaintext", from)
		}
		if got := MessageKey(&key, from, body); got != msgKey {
			t.Errorf("%v: MessageKey = %x, packet has %x", from, got, msgKey)
		}
	}
}
