package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// DeletedMessages tells that messages were deleted.
type DeletedMessages struct {
	// IDs are the ids of the deleted messages.
	IDs []int
	// Chat is the channel or supergroup the messages were in. It is nil for private chats and
	// basic groups, whose message ids are numbered per account: the update does not say the
	// chat there.
	Chat *Chat
	// Raw is the update the value was built from (*tg.UpdateDeleteMessages or
	// *tg.UpdateDeleteChannelMessages).
	Raw tg.UpdateClass
}

// NewDeletedMessages builds DeletedMessages from updateDeleteMessages or
// updateDeleteChannelMessages with the chats in e. It returns nil for any other update.
func NewDeletedMessages(u tg.UpdateClass, e Entities) *DeletedMessages {
	var ids []int32
	d := &DeletedMessages{Raw: u}
	switch u := u.(type) {
	case *tg.UpdateDeleteMessages:
		if u == nil {
			return nil
		}
		ids = u.Messages
	case *tg.UpdateDeleteChannelMessages:
		if u == nil {
			return nil
		}
		ids, d.Chat = u.Messages, e.Chat(&tg.PeerChannel{ChannelID: u.ChannelID})
	default:
		return nil
	}
	d.IDs = make([]int, len(ids))
	for i, id := range ids {
		d.IDs[i] = int(id)
	}
	return d
}
