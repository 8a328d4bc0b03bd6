package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrChannelDeleteForMe reports DeleteMessagesForMe in a channel or supergroup, whose
// messages Telegram deletes for every member or not at all.
var ErrChannelDeleteForMe = errors.New("mtgo: channel messages cannot be deleted for one member only")

// DeleteMessagesForMe deletes messages ids of a private chat or basic group (anything
// ResolvePeer accepts) for the account only: the other members keep them
// (messages.deleteMessages without revoke). It returns how many were deleted.
// DeleteMessages deletes for everyone.
func (c *Client) DeleteMessagesForMe(ctx context.Context, chat any, ids ...int) (int, error) {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	return c.deleteMessagesAs(ctx, ip, ids, false)
}

// deleteMessagesAs deletes ids of peer, for everyone when revoke is set (always in channels).
func (c *Client) deleteMessagesAs(ctx context.Context, peer tg.InputPeerClass, ids []int, revoke bool) (int, error) {
	list, err := wireMessageIDs(ids)
	if err != nil {
		return 0, fmt.Errorf("mtgo: delete messages: %w", err)
	}
	var req tl.Encoder = &tg.MessagesDeleteMessagesRequest{Revoke: revoke, ID: list}
	if p, ok := peer.(*tg.InputPeerChannel); ok {
		if !revoke {
			return 0, ErrChannelDeleteForMe
		}
		req = &tg.ChannelsDeleteMessagesRequest{
			Channel: &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}, ID: list,
		}
	}
	var res tg.MessagesAffectedMessages
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return 0, fmt.Errorf("mtgo: delete messages: %w", err)
	}
	return int(res.PtsCount), nil
}

// maxHistoryRounds bounds the repeats of messages.deleteHistory (each deletes a part of the
// history and says with its offset that more remains).
const maxHistoryRounds = 1000

// DeleteChatHistory deletes the messages of chat (anything ResolvePeer accepts) up to
// maxID (0: all of them) and returns how many went. In private chats and basic groups it is
// messages.deleteHistory, repeated while the server reports more to delete; revoke deletes
// them for the other party too (private chats). In channels and supergroups it is
// channels.deleteHistory, for every member when revoke is set (admins).
func (c *Client) DeleteChatHistory(ctx context.Context, chat any, maxID int, revoke bool) (int, error) {
	max32, err := wireMaxMessageID(maxID)
	if err != nil {
		return 0, fmt.Errorf("mtgo: delete chat history: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	if ch, ok := peer.(*tg.InputPeerChannel); ok {
		req := &tg.ChannelsDeleteHistoryRequest{
			ForEveryone: revoke, Channel: &tg.InputChannel{ChannelID: ch.ChannelID, AccessHash: ch.AccessHash}, MaxID: max32,
		}
		var res tg.UpdatesClassBox
		if err := c.invoker().Invoke(ctx, req, &res); err != nil {
			return 0, fmt.Errorf("mtgo: delete chat history: %w", err)
		}
		n := 0
		list, _, _, _ := updatesParts(res.Updates)
		for _, u := range list {
			if d, ok := u.(*tg.UpdateDeleteChannelMessages); ok {
				n += len(d.Messages)
			}
		}
		return n, nil
	}
	total := 0
	for range maxHistoryRounds {
		var res tg.MessagesAffectedHistory
		req := &tg.MessagesDeleteHistoryRequest{Peer: peer, MaxID: max32, Revoke: revoke}
		if err := c.invoker().Invoke(ctx, req, &res); err != nil {
			return total, fmt.Errorf("mtgo: delete chat history: %w", err)
		}
		total += int(res.PtsCount)
		if res.Offset <= 0 {
			break
		}
	}
	return total, nil
}
