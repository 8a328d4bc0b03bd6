package mtgo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Changing a chat's settings. Basic groups and channels take different TL methods for the
// same change; each method here picks the right one.

// SetChatTitle renames a group or channel.
func (c *Client) SetChatTitle(ctx context.Context, chat any, title string) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		_, err = c.updated(ctx, "set chat title", &tg.ChannelsEditTitleRequest{Channel: p.channel, Title: title})
	case p.chat != 0:
		_, err = c.updated(ctx, "set chat title", &tg.MessagesEditChatTitleRequest{ChatID: p.chat, Title: title})
	default:
		err = fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
	}
	return err
}

// SetChatDescription changes the description of a group or channel.
func (c *Client) SetChatDescription(ctx context.Context, chat any, about string) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "set chat description", &tg.MessagesEditChatAboutRequest{Peer: p.in, About: about})
}

// SetChatPhoto sets the photo of a group or channel: photo is a local file path, a
// types.InputFile, an uploaded tg.InputFileClass, a tg.InputPhotoClass already on the server
// or a tg.InputChatPhotoClass.
func (c *Client) SetChatPhoto(ctx context.Context, chat, photo any) error {
	in, err := c.chatPhoto(ctx, photo)
	if err != nil {
		return err
	}
	return c.editChatPhoto(ctx, chat, in)
}

// DeleteChatPhoto removes the photo of a group or channel.
func (c *Client) DeleteChatPhoto(ctx context.Context, chat any) error {
	return c.editChatPhoto(ctx, chat, &tg.InputChatPhotoEmpty{})
}

func (c *Client) editChatPhoto(ctx context.Context, chat any, photo tg.InputChatPhotoClass) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	switch {
	case p.channel != nil:
		_, err = c.updated(ctx, "set chat photo", &tg.ChannelsEditPhotoRequest{Channel: p.channel, Photo: photo})
	case p.chat != 0:
		_, err = c.updated(ctx, "set chat photo", &tg.MessagesEditChatPhotoRequest{ChatID: p.chat, Photo: photo})
	default:
		err = fmt.Errorf("%w: %v", ErrGetChatNotChat, chat)
	}
	return err
}

// chatPhoto turns what SetChatPhoto takes into an input chat photo, uploading files.
func (c *Client) chatPhoto(ctx context.Context, photo any) (tg.InputChatPhotoClass, error) {
	var f tg.InputFileClass
	var err error
	switch p := photo.(type) {
	case tg.InputChatPhotoClass:
		return p, nil
	case tg.InputPhotoClass:
		return &tg.InputChatPhoto{ID: p}, nil
	case tg.InputFileClass:
		f = p
	case string:
		f, err = c.UploadFile(ctx, p)
	case types.InputFile:
		f, err = c.Upload(ctx, p.Reader, p.Size, p.Name)
	case *types.InputFile:
		f, err = c.Upload(ctx, p.Reader, p.Size, p.Name)
	default:
		return nil, fmt.Errorf("mtgo: chat photo: unsupported %T", photo)
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: chat photo: %w", err)
	}
	return &tg.InputChatUploadedPhoto{File: f}, nil
}

// SetChatUsername sets (or with "" removes) the main public username of a supergroup or
// channel.
func (c *Client) SetChatUsername(ctx context.Context, chat any, username string) error {
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "set chat username", &tg.ChannelsUpdateUsernameRequest{Channel: ch, Username: username})
}

// ReorderChatUsernames sets the order of the active usernames of a supergroup or channel.
func (c *Client) ReorderChatUsernames(ctx context.Context, chat any, order []string) error {
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "reorder chat usernames", &tg.ChannelsReorderUsernamesRequest{Channel: ch, Order: order})
}

// ToggleChatUsername activates or deactivates one (collectible) username of a supergroup or
// channel.
func (c *Client) ToggleChatUsername(ctx context.Context, chat any, username string, active bool) error {
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "toggle chat username", &tg.ChannelsToggleUsernameRequest{Channel: ch, Username: username, Active: active})
}

