package fanout

import (
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// chatKey returns the chat whose order u belongs to: a channel as -1e12-id, a basic group as
// -id, a user as id (the Bot API's convention), and 0 for updates of no chat (they share
// one shard, in order). Updates without a chat but with a user (an inline query, a
// payment) are keyed by the user. Every update the client's dispatcher queues under a chat
// or user has that key here (chat_test.go holds the two together), so what one process
// runs in order stays in one shard.
func chatKey(u tg.UpdateClass) int64 {
	if ch, ok := tg.UpdateChannelID(u); ok {
		return channelKey(ch)
	}
	switch u := u.(type) {
	case *tg.UpdateNewMessage:
		return messageKey(u.Message)
	case *tg.UpdateEditMessage:
		return messageKey(u.Message)
	case *tg.UpdateNewChannelMessage:
		return messageKey(u.Message)
	case *tg.UpdateEditChannelMessage:
		return messageKey(u.Message)
	case *tg.UpdateBotCallbackQuery:
		return peerKey(u.Peer)
	case *tg.UpdateBusinessBotCallbackQuery:
		if k := messageKey(u.Message); k != 0 {
			return k
		}
		return u.UserID // a message without its chat: by the presser, as the dispatcher queues it
	case *tg.UpdateBotNewBusinessMessage:
		return messageKey(u.Message)
	case *tg.UpdateBotEditBusinessMessage:
		return messageKey(u.Message)
	case *tg.UpdateBotDeleteBusinessMessage:
		return peerKey(u.Peer)
	case *tg.UpdateBotChatInviteRequester:
		return peerKey(u.Peer)
	case *tg.UpdateBotMessageReaction:
		return peerKey(u.Peer)
	case *tg.UpdateChatParticipant:
		return -u.ChatID
	case *tg.UpdateChannelParticipant:
		return channelKey(u.ChannelID)
	case *tg.UpdateBotMessageReactions:
		return peerKey(u.Peer)
	case *tg.UpdateMessagePoll:
		return peerKey(u.Peer) // 0 when the poll names no chat
	case *tg.UpdateMessagePollVote:
		if p, ok := u.Peer.(*tg.PeerUser); ok {
			return p.UserID // a chat's vote has no user, as the dispatcher queues it
		}
		return 0
	case *tg.UpdateStory:
		return peerKey(u.Peer)
	case *tg.UpdateBotChatBoost:
		return peerKey(u.Peer)
	case *tg.UpdateBotGuestChatQuery:
		return messageKey(u.Message)
	case *tg.UpdateBotPurchasedPaidMedia:
		return u.UserID
	case *tg.UpdateManagedBot:
		return u.UserID
	case *tg.UpdateBotBusinessConnect:
		return u.Connection.UserID
	case *tg.UpdateInlineBotCallbackQuery:
		return u.UserID
	case *tg.UpdateBotInlineQuery:
		return u.UserID
	case *tg.UpdateBotInlineSend:
		return u.UserID
	case *tg.UpdateBotPrecheckoutQuery:
		return u.UserID
	case *tg.UpdateBotShippingQuery:
		return u.UserID
	case *tg.UpdateBotStopped:
		return u.UserID
	case *tg.UpdateUserStatus:
		return u.UserID
	}
	return 0
}

func channelKey(id int64) int64 { return types.ChannelChatID(id) }

func messageKey(m tg.MessageClass) int64 {
	switch m := m.(type) {
	case *tg.Message:
		return peerKey(m.PeerID)
	case *tg.MessageService:
		return peerKey(m.PeerID)
	case *tg.MessageEmpty:
		return peerKey(m.PeerID)
	}
	return 0
}

func peerKey(p tg.PeerClass) int64 { return types.PeerChatID(p) }
