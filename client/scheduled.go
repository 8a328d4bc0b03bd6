package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Scheduled messages: any send with WithSchedule(t) is kept by Telegram until t; these list,
// send early and delete them. Scheduled messages have ids of their own, apart from the chat's.

// ErrNoMessageIDs reports a call that needs message ids given none.
var ErrNoMessageIDs = errors.New("mtgo: no message ids given")

// GetScheduledMessages returns the account's scheduled messages in chat (anything
// ResolvePeer accepts): those ids, or every one (latest date first) when ids are omitted.
func (c *Client) GetScheduledMessages(ctx context.Context, chat any, ids ...int) ([]*types.Message, error) {
	list, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get scheduled messages: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	var req tg.TLObject = &tg.MessagesGetScheduledHistoryRequest{Peer: ip}
	if len(ids) > 0 {
		req = &tg.MessagesGetScheduledMessagesRequest{Peer: ip, ID: list}
	}
	var res tg.MessagesMessagesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get scheduled messages: %w", err)
	}
	pg := pageOf(res.MessagesMessages)
	e := types.NewEntities(pg.users, pg.chats)
	api := clientAPI{c: c}
	out := make([]*types.Message, 0, len(pg.msgs))
	for _, raw := range pg.msgs {
		if m := types.NewMessage(api, raw, e); m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// SendScheduledMessagesNow sends the scheduled messages ids of chat at once and returns them
// as sent (new ids, in the chat's history).
func (c *Client) SendScheduledMessagesNow(ctx context.Context, chat any, ids ...int) ([]*types.Message, error) {
	res, err := c.scheduledCall(ctx, "send scheduled messages", chat, ids, func(ip tg.InputPeerClass, ids []int32) tg.TLObject {
		return &tg.MessagesSendScheduledMessagesRequest{Peer: ip, ID: ids}
	})
	if err != nil {
		return nil, err
	}
	list, users, chats, _ := updatesParts(res)
	e := types.NewEntities(users, chats)
	api := clientAPI{c: c}
	var out []*types.Message
	eachMessage(list, func(raw *tg.Message) bool {
		if m := types.NewMessage(api, raw, e); m != nil {
			c.msgCache.add(m)
			out = append(out, m)
		}
		return true
	})
	return out, nil
}

// DeleteScheduledMessages deletes the scheduled messages ids of chat before they are sent.
func (c *Client) DeleteScheduledMessages(ctx context.Context, chat any, ids ...int) error {
	_, err := c.scheduledCall(ctx, "delete scheduled messages", chat, ids, func(ip tg.InputPeerClass, ids []int32) tg.TLObject {
		return &tg.MessagesDeleteScheduledMessagesRequest{Peer: ip, ID: ids}
	})
	return err
}

// scheduledCall resolves chat and makes the call mk builds for ids, which must not be empty.
func (c *Client) scheduledCall(ctx context.Context, what string, chat any, ids []int, mk func(tg.InputPeerClass, []int32) tg.TLObject) (tg.UpdatesClass, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("mtgo: %s: %w", what, ErrNoMessageIDs)
	}
	list, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.updated(ctx, what, mk(ip, list))
}