// SetChatPermissions sets the default permissions of a group's members.
func (c *Client) SetChatPermissions(ctx context.Context, chat any, perms types.ChatPermissions) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set chat permissions", &tg.MessagesEditChatDefaultBannedRightsRequest{
		Peer: p.in, BannedRights: perms.BannedRights(time.Time{}),
	})
	return err
}

// ErrSlowModeDelay reports a slow mode delay Telegram does not take: SetSlowMode refuses it
// before sending anything rather than send another.
var ErrSlowModeDelay = errors.New("mtgo: slow mode delay not one of 0, 10s, 30s, 1m, 5m, 15m, 1h")

// SetSlowMode sets the delay between two messages of a supergroup's members (0: off).
// Telegram accepts 0, 10s, 30s, 1m, 5m, 15m and 1h exactly; any other delay, a negative one or
// a fraction of a second included, is ErrSlowModeDelay.
func (c *Client) SetSlowMode(ctx context.Context, chat any, delay time.Duration) error {
	secs, err := slowModeSeconds(delay)
	if err != nil {
		return err
	}
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set slow mode", &tg.ChannelsToggleSlowModeRequest{Channel: ch, Seconds: secs})
	return err
}

// slowModeSeconds returns delay in seconds when Telegram takes it for slow mode, else
// ErrSlowModeDelay naming it.
func slowModeSeconds(delay time.Duration) (int32, error) {
	switch delay {
	case 0, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour:
		return int32(delay / time.Second), nil
	}
	return 0, fmt.Errorf("%w: %v", ErrSlowModeDelay, delay)
}

// SetProtectedContent forbids (or allows again) forwarding and saving the chat's messages.
func (c *Client) SetProtectedContent(ctx context.Context, chat any, enabled bool) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set protected content", &tg.MessagesToggleNoForwardsRequest{Peer: p.in, Enabled: enabled})
	return err
}

// SetChatHistoryHidden hides (or shows) the history from before they joined to a
// supergroup's new members.
func (c *Client) SetChatHistoryHidden(ctx context.Context, chat any, hidden bool) error {
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set history hidden", &tg.ChannelsTogglePreHistoryHiddenRequest{Channel: ch, Enabled: hidden})
	return err
}

// SetChatTTL sets the auto-delete period of new messages in chat (0: off), in whole seconds
// rounded down; a negative ttl or one past 2^31-1 seconds is ErrOutOfRange, refused before
// anything is sent.
func (c *Client) SetChatTTL(ctx context.Context, chat any, ttl time.Duration) error {
	secs, err := wirenum.Seconds("chat TTL", ttl, 0, math.MaxInt32)
	if err != nil {
		return fmt.Errorf("mtgo: set chat ttl: %w", err)
	}
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set chat ttl", &tg.MessagesSetHistoryTTLRequest{Peer: p.in, Period: secs})
	return err
}

// SetChatAvailableReactions sets the reactions members may use: the given emoji, all of them
// when all is set (custom emoji too when allowCustom), none when emoji is empty and all is
// not set.
func (c *Client) SetChatAvailableReactions(ctx context.Context, chat any, emoji []string, all, allowCustom bool) error {
	p, err := c.resolveChat(ctx, chat)
	if err != nil {
		return err
	}
	var r tg.ChatReactionsClass = &tg.ChatReactionsNone{}
	switch {
	case all:
		r = &tg.ChatReactionsAll{AllowCustom: allowCustom}
	case len(emoji) > 0:
		some := &tg.ChatReactionsSome{Reactions: make([]tg.ReactionClass, 0, len(emoji))}
		for _, e := range emoji {
			some.Reactions = append(some.Reactions, &tg.ReactionEmoji{Emoticon: e})
		}
		r = some
	}
	_, err = c.updated(ctx, "set chat reactions", &tg.MessagesSetChatAvailableReactionsRequest{Peer: p.in, AvailableReactions: r})
	return err
}

