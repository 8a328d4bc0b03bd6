package mtgo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// MaxSecretActionIDs is how many messages one DeleteSecretMessages,
// ReadSecretMessageContents or SendSecretScreenshotNotification names at most (as
// messages.deleteMessages takes 100).
const MaxSecretActionIDs = 100

// SetSecretChatTTL sets the self-destruct timer of a ready chat for both sides
// (decryptedMessageActionSetMessageTTL; the peer's OnSecretMessage sees the action): the
// chat's TTL shows it, and the messages either side sends afterwards carry it (a file's
// SecretFileOptions.TTL, when set, instead). 0 turns it off; whole seconds, rounded down
// (ErrOutOfRange when negative or past 2^31-1 seconds). Deleting a message when its
// time is up is the application's work (each side's): this client keeps no messages.
func (c *Client) SetSecretChatTTL(ctx context.Context, chatID int32, ttl time.Duration) error {
	secs, err := secretTTL(ttl)
	if err != nil {
		return fmt.Errorf("mtgo: secret chat %d: %w", chatID, err)
	}
	return c.sendSecretAction(ctx, chatID, &e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: secs})
}

// secretTTL is ttl in the wire's whole seconds, rounded down: ErrOutOfRange when negative
// or past 2^31-1 seconds.
func secretTTL(ttl time.Duration) (int32, error) {
	return wirenum.Seconds("TTL", ttl, 0, math.MaxInt32)
}

// DeleteSecretMessages asks the peer of a ready chat to delete the messages with randomIDs
// (decryptedMessageActionDeleteMessages; 1 to MaxSecretActionIDs of them). This client
// keeps no messages: the application deletes its own copies.
func (c *Client) DeleteSecretMessages(ctx context.Context, chatID int32, randomIDs ...int64) error {
	if err := checkSecretActionIDs(chatID, randomIDs); err != nil {
		return err
	}
	return c.sendSecretAction(ctx, chatID, &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: randomIDs})
}

// ReadSecretMessageContents tells the peer of a ready chat that this side opened the
// messages with randomIDs (decryptedMessageActionReadMessages: self-destructing media
// viewed, which starts their timers).
func (c *Client) ReadSecretMessageContents(ctx context.Context, chatID int32, randomIDs ...int64) error {
	if err := checkSecretActionIDs(chatID, randomIDs); err != nil {
		return err
	}
	return c.sendSecretAction(ctx, chatID, &e2e.DecryptedMessageActionReadMessages{RandomIDs: randomIDs})
}

// SendSecretScreenshotNotification tells the peer of a ready chat that this side took a
// screenshot showing the messages with randomIDs (decryptedMessageActionScreenshotMessages).
func (c *Client) SendSecretScreenshotNotification(ctx context.Context, chatID int32, randomIDs ...int64) error {
	if err := checkSecretActionIDs(chatID, randomIDs); err != nil {
		return err
	}
	return c.sendSecretAction(ctx, chatID, &e2e.DecryptedMessageActionScreenshotMessages{RandomIDs: randomIDs})
}

// ClearSecretChatHistory asks the peer of a ready chat to delete the whole history
// (decryptedMessageActionFlushHistory); the chat stays open.
func (c *Client) ClearSecretChatHistory(ctx context.Context, chatID int32) error {
	return c.sendSecretAction(ctx, chatID, &e2e.DecryptedMessageActionFlushHistory{})
}

// sendSecretAction sends a as a service message (messages.sendEncryptedService).
func (c *Client) sendSecretAction(ctx context.Context, chatID int32, a e2e.DecryptedMessageActionClass) error {
	return c.secrets().action(ctx, chatID, a)
}

// action sends a to chat id as a service message.
func (m *secretChats) action(ctx context.Context, id int32, a e2e.DecryptedMessageActionClass) error {
	msg := &e2e.DecryptedMessageService{RandomID: randomID(), Action: a}
	_, err := m.send(ctx, id, msg.RandomID, msg, nil)
	return err
}

// notifyLayer tells the peer of chat id the layer this side speaks.
func (m *secretChats) notifyLayer(ctx context.Context, id int32) error {
	return m.action(ctx, id, &e2e.DecryptedMessageActionNotifyLayer{Layer: m.layer})
}

func checkSecretActionIDs(chatID int32, ids []int64) error {
	if len(ids) == 0 || len(ids) > MaxSecretActionIDs {
		return fmt.Errorf("mtgo: secret chat %d: %d messages named, want 1 to %d", chatID, len(ids), MaxSecretActionIDs)
	}
	return nil
}

// secretActionOf types a peer's service action.
func secretActionOf(a e2e.DecryptedMessageActionClass) *types.SecretAction {
	switch a := a.(type) {
	case *e2e.DecryptedMessageActionSetMessageTTL:
		return &types.SecretAction{Kind: types.SecretActionTTL, TTL: peerTTL(a.TTLSeconds)}
	case *e2e.DecryptedMessageActionDeleteMessages:
		return &types.SecretAction{Kind: types.SecretActionDelete, RandomIDs: a.RandomIDs}
	case *e2e.DecryptedMessageActionReadMessages:
		return &types.SecretAction{Kind: types.SecretActionReadContents, RandomIDs: a.RandomIDs}
	case *e2e.DecryptedMessageActionScreenshotMessages:
		return &types.SecretAction{Kind: types.SecretActionScreenshot, RandomIDs: a.RandomIDs}
	case *e2e.DecryptedMessageActionFlushHistory:
		return &types.SecretAction{Kind: types.SecretActionClearHistory}
	case *e2e.DecryptedMessageActionNotifyLayer:
		return &types.SecretAction{Kind: types.SecretActionLayer, Layer: int(max(a.Layer, 0))}
	}
	return &types.SecretAction{Kind: types.SecretActionOther}
}
