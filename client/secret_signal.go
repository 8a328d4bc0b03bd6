package mtgo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The signals of a secret chat that are not messages: read marks and typing, which the
// server relays between the two users outside the encrypted layer (they name the chat, and
// a date, only), and spam reports.

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

// ReportSecretChatSpam reports a secret chat the peer started as spam
// (messages.reportEncryptedSpam); DiscardSecretChat ends it. The chat must be one this
// client knows, in any state.
func (c *Client) ReportSecretChatSpam(ctx context.Context, chatID int32) error {
	peer, _, err := c.secrets().peer(ctx, chatID, false)
	if err != nil {
		return err
	}
	if _, err := c.raw.MessagesReportEncryptedSpam(ctx, &tg.MessagesReportEncryptedSpamRequest{Peer: peer}); err != nil {
		return fmt.Errorf("mtgo: report secret chat spam: %w", err)
	}
	return nil
}

// readyPeer returns the input of ready chat id and the date of the newest message it
// delivered (0: none since the start).
func (m *secretChats) readyPeer(ctx context.Context, id int32) (tg.InputEncryptedChat, int32, error) {
	return m.peer(ctx, id, true)
}

// peer returns the input of chat id (ErrSecretChatState unless ready, if ready is set) and
// the date of the newest message it delivered.
func (m *secretChats) peer(ctx context.Context, id int32, ready bool) (tg.InputEncryptedChat, int32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return tg.InputEncryptedChat{}, 0, err
	}
	if ready && s.state != types.SecretChatReady {
		return tg.InputEncryptedChat{}, 0, s.stateError()
	}
	return tg.InputEncryptedChat{ChatID: s.id, AccessHash: s.accessHash}, s.lastIn, nil
}

// maxSecretUnread is how many sent messages per chat wait for a read mark to name them; when
// more are sent, the oldest leaves (a mark will not name it).
const maxSecretUnread = 100

// sentDate is a message this side sent and the server's date of it.
type sentDate struct {
	rid  int64
	date int32
}

// noteSent remembers the date of message rid of chat id, an ordinary message (not a service
// one), for the peer's read marks. A mark that comes before the send's answer does not name
// it (the peer read it at once; the dates are whole seconds, so a later message of the same
// second cannot be told from it): the next mark does.
func (m *secretChats) noteSent(id int32, rid int64, date int32, msg e2e.DecryptedMessageClass) {
	if isSecretService(msg) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.chats[id]
	if s == nil || s.state != types.SecretChatReady {
		return
	}
	if len(s.unread) == maxSecretUnread {
		s.unread = append(s.unread[:0], s.unread[1:]...)
	}
	s.unread = append(s.unread, sentDate{rid, date})
}

// onRead hands the peer's read mark to the handlers, with the messages it newly covers.
func (m *secretChats) onRead(ctx context.Context, up *tg.UpdateEncryptedMessagesRead) {
	m.mu.Lock()
	s, err := m.lookupLocked(ctx, up.ChatID)
	var ids []int64
	if s != nil {
		ids, s.unread = readUpTo(s.unread, up.MaxDate)
	}
	m.mu.Unlock()
	if err != nil {
		m.log.Warn("secret chat not loaded", "chat", up.ChatID, "err", err)
	}
	if s == nil {
		m.log.Debug("secret chat read mark dropped: unknown chat", "chat", up.ChatID)
		return
	}
	m.emit(kindSecretChatRead, &types.SecretChatRead{
		ChatID: up.ChatID, MaxDate: time.Unix(int64(up.MaxDate), 0), Date: time.Unix(int64(up.Date), 0), RandomIDs: ids,
	})
}

// readUpTo splits the messages sent up to maxDate (their random ids, in the order sent) from
// the rest (returned in place of sent).
func readUpTo(sent []sentDate, maxDate int32) (read []int64, rest []sentDate) {
	rest = sent[:0]
	for _, x := range sent {
		if x.date <= maxDate {
			read = append(read, x.rid)
		} else {
			rest = append(rest, x)
		}
	}
	return read, rest
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
