package transport

import (
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

func TestOptionsRedacted(t *testing.T) {
	secret := []byte{0xee, 0x81, 0x3c, 0xd9, 0x47, 0x2a, 0xf1, 0x6b, 0x05, 0xce, 0x93, 0x18, 0x7d, 0xa4, 0x5f, 0xe2, 0x39}
	for _, v := range []any{
		ClientOptions{Obfuscated: true, DC: 2, Secret: secret},
		&ClientOptions{Secret: secret},
		ServerOptions{Secret: secret[1:]},
		&ServerOptions{Secret: secret[1:]},
	} {
		if err := redact.Check(v, secret); err != nil {
			t.Error(err)
		}
	}
}
