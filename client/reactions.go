package mtgo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// NewMessageReactionHandler builds a handler of message reactions for AddHandler.
func NewMessageReactionHandler(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReaction, cb, func(ctx *Context) *types.MessageReaction { return ctx.MessageReaction }, fs)
}

// OnMessageReaction registers cb in group 0 for changes of a user's reactions to a message
// (updateBotMessageReaction).
func (c *Client) OnMessageReaction(cb func(*Context, *types.MessageReaction) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionHandler(cb, fs...))
}

// NewMessageReactionCountHandler builds a handler of reaction counts for AddHandler.
func NewMessageReactionCountHandler(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return handlerOf(kindMessageReactionCount, cb, func(ctx *Context) *types.MessageReactionCount { return ctx.MessageReactionCount }, fs)
}

// OnMessageReactionCount registers cb in group 0 for new reaction counts of messages in chats
// with anonymous reactions (updateBotMessageReactions).
func (c *Client) OnMessageReactionCount(cb func(*Context, *types.MessageReactionCount) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewMessageReactionCountHandler(cb, fs...))
}

// GetMessageReactionsList lists who reacted to message id of chat (anything ResolvePeer
// accepts), most recent first, with emoji only that reaction ("" for all), paged with the
// server's next_offset, up to 100 a request (messages.getMessageReactionsList). Breaking out
// of the loop stops the listing; an error is yielded once and ends it. Broadcast channels'
// reactions are anonymous: Telegram answers BROADCAST_FORBIDDEN.
func (c *Client) GetMessageReactionsList(ctx context.Context, chat any, id int, emoji string) iter.Seq2[*types.Reactor, error] {
	return func(yield func(*types.Reactor, error) bool) {
		id32, err := wireMessageID(id)
		if err != nil {
			yield(nil, fmt.Errorf("mtgo: get message reactions list: %w", err))
			return
		}
		peer, err := c.ResolvePeer(ctx, chat)
		if err != nil {
			yield(nil, err)
			return
		}
		req := &tg.MessagesGetMessageReactionsListRequest{Peer: peer, ID: id32, Limit: maxPage}
		if emoji != "" {
			req.Reaction = &tg.ReactionEmoji{Emoticon: emoji}
		}
		for range maxReactorPages {
			var res tg.MessagesMessageReactionsList
			if err := c.invoker().Invoke(ctx, req, &res); err != nil {
				yield(nil, fmt.Errorf("mtgo: get message reactions list: %w", err))
				return
			}
			e := types.NewEntities(res.Users, res.Chats)
			for _, r := range res.Reactions {
				if !yield(types.NewReactor(r, e), nil) {
					return
				}
			}
			next, ok := res.NextOffset.Get()
			if !ok || next == "" || len(res.Reactions) == 0 || (req.Offset.Set && next == req.Offset.Value) {
				return
			}
			req.Offset = tl.Some(next)
		}
	}
}

// maxReactorPages bounds a reactors listing (a server handing out offsets forever).
const maxReactorPages = 10000

// maxPaidStars is the most Stars one paid reaction may carry.
const maxPaidStars = 2500

// ErrPaidStars reports a paid reaction of a number of Stars outside 1..2500.
var ErrPaidStars = errors.New("mtgo: a paid reaction carries 1 to 2500 Stars")

// SendPaidReaction adds a paid reaction of stars Telegram Stars (1..2500) to post id of a
// broadcast channel (messages.sendPaidReaction); anonymous hides the account from the
// post's top reactors.
func (c *Client) SendPaidReaction(ctx context.Context, chat any, id int, stars int, anonymous bool) error {
	if stars < 1 || stars > maxPaidStars {
		return ErrPaidStars
	}
	id32, err := wireMessageID(id)
	if err != nil {
		return fmt.Errorf("mtgo: send paid reaction: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSendPaidReactionRequest{Peer: peer, MsgID: id32, Count: int32(stars), RandomID: paidRandomID()}
	if anonymous {
		req.Private = &tg.PaidReactionPrivacyAnonymous{}
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: send paid reaction: %w", err)
	}
	return nil
}

// paidRandomID is the random_id of a paid reaction: Telegram wants the current unix time in
// its upper 32 bits and random lower bits.
func paidRandomID() int64 {
	return time.Now().Unix()<<32 | randomID()&0xffffffff
}

// GetMessageReactions returns the reactions to messages ids of chat (anything ResolvePeer
// accepts) as the account sees them, in the order of ids: nil for a message without
// reactions or unknown to the server (messages.getMessagesReactions).
func (c *Client) GetMessageReactions(ctx context.Context, chat any, ids ...int) ([]*types.Reactions, error) {
	wire, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get message reactions: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesGetMessagesReactionsRequest{Peer: peer, ID: wire}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get message reactions: %w", err)
	}
	byID := make(map[int]*types.Reactions, len(ids))
	list, _, _, _ := updatesParts(res.Updates)
	for _, u := range list {
		if r, ok := u.(*tg.UpdateMessageReactions); ok && len(r.Reactions.Results) > 0 {
			byID[int(r.MsgID)] = types.NewReactions(&r.Reactions)
		}
	}
	out := make([]*types.Reactions, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}
