package faketls

import (
	"testing"

	"github.com/mtgo-labs/mtgo/crypto/redact"
)

func TestConfigRedacted(t *testing.T) {
	key := []byte{0x81, 0x3c, 0xd9, 0x47, 0x2a, 0xf1, 0x6b, 0x05, 0xce, 0x93, 0x18, 0x7d, 0xa4, 0x5f, 0xe2, 0x39}
	for _, v := range []any{
		ClientConfig{Key: key, Domain: "example.com"}, &ClientConfig{Key: key},
		ServerConfig{Key: key, Domain: "example.com"}, &ServerConfig{Key: key},
	} {
		if err := redact.Check(v, key); err != nil {
			t.Error(err)
		}
	}
}
