package mtgo

import (
	"cmp"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/secretchat"
)

// Bounds of Config.SecretRekey. The upper ones are Telegram's rule (secretchat.DefaultPolicy's
// Messages and Age): its guidelines ask every client to re-key at least as often as the
// official ones. The lower ones keep the re-keying service messages (four per exchange) from
// outnumbering the chat's own and a peer's short absence from aborting every exchange.
const (
	minSecretRekeyMessages = 10
	maxSecretRekeyMessages = 100
	minSecretRekeyTime     = time.Minute
	maxSecretRekeyTime     = 7 * 24 * time.Hour
)

// validateSecretRekey checks Config.SecretRekey (config.go's validate): each field is 0 (the
// default's value) or within its bounds.
func validateSecretRekey(p secretchat.Policy) error {
	return cmp.Or(
		secretRekeyBound("Messages", p.Messages, minSecretRekeyMessages, maxSecretRekeyMessages),
		secretRekeyBound("Age", p.Age, minSecretRekeyTime, maxSecretRekeyTime),
		secretRekeyBound("Wait", p.Wait, minSecretRekeyTime, maxSecretRekeyTime),
	)
}

func secretRekeyBound[T int32 | time.Duration](field string, v, lo, hi T) error {
	if v == 0 || (v >= lo && v <= hi) {
		return nil
	}
	return fmt.Errorf("%w: SecretRekey.%s is %v: want 0 (the default) or %v to %v", ErrInvalidConfig, field, v, lo, hi)
}

// secretRekeyPolicy is the policy the manager uses for Config.SecretRekey p (validated): each
// zero field takes secretchat.DefaultPolicy's value.
func secretRekeyPolicy(p secretchat.Policy) secretchat.Policy {
	d := secretchat.DefaultPolicy
	return secretchat.Policy{Messages: cmp.Or(p.Messages, d.Messages), Age: cmp.Or(p.Age, d.Age), Wait: cmp.Or(p.Wait, d.Wait)}
}
