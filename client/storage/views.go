package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// Typed views over a Storage, for the client's storage pass-through methods
// (Client.LoadSession, Client.GetPeer, Client.LoadUpdateState, Client.LoadConversation, ...).

// ErrNotFound reports a lookup that found nothing (a peer, a conversation, a durable update,
// a channel's update state).
var ErrNotFound = errors.New("storage: not found")

// Adapter is the backend a client stores through: the Storage itself. Every backend (InMemory,
// File, storage/sqlstore, storage/redis) is one.
type Adapter = Storage

// Session is a stored session of one data center (auth key, salt, clock offset, ...).
type Session = session.Session

// Peer is a stored peer: kind and id, access hash, usernames, phone number.
type Peer = peers.Peer

// AccountUpdateState is the account's update state: the common sequence (pts), the secret
// one (qts), seq and date. (The name UpdateState is taken by the updates.Store adapter.)
type AccountUpdateState struct {
	Pts, Qts, Seq, Date int32
}

// ChannelUpdateState is the pts of one channel's update sequence.
type ChannelUpdateState struct {
	ChannelID int64
	Pts       int32
}

// UpdateStateStore is a typed view of the update state a Storage keeps (LoadUpdates,
// CommitUpdates). The update engine owns this state while it runs: writing it then is
// overwritten by the engine's next commit (the client's view refuses writes then).
type UpdateStateStore interface {
	// LoadUpdateState returns the account's update state, an error matching ErrNotFound
	// when none was saved.
	LoadUpdateState(ctx context.Context) (*AccountUpdateState, error)
	// SaveUpdateState stores the account's update state.
	SaveUpdateState(ctx context.Context, s *AccountUpdateState) error
	// LoadChannelUpdateState returns the state of one channel, an error matching
	// ErrNotFound when none is saved.
	LoadChannelUpdateState(ctx context.Context, channelID int64) (*ChannelUpdateState, error)
	// LoadAllChannelUpdateStates returns the state of every channel, by channel id.
	LoadAllChannelUpdateStates(ctx context.Context) ([]*ChannelUpdateState, error)
	// SaveChannelUpdateState stores the state of one channel.
	SaveChannelUpdateState(ctx context.Context, s *ChannelUpdateState) error
}

// NewUpdateStateStore returns the typed view of st's update state. It is read and written
// through LoadUpdates and CommitUpdates, so every backend has it.
func NewUpdateStateStore(st Storage) UpdateStateStore { return updateStateView{st} }

type updateStateView struct{ st Storage }

func (v updateStateView) LoadUpdateState(ctx context.Context) (*AccountUpdateState, error) {
	saved, ok, err := v.st.LoadUpdates(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: load update state: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("storage: update state: %w", ErrNotFound)
	}
	s := saved.State
	return &AccountUpdateState{Pts: s.Pts, Qts: s.Qts, Seq: s.Seq, Date: s.Date}, nil
}

func (v updateStateView) SaveUpdateState(ctx context.Context, s *AccountUpdateState) error {
	if s == nil {
		return errors.New("storage: save update state: nil state")
	}
	c := updates.Commit{HasState: true, State: updates.State{Pts: s.Pts, Qts: s.Qts, Seq: s.Seq, Date: s.Date}}
	if err := v.st.CommitUpdates(ctx, c); err != nil {
		return fmt.Errorf("storage: save update state: %w", err)
	}
	return nil
}

func (v updateStateView) LoadChannelUpdateState(ctx context.Context, channelID int64) (*ChannelUpdateState, error) {
	saved, err := v.loadChannels(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range saved.Channels {
		if c.ChannelID == channelID && !c.Removed {
			return &ChannelUpdateState{ChannelID: c.ChannelID, Pts: c.Pts}, nil
		}
	}
	return nil, fmt.Errorf("storage: channel %d update state: %w", channelID, ErrNotFound)
}

// loadChannels reads the stored update state for the channels' views.
func (v updateStateView) loadChannels(ctx context.Context) (updates.Saved, error) {
	saved, _, err := v.st.LoadUpdates(ctx)
	if err != nil {
		return updates.Saved{}, fmt.Errorf("storage: load channel update states: %w", err)
	}
	return saved, nil
}

func (v updateStateView) LoadAllChannelUpdateStates(ctx context.Context) ([]*ChannelUpdateState, error) {
	saved, err := v.loadChannels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*ChannelUpdateState, 0, len(saved.Channels))
	for _, c := range saved.Channels {
		if !c.Removed {
			out = append(out, &ChannelUpdateState{ChannelID: c.ChannelID, Pts: c.Pts})
		}
	}
	slices.SortFunc(out, func(a, b *ChannelUpdateState) int { return cmp.Compare(a.ChannelID, b.ChannelID) })
	return out, nil
}

func (v updateStateView) SaveChannelUpdateState(ctx context.Context, s *ChannelUpdateState) error {
	switch {
	case s == nil:
		return errors.New("storage: save channel update state: nil state")
	case s.ChannelID <= 0:
		return fmt.Errorf("storage: save channel update state: channel id %d", s.ChannelID)
	}
	c := updates.Commit{Channels: []updates.ChannelPts{{ChannelID: s.ChannelID, Pts: s.Pts}}}
	if err := v.st.CommitUpdates(ctx, c); err != nil {
		return fmt.Errorf("storage: save channel %d update state: %w", s.ChannelID, err)
	}
	return nil
}

// Conversation is the stored dialogue state of one user in one chat (what other frameworks
// call FSM storage): the step the user is at and the data collected so far. It is not the
// client's in-memory Conversation (Ask, Wait), which waits for the next update inside a
// handler; this one survives restarts.
type Conversation struct {
	// ChatID is the chat (Bot API form), UserID the user; either may be zero.
	ChatID, UserID int64
	// State is the step; "" is no state.
	State string
	// Data is what the steps collected, in the program's encoding.
	Data []byte
	// ExpiresAt is when the state lapses (it then reads as none); zero: never.
	ExpiresAt time.Time
}

// ConversationStore keeps Conversations by chat and user. The client's keeps them as records
// of its Storage (the records the client's States helper uses); implement it over another
// database to keep them there.
type ConversationStore interface {
	// LoadConversation returns the conversation of userID in chatID, an error matching
	// ErrNotFound when there is none (or it expired).
	LoadConversation(ctx context.Context, chatID, userID int64) (*Conversation, error)
	// SaveConversation stores c under c.ChatID and c.UserID, replacing what was there.
	SaveConversation(ctx context.Context, c *Conversation) error
	// DeleteConversation forgets the conversation; a missing one is not an error.
	DeleteConversation(ctx context.Context, chatID, userID int64) error
}
