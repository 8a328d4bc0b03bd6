package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrForwardOption reports a send option that messages.forwardMessages has no field for (a
// reply markup, a link preview setting, a new caption): a forward or a copy would drop it.
var ErrForwardOption = errors.New("mtgo: option not available when forwarding or copying")

// ForwardMessages forwards messages ids of fromChat to toChat (both anything ResolvePeer
// accepts) with the header naming their origin, and returns the new messages in the order of
// ids. The send options apply except those the server cannot take with a forward
// (WithReplyMarkup, WithNoWebpage, WithInvertMedia, WithCaption: ErrForwardOption).
func (c *Client) ForwardMessages(ctx context.Context, toChat, fromChat any, ids []int, opts ...SendOption) ([]*types.Message, error) {
	return c.forward(ctx, toChat, fromChat, ids, false, opts)
}

// CopyMessage sends a copy of message id of fromChat to toChat: the same text or media, with
// no header naming its origin (messages.forwardMessages with drop_author, so every media
// kind is copied by the server without downloading it). WithCaption("") drops a media's
// caption; a new caption is ErrForwardOption (copy, then EditMessageCaption). The other
// options are as for ForwardMessages.
func (c *Client) CopyMessage(ctx context.Context, toChat, fromChat any, id int, opts ...SendOption) (*types.Message, error) {
	msgs, err := c.forward(ctx, toChat, fromChat, []int{id}, true, opts)
	if err != nil {
		return nil, err
	}
	return msgs[0], nil
}

// forward is ForwardMessages, or CopyMessage when drop is set.
func (c *Client) forward(ctx context.Context, toChat, fromChat any, ids []int, drop bool, opts []SendOption) ([]*types.Message, error) {
	p := option.CollectSend(opts)
	if err := forwardable(p, drop); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	to, err := c.ResolvePeer(ctx, toChat)
	if err != nil {
		return nil, err
	}
	from, err := c.ResolvePeer(ctx, fromChat)
	if err != nil {
		return nil, err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesForwardMessagesRequest{
		FromPeer: from, ToPeer: to, ID: make([]int32, len(ids)), RandomID: make([]int64, len(ids)),
		DropAuthor: drop, DropMediaCaptions: drop && p.CaptionSet,
	}
	for i, id := range ids {
		req.ID[i], req.RandomID[i] = int32(id), randomID()
	}
	out.toForward(req)
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: forward messages: %w", err)
	}
	msgs, err := findAllSent(clientAPI{c: c}, res.Updates, req.RandomID)
	for _, m := range msgs {
		c.msgCache.add(m)
	}
	return msgs, err
}

// forwardable checks that the options fit messages.forwardMessages.
func forwardable(p option.SendParams, drop bool) error {
	switch {
	case p.ReplyMarkup != nil:
		return fmt.Errorf("%w: reply markup", ErrForwardOption)
	case p.NoWebpage:
		return fmt.Errorf("%w: no webpage", ErrForwardOption)
	case p.InvertMedia:
		return fmt.Errorf("%w: invert media", ErrForwardOption)
	case p.CaptionSet && (!drop || p.Caption != ""):
		return fmt.Errorf("%w: caption", ErrForwardOption)
	}
	return nil
}

// PinChatMessage pins message id in chat (anything ResolvePeer accepts). WithSilent pins
// without notifying the members; WithPinOneSide pins a private chat's message for the
// account only.
func (c *Client) PinChatMessage(ctx context.Context, chat any, id int, opts ...PinOption) error {
	return c.pin(ctx, chat, id, false, opts)
}

// UnpinChatMessage unpins message id in chat.
func (c *Client) UnpinChatMessage(ctx context.Context, chat any, id int) error {
	return c.pin(ctx, chat, id, true, nil)
}

func (c *Client) pin(ctx context.Context, chat any, id int, unpin bool, opts []PinOption) error {
	p := option.CollectPin(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesUpdatePinnedMessageRequest{Peer: ip, ID: int32(id), Unpin: unpin, Silent: p.Silent, PmOneside: p.OneSide}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: pin message: %w", err)
	}
	return nil
}

// SendReaction sets the account's reactions to message id in chat to emoji (each a plain
// emoji, "👍"); no emoji removes them.
func (c *Client) SendReaction(ctx context.Context, chat any, id int, emoji ...string) error {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSendReactionRequest{Peer: ip, MsgID: int32(id)}
	for _, e := range emoji {
		req.Reaction = append(req.Reaction, &tg.ReactionEmoji{Emoticon: e})
	}
	var res tg.UpdatesClassBox
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return fmt.Errorf("mtgo: send reaction: %w", err)
	}
	return nil
}

// findAllSent returns the messages a forward produced, in the order of randomIDs.
func findAllSent(api types.API, u tg.UpdatesClass, randomIDs []int64) ([]*types.Message, error) {
	list, users, chats, ok := updatesParts(u)
	if !ok {
		return nil, ErrNoMessageUpdates
	}
	ids := make(map[int64]int32, len(randomIDs))
	for _, up := range list {
		if m, ok := up.(*tg.UpdateMessageID); ok {
			ids[m.RandomID] = m.ID
		}
	}
	byID := make(map[int32]*tg.Message, len(randomIDs))
	eachMessage(list, func(m *tg.Message) bool {
		byID[m.ID] = m
		return true
	})
	e := types.NewEntities(users, chats)
	out := make([]*types.Message, 0, len(randomIDs))
	for _, rid := range randomIDs {
		raw, ok := byID[ids[rid]]
		if !ok {
			return out, ErrNoMessageUpdates
		}
		out = append(out, types.NewMessage(api, raw, e))
	}
	return out, nil
}

// ForwardMessage implements types.API.
func (a clientAPI) ForwardMessage(ctx context.Context, to any, from tg.InputPeerClass, id int, drop bool, opts ...SendOption) (*types.Message, error) {
	msgs, err := a.c.forward(ctx, to, from, []int{id}, drop, opts)
	if err != nil {
		return nil, err
	}
	return msgs[0], nil
}

// Pin implements types.API.
func (a clientAPI) Pin(ctx context.Context, peer tg.InputPeerClass, id int, unpin bool, opts ...PinOption) error {
	return a.c.pin(ctx, peer, id, unpin, opts)
}

// React implements types.API.
func (a clientAPI) React(ctx context.Context, peer tg.InputPeerClass, id int, emoji ...string) error {
	return a.c.SendReaction(ctx, peer, id, emoji...)
}
