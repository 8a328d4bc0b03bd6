package types

import (
	"bytes"
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// A secret file's key and iv never show when it, or a message carrying it, is printed or
// logged, however.
func TestSecretPrintsNoKeys(t *testing.T) {
	key, iv := bytes.Repeat([]byte{0xa7, 0x31, 0x5c}, 11)[:32], bytes.Repeat([]byte{0x4e, 0xd2}, 16)
	f := &SecretFile{ID: 1, AccessHash: 2, Size: 32, Key: key, IV: iv, MimeType: "text/plain"}
	layer := &e2e.DecryptedMessageLayer{Layer: 144, Message: &e2e.DecryptedMessage{
		Media: &e2e.DecryptedMessageMediaDocument{Key: key, Iv: iv, MimeType: "text/plain"}}}
	m := SecretMessage{ChatID: 7, Text: "hi", File: f, Media: layer.Message.(*e2e.DecryptedMessage).Media, Layer: layer}
	for _, v := range []any{f, *f, m, &m} { // Check also prints each inside a struct
		if err := redact.Check(v, key, iv); err != nil {
			t.Error(err)
		}
	}
}

// An RTMP stream key lets anyone stream into the chat: an RTMPURL never prints it.
func TestRTMPURLPrintsNoKey(t *testing.T) {
	const key = "2114508617:Kq9vX3mZ"
	r := RTMPURL{URL: "rtmps://dc4-1.rtmp.t.me/s/", Key: key}
	for _, v := range []any{r, &r} { // Check also prints each inside a struct
		if err := redact.Check(v, []byte(key)); err != nil {
			t.Error(err)
		}
	}
}
