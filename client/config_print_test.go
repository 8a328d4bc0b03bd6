package mtgo_test

import (
	"context"
	"strings"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/crypto/redact"
)

// TestConfigPrintsNoSecret checks every fmt verb and slog handler on a Config holding a
// session string, a bot token, a phone number, a proxy password and an MTProxy secret.
func TestConfigPrintsNoSecret(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.SessionName = "my_bot"
	cfg.SessionString = "AQAAAAEAAAABZq9xW2vK7pL4mN8rQj3"
	cfg.BotToken = "123456:AAHYw7uTb5cXo1Ei6gHz"
	cfg.PhoneNumber = "15557654321"
	cfg.Proxy = "socks5://alice:Pf8Jy2Gd@127.0.0.1:1080"
	cfg.MTProxy = "tg://proxy?server=127.0.0.1&port=443&secret=dd7f3a9c51e2b8d64f0a7c3e9b15d2a8f6"
	cfg.Password = func(context.Context, string) (string, error) { return "", nil }
	secrets := [][]byte{
		[]byte("Zq9xW2vK7pL4mN8rQj3"), []byte("Yw7uTb5cXo1Ei6gHz"), []byte("7654321"),
		[]byte("Pf8Jy2Gd"), []byte("7f3a9c51e2b8d64f0a7c3e9b15d2a8f6"),
	}
	if err := redact.Check(cfg, secrets...); err != nil {
		t.Fatal(err)
	}
	if err := redact.Check(&cfg, secrets...); err != nil {
		t.Fatal(err)
	}
	const apiHash = "b7e4c1f09a2d63e8"
	cfg.InMemory, cfg.NoUpdates, cfg.MTProxy, cfg.SessionString = true, true, "", "" // NewClient checks those
	c, err := mtgo.NewClient(1, apiHash, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := redact.Check(c, append(secrets, []byte(apiHash))...); err != nil {
		t.Fatal(err)
	}
	if s := cfg.String(); !strings.Contains(s, "SessionName:my_bot") || !strings.Contains(s, "BotToken:"+redact.Mark) {
		t.Fatalf("String() = %s: want the plain fields and the secrets marked", s)
	}
}

// A QR login token signs in whoever presents it first: it prints by its expiry only.
func TestQRLoginTokenPrintsNoToken(t *testing.T) {
	token := []byte{0x5d, 0xe1, 0x09, 0x7c, 0xa4, 0x3b, 0xf2, 0x66, 0x18, 0xcd}
	tok := mtgo.QRLoginToken{Token: token}
	if err := redact.Check(tok, token); err != nil {
		t.Fatal(err)
	}
}
