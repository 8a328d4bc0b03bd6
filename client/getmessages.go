package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrNotMediaGroup reports a GetMediaGroup or CopyMediaGroup of a message that belongs to
// no album.
var ErrNotMediaGroup = errors.New("mtgo: the message is not part of a media group")

// maxGetMessages is the most ids one messages.getMessages takes.
const maxGetMessages = 100

// GetMessages returns messages ids of chat (anything ResolvePeer accepts) in the order of
// ids, leaving out those that do not exist (messages.getMessages, channels.getMessages in
// channels, 100 ids per request).
func (c *Client) GetMessages(ctx context.Context, chat any, ids ...int) ([]*types.Message, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.getMessages(ctx, peer, ids)
}

func (c *Client) getMessages(ctx context.Context, peer tg.InputPeerClass, ids []int) ([]*types.Message, error) {
	wire, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get messages: %w", err)
	}
	out := make([]*types.Message, 0, len(ids))
	api := clientAPI{c: c}
	for chunk := range slices.Chunk(wire, maxGetMessages) {
		in := make([]tg.InputMessageClass, len(chunk))
		for i, id := range chunk {
			in[i] = &tg.InputMessageID{ID: id}
		}
		var req tl.Encoder = &tg.MessagesGetMessagesRequest{ID: in}
		if ch, ok := peer.(*tg.InputPeerChannel); ok {
			req = &tg.ChannelsGetMessagesRequest{Channel: &tg.InputChannel{ChannelID: ch.ChannelID, AccessHash: ch.AccessHash}, ID: in}
		}
		var res tg.MessagesMessagesClassBox
		if err := c.invoker().Invoke(ctx, req, &res); err != nil {
			return out, fmt.Errorf("mtgo: get messages: %w", err)
		}
		pg := pageOf(res.MessagesMessages)
		e := types.NewEntities(pg.users, pg.chats)
		for _, raw := range pg.msgs {
			if m := types.NewMessage(api, raw, e); m != nil {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// mediaGroupSpan is how far from a message its album's other items can be: an album holds
// at most 10 items with consecutive ids.
const mediaGroupSpan = 9

// GetMediaGroup returns the album message id of chat belongs to, its items in order, or
// ErrNotMediaGroup. It reads the ids around the message (an album's items have consecutive
// ids) in one request.
func (c *Client) GetMediaGroup(ctx context.Context, chat any, id int) ([]*types.Message, error) {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	return c.mediaGroup(ctx, peer, id)
}

func (c *Client) mediaGroup(ctx context.Context, peer tg.InputPeerClass, id int) ([]*types.Message, error) {
	ids := make([]int, 0, 2*mediaGroupSpan+1)
	for i := max(1, id-mediaGroupSpan); i <= id+mediaGroupSpan; i++ {
		ids = append(ids, i)
	}
	msgs, err := c.getMessages(ctx, peer, ids)
	if err != nil {
		return nil, err
	}
	var group int64
	for _, m := range msgs {
		if m.ID == id {
			group = m.MediaGroupID
		}
	}
	if group == 0 {
		return nil, fmt.Errorf("%w: message %d", ErrNotMediaGroup, id)
	}
	return slices.DeleteFunc(msgs, func(m *types.Message) bool { return m.MediaGroupID != group }), nil
}

// GetDiscussionMessage returns the first message of the thread message id of chat belongs to:
// for a channel post, its copy in the discussion group (messages.getDiscussionMessage).
func (c *Client) GetDiscussionMessage(ctx context.Context, chat any, id int) (*types.Message, error) {
	id32, err := wireMessageID(id)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get discussion message: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	var res tg.MessagesDiscussionMessage
	if err := c.invoker().Invoke(ctx, &tg.MessagesGetDiscussionMessageRequest{Peer: peer, MsgID: id32}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get discussion message: %w", err)
	}
	e := types.NewEntities(res.Users, res.Chats)
	for _, raw := range res.Messages {
		if m := types.NewMessage(clientAPI{c: c}, raw, e); m != nil {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w: discussion of message %d", ErrNoMessage, id)
}

// GetDiscussionReplies lists the replies to message id of chat (its thread, or the comments
// of a channel post), newest first, paged like GetChatHistory (messages.getReplies).
// Options: WithLimit, WithPageSize, WithOffsetID, WithOffsetDate, WithIDRange.
func (c *Client) GetDiscussionReplies(ctx context.Context, chat any, id int, opts ...HistoryOption) iter.Seq2[*types.Message, error] {
	p := collectHistory(opts)
	id32, err := wireMessageID(id)
	if err != nil {
		return func(yield func(*types.Message, error) bool) {
			yield(nil, fmt.Errorf("mtgo: get discussion replies: %w", err))
		}
	}
	return c.listing(ctx, chat, p, func(peer tg.InputPeerClass, cur pageCursor, date int32, limit int) tl.Encoder {
		return &tg.MessagesGetRepliesRequest{
			Peer: peer, MsgID: id32, OffsetID: cur.offsetID(p), OffsetDate: date,
			Limit: int32(limit), MaxID: int32(p.maxID), MinID: int32(p.minID),
		}
	})
}

// GetDiscussionRepliesCount returns how many replies message id of chat has.
func (c *Client) GetDiscussionRepliesCount(ctx context.Context, chat any, id int) (int, error) {
	id32, err := wireMessageID(id)
	if err != nil {
		return 0, fmt.Errorf("mtgo: discussion replies count: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return 0, err
	}
	return c.count(ctx, "discussion replies count", &tg.MessagesGetRepliesRequest{Peer: peer, MsgID: id32, Limit: 1})
}
