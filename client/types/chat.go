package types

import (
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatType says what kind of chat a Chat is.
type ChatType uint8

// Chat kinds.
const (
	// ChatPrivate is a one-to-one chat with a user.
	ChatPrivate ChatType = iota + 1
	// ChatBot is a one-to-one chat with a bot.
	ChatBot
	// ChatGroup is a basic group.
	ChatGroup
	// ChatSupergroup is a supergroup (a megagroup channel).
	ChatSupergroup
	// ChatChannel is a broadcast channel.
	ChatChannel
)

// String returns the kind's name.
func (t ChatType) String() string {
	switch t {
	case ChatPrivate:
		return "private"
	case ChatBot:
		return "bot"
	case ChatGroup:
		return "group"
	case ChatSupergroup:
		return "supergroup"
	case ChatChannel:
		return "channel"
	}
	return "unknown"
}

// Chat is a conversation: a private chat with a user, a basic group, a supergroup or a
// channel.
type Chat struct {
	// ID is the chat id in Bot API form: the user id for private chats, -id for basic
	// groups and -(1000000000000+id) for supergroups and channels.
	ID int64
	// Type is the kind of chat.
	Type ChatType
	// Title is the title of groups and channels.
	Title string
	// Username is the public username (without "@"), if any.
	Username string
	// FirstName and LastName name the other user of a private chat.
	FirstName, LastName string
	// AccessHash authorizes the use of a user or channel in requests; zero when unknown and
	// for basic groups.
	AccessHash int64
	// IsForum is true for supergroups organised in topics.
	IsForum bool
	// Raw is the chat object the value was built from (tg.Chat, tg.Channel, ...), nil for
	// private chats and values built by hand.
	Raw tg.ChatClass

	self bool // the logged-in account's own chat (Saved Messages)
}

// NewChat builds a Chat from a tg.ChatClass; it returns nil for nil input and chatEmpty.
func NewChat(c tg.ChatClass) *Chat {
	switch c := c.(type) {
	case *tg.Chat:
		if c == nil {
			return nil
		}
		return &Chat{ID: -c.ID, Type: ChatGroup, Title: c.Title, Raw: c}
	case *tg.ChatForbidden:
		if c == nil {
			return nil
		}
		return &Chat{ID: -c.ID, Type: ChatGroup, Title: c.Title, Raw: c}
	case *tg.Channel:
		if c == nil {
			return nil
		}
		t := ChatChannel
		if c.Megagroup || c.Gigagroup {
			t = ChatSupergroup
		}
		return &Chat{
			ID:         ChannelChatID(c.ID),
			Type:       t,
			Title:      c.Title,
			Username:   firstUsername(c.Username.Value, c.Usernames),
			AccessHash: c.AccessHash.Value,
			IsForum:    c.Forum,
			Raw:        c,
		}
	case *tg.ChannelForbidden:
		if c == nil {
			return nil
		}
		t := ChatChannel
		if c.Megagroup {
			t = ChatSupergroup
		}
		return &Chat{ID: ChannelChatID(c.ID), Type: t, Title: c.Title, AccessHash: c.AccessHash, Raw: c}
	}
	return nil
}

// ChannelChatID returns the Bot API chat id of a channel id.
func ChannelChatID(channelID int64) int64 { return peers.ChannelKey(channelID).BotAPIID() }

// PeerChatID returns the Bot API chat id of the user, basic group or channel p names (the id
// Chat.ID holds), 0 for nil or an invalid peer.
func PeerChatID(p tg.PeerClass) int64 {
	k, _ := peers.KeyOfPeer(p)
	return k.BotAPIID()
}

// PeerID returns the raw id of the chat: the user, basic group or channel id as Telegram
// numbers it.
func (c *Chat) PeerID() int64 {
	switch c.Type {
	case ChatGroup:
		return -c.ID
	case ChatSupergroup, ChatChannel:
		k, _ := peers.KeyFromBotAPI(c.ID)
		return k.ID
	}
	return c.ID
}

// Peer returns the chat as a tg.PeerClass.
func (c *Chat) Peer() tg.PeerClass {
	switch c.Type {
	case ChatGroup:
		return &tg.PeerChat{ChatID: c.PeerID()}
	case ChatSupergroup, ChatChannel:
		return &tg.PeerChannel{ChannelID: c.PeerID()}
	}
	return &tg.PeerUser{UserID: c.ID}
}

// InputPeer returns the chat as a peer for requests.
func (c *Chat) InputPeer() tg.InputPeerClass {
	switch c.Type {
	case ChatGroup:
		return &tg.InputPeerChat{ChatID: c.PeerID()}
	case ChatSupergroup, ChatChannel:
		return &tg.InputPeerChannel{ChannelID: c.PeerID(), AccessHash: c.AccessHash}
	}
	if c.self {
		return &tg.InputPeerSelf{}
	}
	return &tg.InputPeerUser{UserID: c.ID, AccessHash: c.AccessHash}
}
