package mtgo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/secretchat"
)

// TestSecretRekeyConfig: Config.SecretRekey is checked by NewClient; a negative field, one
// below the floor (re-keying storms) and one looser than Telegram's rule are ErrInvalidConfig
// naming the field; the zero value and fields within the bounds are accepted.
func TestSecretRekeyConfig(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name string
		p    secretchat.Policy
		want string // "" accepted; else the error names it
	}{
		{"zero", secretchat.Policy{}, ""},
		{"default", secretchat.DefaultPolicy, ""},
		{"tighter", secretchat.Policy{Messages: 10, Age: time.Hour, Wait: time.Minute}, ""},
		{"only messages", secretchat.Policy{Messages: 50}, ""},
		{"negative messages", secretchat.Policy{Messages: -1}, "SecretRekey.Messages"},
		{"few messages", secretchat.Policy{Messages: 9}, "SecretRekey.Messages"},
		{"many messages", secretchat.Policy{Messages: 101}, "SecretRekey.Messages"},
		{"negative age", secretchat.Policy{Age: -time.Hour}, "SecretRekey.Age"},
		{"short age", secretchat.Policy{Age: time.Second}, "SecretRekey.Age"},
		{"long age", secretchat.Policy{Age: 7*day + time.Second}, "SecretRekey.Age"},
		{"negative wait", secretchat.Policy{Wait: -1}, "SecretRekey.Wait"},
		{"short wait", secretchat.Policy{Wait: time.Millisecond}, "SecretRekey.Wait"},
		{"long wait", secretchat.Policy{Wait: 8 * day}, "SecretRekey.Wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mtgo.DefaultConfig
			cfg.InMemory = true
			cfg.SecretRekey = tt.p
			c, err := mtgo.NewClient(1, "hash", &cfg)
			if c != nil {
				c.Stop()
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("NewClient = %v, want no error", err)
			case tt.want != "" && (!errors.Is(err, mtgo.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("NewClient = %v, want ErrInvalidConfig naming %s", err, tt.want)
			}
		})
	}
}
