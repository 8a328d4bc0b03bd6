package mtgo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The signals of a secret chat that are not messages: read marks and typing. The server
// relays them between the two users outside the encrypted layer; they name the chat (and a
// date) only.

// NewSecretChatReadHandler builds a handler of secret chat read marks for AddHandler.
func NewSecretChatReadHandler(cb func(*Context, *types.SecretChatRead) error, fs ...Filter) *Handler {
	return secretHandler(kindSecretChatRead, cb, fs)
}

// OnSecretChatRead registers cb in group 0 for the peer of a secret chat reading this side's
// messages (updateEncryptedMessagesRead): those sent up to SecretChatRead.MaxDate are read.
// Marks for chats this client does not know are dropped.
func (c *Client) OnSecretChatRead(cb func(*Context, *types.SecretChatRead) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewSecretChatReadHandler(cb, fs...))
}

// NewSecretChatTypingHandler builds a handler of secret chat typing signals for AddHandler.
func NewSecretChatTypingHandler(cb func(*Context, *types.SecretChatTyping) error, fs ...Filter) *Handler {
	return secretHandler(kindSecretChatTyping, cb, fs)
}

// OnSecretChatTyping registers cb in group 0 for the peer of a secret chat typing
// (updateEncryptedChatTyping). Show it for about 6 seconds: the peer repeats it while it
// types and sends nothing when it stops. Signals for chats this client does not know are
// dropped.
func (c *Client) OnSecretChatTyping(cb func(*Context, *types.SecretChatTyping) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewSecretChatTypingHandler(cb, fs...))
}

// SendSecretChatAction tells the peer of a ready secret chat that this side is typing
// (messages.setEncryptedTyping), or stopped (typing false: Telegram relays nothing then,
// the peer's display times out). The secret layer has no other actions on the wire: repeat
// the call about every 5 seconds while typing, as SendChatAction.
func (c *Client) SendSecretChatAction(ctx context.Context, chatID int32, typing bool) error {
	peer, _, err := c.secrets().readyPeer(ctx, chatID)
	if err != nil {
		return err
	}
	if _, err := c.raw.MessagesSetEncryptedTyping(ctx, &tg.MessagesSetEncryptedTypingRequest{Peer: peer, Typing: typing}); err != nil {
		return fmt.Errorf("mtgo: send secret chat action: %w", err)
	}
	return nil
}

// ReadSecretChatHistory marks the messages of a ready secret chat received up to maxDate
// (their SecretMessage.Date, the server's clock) as read (messages.readEncryptedHistory); the
// peer's OnSecretChatRead handlers hear it. A zero maxDate reads every message received: up
// to the newest one's date (of the messages delivered since the client started; the current
// time when none was).
func (c *Client) ReadSecretChatHistory(ctx context.Context, chatID int32, maxDate time.Time) error {
	peer, last, err := c.secrets().readyPeer(ctx, chatID)
	if err != nil {
		return err
	}
	date := int64(last)
	switch {
	case !maxDate.IsZero():
		date = maxDate.Unix()
	case last == 0:
		date = time.Now().Unix()
	}
	if date < 0 || date > math.MaxInt32 {
		return fmt.Errorf("mtgo: read secret chat history: date %v out of range", maxDate)
	}
	if _, err := c.raw.MessagesReadEncryptedHistory(ctx, &tg.MessagesReadEncryptedHistoryRequest{Peer: peer, MaxDate: int32(date)}); err != nil {
		return fmt.Errorf("mtgo: read secret chat history: %w", err)
	}
	return nil
}

// readyPeer returns the input of ready chat id and the date of the newest message it
// delivered (0: none since the start).
func (m *secretChats) readyPeer(ctx context.Context, id int32) (tg.InputEncryptedChat, int32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return tg.InputEncryptedChat{}, 0, err
	}
	if s.state != types.SecretChatReady {
		return tg.InputEncryptedChat{}, 0, s.stateError()
	}
	return tg.InputEncryptedChat{ChatID: s.id, AccessHash: s.accessHash}, s.lastIn, nil
}

// onRead hands the peer's read mark to the handlers.
func (m *secretChats) onRead(ctx context.Context, up *tg.UpdateEncryptedMessagesRead) {
	if _, ok := m.get(ctx, up.ChatID); !ok {
		m.log.Debug("secret chat read mark dropped: unknown chat", "chat", up.ChatID)
		return
	}
	m.emit(kindSecretChatRead, &types.SecretChatRead{
		ChatID: up.ChatID, MaxDate: time.Unix(int64(up.MaxDate), 0), Date: time.Unix(int64(up.Date), 0),
	})
}

// onTyping hands the peer's typing signal to the handlers, naming the peer.
func (m *secretChats) onTyping(ctx context.Context, up *tg.UpdateEncryptedChatTyping) {
	sc, ok := m.get(ctx, up.ChatID)
	if !ok {
		m.log.Debug("secret chat typing dropped: unknown chat", "chat", up.ChatID)
		return
	}
	m.emit(kindSecretChatTyping, &types.SecretChatTyping{ChatID: up.ChatID, UserID: sc.UserID})
}
