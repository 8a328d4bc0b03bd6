package mtgo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
)

// Stored conversations (storage.Conversation): the dialogue state of a user in a chat kept in
// the client's Storage. They are the records the States helper keeps with a nil store
// (DefaultStatesNamespace, key "chat:user"), so a handler using States and code using
// LoadConversation see the same state. Not to be confused with Conversation (Ask, Wait),
// which waits for updates in memory.

// conversationKey names the stored state of user in chat (States and ConversationStore).
func conversationKey(chatID, userID int64) string {
	return strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(userID, 10)
}

// NewStorageConversations returns a storage.ConversationStore keeping conversations as
// records of st in namespace ns, in the States record format (see NewStorageStates): with
// ns = DefaultStatesNamespace it shares them with States created with a nil store. An expired
// conversation reads as none and is deleted then. A record that does not decode gives
// ErrCorruptState.
func NewStorageConversations(st storage.Storage, ns string) storage.ConversationStore {
	return storageConversations{st: st, ns: ns}
}

type storageConversations struct {
	st storage.Storage
	ns string
}

func (s storageConversations) LoadConversation(ctx context.Context, chatID, userID int64) (*storage.Conversation, error) {
	key := conversationKey(chatID, userID)
	rec, ok, err := s.st.LoadRecord(ctx, s.ns, key)
	if err != nil {
		return nil, fmt.Errorf("mtgo: load conversation %s: %w", key, err)
	}
	if !ok {
		return nil, fmt.Errorf("mtgo: load conversation %s: %w", key, storage.ErrNotFound)
	}
	st, expires, err := decodeStateRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("mtgo: load conversation %s: %w", key, err)
	}
	if !expires.IsZero() && !time.Now().Before(expires) {
		if err := s.st.DeleteRecord(ctx, s.ns, key); err != nil {
			return nil, fmt.Errorf("mtgo: drop expired conversation %s: %w", key, err)
		}
		return nil, fmt.Errorf("mtgo: load conversation %s: %w (expired)", key, storage.ErrNotFound)
	}
	return &storage.Conversation{ChatID: chatID, UserID: userID, State: st.Name, Data: st.Data, ExpiresAt: expires}, nil
}

func (s storageConversations) SaveConversation(ctx context.Context, c *storage.Conversation) error {
	if c == nil {
		return errors.New("mtgo: save conversation: nil conversation")
	}
	key := conversationKey(c.ChatID, c.UserID)
	rec := appendStateRecord(nil, State{Name: c.State, Data: c.Data}, c.ExpiresAt)
	if err := s.st.SaveRecord(ctx, s.ns, key, rec); err != nil {
		return fmt.Errorf("mtgo: save conversation %s: %w", key, err)
	}
	return nil
}

func (s storageConversations) DeleteConversation(ctx context.Context, chatID, userID int64) error {
	key := conversationKey(chatID, userID)
	if err := s.st.DeleteRecord(ctx, s.ns, key); err != nil {
		return fmt.Errorf("mtgo: delete conversation %s: %w", key, err)
	}
	return nil
}

// ConversationStore returns where the client keeps stored conversations: its Storage, in
// the records States use with a nil store (NewStorageConversations(c.Storage(),
// DefaultStatesNamespace)).
func (c *Client) ConversationStore() storage.ConversationStore {
	return NewStorageConversations(c.store, DefaultStatesNamespace)
}

// LoadConversation returns the stored conversation of userID in chatID (Bot API ids), an
// error matching storage.ErrNotFound when there is none or it expired.
func (c *Client) LoadConversation(ctx context.Context, chatID, userID int64) (*storage.Conversation, error) {
	return c.ConversationStore().LoadConversation(ctx, chatID, userID)
}

// SaveConversation stores conv, replacing the conversation of its chat and user.
func (c *Client) SaveConversation(ctx context.Context, conv *storage.Conversation) error {
	return c.ConversationStore().SaveConversation(ctx, conv)
}

// DeleteConversation forgets the stored conversation of userID in chatID.
func (c *Client) DeleteConversation(ctx context.Context, chatID, userID int64) error {
	return c.ConversationStore().DeleteConversation(ctx, chatID, userID)
}
