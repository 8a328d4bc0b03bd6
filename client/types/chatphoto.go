package types

import (
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatPhoto is the current profile photo of a user or chat, as the Bot API gives it: a small
// (160x160) and a big (640x640) file, each with its file id and unique file id.
type ChatPhoto struct {
	Small, Big File
	// PhotoID is the photo's id; DC the data center storing it.
	PhotoID int64
	DC      int
	// HasVideo is true for an animated profile photo.
	HasVideo bool
}

// NewChatPhoto builds the ChatPhoto of photo p (tg.UserProfilePhoto or tg.ChatPhoto) of the
// chat chatID (Bot API form: users positive, basic groups negative, channels -100...) with
// the chat's access hash. It returns nil for empty photos and other input.
func NewChatPhoto(p any, chatID, accessHash int64) *ChatPhoto {
	var id int64
	var dc int
	var video bool
	switch p := p.(type) {
	case *tg.UserProfilePhoto:
		if p == nil {
			return nil
		}
		id, dc, video = p.PhotoID, int(p.DCID), p.HasVideo
	case *tg.ChatPhoto:
		if p == nil {
			return nil
		}
		id, dc, video = p.PhotoID, int(p.DCID), p.HasVideo
	default:
		return nil
	}
	return &ChatPhoto{
		Small:   NewFile(fileid.FromChatPhoto(chatID, accessHash, id, dc, false), 0),
		Big:     NewFile(fileid.FromChatPhoto(chatID, accessHash, id, dc, true), 0),
		PhotoID: id, DC: dc, HasVideo: video,
	}
}

// ChatPhoto returns the user's current profile photo, nil when it has none or the user was
// not built from a tg.User.
func (u *User) ChatPhoto() *ChatPhoto {
	if u == nil || u.Raw == nil {
		return nil
	}
	return NewChatPhoto(u.Raw.Photo, u.ID, u.AccessHash)
}

// ChatPhoto returns the chat's current photo: the other user's for private chats (when the
// value came with the user), the group's or channel's otherwise; nil when there is none.
func (c *Chat) ChatPhoto() *ChatPhoto {
	if c == nil {
		return nil
	}
	switch r := c.Raw.(type) {
	case *tg.Chat:
		return NewChatPhoto(r.Photo, c.ID, 0)
	case *tg.Channel:
		return NewChatPhoto(r.Photo, c.ID, c.AccessHash)
	}
	return nil
}
