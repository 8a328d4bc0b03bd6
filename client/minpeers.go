package mtgo

import (
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// messageLearner is what a peer cache offers to address peers seen without an access hash
// through the message they were seen in (the peers module's cache does).
type messageLearner interface {
	LearnMessage(m tg.MessageClass)
	SeenIn(peer, chat peers.Key, msgID int32)
}

// learnMessages hands the messages obj carries (an updates object or a messages.* result) to
// the peer cache, so a user or channel that came as a min object is addressed through
// inputPeerUserFromMessage / inputPeerChannelFromMessage until its full object arrives.
func (c *Client) learnMessages(obj any) {
	l, ok := c.peers.(messageLearner)
	if !ok {
		return
	}
	var msgs []tg.MessageClass
	var ups []tg.UpdateClass
	switch v := obj.(type) {
	case *tg.Updates:
		ups = v.Updates
	case *tg.UpdatesCombined:
		ups = v.Updates
	case *tg.UpdateShort:
		ups = []tg.UpdateClass{v.Update}
	case *tg.UpdateShortChatMessage:
		// The sender is named by id only: reachable through this message of the group.
		l.SeenIn(peers.UserKey(v.FromID), peers.ChatKey(v.ChatID), int32(v.ID))
	case *tg.MessagesMessages:
		msgs = v.Messages
	case *tg.MessagesMessagesSlice:
		msgs = v.Messages
	case *tg.MessagesChannelMessages:
		msgs = v.Messages
	}
	for _, m := range msgs {
		l.LearnMessage(m)
	}
	for _, u := range ups {
		switch u := u.(type) {
		case *tg.UpdateNewMessage:
			l.LearnMessage(u.Message)
		case *tg.UpdateNewChannelMessage:
			l.LearnMessage(u.Message)
		case *tg.UpdateEditMessage:
			l.LearnMessage(u.Message)
		case *tg.UpdateEditChannelMessage:
			l.LearnMessage(u.Message)
		}
	}
}