// SetChatSignatures turns on (or off) the authors' signatures under a channel's posts, and
// with profiles their profiles too.
func (c *Client) SetChatSignatures(ctx context.Context, chat any, enabled, profiles bool) error {
	ch, _, err := c.resolveChannel(ctx, chat, nil)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "set chat signatures", &tg.ChannelsToggleSignaturesRequest{Channel: ch, SignaturesEnabled: enabled, ProfilesEnabled: profiles})
	return err
}

// SetChatDiscussionGroup links a supergroup to a channel as its discussion group (group nil:
// unlink).
func (c *Client) SetChatDiscussionGroup(ctx context.Context, channel, group any) error {
	bc, _, err := c.resolveChannel(ctx, channel, nil)
	if err != nil {
		return err
	}
	var g tg.InputChannelClass = &tg.InputChannelEmpty{}
	if group != nil {
		if g, _, err = c.resolveChannel(ctx, group, nil); err != nil {
			return err
		}
	}
	return c.boolCall(ctx, "set discussion group", &tg.ChannelsSetDiscussionGroupRequest{Broadcast: bc, Group: g})
}

// ArchiveChat moves chat to the archive folder.
func (c *Client) ArchiveChat(ctx context.Context, chat any) error {
	return c.setFolder(ctx, chat, types.ArchiveFolderID)
}

// UnarchiveChat moves chat out of the archive.
func (c *Client) UnarchiveChat(ctx context.Context, chat any) error { return c.setFolder(ctx, chat, 0) }

func (c *Client) setFolder(ctx context.Context, chat any, folder int32) error {
	p, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	_, err = c.updated(ctx, "edit peer folder", &tg.FoldersEditPeerFoldersRequest{FolderPeers: []tg.InputFolderPeer{{Peer: p, FolderID: folder}}})
	return err
}

// MuteChat mutes the notifications of chat until the given time: the zero time, or one past
// 2038-01-19T03:14:07Z (the last date a request carries), mutes for ever; a time already past
// mutes nothing, as Telegram reads it, and one not after the Unix epoch (1901 and before
// included) goes out as 0, the same as UnmuteChat.
func (c *Client) MuteChat(ctx context.Context, chat any, until time.Time) error {
	var mu int32
	switch {
	case until.IsZero() || until.After(tgdate.Last):
		mu = math.MaxInt32
	case until.Unix() > 0:
		mu = int32(until.Unix()) // inside the range: after the epoch, not after tgdate.Last
	}
	return c.notify(ctx, chat, mu)
}

// UnmuteChat turns the notifications of chat back on.
func (c *Client) UnmuteChat(ctx context.Context, chat any) error { return c.notify(ctx, chat, 0) }

func (c *Client) notify(ctx context.Context, chat any, muteUntil int32) error {
	p, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "update notify settings", &tg.AccountUpdateNotifySettingsRequest{
		Peer: &tg.InputNotifyPeer{Peer: p}, Settings: tg.InputPeerNotifySettings{MuteUntil: tl.Some(muteUntil)},
	})
}

// MarkChatUnread marks chat as unread (or clears the mark).
func (c *Client) MarkChatUnread(ctx context.Context, chat any, unread bool) error {
	p, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "mark dialog unread", &tg.MessagesMarkDialogUnreadRequest{Unread: unread, Peer: &tg.InputDialogPeer{Peer: p}})
}

// PinChat pins chat at the top of the chat list (or unpins it).
func (c *Client) PinChat(ctx context.Context, chat any, pinned bool) error {
	p, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	return c.boolCall(ctx, "toggle dialog pin", &tg.MessagesToggleDialogPinRequest{Pinned: pinned, Peer: &tg.InputDialogPeer{Peer: p}})
}
