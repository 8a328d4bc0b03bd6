package mtgo

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// SetSecretRekeyPolicy sets when c's secret chats re-key by themselves (Telegram's rule,
// secretchat.DefaultPolicy, unless a test lowers it).
func SetSecretRekeyPolicy(c *Client, p secretchat.Policy) {
	m := c.secrets()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.policy = p
}

// SetSecretSendGate makes c run gate before each secret service message it sends (after the
// message is sealed): a test can hold one back.
func SetSecretSendGate(c *Client, gate func(ctx context.Context, chatID int32, a e2e.DecryptedMessageActionClass)) {
	m := c.secrets()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gate = gate
}

// OnSecretKeySwitch makes c call f (under its secret chat lock: f must not block or call c)
// each time a secret chat's key switches.
func OnSecretKeySwitch(c *Client, f func(chatID int32, fingerprint int64)) {
	m := c.secrets()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.switched = f
}

// SetSecretClock makes c's secret chats read the time from now (the re-keying rules); set it
// before Start to move a restarted client into the future.
func SetSecretClock(c *Client, now func() time.Time) {
	m := c.secrets()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = now
}

// OpeningNotice reports the notifyLayer a side sends as its first message in a chat (each
// side does as soon as the key is made: secretChats.announce), which the tests' inboxes leave
// out.
func OpeningNotice(m *types.SecretMessage) bool {
	return m.Service != nil && m.Service.Kind == types.SecretActionLayer && m.Layer != nil && m.Layer.OutSeqNo <= 1
}
